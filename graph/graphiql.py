"""GraphiQL served from the package: no request leaves the server the page came from.

Strawberry's page loads React, GraphiQL, its explorer plugin and js-cookie from unpkg; the
same files, byte for byte (the page's ``integrity`` hashes still check them), ship in
``graph/static/graphiql/<package>@<version>/`` with their licenses (``SOURCES.md`` says how
they were taken from npm) and are served under ``graphiql/assets/`` beside ``/graphql``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

ASSET_DIR = Path(__file__).parent / "static" / "graphiql"
ASSET_ROUTE = "/graphiql/assets"
_CDN = "https://unpkg.com/"
# Relative, so the page also works behind a proxy that mounts the API under a prefix.
_LOCAL = "graphiql/assets/"


class TemplateChanged(RuntimeError):
    """Strawberry's page no longer has what this module rewrites: update both together."""


def _replace(html: str, old: str, new: str) -> str:
    if old not in html:
        raise TemplateChanged(f"GraphiQL template has no {old!r}")
    return html.replace(old, new)


def offline_page(html: str, demo_key: str | None) -> str:
    """Strawberry's GraphiQL page loading its assets from this server, sending the page's
    headers with subscriptions, and (sandbox) showing the demo key in the Headers tab."""
    for url in re.findall(r'"(https://unpkg\.com/[^"]+)"', html):
        if not (ASSET_DIR / url.removeprefix(_CDN)).is_file():
            raise TemplateChanged(f"GraphiQL template loads {url}, which is not vendored")
    html = html.replace(_CDN, _LOCAL)
    # Subscriptions carry the page's headers (the API key) in connection_init: a browser
    # cannot set headers on a WebSocket (graphiql 3's wsConnectionParams).
    html = _replace(
        html,
        "subscriptionUrl,\n      });",
        "subscriptionUrl,\n        wsConnectionParams: defaultHeaders,\n      });",
    )
    if demo_key is None:
        return html
    # Sandbox only: the demo key goes in the Headers tab, where it can be seen and changed,
    # and in the fetcher's defaults, which the WebSocket's connection_init sends (the
    # Headers tab's values reach HTTP requests only, where they override the defaults).
    header = json.dumps({"Authorization": f"Bearer {demo_key}"})
    html = _replace(html, "const defaultHeaders = {};", f"const defaultHeaders = {header};")
    return _replace(
        html,
        "React.useState(parameters.headers);",
        "React.useState(\n"
        "          parameters.headers || JSON.stringify(defaultHeaders, null, 2),\n"
        "        );",
    )
