"""Resolving global ids to objects, for ``node``, ``nodes`` and federation references."""

from __future__ import annotations

from typing import Any

from adapters.errors import NotSupported
from graph.context import Info
from graph.errors import GraphError
from graph.types.convert import to_node
from graph.types.registry import by_name


async def resolve_node(info: Info, value: str, *, expected: str | None = None) -> Any:
    """The object a global id names, or None when it names nothing this client may see.

    Ids of other tenants' dealerships resolve exactly like ids that never existed.
    """
    resolved = info.context.resolve_id(value)
    if resolved is None:
        return None
    gid, entry = resolved
    if expected is not None and gid.type_name != expected:
        return None
    found = by_name(gid.type_name)
    if found is None:
        return None
    cls, kind = found
    if kind is None:  # a Dealership: its id names the configured entry itself
        return cls.from_entry(entry) if gid.native_id == entry.id else None  # type: ignore[attr-defined]
    try:
        model = await info.context.loaders[kind].load((entry.id, gid.native_id))
    except GraphError as exc:
        # A DMS may resolve ids of a kind it cannot list (AutoSoft's service vehicles);
        # one that cannot resolve them either has no such object.
        if exc.code == NotSupported.code:
            return None
        raise
    return None if model is None else to_node(cls, model, entry.id)
