"""Who the vendor work in progress is for, and by when it must be done.

The graph opens one ``UpstreamScope`` per GraphQL request (``UpstreamScope.open``); every
vendor request made while serving it, in whatever task, sees it through a context variable
(asyncio copies the context into the tasks a request creates). The HTTP client counts the
requests it sends against it (``extensions.cost.upstreamRequests``), and the rate gate uses
its client name for fairness and its deadline to fail fast instead of waiting past it.

Work that outlives a request (a background session refresh) runs outside any scope.
"""

from __future__ import annotations

import contextvars
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

Clock = Callable[[], float]

_CURRENT: contextvars.ContextVar[UpstreamScope | None] = contextvars.ContextVar(
    "dealergraph_upstream_scope", default=None
)


@dataclass(slots=True)
class UpstreamScope:
    client: str = ""
    """The API client the work is for (its configured name), for fair queueing."""
    deadline: float | None = None
    """``clock()`` time after which waiting for a vendor is pointless; None: no deadline."""
    clock: Clock = field(default=time.monotonic, repr=False)
    requests: int = 0
    """Vendor HTTP requests sent for this scope so far (logins included)."""
    memo: dict[Any, Any] = field(default_factory=dict, repr=False)
    """Vendor answers already read for this scope (``adapters.response_cache``)."""
    flights: dict[Any, Any] = field(default_factory=dict, repr=False)
    """This scope's vendor reads in flight, which its identical reads join."""
    fresh: bool = False
    """Read past the answers kept across requests (a change feed must see the DMS now)."""
    request_id: str = ""
    """The GraphQL request's id (``X-Request-ID``), sent on to the vendors and logged."""

    def remaining(self) -> float | None:
        """Seconds left before the deadline (never negative), or None without one."""
        if self.deadline is None:
            return None
        return max(0.0, self.deadline - self.clock())

    def sent(self) -> None:
        self.requests += 1

    @contextmanager
    def opened(self) -> Iterator[UpstreamScope]:
        """Make this the current scope for the block (and tasks created inside it)."""
        token = _CURRENT.set(self)
        try:
            yield self
        finally:
            _CURRENT.reset(token)


def current_scope() -> UpstreamScope | None:
    return _CURRENT.get()


def outside_any_scope() -> contextvars.Context:
    """A context with no scope, for background tasks that must not be billed to, or
    bounded by, the request that happened to start them."""
    context = contextvars.copy_context()
    context.run(_CURRENT.set, None)
    return context
