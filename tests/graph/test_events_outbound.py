"""Outbound webhooks: each event of the client's dealerships POSTed once, signed, retried
on failure, and dead-lettered (visible to that client only) when the receiver never takes
it. Backoff sleeps are skipped; the receiver is a real HTTP server."""

from __future__ import annotations

import asyncio
import datetime
import hashlib
import hmac
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from graph.app import create_app
from graph.config import ServerConfig
from graph.events.log import SqliteEventLog
from graph.events.model import EventType, NewEvent
from graph.events.outbound import (
    EVENT_ID_HEADER,
    RETRY_DELAYS,
    SIGNATURE_HEADER,
    OutboundWebhook,
)
from graph.ids import encode_global_id
from graph.runtime import Runtime
from graph.sandbox_mode import DEMO_CLIENT, sandbox_config
from sandbox import SandboxOptions, start_sandbox
from tests.graph.conftest import Api, start_api

SECRET = b"whsec_client_secret_for_tests"


@dataclass
class Receiver:
    """Answers 500 to the first ``failures`` deliveries of each event, then 200."""

    failures: int
    received: list[tuple[str, bytes, str]] = field(default_factory=list)
    url: str = ""
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        event_id = request.headers[EVENT_ID_HEADER]
        self.received.append((event_id, body, request.headers[SIGNATURE_HEADER]))
        self.arrived.set()
        tries = sum(1 for e, _, _ in self.received if e == event_id)
        return web.Response(status=500 if tries <= self.failures else 200)


@pytest.fixture
async def receiver_server() -> AsyncIterator[tuple[Receiver, TestServer]]:
    receiver = Receiver(failures=2)
    app = web.Application()
    app.router.add_post("/hook", receiver.handle)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    receiver.url = str(server.make_url("/hook"))
    yield receiver, server
    await server.close()


async def no_wait(seconds: float) -> None:
    return None


def event(dealership: str, native_id: str) -> NewEvent:
    return NewEvent(
        type=EventType.REPAIR_ORDER_UPDATED,
        dealership_id=dealership,
        occurred_at=datetime.datetime.now(datetime.UTC),
        record_type="RepairOrder",
        native_id=native_id,
        changes={"status": "completed"},
    )


def hook(log: SqliteEventLog, url: str, dealerships: list[str]) -> OutboundWebhook:
    return OutboundWebhook(
        client="crm",
        url=url,
        secret=SECRET,
        dealership_ids=dealerships,
        events=log,
        describe=lambda e: (f"D:{e.dealership_id}", f"R:{e.native_id}"),
        sleep=no_wait,
    )


