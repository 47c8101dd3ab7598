"""Shared pieces of the Supergood-family DMS APIs (AutoSoft, Auto/Mate, Dealertrack,
DealerCenter): session auth with TOTP, list style, error body."""

from adapters.supergood.api import SUPERGOOD_LISTS, read_supergood_error, supergood_api
from adapters.supergood.auth import (
    SupergoodCredentials,
    SupergoodSessionAuth,
    parse_session,
)

__all__ = [
    "SUPERGOOD_LISTS",
    "SupergoodCredentials",
    "SupergoodSessionAuth",
    "parse_session",
    "read_supergood_error",
    "supergood_api",
]
