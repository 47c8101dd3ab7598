"""Per-request dataloaders: batch every "load X by id" of one resolver level into one call
per dealership, all dealerships concurrently.

Keys are ``(dealership id, native id)``. One dealership failing rejects only its own keys.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from aiodataloader import DataLoader

from adapters.errors import AdapterError
from graph.errors import upstream_error
from graph.kinds import Kind
from graph.runtime import DealershipEntry

Key = tuple[str, str]


class EntityLoader(DataLoader[Key, Any]):
    """Rows a list already read are primed, and become loaded values only when loaded:
    priming a 1,000-row page as aiodataloader does (a settled future per row) cost more
    than a millisecond, for rows that are seldom asked for again. A list's rows are even
    primed only when the loader is next used (``prime_many``): a page whose rows nobody
    loads costs nothing per row."""

    def __init__(self, kind: Kind[Any, Any], dealerships: dict[str, DealershipEntry]) -> None:
        super().__init__()
        self.kind = kind
        self._dealerships = dealerships
        self._primed: dict[Key, Any] = {}
        self._pending: list[Iterable[tuple[Key, Any]]] = []

    def prime(self, key: Key, value: Any) -> EntityLoader:
        """As ``DataLoader.prime``: a key already loaded or primed keeps its value."""
        self._settle()
        if key not in self._cache:
            self._primed.setdefault(key, value)
        return self

    def prime_many(self, items: Iterable[tuple[Key, Any]]) -> None:
        """``prime`` for each item, done when the loader is next used, in the same order
        with every other use: the items must not change until then (a page's rows)."""
        self._pending.append(items)

    def _settle(self) -> None:
        if not self._pending:
            return
        pending, self._pending = self._pending, []
        primed, loaded = self._primed, self._cache
        for items in pending:
            for key, value in items:
                if key not in loaded:
                    primed.setdefault(key, value)

    def load(self, key: Key) -> asyncio.Future[Any]:
        self._settle()
        if key in self._primed and key not in self._cache:
            super().prime(key, self._primed.pop(key))
        return super().load(key)

    def clear(self, key: Key) -> EntityLoader:
        self._settle()
        self._primed.pop(key, None)
        return super().clear(key)

    def clear_all(self) -> EntityLoader:
        self._pending.clear()
        self._primed.clear()
        return super().clear_all()

    async def batch_load_fn(self, keys: list[Key]) -> list[Any]:  # type: ignore[override]
        # dict keys keep first-seen order and drop repeats in O(1) each
        unique: dict[str, dict[str, None]] = defaultdict(dict)
        for dealer_id, native_id in keys:
            unique[dealer_id][native_id] = None
        by_dealer = {dealer_id: list(ids) for dealer_id, ids in unique.items()}
        dealer_ids = list(by_dealer)
        outcomes = await asyncio.gather(
            *(self._load_one(d, by_dealer[d]) for d in dealer_ids), return_exceptions=True
        )
        found: dict[Key, Any] = {}
        for dealer_id, outcome in zip(dealer_ids, outcomes, strict=True):
            if isinstance(outcome, BaseException):
                if not isinstance(outcome, Exception):
                    raise outcome
                error = (
                    upstream_error(outcome, dealer_id)
                    if isinstance(outcome, AdapterError)
                    else outcome
                )
                for native_id in by_dealer[dealer_id]:
                    found[(dealer_id, native_id)] = error
            else:
                for native_id, value in zip(by_dealer[dealer_id], outcome, strict=True):
                    found[(dealer_id, native_id)] = value
        return [found[key] for key in keys]

    async def _load_one(self, dealer_id: str, ids: list[str]) -> Sequence[Any]:
        entry = self._dealerships[dealer_id]
        return await self.kind.get(entry.adapter, entry.store_id, ids)


class Loaders:
    """Created per request, so nothing cached here outlives the request."""

    def __init__(self, dealerships: dict[str, DealershipEntry]) -> None:
        self._dealerships = dealerships
        self._loaders: dict[Kind[Any, Any], EntityLoader] = {}

    def __getitem__(self, kind: Kind[Any, Any]) -> EntityLoader:
        loader = self._loaders.get(kind)
        if loader is None:
            loader = self._loaders[kind] = EntityLoader(kind, self._dealerships)
        return loader
