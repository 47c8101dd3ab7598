"""Following a reference from one object to another through the request's dataloaders.

Where the referring record embeds part of the other one, the embed answers when it holds
every selected field (no vendor call), and stands in when the vendor cannot give the full
record (``graph.types.embedded``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from pydantic import BaseModel

from graph.context import Info
from graph.kinds import Kind
from graph.types.convert import to_node
from graph.types.embedded import covers

T = TypeVar("T")


async def related(
    info: Info,
    cls: type[T],
    kind: Kind[Any, Any],
    dealership_id: str,
    native_id: str | None,
    embedded: BaseModel | None = None,
) -> T | None:
    """The object ``native_id`` names in the same dealership, or None if it has none."""
    if embedded is not None and covers(info, cls, embedded):
        return to_node(cls, embedded, dealership_id)
    if native_id is None:
        return None
    model = await info.context.loaders[kind].load((dealership_id, native_id))
    if model is None:
        model = embedded
    return None if model is None else to_node(cls, model, dealership_id)


async def related_many(
    info: Info,
    cls: type[T],
    kind: Kind[Any, Any],
    dealership_id: str,
    native_ids: Iterable[str],
    embedded: Sequence[BaseModel | None] = (),
) -> list[T]:
    """The objects ``native_ids`` name, skipping ids the vendor no longer knows;
    ``embedded[i]``, where given, is what the referring record embeds of the i-th."""
    ids = list(native_ids)
    stand_ins = list(embedded) + [None] * (len(ids) - len(embedded))
    if ids and all(e is not None and covers(info, cls, e) for e in stand_ins):
        return [to_node(cls, e, dealership_id) for e in stand_ins if e is not None]
    loader = info.context.loaders[kind]
    models: list[Any] = await asyncio.gather(*(loader.load((dealership_id, i)) for i in ids))
    found = [m if m is not None else e for m, e in zip(models, stand_ins, strict=True)]
    return [to_node(cls, model, dealership_id) for model in found if model is not None]
