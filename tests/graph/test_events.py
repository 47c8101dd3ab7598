"""Change events end to end: AutoSync's signed webhooks and the Supergood family's polled
lists into one log, read through the ``events`` query and the ``dealershipEvents``
subscription (graphql-transport-ws), each event once, only for dealerships the key sees."""

from __future__ import annotations

import asyncio
import datetime
import hashlib
import hmac
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from graph.events.log import SqliteEventLog
from graph.events.model import EventType, NewEvent
from graph.events.polling import Poller
from graph.ids import encode_global_id
from sandbox import SandboxOptions
from tests.graph.conftest import AUTOSYNC_ONLY_KEY, FULL_KEY, Api, start_api

EVENTS = """query($after: String, $types: [EventType!]) { events(after: $after, types: $types) {
  nodes { cursor type recordId dealership { id } changes { field value } } endCursor } }"""
SUBSCRIBE = """subscription($after: String) { dealershipEvents(after: $after) {
  cursor type recordId dealership { id } } }"""
NEW_CUSTOMER = """mutation($i: UpsertCustomerInput!) { upsertCustomer(input: $i) {
  customer { vendorId } userErrors { code } } }"""
DEADLINE = 10.0
"""Real seconds a test waits for an event before failing (a hang, not a timing check)."""


@pytest.fixture
async def api(tmp_path: Path) -> AsyncIterator[Api]:
    options = SandboxOptions(seed=2, rate_limit_per_minute=100_000, today=datetime.date.today())
    async for value in start_api(options, vendors=("autosoft", "autosync"), data_dir=tmp_path):
        handle = value.sandbox.vendors["autosync"]
        handle.state.webhooks.targets.append(webhook_url(value))
        yield value


def connection_of(api: Api, dms: str) -> str:
    return next(d.connection_id for d in api.runtime.dealerships.values() if d.dms.value == dms)


def webhook_url(api: Api) -> str:
    return api.url.removesuffix("/graphql") + f"/webhooks/autosync/{connection_of(api, 'autosync')}"


async def create_customer(api: Api, key: str) -> str:
    result = await api.data(
        NEW_CUSTOMER,
        {
            "i": {
                "dealershipId": api.dealership_id("autosync"),
                "idempotencyKey": key,
                "firstName": "Eve",
                "lastName": key,
                "emails": [f"{key}@example.com"],
            }
        },
    )
    vendor_id: str = result["upsertCustomer"]["customer"]["vendorId"]
    return vendor_id


async def events(api: Api, key: str = FULL_KEY, **variables: Any) -> dict[str, Any]:
    page: dict[str, Any] = (await api.data(EVENTS, variables, key=key))["events"]
    return page


async def until_events(api: Api, count: int, **variables: Any) -> list[dict[str, Any]]:
    async with asyncio.timeout(DEADLINE):
        while True:
            nodes: list[dict[str, Any]] = (await events(api, **variables))["nodes"]
            if len(nodes) >= count:
                return nodes
            await asyncio.sleep(0.02)


