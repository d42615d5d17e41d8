"""Browser fixtures: one headless Chromium (Debian's, never a downloaded build) per session,
a fresh context per signed-in organization, and page screenshots at two widths."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
from playwright.async_api import Browser, BrowserContext, Page, async_playwright

from tests.support.ports import GATEWAY_URL
from tests.support.services import ROOT, ServiceProcess

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
WIDE, NARROW = {"width": 1280, "height": 900}, {"width": 390, "height": 844}
WAIT_MS = 15_000


@pytest.fixture(scope="session")
async def browser(services: dict[str, ServiceProcess]) -> AsyncIterator[Browser]:
    """One Chromium for the whole session."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make install` installs Debian's chromium")
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True, timeout=30_000
        )
        yield launched
        await launched.close()


NewContext = Callable[[], Awaitable[BrowserContext]]


@pytest.fixture
async def new_context(browser: Browser) -> AsyncIterator[NewContext]:
    """``await new_context()`` -> a fresh cookie jar (one per organization), closed after."""
    made: list[BrowserContext] = []

    async def make() -> BrowserContext:
        context = await browser.new_context(base_url=GATEWAY_URL, viewport=WIDE)  # type: ignore[arg-type]
        context.set_default_timeout(WAIT_MS)
        made.append(context)
        return context

    yield make
    for context in made:
        await context.close()


async def sign_in(context: BrowserContext, api_key: str) -> Page:
    """A page signed in with ``api_key``, on the share-token list."""
    page = await context.new_page()
    await page.goto("/dashboard/sign-in")
    await page.get_by_label("API key").fill(api_key)
    await page.get_by_role("button", name="Sign in").click()
    await page.wait_for_url(re.compile(r"/dashboard/share-tokens$"))
    return page


async def screenshot(page: Page, name: str) -> None:
    """``<name>-1280.png`` and ``<name>-390.png`` of the whole page."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=SCREENSHOTS / f"{name}-1280.png", full_page=True)
    await page.set_viewport_size(NARROW)  # type: ignore[arg-type]
    await page.screenshot(path=SCREENSHOTS / f"{name}-390.png", full_page=True)
    await page.set_viewport_size(WIDE)  # type: ignore[arg-type]
