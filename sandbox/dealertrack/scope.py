"""Rooftop scope: every Dealertrack call names a ``rooftopId`` the signed-in user holds
(in the query of a read or PATCH, in the body of a POST)."""

from __future__ import annotations

import json

from aiohttp import web

from sandbox.common.errors import ApiError, invalid_parameter
from sandbox.dealertrack.state import DealertrackState, Rooftop
from sandbox.supergood import current_session

ROOFTOP = "rooftopId"
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


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


async def rooftop_named(request: web.Request) -> str | None:
    """The rooftop a request names, for faults limited to some rooftops: the path of
    ``/rooftops/{rooftopId}``, the query of a read or PATCH, the body of a POST. Access is
    not checked; a malformed body names none (its handler answers 400)."""
    named = request.match_info.get(ROOFTOP) or request.query.get(ROOFTOP)
    if named:
        return named
    if request.method not in _BODY_METHODS or not request.can_read_body:
        return None
    try:
        # read() is cached, so the handler still reads the whole body.
        body = json.loads(await request.read())
    except ValueError:
        return None
    value = body.get(ROOFTOP) if isinstance(body, dict) else None
    return value if isinstance(value, str) and value else None
