"""Which answers a write drops from the response cache, store by store: reads in flight,
kept answers and the request's memo, with every vendor read counted. Also the kinds of
store-scoped paths and the shortest time to live."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from contextlib import nullcontext
from typing import Any

import pytest

from adapters.response_cache import DEFAULT_TTLS, NO_CACHE, ResponseCache, kind_of_path
from adapters.upstream_scope import UpstreamScope
from tests.adapters.cache_fakes import FakeClock, Vendor


async def read(cache: ResponseCache, vendor: Vendor, store: str | None, path: str = "") -> Any:
    path = path or f"/shops/{store}/workorders"
    return await cache.get((path,), path=path, store=store, fetch=vendor.reader(path))


async def in_flight(cache: ResponseCache, vendor: Vendor, store: str | None) -> asyncio.Task[Any]:
    vendor.gate = asyncio.Event()
    task = asyncio.create_task(read(cache, vendor, store))
    await asyncio.sleep(0)
    assert vendor.calls >= 1 and not task.done()
    return task


async def landed(task: asyncio.Task[Any], vendor: Vendor) -> Any:
    assert vendor.gate is not None
    vendor.gate.set()
    answer = await task
    vendor.gate = None
    return answer


@pytest.mark.parametrize(
    ("path", "kind"),
    [("/rooftops/7/customers", "customers"), ("/shops/7", "stores"), ("/rooftops/7", "stores")],
)
def test_a_store_scoped_path_is_named_by_what_it_reads_under_the_store(
    path: str, kind: str
) -> None:
    assert kind_of_path(path) == kind


async def test_an_unknown_kind_is_never_kept_and_half_a_second_is_a_time_to_live() -> None:
    clock, vendor = FakeClock(), Vendor()
    cache = ResponseCache({"repair_orders": 0.5}, clock=clock)
    assert cache.ttl("no such kind") == 0.0
    await read(cache, vendor, "1")
    clock.now += 0.4
    assert (await read(cache, vendor, "1"))["call"] == 1
    clock.now += 0.2
    assert (await read(cache, vendor, "1"))["call"] == 2


async def test_a_write_to_another_store_does_not_spoil_a_read_in_flight() -> None:
    vendor = Vendor()
    cache = ResponseCache()
    task = await in_flight(cache, vendor, "1")
    cache.invalidate("2")
    assert (await landed(task, vendor))["call"] == 1
    assert (await read(cache, vendor, "1"))["call"] == 1, "kept"
    assert vendor.calls == 1


async def test_every_write_to_the_store_spoils_the_reads_in_flight_then() -> None:
    vendor = Vendor()
    cache = ResponseCache()
    cache.invalidate("1")  # an earlier write
    task = await in_flight(cache, vendor, "1")
    cache.invalidate("1")  # this one lands while the read is on its way
    await landed(task, vendor)
    assert (await read(cache, vendor, "1"))["call"] == 2, "not kept"


async def test_every_write_of_unknown_store_spoils_the_reads_in_flight_then() -> None:
    vendor = Vendor()
    cache = ResponseCache()
    cache.clear()
    task = await in_flight(cache, vendor, "1")
    cache.clear()
    await landed(task, vendor)
    assert (await read(cache, vendor, "1"))["call"] == 2, "not kept"


async def test_a_write_to_any_store_spoils_the_store_less_reads_in_flight_then() -> None:
    """A write to one store drops the answers of no store too, so a store-less read on its
    way then is not kept either."""
    vendor = Vendor()
    cache = ResponseCache()
    task = await in_flight(cache, vendor, None)
    cache.invalidate("1")
    await landed(task, vendor)
    assert (await read(cache, vendor, None))["call"] == 2, "not kept"
    assert (await read(cache, vendor, None))["call"] == 2, "the read after the write is"


@pytest.mark.parametrize(
    ("ttls", "in_a_request"),
    [(DEFAULT_TTLS, False), (NO_CACHE, True)],
    ids=["kept across requests", "shared within a request only"],
)
async def test_a_reader_arriving_after_the_write_does_not_join_the_stale_read(
    ttls: Mapping[str, float], in_a_request: bool
) -> None:
    """Reads in flight are shared across requests for the kept kinds, and within a request
    for the others: a write ends that sharing either way."""
    vendor = Vendor()
    cache = ResponseCache(ttls)
    with UpstreamScope(client="a").opened() if in_a_request else nullcontext():
        stale = await in_flight(cache, vendor, "1")
        cache.invalidate("1")
        fresh = asyncio.create_task(read(cache, vendor, "1"))
        await asyncio.sleep(0)
        assert (await landed(stale, vendor))["call"] == 1
        assert (await fresh)["call"] == 2


async def test_a_reader_that_read_for_itself_after_a_cancelled_one_keeps_its_answer() -> None:
    vendor = Vendor()
    cache = ResponseCache()
    leader = await in_flight(cache, vendor, "1")
    follower = asyncio.create_task(read(cache, vendor, "1"))
    await asyncio.sleep(0)
    leader.cancel()
    await asyncio.sleep(0)
    assert (await landed(follower, vendor))["call"] == 2
    cache.invalidate("2")
    assert (await read(cache, vendor, "1"))["call"] == 2, "kept, as store 1's"
    assert vendor.calls == 2


async def test_a_write_drops_from_the_requests_memo_its_stores_and_store_less_answers_only() -> (
    None
):
    vendor, other_vendor = Vendor(), Vendor()
    cache, other_cache = ResponseCache(NO_CACHE), ResponseCache(NO_CACHE)
    with UpstreamScope().opened():
        for store in ("1", "2", None):
            await read(cache, vendor, store, f"/repair-orders/{store}")
        await read(other_cache, other_vendor, "1", "/repair-orders/1")
        cache.invalidate("1")
        again = {}
        for store in ("1", "2", None):
            again[store] = (await read(cache, vendor, store, f"/repair-orders/{store}"))["call"]
        assert again == {"1": 4, "2": 2, None: 5}, (
            "2's answer is kept, 1's and the store-less read again"
        )
        assert (await read(other_cache, other_vendor, "1", "/repair-orders/1"))["call"] == 1
        cache.invalidate(None)
        assert (await read(cache, vendor, "2", "/repair-orders/2"))["call"] == 6


async def test_a_fresh_request_reads_past_the_kept_answers() -> None:
    vendor = Vendor()
    cache = ResponseCache()
    await read(cache, vendor, "1")
    with UpstreamScope(fresh=True).opened():
        assert (await read(cache, vendor, "1"))["call"] == 2
        assert (await read(cache, vendor, "1"))["call"] == 2, "once per request still"
    assert (await read(cache, vendor, "1"))["call"] == 1, "the kept answer is untouched"


async def test_a_read_sent_after_a_write_to_its_store_is_kept() -> None:
    vendor = Vendor()
    cache = ResponseCache()
    cache.invalidate("1")
    task = await in_flight(cache, vendor, "1")
    await landed(task, vendor)
    assert (await read(cache, vendor, "1"))["call"] == 1, "kept: no write since it was sent"


async def test_the_read_in_flight_at_a_write_leaves_the_next_one_to_be_joined() -> None:
    """The stale read landing must not end the fresh read's flight: a reader arriving
    between the two still joins the fresh one."""
    vendor = Vendor()
    cache = ResponseCache()
    stale = await in_flight(cache, vendor, "1")
    stale_gate = vendor.gate
    cache.invalidate("1")
    fresh = await in_flight(cache, vendor, "1")  # waits at a gate of its own
    assert stale_gate is not None and vendor.gate is not stale_gate
    stale_gate.set()
    assert (await stale)["call"] == 1
    third = asyncio.create_task(read(cache, vendor, "1"))
    await asyncio.sleep(0)
    assert (await landed(fresh, vendor))["call"] == 2
    assert (await third)["call"] == 2
    assert vendor.calls == 2


@pytest.mark.parametrize(("read_store", "written"), [("1", "1"), ("1", None), (None, "1")], ids=str)
@pytest.mark.parametrize(
    ("ttls", "fresh"),
    [(DEFAULT_TTLS, False), (DEFAULT_TTLS, True), (NO_CACHE, False)],
    ids=["kept across requests", "fresh request", "shared within a request only"],
)
async def test_a_read_in_flight_at_a_write_is_not_remembered_for_the_rest_of_the_request(
    ttls: Mapping[str, float], fresh: bool, read_store: str | None, written: str | None
) -> None:
    """The request's memo, like the kept answers, must not hold an answer sent before a
    write that drops it: the request's next read of it reads the vendor again."""
    vendor = Vendor()
    cache = ResponseCache(ttls)
    with UpstreamScope(fresh=fresh).opened():
        stale = await in_flight(cache, vendor, read_store)
        cache.invalidate(written)
        assert (await landed(stale, vendor))["call"] == 1
        assert (await read(cache, vendor, read_store))["call"] == 2, "read again"
        assert (await read(cache, vendor, read_store))["call"] == 2, "then remembered"
    assert vendor.calls == 2
