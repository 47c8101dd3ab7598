"""A vendor's table: records keyed by id, listed in id order (stable pages)."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator
from typing import Any, Generic, TypeVar

K = TypeVar("K", bound=Hashable)
Row = dict[str, Any]


class Table(Generic[K]):
    def __init__(self) -> None:
        self.rows: dict[K, Row] = {}
        self._ordered: list[Row] | None = None

    def put(self, key: K, row: Row) -> None:
        self.rows[key] = row
        self._ordered = None

    def get(self, key: K) -> Row | None:
        return self.rows.get(key)

    def ordered(self) -> list[Row]:
        if self._ordered is None:
            self._ordered = [self.rows[k] for k in sorted(self.rows)]  # type: ignore[type-var]
        return self._ordered

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[Row]:
        return iter(self.ordered())


def table_of(rows: Iterable[Row], key: str) -> Table[Any]:
    """A table of vendor rows keyed by their own id field."""
    table: Table[Any] = Table()
    for row in rows:
        table.put(row[key], row)
    return table
