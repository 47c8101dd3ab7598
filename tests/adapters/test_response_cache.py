"""The response cache on a fake clock: kinds and their time to live, the request memo,
shared in-flight reads, and invalidation by writes (including reads in flight)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from adapters.response_cache import DEFAULT_TTLS, NO_CACHE, ResponseCache, kind_of_path
from adapters.upstream_scope import UpstreamScope
from tests.adapters.cache_fakes import FakeClock, Vendor


async def read(cache: ResponseCache, vendor: Vendor, path: str, store: str | None = None) -> Any:
    return await cache.get((path,), path=path, store=store, fetch=vendor.reader(path))


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("/vehicles", "vehicles"),
        ("/inventory/vehicles/veh_1", "vehicles"),
        ("/inventory/lots", "vehicles"),
        ("/crm/customers", "customers"),
        ("/service/repair-orders/ro_1", "repair_orders"),
        ("/shops/7/workorders/12", "repair_orders"),
        ("/shops/7/customers", "customers"),
        ("/shops", "stores"),
        ("/rooftops", "stores"),
        ("/accounting/ar-accounts", "accounts"),
        ("/accounting/receivables/acc_1", "accounts"),
        ("/bhph/accounts", "accounts"),
        ("/accounting/receipts", "payments"),
        ("/bhph/payments", "payments"),
        ("/users", "employees"),
        ("/shops/7/technicians", "employees"),
        ("/sessions", "other"),
    ],
)
def test_paths_name_their_kind(path: str, kind: str) -> None:
    assert kind_of_path(path) == kind


async def test_answers_are_kept_for_their_kind_s_time_to_live() -> None:
    clock, vendor = FakeClock(), Vendor()
    cache = ResponseCache({"vehicles": 60.0, "deals": 0.0}, clock=clock)
    assert (await read(cache, vendor, "/vehicles"))["call"] == 1
    clock.now += 59
    assert (await read(cache, vendor, "/vehicles"))["call"] == 1
    clock.now += 2
    assert (await read(cache, vendor, "/vehicles"))["call"] == 2
    await read(cache, vendor, "/deals")
    await read(cache, vendor, "/deals")  # 0: never kept
    assert vendor.calls == 4
    assert cache.ttl("customers") == DEFAULT_TTLS["customers"]


async def test_a_request_reads_an_answer_once_even_with_caching_off() -> None:
    vendor = Vendor()
    cache = ResponseCache(NO_CACHE)
    with UpstreamScope(client="a").opened():
        await read(cache, vendor, "/vehicles")
        await read(cache, vendor, "/vehicles")
    assert vendor.calls == 1
    with UpstreamScope(client="a").opened():
        await read(cache, vendor, "/vehicles")
    assert vendor.calls == 2  # another request: nothing kept across requests


async def test_concurrent_identical_reads_share_one_vendor_request() -> None:
    vendor = Vendor()
    vendor.gate = asyncio.Event()
    cache = ResponseCache()
    readers = [asyncio.create_task(read(cache, vendor, "/customers")) for _ in range(5)]
    await asyncio.sleep(0)
    vendor.gate.set()
    answers = await asyncio.gather(*readers)
    assert vendor.calls == 1 and all(a == answers[0] for a in answers)


async def test_a_request_s_concurrent_identical_reads_share_one_request_with_caching_off() -> None:
    """Nothing is kept across requests, but one request's identical reads in flight at once
    (two lookups reading the same listing page) are one vendor request; another request's
    are its own."""
    vendor = Vendor()
    vendor.gate = asyncio.Event()
    cache = ResponseCache(NO_CACHE)
    with UpstreamScope(client="a").opened():
        mine = [asyncio.create_task(read(cache, vendor, "/customers")) for _ in range(3)]
    with UpstreamScope(client="b").opened():
        theirs = asyncio.create_task(read(cache, vendor, "/customers"))
    await asyncio.sleep(0)
    vendor.gate.set()
    answers = await asyncio.gather(*mine)
    assert [a["call"] for a in answers] == [1, 1, 1]
    assert (await theirs)["call"] == 2
    assert vendor.calls == 2


async def test_a_request_s_failed_read_fails_the_reads_that_joined_it() -> None:
    cache, calls = ResponseCache(NO_CACHE), []
    gate = asyncio.Event()

    async def refused() -> Any:
        calls.append(1)
        await gate.wait()
        raise RuntimeError("refused")

    with UpstreamScope(client="a").opened():
        readers = [
            asyncio.create_task(cache.get(("/deals",), path="/deals", store=None, fetch=refused))
            for _ in range(2)
        ]
    await asyncio.sleep(0)
    gate.set()
    outcomes = await asyncio.gather(*readers, return_exceptions=True)
    assert [str(o) for o in outcomes] == ["refused", "refused"] and len(calls) == 1


async def test_a_cancelled_reader_does_not_fail_the_ones_waiting_for_it() -> None:
    vendor = Vendor()
    vendor.gate = asyncio.Event()
    cache = ResponseCache()
    leader = asyncio.create_task(read(cache, vendor, "/customers"))
    await asyncio.sleep(0)
    follower = asyncio.create_task(read(cache, vendor, "/customers"))
    await asyncio.sleep(0)
    leader.cancel()
    await asyncio.sleep(0)
    vendor.gate.set()
    assert (await follower)["call"] == 2  # it read for itself
    assert leader.cancelled()


async def test_errors_are_not_kept() -> None:
    cache, calls = ResponseCache(), []

    async def failing() -> Any:
        calls.append(1)
        raise RuntimeError("vendor down")

    for _ in range(2):
        with pytest.raises(RuntimeError):
            await cache.get(("/parts",), path="/parts", store=None, fetch=failing)
    assert len(calls) == 2


async def test_a_write_drops_its_store_s_answers_and_spares_other_stores() -> None:
    vendor = Vendor()
    cache = ResponseCache()
    await read(cache, vendor, "/shops/1/workorders", store="1")
    await read(cache, vendor, "/shops/2/workorders", store="2")
    cache.invalidate("1")
    assert (await read(cache, vendor, "/shops/1/workorders", store="1"))["call"] == 3
    assert (await read(cache, vendor, "/shops/2/workorders", store="2"))["call"] == 2
    cache.invalidate(None)  # a write whose store is unknown drops everything
    assert (await read(cache, vendor, "/shops/2/workorders", store="2"))["call"] == 4


async def test_a_write_drops_the_request_s_memo_too() -> None:
    vendor = Vendor()
    cache = ResponseCache(NO_CACHE)
    with UpstreamScope().opened():
        await read(cache, vendor, "/leads")
        cache.invalidate(None)
        assert (await read(cache, vendor, "/leads"))["call"] == 2


async def test_a_read_in_flight_during_a_write_is_not_kept() -> None:
    vendor = Vendor()
    vendor.gate = asyncio.Event()
    cache = ResponseCache()
    stale = asyncio.create_task(read(cache, vendor, "/leads"))
    await asyncio.sleep(0)
    cache.invalidate(None)  # the write lands while the read is on its way
    vendor.gate.set()
    await stale
    assert (await read(cache, vendor, "/leads"))["call"] == 2
