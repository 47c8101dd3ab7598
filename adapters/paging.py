"""Windows over vendor pages, local-filter scans and batch lookups, written once.

A vendor lists in pages (``page``, ``pageSize``); the graph asks for a window (``offset``,
``limit``). Everything here works on a ``PageFetcher``: a coroutine that reads one vendor
page (1-based, of a given size) and returns it already mapped to canonical models.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from adapters.base import Page, Window

T = TypeVar("T")
I = TypeVar("I", bound="HasId")  # noqa: E741


class HasId(Protocol):
    @property
    def id(self) -> str: ...


@dataclass(frozen=True, slots=True)
class VendorPage(Generic[T]):
    items: list[T]
    total: int | None
    """Rows in the whole (vendor-filtered) list, when the vendor says."""


PageFetcher = Callable[[int, int], Awaitable[VendorPage[T]]]

# Ids up to this many are read one detail call each without first trying a listing page:
# a listing costs at least one call and only pays off when it replaces several.
DIRECT_LOOKUP_MAX = 2


async def gather_all(aws: Iterable[Awaitable[T]]) -> list[T]:
    """Run concurrently, results in order; the first failure cancels the rest and is raised
    as itself (not an ExceptionGroup), so callers see plain ``AdapterError`` s."""
    aws = list(aws)
    if len(aws) == 1:  # nothing to run beside it: no task group and task (most windows)
        return [await aws[0]]
    try:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(_run(aw)) for aw in aws]
    except BaseExceptionGroup as failed:
        raise failed.exceptions[0] from None
    return [t.result() for t in tasks]


async def _run(aw: Awaitable[T]) -> T:
    return await aw


def plan_pages(offset: int, limit: int, max_size: int) -> tuple[int, int, int]:
    """(page size, first page, last page) covering rows ``[offset, offset + limit)``.

    Prefers the smallest page size that holds the window in one page (one request, little
    waste); a window no such page fits spans two pages of ``limit`` rows, or, past the
    vendor's maximum page size, consecutive full pages.
    """
    if offset < 0 or limit < 1:
        raise ValueError("window needs offset >= 0 and limit >= 1")
    last_row = offset + limit - 1
    for size in range(limit, max_size + 1):
        if offset // size == last_row // size:
            return size, offset // size + 1, offset // size + 1
    size = min(limit, max_size)
    return size, offset // size + 1, last_row // size + 1


async def read_window(
    fetch: PageFetcher[T],
    window: Window,
    *,
    max_size: int,
    predicate: Callable[[T], bool] | None = None,
    wave: int = 4,
) -> Page[T]:
    """One window of a list; ``predicate`` filters rows the vendor cannot filter itself."""
    if predicate is not None:
        return await _scan(fetch, window, predicate, max_size=max_size, wave=wave)
    if window.limit < 1:
        # Nothing to show, but the caller may want the count.
        probe = await fetch(1, 1)
        has_next = probe.total > window.offset if probe.total is not None else bool(probe.items)
        return Page(items=[], total=probe.total, has_next=has_next)
    size, first, last = plan_pages(window.offset, window.limit, max_size)
    pages = await gather_all(fetch(p, size) for p in range(first, last + 1))
    rows = [row for page in pages for row in page.items]
    start = window.offset - (first - 1) * size
    items = rows[start : start + window.limit]
    total = pages[0].total
    ended_here = 0 < len(pages[-1].items) < size or (first == 1 and not rows)
    if total is None and ended_here:
        total = (first - 1) * size + len(rows)  # the list ended within these pages
    if total is not None:
        has_next = window.offset + window.limit < total
    else:
        has_next = len(rows) > start + window.limit or len(pages[-1].items) == size
    return Page(items=items, total=total, has_next=has_next)


async def _scan(
    fetch: PageFetcher[T],
    window: Window,
    predicate: Callable[[T], bool],
    *,
    max_size: int,
    wave: int,
) -> Page[T]:
    """Read pages in concurrent waves until the window (plus one row, to know whether more
    follow) has matched, or the list ends; the total is known only in the latter case."""
    wanted = window.offset + max(window.limit, 0) + 1
    first = await fetch(1, max_size)
    matches = [row for row in first.items if predicate(row)]
    pages = math.ceil(first.total / max_size) if first.total is not None else None
    ended = len(first.items) < max_size or (pages is not None and pages <= 1)
    next_page = 2
    while len(matches) < wanted and not ended:
        last = next_page + wave - 1 if pages is None else min(next_page + wave - 1, pages)
        batch = await gather_all(fetch(p, max_size) for p in range(next_page, last + 1))
        for page in batch:
            matches.extend(row for row in page.items if predicate(row))
            if len(page.items) < max_size:
                ended = True
                break
        next_page = last + 1
        if pages is not None and next_page > pages:
            ended = True
    items = matches[window.offset : window.offset + max(window.limit, 0)]
    return Page(
        items=items,
        total=len(matches) if ended else None,
        has_next=len(matches) > window.offset + max(window.limit, 0),
    )


async def read_union(
    readers: Sequence[Callable[[Window], Awaitable[Page[T]]]], window: Window
) -> Page[T]:
    """One window over the concatenation of disjoint lists, each read by its own vendor
    query (one status value each, where the vendor takes one value per parameter).

    Every list's first window is read at once: for the first page of the union that is all
    it takes, and the totals place any later window. Lists whose total the vendor does
    not give are read from their start up to the window's end instead.
    """
    if not readers:
        return Page(items=[], total=0, has_next=False)
    span = max(window.limit, 1)
    firsts = await gather_all(read(Window(0, span)) for read in readers)
    end = window.offset + max(window.limit, 0)
    if any(page.total is None for page in firsts):
        heads = await gather_all(read(Window(0, max(end, 1))) for read in readers)
        rows = [row for page in heads for row in page.items]
        more = any(page.has_next for page in heads)
        return Page(items=rows[window.offset : end], total=None, has_next=len(rows) > end or more)
    items: list[T] = []
    start = 0
    for read, first in zip(readers, firsts, strict=True):
        total = first.total or 0
        lo, hi = max(0, window.offset - start), min(total, end - start)
        if lo < hi:
            if hi <= len(first.items):
                items.extend(first.items[lo:hi])
            else:
                items.extend((await read(Window(lo, hi - lo))).items)
        start += total
    return Page(items=items, total=start, has_next=end < start)


async def read_all(fetch: PageFetcher[T], *, max_size: int) -> list[T]:
    """The whole list: page 1 tells the total, the rest are read concurrently."""
    first = await fetch(1, max_size)
    rows = list(first.items)
    if first.total is not None:
        pages = math.ceil(first.total / max_size)
        for page in await gather_all(fetch(p, max_size) for p in range(2, pages + 1)):
            rows.extend(page.items)
        return rows
    page_no, last = 1, first
    while len(last.items) == max_size:
        page_no += 1
        last = await fetch(page_no, max_size)
        rows.extend(last.items)
    return rows


async def batch_get(
    ids: Sequence[str],
    *,
    fetch_one: Callable[[str], Awaitable[I | None]],
    fetch_page: PageFetcher[I] | None,
    max_size: int,
    valid_id: Callable[[str], bool] | None = None,
    unanswered: list[str] | None = None,
) -> list[I | None]:
    """Look up ``ids`` (results in input order, None where unknown) in few round trips.

    With no batch-by-id endpoint the choice is N concurrent detail calls or the paged
    listing indexed in memory. A few ids go straight to detail calls. Otherwise page 1 of
    the listing is read: it answers some ids and tells the total; the rest of the listing
    is read (concurrently) only if that takes no more calls than detail calls for the ids
    still missing. ``fetch_page=None`` forces detail calls (list rows lack detail fields).
    ``unanswered`` collects the ids a detail call found nothing for (the whole listing
    was not read for them).
    """
    wanted = list(dict.fromkeys(i for i in ids if i and (valid_id is None or valid_id(i))))
    found: dict[str, I] = {}

    def index(rows: Iterable[I]) -> None:
        keep = set(wanted)
        found.update((row.id, row) for row in rows if row.id in keep)

    async def each(missing: list[str]) -> None:
        for key, row in zip(missing, await gather_all(fetch_one(i) for i in missing), strict=True):
            if row is not None:
                found[key] = row
            elif unanswered is not None:
                unanswered.append(key)

    if fetch_page is None or len(wanted) <= DIRECT_LOOKUP_MAX:
        await each(wanted)
    elif wanted:
        first = await fetch_page(1, max_size)
        index(first.items)
        missing = [i for i in wanted if i not in found]
        if missing and first.total is None:
            await each(missing)
        elif missing:
            pages_left = math.ceil(first.total / max_size) - 1
            if pages_left <= len(missing):
                pages = await gather_all(fetch_page(p, max_size) for p in range(2, pages_left + 2))
                for page in pages:
                    index(page.items)
            else:
                await each(missing)
    return [found.get(i) for i in ids]


def slice_window(rows: Sequence[T], window: Window) -> Page[T]:
    """A window over rows already in memory (cached reference data)."""
    end = window.offset + max(window.limit, 0)
    return Page(items=list(rows[window.offset : end]), total=len(rows), has_next=len(rows) > end)
