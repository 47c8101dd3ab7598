"""A wrong password cannot lock the vendor account: the DMS is asked to sign in at most
three times an hour (a minute, then four, apart), every query on the store meanwhile fails
at once with UPSTREAM_AUTH_FAILED without a vendor request, the connection reports
AUTH_FAILED, and an operator's retryDmsConnection signs in at once once the password is
right at the DMS. Time moves on a virtual clock."""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from graph.app import create_app
from graph.config import ServerConfig
from graph.ids import encode_global_id
from graph.runtime import Runtime
from graph.sandbox_mode import sandbox_config
from sandbox import RunningSandbox, SandboxOptions, start_sandbox
from tests.virtual_clock import VirtualClock

KEY = "lockout-test-key"
WRONG = "not-the-password-1"
READ = """query($d: ID!) { dealership(id: $d) {
  connectionStatus { state lastErrorCode } vehicles(first: 2) { nodes { vin } } } }"""
WORK_ORDERS = """query($d: ID!) { dealership(id: $d) {
  connectionStatus { state } repairOrders(first: 2) { nodes { roNumber } } } }"""
RETRY = """mutation($d: ID!) { retryDmsConnection(input: {dealershipId: $d}) {
  userErrors { code } dealership { connectionStatus { state } } } }"""


@dataclass
class Locked:
    http: aiohttp.ClientSession
    url: str
    sandbox: RunningSandbox
    clock: VirtualClock
    dealer: str

    async def query(self, query: str = READ) -> dict[str, Any]:
        body = {"query": query, "variables": {"d": self.dealer}}
        headers = {"Authorization": f"Bearer {KEY}"}
        async with self.http.post(self.url, json=body, headers=headers) as answer:
            result: dict[str, Any] = await answer.json()
            return result

    def sign_ins(self) -> int:
        log = self.sandbox.vendors["autosoft"].requests
        return int(log.count(method="POST", path_contains="/sessions"))

    def requests(self) -> int:
        return int(self.sandbox.vendors["autosoft"].requests.count())


@pytest.fixture
async def locked() -> AsyncIterator[Locked]:
    clock = VirtualClock()
    options = SandboxOptions(seed=3, rate_limit_per_minute=100_000, clock=clock)
    sandbox = await start_sandbox(options, vendors=("autosoft",))
    data_dir = tempfile.mkdtemp(prefix="dealergraph-lockout-")
    config, environ = sandbox_config(sandbox, KEY, ServerConfig(data_dir=data_dir))
    (variable,) = [v for v in environ if v.endswith("_PASSWORD")]
    environ[variable] = WRONG
    runtime = await Runtime.start(config, environ, shared=clock.shared())
    server = TestServer(create_app(runtime), host="127.0.0.1")
    await server.start_server()
    (entry,) = runtime.dealerships.values()
    dealer = encode_global_id("Dealership", entry.id, entry.id)
    http = aiohttp.ClientSession()
    try:
        yield Locked(http, str(server.make_url("/graphql")), sandbox, clock, dealer)
    finally:
        await http.close()
        await server.close()
        await runtime.close()
        await sandbox.stop()


def refused(result: dict[str, Any]) -> bool:
    codes = {e["extensions"]["code"] for e in result.get("errors") or ()}
    return codes == {"UPSTREAM_AUTH_FAILED"}


async def test_a_wrong_password_costs_at_most_three_sign_ins_an_hour(locked: Locked) -> None:
    first = await locked.query()
    assert refused(first)
    assert locked.sign_ins() == 1
    for _ in range(5):  # held: answered at once, nothing sent
        sent = locked.requests()
        held = await locked.query()
        assert refused(held)
        assert "retryDmsConnection" in held["errors"][0]["message"]
        assert locked.requests() == sent
    status = held["data"]["dealership"]["connectionStatus"]
    assert status == {"state": "AUTH_FAILED", "lastErrorCode": "UPSTREAM_AUTH_FAILED"}
    await locked.clock.advance(61)
    assert refused(await locked.query())
    assert locked.sign_ins() == 2
    assert refused(await locked.query())
    assert locked.sign_ins() == 2
    await locked.clock.advance(4 * 60 + 1)
    assert refused(await locked.query())
    assert locked.sign_ins() == 3
    for _ in range(6):  # the rest of the hour: nothing more, however long the waits
        await locked.clock.advance(8 * 60)
        assert refused(await locked.query())
    assert locked.sign_ins() == 3
    await locked.clock.advance(15 * 60)  # an hour after the first refusal
    assert refused(await locked.query())
    assert locked.sign_ins() == 4


async def test_an_operator_retry_signs_in_once_the_password_is_right(locked: Locked) -> None:
    assert refused(await locked.query())
    assert refused(await locked.query())
    assert locked.sign_ins() == 1
    auth = locked.sandbox.vendors["autosoft"].state.auth
    (user,) = [u for u in auth.users.values() if u.mfa_method == "totp"][:1]
    auth.users[user.username] = dataclasses.replace(user, password=WRONG)  # fixed at the DMS
    retried = await locked.query(RETRY)
    payload = retried["data"]["retryDmsConnection"]
    assert payload["userErrors"] == []
    assert payload["dealership"]["connectionStatus"]["state"] == "OK"
    assert locked.sign_ins() == 2
    after = await locked.query()
    assert "errors" not in after, after
    assert len(after["data"]["dealership"]["vehicles"]["nodes"]) == 2


async def test_a_revoked_api_key_opens_the_circuit() -> None:
    """A vendor that keeps answering 401 (AutoSync's key revoked) stops being asked once
    the store's circuit opens: the fields fail fast, nothing more is sent."""
    sandbox = await start_sandbox(
        SandboxOptions(seed=3, rate_limit_per_minute=100_000), vendors=("autosync",)
    )
    data_dir = tempfile.mkdtemp(prefix="dealergraph-revoked-")
    config, environ = sandbox_config(sandbox, KEY, ServerConfig(data_dir=data_dir))
    runtime = await Runtime.start(config, environ)
    server = TestServer(create_app(runtime), host="127.0.0.1")
    await server.start_server()
    (entry,) = runtime.dealerships.values()
    handle = sandbox.vendors["autosync"]
    handle.state.keys.clear()  # the shop owner revoked the key
    http = aiohttp.ClientSession()
    stack = Locked(
        http,
        str(server.make_url("/graphql")),
        sandbox,
        VirtualClock(),
        encode_global_id("Dealership", entry.id, entry.id),
    )
    try:
        answers = []
        for _ in range(8):
            runtime.clear_caches()
            answers.append(await stack.query(WORK_ORDERS))
        assert all(a.get("errors") for a in answers)
        sent = handle.requests.count()
        runtime.clear_caches()
        last = await stack.query(WORK_ORDERS)
        assert handle.requests.count() == sent  # the circuit answers now, not the vendor
        assert last["errors"][0]["extensions"]["code"] == "UPSTREAM_UNAVAILABLE"
        assert last["data"]["dealership"]["connectionStatus"]["state"] == "CIRCUIT_OPEN"
    finally:
        await http.close()
        await server.close()
        await runtime.close()
        await sandbox.stop()
