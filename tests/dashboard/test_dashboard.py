"""The dashboard in a real browser, through the gateway, against the real services (issue 7).

Each page is also saved as a screenshot at 1280 px and 390 px wide (test-artifacts/)."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from playwright.async_api import Page, expect

from tests.dashboard.conftest import NewContext, screenshot, sign_in
from tests.dashboard.helpers import (
    Org,
    active_connection,
    inquiry,
    share_token,
    webhook_sink,
)

pytestmark = pytest.mark.e2e


@pytest.fixture
def new_org(org_factory: Any, client: Any) -> Any:
    def make(role: str) -> Org:
        name = f"{role.capitalize()} {uuid.uuid4().hex[:6]}"
        created = org_factory(name)
        return Org(created["id"], name, created["api-key"], client(created["api-key"]))

    return make


async def test_share_a_token_from_connection_to_redemption(
    new_context: NewContext, new_org: Any
) -> None:
    source, destination = new_org("source"), new_org("destination")
    inquiry_id = await inquiry(source, **{"name-first": "Ada", "birthdate": "1990-01-02"})
    src_ctx, dst_ctx = await new_context(), await new_context()

    sign_in_page = await src_ctx.new_page()
    await sign_in_page.goto("/dashboard/sign-in")
    await screenshot(sign_in_page, "sign-in")
    src = await sign_in(src_ctx, source.key)
    await expect(src.get_by_role("banner")).to_contain_text(source.name)

    async with webhook_sink() as sink:
        # A webhook made in the UI: the secret is shown once, with a copy button.
        await src.goto("/dashboard/webhooks")
        await src.get_by_label("Endpoint URL").fill(sink.url)
        await screenshot(src, "webhooks")
        await src.get_by_role("button", name="Add webhook").click()
        await expect(src.locator("#webhook-secret")).to_contain_text("wbhsec_")
        await expect(src.get_by_role("button", name="Copy")).to_be_visible()
        await screenshot(src, "webhook-secret")
        await src.get_by_role("link", name="Continue to the webhook").click()
        webhook_url = src.url

        # The source asks for a connection; the destination accepts it in its own browser.
        await src.goto("/dashboard/connections")
        await src.get_by_label("Destination organization id").fill(destination.id)
        await src.get_by_role("button", name="Create connection").click()
        await expect(src.get_by_role("heading", name=re.compile("Status"))).to_contain_text(
            "pending"
        )
        connection_url = src.url
        dst = await sign_in(dst_ctx, destination.key)
        await dst.goto("/dashboard/connections")
        row = dst.get_by_role("row").filter(has_text=source.name)
        await screenshot(dst, "connections")
        await row.get_by_role("button", name="Accept").click()
        await expect(dst.get_by_role("heading", name=re.compile("Status"))).to_contain_text(
            "active"
        )
        await src.goto(connection_url)
        await expect(src.get_by_role("heading", name=re.compile("Status"))).to_contain_text(
            "active"
        )
        await screenshot(src, "connection")

        # The source issues a token from the form.
        await src.goto("/dashboard/share-tokens/new")
        await src.get_by_label("Connection").select_option(index=1)
        await src.get_by_label("Source object").fill(inquiry_id)
        await src.get_by_label("Expires in (seconds)").fill("3600")
        await screenshot(src, "share-token-new")
        await src.get_by_role("button", name="Create share token").click()
        await src.wait_for_url(re.compile(r"/dashboard/share-tokens/cnst_"))
        token_id = src.url.rsplit("/", 1)[1]
        await expect(src.locator("#token-status")).to_have_text("created")
        await screenshot(src, "share-token-outbound")

        # The destination sees it inbound, peeks, and redeems.
        await dst.goto("/dashboard/share-tokens?direction=inbound")
        await expect(dst.get_by_role("link", name=token_id)).to_be_visible()
        await screenshot(dst, "share-tokens")
        await dst.get_by_role("link", name=token_id).click()
        await dst.get_by_role("link", name="Peek at the source data").click()
        await expect(dst.locator("#source-data")).to_contain_text("Ada")
        await screenshot(dst, "share-token-inbound-peek")

        await src.evaluate("window.notReloaded = true")
        await dst.get_by_role("button", name="Redeem").click()
        await expect(dst.get_by_role("status")).to_contain_text("Redemption started")
        await expect(dst.locator("#token-status")).to_have_text("redeemed")
        # The source's page, open since the token was made, follows without a reload.
        await expect(src.locator("#token-status")).to_have_text("redeemed")
        assert await src.evaluate("window.notReloaded === true")
        await screenshot(dst, "share-token-redeemed")

        # The webhook's attempt log shows the token's deliveries, and one can be resent.
        await src.goto(webhook_url)
        attempts = src.locator("#attempts")
        for _ in range(30):
            if await attempts.count() and "outbound-redeemed" in await attempts.inner_text():
                break
            await src.wait_for_timeout(500)
            await src.reload()
        await expect(attempts).to_contain_text("connect/share-token.outbound-created")
        await expect(attempts).to_contain_text("connect/share-token.outbound-redeemed")
        await screenshot(src, "webhook")
        assert sink.received
        await attempts.get_by_role("button", name="Resend").first.click()
        await expect(src.get_by_role("status")).to_contain_text("scheduled for delivery again")


async def test_form_errors_show_next_to_the_field_and_create_nothing(
    new_context: NewContext, new_org: Any
) -> None:
    source, destination = new_org("source"), new_org("destination")
    connection_id = await active_connection(source, destination)
    own = await inquiry(source, **{"name-first": "Ada"})
    theirs = await inquiry(destination, **{"name-first": "Eve"})
    page = await sign_in(await new_context(), source.key)

    async def submit(source_id: str, ttl: str) -> None:
        await page.goto("/dashboard/share-tokens/new")
        await page.get_by_label("Connection").select_option(connection_id)
        await page.get_by_label("Source object").fill(source_id)
        await page.get_by_label("Expires in (seconds)").fill(ttl)
        await page.get_by_role("button", name="Create share token").click()

    await submit(own, "30")
    ttl = page.get_by_label("Expires in (seconds)")
    await expect(ttl).to_have_attribute("aria-invalid", "true")
    await expect(page.locator("#f-expires-in-seconds-error")).to_contain_text("60 seconds")
    await expect(ttl).to_have_value("30")
    await screenshot(page, "share-token-new-errors")

    await submit("foo_123", "3600")
    await expect(page.locator("#f-source-id-error")).to_contain_text("inq_")
    await expect(page.get_by_label("Source object")).to_have_attribute("aria-invalid", "true")

    await submit(theirs, "3600")
    await expect(page.locator("#f-source-id-error")).to_contain_text("No such object")

    await page.goto("/dashboard/connections")
    await page.get_by_label("Destination organization id").fill("org_doesnotexist")
    await page.get_by_role("button", name="Create connection").click()
    await expect(page.locator("#f-destination-organization-id-error")).to_contain_text(
        "No such destination organization"
    )

    tokens = await source.api.get("/connect/share-tokens")
    assert tokens.status == 200 and tokens.body["data"] == []
    connections = await source.api.get("/connect/connections")
    assert [c["id"] for c in connections.body["data"]] == [connection_id]


async def test_other_organizations_token_is_a_404_page_and_posts_need_the_csrf_token(
    new_context: NewContext, new_org: Any
) -> None:
    source, destination, stranger = new_org("source"), new_org("destination"), new_org("other")
    connection_id = await active_connection(source, destination)
    token_id = await share_token(source, connection_id, await inquiry(source, name="Ada"))

    outsider = await sign_in(await new_context(), stranger.key)
    answer = await outsider.goto(f"/dashboard/share-tokens/{token_id}")
    assert answer is not None and answer.status == 404
    await expect(outsider.get_by_role("heading", level=1)).to_have_text("Not found")
    await expect(outsider.locator("body")).not_to_contain_text(source.id)
    await screenshot(outsider, "not-found")

    src_ctx = await new_context()
    src = await sign_in(src_ctx, source.key)
    await src.goto(f"/dashboard/share-tokens/{token_id}")
    csrf = await src.locator("input[name=csrf_token]").first.input_value()
    forged = {
        f"/dashboard/share-tokens/{token_id}/expire": "issuer",
        f"/dashboard/share-tokens/{token_id}/redeem": "redeemer",
        "/dashboard/webhooks": "notifier",
    }
    for path in forged:
        refused = await src_ctx.request.post(path, form={"url": "http://127.0.0.1/x"})
        assert refused.status == 403, (path, refused.status)
        assert "Forbidden" in await refused.text()
        wrong = await src_ctx.request.post(path, form={"csrf_token": csrf + "x"})
        assert wrong.status == 403, (path, wrong.status)
    still = await source.api.get(f"/connect/share-tokens/{token_id}")
    assert still.body["data"]["attributes"]["status"] == "created"
    hooks = await source.api.get("/webhooks")
    assert hooks.body["data"] == []

    # With the token the same expire works; signing out ends the session everywhere.
    await src.get_by_role("button", name="Expire now").click()
    await expect(src.locator("#token-status")).to_have_text("expired")
    await src.get_by_role("button", name="Sign out").click()
    await src.wait_for_url(re.compile(r"/dashboard/sign-in$"))
    await src.goto("/dashboard/webhooks")
    await src.wait_for_url(re.compile(r"/dashboard/sign-in$"))


async def test_an_archived_webhook_shows_archived_and_offers_no_enable(
    new_context: NewContext, new_org: Any
) -> None:
    owner = new_org("archiver")
    body = {"data": {"attributes": {"url": "http://127.0.0.1:9/hook"}}}
    hook_id = (await owner.api.post("/webhooks", body)).body["data"]["id"]
    disabled_body = {"data": {"attributes": {"url": "http://127.0.0.1:9/other"}}}
    disabled_id = (await owner.api.post("/webhooks", disabled_body)).body["data"]["id"]
    assert (await owner.api.post(f"/webhooks/{hook_id}/archive")).status == 200
    assert (await owner.api.post(f"/webhooks/{disabled_id}/disable")).status == 200

    page = await sign_in(await new_context(), owner.key)
    await page.goto("/dashboard/webhooks")
    archived_row = page.locator("tr", has_text=hook_id)
    await expect(archived_row.locator(".badge")).to_have_text("archived")
    await expect(page.locator("tr", has_text=disabled_id).locator(".badge")).to_have_text(
        "disabled"
    )
    await page.goto(f"/dashboard/webhooks/{hook_id}")
    await expect(page.locator("#facts-title .badge")).to_have_text("archived")
    await expect(page.get_by_text("Archived", exact=True)).to_be_visible()
    await expect(page.get_by_role("button", name="Enable")).to_have_count(0)
    await screenshot(page, "webhook-archived")


async def test_a_revoked_key_ends_its_dashboard_session(
    new_context: NewContext, org_factory: Any
) -> None:
    from tests.support.admin import revoke_key

    created = org_factory(f"Revoked {uuid.uuid4().hex[:6]}")
    page: Page = await sign_in(await new_context(), created["api-key"])
    revoke_key(created["api-key-id"])
    await page.goto("/dashboard/connections")
    await page.wait_for_url(re.compile(r"/dashboard/sign-in$"))
    await expect(page.get_by_role("alert")).to_contain_text("no longer valid")


async def test_a_workflow_made_in_the_form_runs_and_shows_its_runs(
    new_context: NewContext, new_org: Any
) -> None:
    source, destination = new_org("source"), new_org("destination")
    connection_id = await active_connection(source, destination)
    page = await sign_in(await new_context(), source.key)

    async def submit(ttl: str) -> None:
        await page.goto("/dashboard/workflows")
        await page.get_by_label("Name").fill("share new inquiries")
        await page.get_by_label("When this event happens").select_option("inquiry.created")
        await page.get_by_label("Connection").select_option(connection_id)
        await page.get_by_label("Expires in (seconds)").fill(ttl)
        await page.get_by_role("button", name="Create workflow").click()

    await submit("30")
    await expect(page.locator("#f-expires-in-seconds-error")).to_contain_text("60 seconds")
    listed = await source.api.get("/workflows")
    assert listed.body["data"] == []
    await screenshot(page, "workflows")

    await submit("3600")
    await page.wait_for_url(re.compile(r"/dashboard/workflows/wfl_"))
    await inquiry(source, **{"name-first": "Ada"})
    runs = page.locator("main")
    for _ in range(40):
        if "cnst_" in await runs.inner_text():
            break
        await page.wait_for_timeout(500)
        await page.reload()
    await expect(runs.get_by_role("link", name=re.compile("^cnst_"))).to_be_visible()
    await screenshot(page, "workflow")
