"""Per-request context: who is asking, what they may see, and the request's dataloaders."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from strawberry.types import Info as StrawberryInfo

from adapters.upstream_scope import UpstreamScope
from graph.errors import BadUserInput, GraphError
from graph.ids import GlobalId, InvalidGlobalId, decode_global_id
from graph.loaders import Loaders
from graph.runtime import ApiClient, DealershipEntry, Runtime


@dataclass
class Context:
    runtime: Runtime
    client: ApiClient
    loaders: Loaders
    upstream: UpstreamScope = field(default_factory=UpstreamScope)
    """The request's vendor work: its client, deadline and the requests it made."""
    selection_memo: dict[tuple[int, ...], frozenset[str]] = field(default_factory=dict)
    """Fields selected under each relation field of the document (``types.embedded``)."""
    partial_errors: list[tuple[GraphError, tuple[str | int, ...]]] = field(default_factory=list)
    """Errors of one dealership inside a field that still returns the others' data."""
    operation_name: str | None = None
    """The operation run, once the document is parsed (for the metrics)."""
    operation_type: str | None = None
    """``query``, ``mutation`` or ``subscription``, once the document is parsed (tracing)."""
    connection_params: dict[str, Any] | None = None
    """A WebSocket's connection_init payload (where its API key may come)."""
    event_cost: int = 0
    """A subscription's planned cost of one event, billed as each is delivered
    (``graph.subscription_billing``)."""

    @classmethod
    def create(
        cls, runtime: Runtime, client: ApiClient, upstream: UpstreamScope | None = None
    ) -> Context:
        return cls(
            runtime=runtime,
            client=client,
            loaders=Loaders(runtime.dealerships),
            upstream=upstream or UpstreamScope(client=client.name),
        )

    def dealership(self, dealership_id: str) -> DealershipEntry | None:
        """The dealership if it exists and this client may see it; None otherwise.

        Both cases look the same to the client, so ids of other tenants leak nothing.
        """
        if not self.client.may_see(dealership_id):
            return None
        return self.runtime.dealerships.get(dealership_id)

    def visible_dealerships(self) -> tuple[DealershipEntry, ...]:
        return self.runtime.visible_to(self.client)

    def resolve_id(self, value: str) -> tuple[GlobalId, DealershipEntry] | None:
        """Decode a global id the client sent; None if it names nothing this client may see."""
        try:
            gid = decode_global_id(value)
        except InvalidGlobalId:
            return None
        entry = self.dealership(gid.dealership_id)
        if entry is None:
            return None
        return gid, entry

    def native_id_in(
        self, value: str | None, *, type_names: set[str], dealership: DealershipEntry, arg: str
    ) -> str | None:
        """A filter argument's global id as the vendor's id within ``dealership``."""
        if value is None:
            return None
        resolved = self.resolve_id(value)
        if (
            resolved is None
            or resolved[1].id != dealership.id
            or resolved[0].type_name not in type_names
        ):
            raise BadUserInput(
                f"{arg} must be the id of a {' or '.join(sorted(type_names))} "
                f"of dealership {dealership.name!r}",
                field=arg,
            )
        return resolved[0].native_id

    def add_partial_error(self, error: GraphError, info: Info) -> None:
        self.partial_errors.append((error, tuple(info.path.as_list())))


Info = StrawberryInfo[Context, Any]
