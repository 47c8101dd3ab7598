"""The root Subscription type (graphql-transport-ws on ``/graphql``)."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry

from graph.context import Info
from graph.types.events import DealershipEvent, EventType, follow_events


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description="Change events as they are recorded, for the dealerships named (default:"
        " every one this API key may see). With `after` (an event's cursor) it first"
        " replays every event since then, so a client that reconnects misses none and"
        " receives none twice."
    )
    async def dealership_events(
        self,
        info: Info,
        dealership_ids: list[strawberry.ID] | None = None,
        types: list[EventType] | None = None,  # type: ignore[valid-type]
        after: str | None = None,
    ) -> AsyncGenerator[DealershipEvent, None]:
        async for event in follow_events(info, after, dealership_ids, types):
            yield event
