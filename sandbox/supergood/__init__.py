"""The Supergood-family API style (AutoSoft now; Auto/Mate, Dealertrack, DealerCenter later).

Sessions with Basic client check + username/password + TOTP, short-lived bearer tokens with
refresh, ``{"error": {...}}`` bodies and ``items/page/pageSize/total`` lists.
"""

from sandbox.supergood.auth import Session, SupergoodAuth, SupergoodUser
from sandbox.supergood.http import (
    ERROR_CODES,
    Collection,
    Route,
    build_supergood_app,
    collection_routes,
    current_session,
    list_body,
    parse_page,
    render_error,
)

__all__ = [
    "ERROR_CODES",
    "Collection",
    "Route",
    "Session",
    "SupergoodAuth",
    "SupergoodUser",
    "build_supergood_app",
    "collection_routes",
    "current_session",
    "list_body",
    "parse_page",
    "render_error",
]
