"""A subscription's vendor work, billed event by event to its client's cost bucket.

A query takes its planned cost once, before it runs. A subscription lives for hours and
runs its selection once per event (``record`` reads the DMS each time), so the cost plan
of the document is the cost of one event (``Context.event_cost``), and each event takes it
before it is delivered. When the bucket is empty the event waits until the bucket holds
its cost: events are kept in the log, so a throttled subscriber receives them late, never
loses them. What an event planned but did not spend (its record was cached) is given back
when the next event is billed or the subscription ends.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from adapters.upstream_scope import UpstreamScope
from graph.throttle import Allowance, AsyncBuckets

Sleep = Callable[[float], Awaitable[None]]


class EventBilling:
    def __init__(
        self,
        buckets: AsyncBuckets,
        client: str,
        allowance: Allowance,
        event_cost: int,
        upstream: UpstreamScope,
        *,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self._buckets = buckets
        self._client = client
        self._allowance = allowance
        self._cost = event_cost
        self._upstream = upstream
        self._sleep = sleep
        self._taken = 0
        self._requests_before = 0

    async def admit(self) -> None:
        """Settle the previous event, then take this one's cost, waiting while the bucket
        holds too little."""
        await self.settle()
        if self._cost <= 0:
            return
        while True:
            taken = await self._buckets.take(self._client, self._cost, self._allowance)
            if taken.granted:
                break
            await self._sleep(taken.retry_after)
        self._taken = self._cost
        self._requests_before = self._upstream.requests

    async def settle(self) -> None:
        """Give back what the last admitted event planned but did not send."""
        if not self._taken:
            return
        taken, self._taken = self._taken, 0  # settled once, even if the give-back fails
        spent = min(self._upstream.requests - self._requests_before, taken)
        await self._buckets.give_back(self._client, taken - spent, self._allowance)
