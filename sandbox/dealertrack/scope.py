"""Rooftop scope: every Dealertrack call names a ``rooftopId`` the signed-in user holds
(in the query of a read or PATCH, in the body of a POST)."""

from __future__ import annotations

from aiohttp import web

from sandbox.common.errors import ApiError, invalid_parameter
from sandbox.dealertrack.state import DealertrackState, Rooftop
from sandbox.supergood import current_session

ROOFTOP = "rooftopId"


def rooftop_access(state: DealertrackState, request: web.Request, rooftop_id: str) -> Rooftop:
    """A rooftop the user does not hold is a 403, whether or not the group has it."""
    if rooftop_id not in current_session(request).user.extra.get("rooftops", ()):
        raise ApiError(403, "forbidden", "This user has no access to that rooftop")
    return state.rooftops[rooftop_id]


def named_rooftop(state: DealertrackState, request: web.Request, value: object) -> Rooftop:
    if not isinstance(value, str) or not value.strip():
        raise invalid_parameter(ROOFTOP, f"'{ROOFTOP}' is required")
    return rooftop_access(state, request, value)


def scoped_rooftop(state: DealertrackState, request: web.Request) -> Rooftop:
    """The rooftop a request's query names."""
    return named_rooftop(state, request, request.query.get(ROOFTOP))
