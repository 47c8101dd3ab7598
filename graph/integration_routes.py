"""Routes vendors and their users call, beside ``/graphql``: the OAuth callback a consent
screen sends a browser to, and the webhook receivers. Registered only where configured."""

from __future__ import annotations

from aiohttp import web

from graph.events import autosync_webhooks
from graph.oauth import CALLBACK_PATH, callback_handler
from graph.runtime import Runtime


def add_integration_routes(app: web.Application, runtime: Runtime) -> None:
    if runtime.oauth is not None:
        callback = callback_handler(runtime.oauth, runtime.complete_authorization)
        app.router.add_get(CALLBACK_PATH, callback)
    events = runtime.events
    if events is not None and events.webhooks:
        receive = autosync_webhooks.webhook_handler(
            events.webhooks,
            events.record,
            max_age_seconds=events.webhook_max_age_seconds,
            clock=events.clock,
        )
        app.router.add_post(autosync_webhooks.PATH, receive)
