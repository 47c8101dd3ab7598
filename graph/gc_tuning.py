"""Garbage-collector settings for a serving process.

Python's default first-generation threshold (700 container allocations) makes a request
that builds a large response run the collector hundreds of times, and each older-generation
pass walks everything start-up allocated (schema, types, configuration) again. Freezing
start-up's objects moves them out of the collector's reach for good, and thresholds in the
order of one large request's allocations let most request garbage die by reference count
before a collection looks at it. The cost is memory: cyclic garbage waits longer to be
found (``bench.execution`` prints the API's resident and peak memory).
"""

from __future__ import annotations

import gc

REQUEST_SIZED_THRESHOLDS = (1_000_000, 10, 10)
"""Young generation once 1,000,000 more containers are alive than at the last collection,
the middle one every 10 of those, the whole heap (start-up frozen out of it) every 10
middle ones. A request's objects die by reference count when it ends, so the count falls
back after each request and what a collection walks is the working set of the requests in
flight, which it cannot free. At 50,000 a 1,000-row page ran one in 30 pages; at 200,000 a
dashboard of 33 distinct stores still ran one each time (10 dashboards between pages: 10
young collections, about 1.4 s, 1,486 objects collected), at 1,000,000 none, for no more
peak memory (300-391 MiB in ``bench.execution``, 393-394 MiB with Python's defaults). Cyclic
garbage, which requests no longer make, waits longer."""


def tune_for_serving(thresholds: tuple[int, int, int] = REQUEST_SIZED_THRESHOLDS) -> None:
    """Call once start-up is done: what exists now lives as long as the process."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*thresholds)
    gc.enable()  # paused while the process started (graph.launch)
