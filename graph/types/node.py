"""The Relay ``Node`` interface every identifiable object implements."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from graph.context import Info
from graph.nodes import resolve_node
from graph.types.registry import by_name

if TYPE_CHECKING:
    from graph.types.dealership import Dealership


@strawberry.interface(description="An object with an opaque global id; see Query.node.")
class Node:
    id: strawberry.ID = strawberry.field(
        description="Opaque global id: encodes type, dealership and the vendor's own id."
    )


@strawberry.interface(description="An object that lives in one dealership's DMS.")
class DealershipObject(Node):
    vendor_id: str = strawberry.field(description="The id the vendor's DMS gives this object.")
    dealership_id: strawberry.Private[str]

    @strawberry.field(description="The dealership whose DMS holds this object.")
    def dealership(
        self, info: Info
    ) -> Annotated[Dealership, strawberry.lazy("graph.types.dealership")]:
        found = by_name("Dealership")
        assert found is not None, "graph.types.dealership registers Dealership"
        entry = info.context.runtime.dealerships[self.dealership_id]
        return found[0].from_entry(entry)  # type: ignore[attr-defined, no-any-return]

    @classmethod
    async def resolve_reference(cls, info: Info, id: strawberry.ID) -> Any:
        """Federation entity lookup: the same rules as ``Query.node``."""
        return await resolve_node(info, id, expected=cls.__name__)
