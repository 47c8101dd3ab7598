"""A vehicle's photos, kept as the vendor listed them and made models only when read.

A vehicle has eight or so photos, and building a ``Photo`` model for each was the largest
part of mapping a page of vehicles (about 2 us a photo, 17 ms for a 1,000-vehicle page),
for a field few list queries select. ``Photos`` holds each photo as its three values,
typed as the mapper made them, and validates them into models the first time anything
reads an item; comparing, hashing and counting need no models.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, overload

from pydantic import GetCoreSchemaHandler
from pydantic_core import core_schema

from adapters.direct_validation import Canonical


class Photo(Canonical):
    url: str
    primary: bool = False
    position: int | None = None


PhotoValues = tuple[str, bool, int | None]
"""(url, primary, position), as ``Photo`` has them."""


class Photos(Sequence[Photo]):
    """An immutable sequence of ``Photo``; equal to the tuple of the same photos."""

    __slots__ = ("_given", "_models", "_urls")

    def __init__(self, values: Iterable[PhotoValues] = ()) -> None:
        self._given: tuple[PhotoValues, ...] | None = tuple(values)
        self._urls: Sequence[str] = ()
        self._models: tuple[Photo, ...] | None = None

    @classmethod
    def in_order(cls, urls: Sequence[str]) -> Photos:
        """Photos in display order, the first one primary, positioned 1, 2, ...: their
        values are made only when something reads them (most listed vehicles are not)."""
        made = cls()
        made._given, made._urls = None, urls
        return made

    @classmethod
    def of(cls, photos: Iterable[Photo]) -> Photos:
        """Photos already made (a caller's own models)."""
        models = tuple(photos)
        made = cls((p.url, p.primary, p.position) for p in models)
        made._models = models
        return made

    @property
    def _values(self) -> tuple[PhotoValues, ...]:
        if self._given is None:
            self._given = tuple((url, i == 0, i + 1) for i, url in enumerate(self._urls))
        return self._given

    def models(self) -> tuple[Photo, ...]:
        if self._models is None:
            self._models = tuple(
                Photo(url=url, primary=primary, position=position)
                for url, primary, position in self._values
            )
        return self._models

    @overload
    def __getitem__(self, index: int) -> Photo: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[Photo, ...]: ...
    def __getitem__(self, index: int | slice) -> Photo | tuple[Photo, ...]:
        return self.models()[index]

    def __len__(self) -> int:
        return len(self._urls) if self._given is None else len(self._given)

    def __iter__(self) -> Iterator[Photo]:
        return iter(self.models())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Photos):
            return self._values == other._values
        if isinstance(other, tuple):
            return self.models() == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._values)

    def __repr__(self) -> str:
        return f"Photos({list(self._values)!r})"

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        """A ``Photos`` is taken as it is; a sequence of ``Photo`` (or of their fields, as
        dicts) is validated as before and kept as ``Photos``; both serialize as the tuple."""
        models = handler.generate_schema(tuple[Photo, ...])
        return core_schema.union_schema(
            [
                core_schema.is_instance_schema(cls),
                core_schema.no_info_after_validator_function(cls.of, models),
            ],
            serialization=core_schema.plain_serializer_function_ser_schema(
                lambda photos: photos.models(), return_schema=models
            ),
        )
