"""A vendor's REST list and detail endpoints, read through one ``HttpClient``.

``ListStyle`` captures how a vendor family pages and wraps its answers (Supergood's
``items/page/pageSize/total``, AutoSync's ``{data, pagination}``); ``RestApi`` turns that
into windows, full reads and batch lookups with ``adapters.paging``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from adapters.base import Page, Window
from adapters.convert import Raw, mapped
from adapters.errors import UpstreamProtocolError, UpstreamRejected
from adapters.http import HttpClient, path_segment
from adapters.optional import MISSING_ENDPOINT
from adapters.paging import (
    HasId,
    PageFetcher,
    VendorPage,
    batch_get,
    read_all,
    read_union,
    read_window,
)
from adapters.query import Query

T = TypeVar("T")

I = TypeVar("I", bound=HasId)  # noqa: E741


@dataclass(frozen=True, slots=True)
class ListStyle:
    page_param: str
    size_param: str
    max_page_size: int
    items: Callable[[Any], Any]
    """The rows of a list answer."""
    total: Callable[[Any], Any]
    """The row count of a list answer, or None."""
    detail: Callable[[Any], Any]
    """The object of a detail answer."""


class RestApi:
    def __init__(self, http: HttpClient, style: ListStyle) -> None:
        self.http = http
        self.style = style
        self.endpoints = http.endpoints

    def __repr__(self) -> str:
        return f"RestApi({self.http!r})"

    def pages(
        self,
        path: str,
        params: Mapping[str, str],
        mapper: Callable[[Raw], T],
        *,
        only: frozenset[str] | None = None,
    ) -> PageFetcher[T]:
        """Reads pages of a list. ``only``: ids a lookup wants; rows naming none of them
        among their top-level values are skipped before mapping (mapping is the costly part
        of a listing read that answers a handful of ids)."""
        style, source = self.style, f"{self.http.vendor} GET {path}"

        async def fetch(page: int, size: int) -> VendorPage[T]:
            query = {**params, style.page_param: str(page), style.size_param: str(size)}
            body = await self.http.get(path, query)
            try:
                rows, total = style.items(body), style.total(body)
                if not isinstance(rows, list):
                    raise TypeError("rows are not a list")
                total = None if total is None else int(total)
            except (KeyError, TypeError, ValueError, AttributeError):
                raise UpstreamProtocolError(f"{source}: not a list answer") from None
            if only is not None:
                rows = [row for row in rows if _names_any(row, only)]
            return VendorPage([mapped(mapper, row, source=source) for row in rows], total)

        return fetch

    async def one(
        self, path: str, mapper: Callable[[Raw], T], params: Mapping[str, str] | None = None
    ) -> T | None:
        body = await self.http.get(path, params, not_found_ok=True)
        if body is None:
            return None
        source = f"{self.http.vendor} GET {path}"
        try:
            raw = self.style.detail(body)
        except (KeyError, TypeError, AttributeError):
            raise UpstreamProtocolError(f"{source}: not a detail answer") from None
        return mapped(mapper, raw, source=source)

    async def window(
        self, path: str, query: Query[T], mapper: Callable[[Raw], T], window: Window
    ) -> Page[T]:
        if query.impossible:
            return Page(items=[], total=0, has_next=False)
        predicate = query.predicate()

        def reader(params: Mapping[str, str]) -> Callable[[Window], Awaitable[Page[T]]]:
            return lambda w: read_window(
                self.pages(path, params, mapper),
                w,
                max_size=self.style.max_page_size,
                predicate=predicate,
                wave=self.http.policy.max_concurrency,
            )

        alternatives = query.alternatives()
        if len(alternatives) == 1:
            return await reader(alternatives[0])(window)
        return await read_union([reader(params) for params in alternatives], window)

    async def all(
        self, path: str, mapper: Callable[[Raw], T], params: Mapping[str, str] | None = None
    ) -> list[T]:
        return await read_all(
            self.pages(path, params or {}, mapper), max_size=self.style.max_page_size
        )

    async def batch(
        self,
        ids: Sequence[str],
        path: str,
        mapper: Callable[[Raw], I],
        *,
        listing: bool = True,
        valid_id: Callable[[str], bool] | None = None,
        params: Mapping[str, str] | None = None,
    ) -> list[I | None]:
        """``path`` is the list endpoint; ``path/{id}`` the detail one. ``listing=False``
        when list rows lack fields the detail has (then only detail calls are made, unless
        the tenant turns out not to serve them: see ``adapters.endpoints``).
        ``params`` go with every call (a vendor's store scope, for example)."""
        scope = dict(params or {})
        detail = f"{path}/{{id}}"
        wanted = [i for i in ids if i and (valid_id is None or valid_id(i))]
        if self.endpoints.served(detail) is False:
            return await self._from_listing(ids, wanted, path, scope, mapper)
        unanswered: list[str] = []

        async def fetch_one(i: str) -> I | None:
            row = await self.one(f"{path}/{path_segment(i)}", mapper, scope)
            if row is not None:
                self.endpoints.learn(detail, True)
            return row

        found = await batch_get(
            ids,
            fetch_one=fetch_one,
            fetch_page=self.pages(path, scope, mapper, only=frozenset(ids)) if listing else None,
            max_size=self.style.max_page_size,
            valid_id=valid_id,
            unanswered=unanswered,
        )
        if not unanswered:
            return found
        if self.endpoints.served(detail) is None:
            self.endpoints.learn(detail, await self._detail_served(path, scope, mapper))
        if self.endpoints.served(detail) is False:
            rescued = await self._from_listing(unanswered, unanswered, path, scope, mapper)
            more = {i: row for i, row in zip(unanswered, rescued, strict=True) if row is not None}
            return [
                row if row is not None else more.get(i) for i, row in zip(ids, found, strict=True)
            ]
        return found

    async def _detail_served(
        self, path: str, scope: Mapping[str, str], mapper: Callable[[Raw], I]
    ) -> bool:
        """Whether the detail of a record the list shows can be read (one or two requests:
        the list's first page is usually in the request's memo already)."""
        try:
            first = await self.pages(path, scope, mapper)(1, self.style.max_page_size)
        except UpstreamRejected as exc:
            if exc.status not in MISSING_ENDPOINT:
                raise
            return True  # no list to tell by either: the lookup's "none" stands
        if not first.items:
            return True  # nothing to tell by; assume the vendor serves what we ask
        known = first.items[0].id
        return await self.one(f"{path}/{path_segment(known)}", mapper, scope) is not None

    async def _from_listing(
        self,
        ids: Sequence[str],
        wanted: Sequence[str],
        path: str,
        scope: Mapping[str, str],
        mapper: Callable[[Raw], I],
    ) -> list[I | None]:
        """Ids looked up in the list alone, for a tenant that serves no detail reads."""
        if not wanted:
            return [None for _ in ids]
        rows = await read_all(
            self.pages(path, scope, mapper, only=frozenset(wanted)),
            max_size=self.style.max_page_size,
        )
        index = {row.id: row for row in rows}
        return [index.get(i) for i in ids]


def _names_any(row: Any, ids: frozenset[str]) -> bool:
    """Whether a raw row carries one of ``ids`` as a top-level value (ids may be numbers)."""
    if type(row) is not dict and not isinstance(row, Mapping):
        return True  # let the mapper report what it cannot read
    # A loop with exact type checks first: it runs for every row of a lookup's listing.
    for value in row.values():
        if type(value) is str:
            if value in ids:
                return True
        elif isinstance(value, str | int) and not isinstance(value, bool) and str(value) in ids:
            return True
    return False
