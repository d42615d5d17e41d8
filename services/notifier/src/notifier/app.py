"""The notifier's aiohttp application factory."""

from __future__ import annotations

from aiohttp import web

from connect_shared.http.app import create_base_app
from connect_shared.http.idempotency import REPLAY_SEALER
from connect_shared.secret_box import REPLAY_PURPOSE, SecretBox, decode_key
from connect_shared.web.pages import mount_dashboard
from notifier.adapters.http import deliveries as api_deliveries
from notifier.adapters.http import events as api_events
from notifier.adapters.http import webhook_actions
from notifier.adapters.http import webhooks as api_webhooks
from notifier.adapters.http.errors import NOTIFIER_ERRORS
from notifier.bootstrap import notifier_context
from notifier.config import NotifierSettings
from notifier.dashboard import create_dashboard
from notifier.events_bootstrap import events_context


def create_app(settings: NotifierSettings) -> web.Application:
    """The notifier app: shared middlewares and health, plus the notifier's routes and workers."""
    app = create_base_app(settings, "notifier", NOTIFIER_ERRORS)
    # New webhooks and rotated secrets are answered with the secret: the replay cache seals them.
    app[REPLAY_SEALER] = SecretBox(
        decode_key(settings.secrets_key.get_secret_value()), REPLAY_PURPOSE
    )
    app.cleanup_ctx.append(notifier_context(settings))
    api_webhooks.add_routes(app)
    webhook_actions.add_routes(app)
    api_deliveries.add_routes(app)
    app.cleanup_ctx.append(events_context(settings))
    api_events.add_routes(app)
    mount_dashboard(app, create_dashboard(settings))
    return app
