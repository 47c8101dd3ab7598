"""Optional enrichment: an extrapolated endpoint a tenant may not have.

Some reads add detail from an endpoint the vendor page does not show (a lot's name, a
user's name). A tenant without it answers 404 or 405; that must cost the detail, never the
read it enriches.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from typing import TypeVar

from adapters.errors import UpstreamRejected

T = TypeVar("T")

log = logging.getLogger(__name__)

MISSING_ENDPOINT = frozenset({404, 405})
"""What a tenant answers for an endpoint it does not have."""


async def optional(call: Awaitable[T], *, what: str) -> T | None:
    """``call``'s result, or None when its endpoint is missing (404, 405). Any other
    failure is raised as it is. ``what`` names the enrichment in the log."""
    try:
        return await call
    except UpstreamRejected as exc:
        if exc.status not in MISSING_ENDPOINT:
            raise
        log.debug("%s: the endpoint answered %s; going without it", what, exc.status)
        return None
