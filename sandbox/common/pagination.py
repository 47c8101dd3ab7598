"""Page-number pagination shared by every vendor (they differ only in parameter names)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from sandbox.common.params import opt_int

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Paging:
    page: int
    size: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.size

    def window(self, rows: Sequence[T]) -> list[T]:
        return list(rows[self.offset : self.offset + self.size])


def parse_paging(
    query: Mapping[str, str],
    *,
    page_param: str,
    size_param: str,
    default_size: int,
    max_size: int,
) -> Paging:
    page = opt_int(query, page_param, minimum=1)
    size = opt_int(query, size_param, minimum=1, maximum=max_size)
    return Paging(page or 1, size or default_size)