class Subscriber:
    """A graphql-transport-ws client of ``dealershipEvents``."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws

    @classmethod
    async def open(cls, api: Api, *, key: str = FULL_KEY, after: str | None = None) -> Subscriber:
        url = api.url.replace("http://", "ws://")
        ws = await api.http.ws_connect(url, protocols=["graphql-transport-ws"])
        await ws.send_json(
            {"type": "connection_init", "payload": {"Authorization": f"Bearer {key}"}}
        )
        assert (await ws.receive_json(timeout=DEADLINE))["type"] == "connection_ack"
        await ws.send_json(
            {
                "id": "1",
                "type": "subscribe",
                "payload": {"query": SUBSCRIBE, "variables": {"after": after}},
            }
        )
        return cls(ws)

    async def next(self) -> dict[str, Any]:
        message = await self.ws.receive_json(timeout=DEADLINE)
        assert message["type"] == "next", message
        event: dict[str, Any] = message["payload"]["data"]["dealershipEvents"]
        return event

    async def close(self) -> None:
        await self.ws.close()


def signed(secret: str, payload: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(payload).encode()
    signature = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return body, {"X-AutoSync-Signature": signature, "Content-Type": "application/json"}


def now_stamp() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat().replace("+00:00", "Z")


async def test_a_signed_autosync_webhook_reaches_a_subscriber(api: Api) -> None:
    subscriber = await Subscriber.open(api)
    try:
        customer = await create_customer(api, "hooked")
        event = await subscriber.next()
    finally:
        await subscriber.close()
    assert event["type"] == "CUSTOMER_CREATED"
    dealer = api.dealership_id("autosync")
    assert event["dealership"]["id"] == dealer
    native = api.runtime.dealerships[connection_dealer(api)].id
    assert event["recordId"] == encode_global_id("Customer", native, customer)
    deliveries = api.sandbox.vendors["autosync"].state.webhooks.deliveries
    assert [(d.event, d.status) for d in deliveries] == [("customer.created", 200)]


def connection_dealer(api: Api) -> str:
    return next(d.id for d in api.runtime.dealerships.values() if d.dms.value == "autosync")


async def test_bad_or_missing_signatures_record_nothing(api: Api) -> None:
    handle = api.sandbox.vendors["autosync"]
    payload = {
        "event": "customer.created",
        "shop_id": 1,
        "timestamp": now_stamp(),
        "data": {"id": 9},
    }
    body, headers = signed(handle.credentials["webhook_secret"], payload)
    forged = {**headers, "X-AutoSync-Signature": "0" * 64}
    for sent in (forged, {"Content-Type": "application/json"}):
        async with api.http.post(webhook_url(api), data=body, headers=sent) as answer:
            assert answer.status == 401
    tampered = body.replace(b'"id": 9', b'"id": 10')
    async with api.http.post(webhook_url(api), data=tampered, headers=headers) as answer:
        assert answer.status == 401
    assert (await events(api))["nodes"] == []


async def test_a_duplicate_delivery_is_one_event_and_stale_ones_are_refused(api: Api) -> None:
    secret = api.sandbox.vendors["autosync"].credentials["webhook_secret"]
    payload = {
        "event": "workorder.completed",
        "shop_id": 1,
        "timestamp": now_stamp(),
        "data": {"id": 1043, "work_order_number": "1043", "total": 1166.40},
    }
    body, headers = signed(secret, payload)
    answers = []
    for _ in range(3):
        async with api.http.post(webhook_url(api), data=body, headers=headers) as answer:
            answers.append((answer.status, (await answer.json())["recorded"]))
    assert answers == [(200, True), (200, False), (200, False)]
    (event,) = (await events(api))["nodes"]
    assert event["type"] == "REPAIR_ORDER_COMPLETED"
    assert {"field": "total", "value": "1166.4"} in event["changes"]
    old = {**payload, "timestamp": "2024-03-14T15:30:00Z"}
    body, headers = signed(secret, old)
    async with api.http.post(webhook_url(api), data=body, headers=headers) as answer:
        assert (answer.status, (await answer.json())["code"]) == (400, "STALE_DELIVERY")
    assert len((await events(api))["nodes"]) == 1


async def test_a_resubscriber_with_its_cursor_gets_every_event_once(api: Api) -> None:
    first = await Subscriber.open(api)
    try:
        await create_customer(api, "one")
        seen = await first.next()
    finally:
        await first.close()
    for key in ("two", "three"):  # while nobody listens
        await create_customer(api, key)
    await until_events(api, 3)
    again = await Subscriber.open(api, after=seen["cursor"])
    try:
        replayed = [await again.next(), await again.next()]
        await create_customer(api, "four")
        live = await again.next()
    finally:
        await again.close()
    cursors = [seen["cursor"], *(e["cursor"] for e in replayed), live["cursor"]]
    assert len(set(cursors)) == 4
    listed = await until_events(api, 4)
    assert [e["cursor"] for e in listed] == cursors


async def test_a_key_never_sees_another_dealerships_events(api: Api) -> None:
    log = api.runtime.events.log  # type: ignore[union-attr]
    autosoft = next(d.id for d in api.runtime.dealerships.values() if d.dms.value == "autosoft")
    await log.append(
        NewEvent(
            type=EventType.LEAD_CREATED,
            dealership_id=autosoft,
            occurred_at=datetime.datetime.now(datetime.UTC),
            record_type="Lead",
            native_id="L-1",
        )
    )
    await create_customer(api, "visible")
    everything = await until_events(api, 2)
    assert {e["type"] for e in everything} == {"LEAD_CREATED", "CUSTOMER_CREATED"}
    narrowed = (await events(api, key=AUTOSYNC_ONLY_KEY))["nodes"]
    assert [e["type"] for e in narrowed] == ["CUSTOMER_CREATED"]
    subscriber = await Subscriber.open(api, key=AUTOSYNC_ONLY_KEY, after=None)
    try:
        await log.append(
            NewEvent(
                type=EventType.LEAD_UPDATED,
                dealership_id=autosoft,
                occurred_at=datetime.datetime.now(datetime.UTC),
                record_type="Lead",
                native_id="L-1",
            )
        )
        await create_customer(api, "after")
        event = await subscriber.next()
    finally:
        await subscriber.close()
    assert event["type"] == "CUSTOMER_CREATED"


async def test_a_websocket_without_a_valid_key_is_refused(api: Api) -> None:
    url = api.url.replace("http://", "ws://")
    async with api.http.ws_connect(url, protocols=["graphql-transport-ws"]) as ws:
        await ws.send_json({"type": "connection_init", "payload": {"Authorization": "Bearer no"}})
        closed = await ws.receive(timeout=DEADLINE)
    assert closed.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)
    assert ws.close_code == 4403


async def test_only_a_websocket_handshake_opens_a_websocket(api: Api) -> None:
    # The view answers most requests without trying a handshake: those with no Upgrade
    # header; one that has it without being a handshake stays an ordinary request.
    auth = {"Authorization": f"Bearer {FULL_KEY}"}
    for extra in ({}, {"Upgrade": "websocket"}, {"Upgrade": "h2c"}):
        params = {"query": "{ __typename }"}
        async with api.http.get(api.url, params=params, headers={**auth, **extra}) as response:
            body = await response.json()
        assert response.status == 200, extra
        assert body["data"] == {"__typename": "Query"} and "errors" not in body, extra
    url = api.url.replace("http://", "ws://")
    async with api.http.ws_connect(url, protocols=["graphql-transport-ws"]) as ws:
        assert ws.protocol == "graphql-transport-ws"
        await ws.send_json({"type": "connection_init", "payload": auth})
        assert (await ws.receive_json(timeout=DEADLINE))["type"] == "connection_ack"


async def test_polled_changes_become_events_once_across_restarts(api: Api, tmp_path: Path) -> None:
    log = SqliteEventLog(tmp_path / "polled.sqlite3")
    autosoft = [d for d in api.runtime.dealerships.values() if d.dms.value == "autosoft"]
    poller = Poller(autosoft, log, interval=60)
    assert await poller.poll_all() == 0  # the first round only sets the marks
    feeds = len(poller.feeds())
    assert feeds >= 4
    assert await poller.poll_all() == 0  # signs in
    api.reset_upstream_counts()
    assert await poller.poll_all() == 0
    assert api.upstream_requests("autosoft") == feeds  # one request per kind when idle
    lead = await api.data(
        """mutation($i: CreateLeadInput!) { createLead(input: $i) {
             lead { vendorId } userErrors { code } } }""",
        {
            "i": {
                "dealershipId": api.dealership_id("autosoft"),
                "idempotencyKey": "polled-lead",
                "contact": {"firstName": "Pat", "lastName": "Polled", "email": "p@example.com"},
                "source": "website_digital_retail",
                "consent": {"email": True},
            }
        },
    )
    assert lead["createLead"]["userErrors"] == []
    # AutoSoft files a new lead's person as a customer too: two records, two events.
    assert await poller.poll_all() == 2
    recorded = await log.after(0, 10)
    assert {(e.type, e.record_type) for e in recorded} == {
        (EventType.LEAD_CREATED, "Lead"),
        (EventType.CUSTOMER_CREATED, "Customer"),
    }
    (event,) = [e for e in recorded if e.type is EventType.LEAD_CREATED]
    assert event.native_id == lead["createLead"]["lead"]["vendorId"]
    await log.close()
    reopened = SqliteEventLog(tmp_path / "polled.sqlite3")
    restarted = Poller(autosoft, reopened, interval=60)
    assert await restarted.poll_all() == 0  # the marks survived: nothing again
    assert [e.cursor for e in await reopened.after(0, 10)] == [e.cursor for e in recorded]
    await reopened.close()


async def test_simulated_shop_activity_arrives_as_events(api: Api) -> None:
    subscriber = await Subscriber.open(api)
    try:
        moved = api.sandbox.vendors["autosync"].state.simulate_activity()
        event = await subscriber.next()
    finally:
        await subscriber.close()
    assert moved is not None
    expected = (
        "REPAIR_ORDER_COMPLETED" if moved["status"] == "completed" else "REPAIR_ORDER_UPDATED"
    )
    assert event["type"] == expected
    native = connection_dealer(api)
    assert event["recordId"] == encode_global_id("RepairOrder", native, str(moved["id"]))
