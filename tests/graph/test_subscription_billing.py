"""A subscription's vendor work is billed per event to its client's cost bucket: each event
takes the document's planned cost before delivery, waits while the bucket is empty, and
gets back what it planned but did not send."""

from __future__ import annotations

import datetime
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from adapters.upstream_scope import UpstreamScope
from graph.events.model import EventType, NewEvent
from graph.subscription_billing import EventBilling
from graph.throttle import Allowance, AwaitedBuckets, CostBuckets
from graph.types.events import encode_event_cursor
from sandbox import SandboxOptions
from tests.graph.conftest import FULL_KEY, Api, start_api
from tests.graph.test_events import DEADLINE


class Clock:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def billing(
    clock: Clock, cost: int, upstream: UpstreamScope, *, capacity: int = 2, rate: float = 1.0
) -> tuple[EventBilling, CostBuckets, Allowance]:
    buckets = CostBuckets(clock)
    allowance = Allowance(capacity=capacity, restore_rate=rate)
    bill = EventBilling(
        AwaitedBuckets(buckets), "acme", allowance, cost, upstream, sleep=clock.sleep
    )
    return bill, buckets, allowance


def level(buckets: CostBuckets, allowance: Allowance) -> float:
    return buckets.status("acme", allowance).currently_available


async def test_each_event_takes_its_cost_and_waits_for_an_empty_bucket() -> None:
    clock, upstream = Clock(), UpstreamScope(client="acme")
    bill, buckets, allowance = billing(clock, 1, upstream)
    for _ in range(2):
        await bill.admit()
        upstream.sent()  # the event's record read
    assert clock.slept == []
    assert level(buckets, allowance) == 0
    await bill.admit()
    assert clock.slept == [1.0]  # until one point refilled at 1 a second
    upstream.sent()
    await bill.settle()
    assert level(buckets, allowance) == 0


async def test_what_an_event_did_not_send_is_given_back() -> None:
    clock, upstream = Clock(), UpstreamScope(client="acme")
    bill, buckets, allowance = billing(clock, 3, upstream, capacity=5)
    await bill.admit()
    upstream.sent()  # planned 3, sent 1
    await bill.admit()  # settles the first (2 back), takes 3 again
    assert level(buckets, allowance) == 5 - 1 - 3
    await bill.settle()  # the second sent nothing
    assert level(buckets, allowance) == 5 - 1
    await bill.settle()  # nothing taken since: nothing more back
    assert level(buckets, allowance) == 5 - 1


async def test_an_event_that_costs_nothing_takes_nothing() -> None:
    clock, upstream = Clock(), UpstreamScope(client="acme")
    bill, buckets, allowance = billing(clock, 0, upstream, capacity=1)
    for _ in range(5):
        await bill.admit()
    assert level(buckets, allowance) == 1
    assert clock.slept == []


SUBSCRIBE_RECORDS = """subscription($after: String) {
  dealershipEvents(types: [CUSTOMER_CREATED], after: $after) {
  type record { ... on Customer { vendorId firstName } } } }"""


@pytest.fixture
async def api(tmp_path: Path) -> AsyncIterator[Api]:
    options = SandboxOptions(seed=2, rate_limit_per_minute=100_000, today=datetime.date.today())
    # Buckets of 5 points that barely refill: what the subscription takes stays visible.
    server = {"client_cost_capacity": 5, "client_cost_restore_rate": 0.001}
    async for value in start_api(options, vendors=("autosync",), data_dir=tmp_path, server=server):
        yield value


async def available(api: Api) -> int:
    body: dict[str, Any] = await api.query("{ __typename }")
    status: int = body["extensions"]["cost"]["throttleStatus"]["currentlyAvailable"]
    return status


async def customer_ids(api: Api) -> list[str]:
    page = await api.data(
        "query($d: ID!) { dealership(id: $d) { customers(first: 2) { nodes { vendorId } } } }",
        {"d": api.dealership_id("autosync")},
    )
    ids: list[str] = [n["vendorId"] for n in page["dealership"]["customers"]["nodes"]]
    assert len(ids) == 2
    return ids


async def record_event(api: Api, customer: str) -> None:
    """A change event as AutoSync's webhook would record it."""
    assert api.runtime.events is not None
    dealership = next(iter(api.runtime.dealerships))
    recorded = await api.runtime.events.record(
        NewEvent(
            type=EventType.CUSTOMER_CREATED,
            dealership_id=dealership,
            occurred_at=datetime.datetime.now(datetime.UTC),
            record_type="Customer",
            native_id=customer,
            dedupe_key=f"billing:{customer}",
        )
    )
    assert recorded is not None


async def test_a_subscription_reading_records_takes_one_point_per_event(api: Api) -> None:
    """The subscriber's key pays for each event's record read."""
    customers = await customer_ids(api)
    before = await available(api)
    ws = await api.http.ws_connect(
        api.url.replace("http://", "ws://"), protocols=["graphql-transport-ws"]
    )
    try:
        await ws.send_json(
            {"type": "connection_init", "payload": {"Authorization": f"Bearer {FULL_KEY}"}}
        )
        assert (await ws.receive_json(timeout=DEADLINE))["type"] == "connection_ack"
        await ws.send_json(
            {
                "id": "1",
                "type": "subscribe",
                # From the log's start: the events may be recorded before it subscribed.
                "payload": {
                    "query": SUBSCRIBE_RECORDS,
                    "variables": {"after": encode_event_cursor(0)},
                },
            }
        )
        api.reset_upstream_counts()
        for customer in customers:
            await record_event(api, customer)
        received = []
        for _ in customers:
            message = await ws.receive_json(timeout=DEADLINE)
            assert message["type"] == "next", message
            received.append(message["payload"]["data"]["dealershipEvents"]["record"])
    finally:
        await ws.close()
    assert [r["vendorId"] for r in received] == customers
    assert api.upstream_requests("autosync") == 2  # one record read per event
    assert await available(api) == before - 2