def verified(body: bytes, header: str) -> bool:
    stamp, mac = (part.split("=", 1)[1] for part in header.split(","))
    expected = hmac.new(SECRET, f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(mac, expected)


async def test_a_failing_receiver_gets_each_event_once_signed(
    tmp_path: Path, receiver_server: tuple[Receiver, TestServer]
) -> None:
    receiver, _ = receiver_server
    log = SqliteEventLog(tmp_path / "events.sqlite3")
    outbound = hook(log, receiver.url, ["a"])
    async with aiohttp.ClientSession() as session:
        assert await outbound.deliver_pending(session) == 0  # a new subscriber starts now
        for native in ("1", "2"):
            await log.append(event("a", native))
        await log.append(event("b", "3"))  # not this client's dealership
        assert await outbound.deliver_pending(session) == 2
        assert await outbound.deliver_pending(session) == 0  # nothing twice
    tries = [(e, json.loads(b)["recordId"]) for e, b, _ in receiver.received]
    assert tries == [("1", "R:1")] * 3 + [("2", "R:2")] * 3
    assert all(verified(body, signature) for _, body, signature in receiver.received)
    taken = [json.loads(b) for _, b, _ in receiver.received[2::3]]
    assert [(t["type"], t["dealershipId"], t["changes"]) for t in taken] == [
        ("REPAIR_ORDER_UPDATED", "D:a", {"status": "completed"})
    ] * 2
    assert await log.dead_letters("crm", 10) == []
    await log.close()


async def test_a_restart_resumes_after_the_last_delivered_event(
    tmp_path: Path, receiver_server: tuple[Receiver, TestServer]
) -> None:
    receiver, _ = receiver_server
    receiver.failures = 0
    log = SqliteEventLog(tmp_path / "events.sqlite3")
    async with aiohttp.ClientSession() as session:
        await hook(log, receiver.url, ["a"]).deliver_pending(session)
        await log.append(event("a", "1"))
        assert await hook(log, receiver.url, ["a"]).deliver_pending(session) == 1
        await log.append(event("a", "2"))
        restarted = hook(log, receiver.url, ["a"])  # a new process, the same log
        assert await restarted.deliver_pending(session) == 1
    assert [e for e, _, _ in receiver.received] == ["1", "2"]
    await log.close()


@pytest.fixture
async def api(tmp_path: Path) -> AsyncIterator[Api]:
    options = SandboxOptions(seed=3, rate_limit_per_minute=100_000)
    async for value in start_api(options, vendors=("autosync",), data_dir=tmp_path):
        yield value


async def test_an_event_never_taken_is_a_dead_letter_its_client_sees(
    api: Api, receiver_server: tuple[Receiver, TestServer]
) -> None:
    receiver, _ = receiver_server
    receiver.failures = 99
    assert api.runtime.events is not None
    log = api.runtime.events.log
    dealer = next(iter(api.runtime.dealerships))
    outbound = hook(log, receiver.url, [dealer])
    outbound.client = DEMO_CLIENT  # the test key's client
    async with aiohttp.ClientSession() as session:
        await outbound.deliver_pending(session)
        await log.append(event(dealer, "77"))
        assert await outbound.deliver_pending(session) == 1
    assert len(receiver.received) == len(RETRY_DELAYS) + 1
    result: Any = await api.data(
        """{ webhookDeadLetters { attempts lastStatus event { type recordId } } }"""
    )
    (dead,) = result["webhookDeadLetters"]
    assert (dead["attempts"], dead["lastStatus"]) == (len(RETRY_DELAYS) + 1, 500)
    assert dead["event"]["type"] == "REPAIR_ORDER_UPDATED"
    other = await api.data("""{ webhookDeadLetters { attempts } }""", key="test-autosync-only-key")
    assert other["webhookDeadLetters"] == []


async def test_a_configured_client_webhook_receives_autosync_events(
    tmp_path: Path, receiver_server: tuple[Receiver, TestServer]
) -> None:
    receiver, _ = receiver_server
    receiver.failures = 0
    sandbox = await start_sandbox(SandboxOptions(seed=4), vendors=("autosync",))
    config, environ = sandbox_config(sandbox, "k" * 24, ServerConfig(data_dir=str(tmp_path)))
    client = config.clients[0].model_copy(
        update={"webhook_url": receiver.url, "webhook_secret_env": "CRM_HOOK_SECRET"}
    )
    config = config.model_copy(update={"clients": [client]})
    runtime = await Runtime.start(config, {**environ, "CRM_HOOK_SECRET": SECRET.decode()})
    server = TestServer(create_app(runtime), host="127.0.0.1")
    await server.start_server()
    try:
        connection = next(iter(runtime.dealerships.values())).connection_id
        hooks = sandbox.vendors["autosync"].state.webhooks
        hooks.targets.append(str(server.make_url(f"/webhooks/autosync/{connection}")))
        async with aiohttp.ClientSession() as http:
            assert runtime.events is not None
            await started_from_now(runtime.events.log)
            headers = {"Authorization": "Bearer " + "k" * 24}
            dealer = next(iter(runtime.dealerships))
            body = {
                "query": """mutation($i: UpsertCustomerInput!) { upsertCustomer(input: $i) {
                              customer { vendorId } } }""",
                "variables": {
                    "i": {
                        "dealershipId": encode_global_id("Dealership", dealer, dealer),
                        "idempotencyKey": "hooked",
                        "firstName": "Ada",
                        "lastName": "Hook",
                        "emails": ["ada@example.com"],
                    }
                },
            }
            async with http.post(server.make_url("/graphql"), json=body, headers=headers) as r:
                assert "errors" not in await r.json()
            async with asyncio.timeout(10):
                await receiver.arrived.wait()
        (_, delivered, signature_header) = receiver.received[0]
        assert verified(delivered, signature_header)
        assert json.loads(delivered)["type"] == "CUSTOMER_CREATED"
    finally:
        await server.close()
        await runtime.close()
        await sandbox.stop()


async def started_from_now(log: SqliteEventLog) -> None:
    """Until the client's delivery task has taken its start mark (events after count)."""
    async with asyncio.timeout(10):
        while True:
            if await log.watermark(f"outbound:{DEMO_CLIENT}") is not None:
                return
            await asyncio.sleep(0.01)
