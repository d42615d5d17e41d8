"""Signing out ends the session on the server: a copy of the old cookie is worthless at once
(contract section 5 / issue 11). In the production profile the cookie is ``Secure``.

The issuer under test runs in the production profile over plain http on 127.0.0.1, which
Chromium treats as a potentially trustworthy origin: it keeps and sends ``Secure`` cookies
there, so these tests drive the real production cookie."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from playwright.async_api import expect

from tests.dashboard.conftest import NewContext, sign_in
from tests.support.services import ServiceProcess

pytestmark = pytest.mark.e2e

COOKIE = "connect_dashboard"


async def test_after_sign_out_the_old_cookie_is_sent_back_to_sign_in(
    new_context: NewContext, org_factory: Any
) -> None:
    created = org_factory(f"Signed out {uuid.uuid4().hex[:6]}")
    context = await new_context()
    page = await sign_in(context, created["api-key"])
    (stolen,) = [c for c in await context.cookies() if c["name"] == COOKIE]

    # The copy works while the session lasts, in another browser too.
    thief = await new_context()
    await thief.add_cookies([stolen])  # type: ignore[list-item]
    copy = await thief.new_page()
    await copy.goto("/dashboard/connections")
    await expect(copy).to_have_url(re.compile(r"/dashboard/connections$"))

    await page.get_by_role("button", name="Sign out").click()
    await page.wait_for_url(re.compile(r"/dashboard/sign-in$"))

    for path in ("/dashboard/connections", "/dashboard/share-tokens", "/dashboard/webhooks"):
        await copy.goto(path)
        await copy.wait_for_url(re.compile(r"/dashboard/sign-in$"))


async def test_the_session_cookie_is_secure_and_http_only_in_production(
    new_context: NewContext, org_factory: Any, services: dict[str, ServiceProcess]
) -> None:
    assert services["issuer"].env.get("ISSUER_PROFILE", "production") == "production"
    created = org_factory(f"Secure {uuid.uuid4().hex[:6]}")
    context = await new_context()
    await sign_in(context, created["api-key"])
    (cookie,) = [c for c in await context.cookies() if c["name"] == COOKIE]
    assert cookie["secure"] is True
    assert cookie["httpOnly"] is True
    assert cookie["sameSite"] == "Lax"
