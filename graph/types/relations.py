"""Following a reference from one object to another through the request's dataloaders."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any, TypeVar

from graph.context import Info
from graph.types.convert import to_node

T = TypeVar("T")


async def related(
    info: Info, cls: type[T], kind: str, dealership_id: str, native_id: str | None
) -> T | None:
    """The object ``native_id`` names in the same dealership, or None if it has none."""
    if native_id is None:
        return None
    model = await info.context.loaders[kind].load((dealership_id, native_id))
    return None if model is None else to_node(cls, model, dealership_id)


async def related_many(
    info: Info, cls: type[T], kind: str, dealership_id: str, native_ids: Iterable[str]
) -> list[T]:
    """The objects ``native_ids`` name, skipping ids the vendor no longer knows."""
    loader = info.context.loaders[kind]
    models: list[Any] = await asyncio.gather(*(loader.load((dealership_id, i)) for i in native_ids))
    return [to_node(cls, model, dealership_id) for model in models if model is not None]
