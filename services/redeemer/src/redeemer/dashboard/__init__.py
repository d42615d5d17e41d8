"""The redeemer's dashboard route: the redeem form on an inbound token's page (served by the
issuer) posts here; the same :class:`RedeemService` as the API moves the token to ``pending``,
then the browser goes back to the token's page, which follows the status live."""

from __future__ import annotations

import re

from aiohttp import web

from connect_shared.domain_errors import DomainError
from connect_shared.errors import ApiError, NotFound
from connect_shared.http.error_table import as_api_error
from connect_shared.web.pages import (
    PREFIX,
    create_dashboard_app,
    form,
    notify,
    redirect,
    require_session,
)
from redeemer.adapters.http.requests import parse_redeem
from redeemer.bootstrap import REDEEMER
from redeemer.config import RedeemerSettings

TOKEN_ID = re.compile(r"^cnst_[A-Za-z0-9]+$")


async def redeem(request: web.Request) -> web.Response:
    """Clone, or hydrate the object named in the form; errors come back as a notice."""
    viewer = await require_session(request)
    token_id = request.match_info["id"]
    if not TOKEN_ID.match(token_id):
        raise NotFound("No such share token.")
    destination = str(form(request).get("destination-id", "")).strip()
    attributes = {"destination-id": destination} if destination else {}
    try:
        command = parse_redeem(attributes, {})
        service = request.config_dict[REDEEMER].redeem_service
        await service.redeem(viewer.organization_id, token_id, command)
        notify(request, "info", "Redemption started; the status follows below.")
    except (ApiError, DomainError) as refused:
        error = as_api_error(request, refused)
        if error.status in (404, 503):
            raise
        notify(request, "error", f"Not redeemed: {error.details}")
    return redirect(f"{PREFIX}/share-tokens/{token_id}")


def create_dashboard(settings: RedeemerSettings) -> web.Application:
    """The redeemer's ``/dashboard`` sub-app (the shared layout renders its error pages)."""
    sub = create_dashboard_app(settings, settings.profile)
    sub.router.add_post("/share-tokens/{id}/redeem", redeem)
    return sub
