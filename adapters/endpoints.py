"""What a connection has learnt about which vendor endpoints its tenant serves.

Detail reads (``GET /customers/{id}``) are extrapolated for most vendors: the pages show
lists. A 404 from a detail read means "no such record" where the endpoint exists, and
nothing at all where it does not, and the two answers look alike. So when a lookup by id
comes back empty, one probe settles it for a while: the detail of a row the list itself
shows. If the vendor answers 404 for a record its own list holds, the endpoint is not
served, and lookups use the list instead (``adapters.rest``). The verdict is kept per
connection and path for ``ttl`` seconds, so the probe costs at most two requests that often.
"""

from __future__ import annotations

import time
from collections.abc import Callable

Clock = Callable[[], float]


class EndpointMemory:
    def __init__(self, ttl: float = 600.0, *, clock: Clock = time.monotonic) -> None:
        self._ttl = ttl
        self._clock = clock
        self._served: dict[str, tuple[bool, float]] = {}

    def served(self, path: str) -> bool | None:
        """Whether the endpoint at ``path`` (a path template) is served; None: not known."""
        known = self._served.get(path)
        if known is None or known[1] <= self._clock():
            return None
        return known[0]

    def learn(self, path: str, served: bool) -> None:
        self._served[path] = (served, self._clock() + self._ttl)

    def unserved(self) -> list[str]:
        """Paths known, for now, not to be served (for the connection's status)."""
        now = self._clock()
        return sorted(p for p, (ok, until) in self._served.items() if not ok and until > now)
