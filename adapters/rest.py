"""A vendor's REST list and detail endpoints, read through one ``HttpClient``.

``ListStyle`` captures how a vendor family pages and wraps its answers (Supergood's
``items/page/pageSize/total``, AutoSync's ``{data, pagination}``); ``RestApi`` turns that
into windows, full reads and batch lookups with ``adapters.paging``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from adapters.base import Page, Window
from adapters.convert import Raw, mapped
from adapters.errors import UpstreamProtocolError
from adapters.http import HttpClient, path_segment
from adapters.paging import (
    HasId,
    PageFetcher,
    VendorPage,
    batch_get,
    read_all,
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

    def __repr__(self) -> str:
        return f"RestApi({self.http!r})"

    def pages(
        self, path: str, params: Mapping[str, str], mapper: Callable[[Raw], T]
    ) -> PageFetcher[T]:
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
        return await read_window(
            self.pages(path, query.params, mapper),
            window,
            max_size=self.style.max_page_size,
            predicate=query.predicate(),
            wave=self.http.policy.max_concurrency,
        )

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
        when list rows lack fields the detail has (then only detail calls are made).
        ``params`` go with every call (a vendor's store scope, for example)."""
        scope = dict(params or {})
        return await batch_get(
            ids,
            fetch_one=lambda i: self.one(f"{path}/{path_segment(i)}", mapper, scope),
            fetch_page=self.pages(path, scope, mapper) if listing else None,
            max_size=self.style.max_page_size,
            valid_id=valid_id,
        )
