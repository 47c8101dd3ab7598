"""Each API client's cost bucket, shared on Redis by every replica: points one replica took
are gone for the others, refills and give-backs count once, and a query one replica admits
leaves the other replica's answer showing the same bucket."""

from __future__ import annotations

import datetime
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from adapters.shared import SharedCredentials
from adapters.shared_redis import RedisShared
from graph.app import create_app
from graph.config import ServerConfig
from graph.runtime import Runtime
from graph.sandbox_mode import sandbox_config
from graph.throttle import Allowance
from graph.throttle_redis import RedisCostBuckets
from graph.token_vault import fernet_for
from sandbox import SandboxOptions, start_sandbox
from tests.adapters.test_shared_redis import KEY, REDIS_URL, redis_prefix  # noqa: F401

API_KEY = "shared-buckets-key"
ALLOWANCE = Allowance(capacity=10, restore_rate=2.0)


class Wall:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


async def connect(prefix: str, wall: Wall) -> RedisShared:
    return await RedisShared.connect(REDIS_URL, prefix=prefix, sealer=fernet_for(KEY), wall=wall)


async def test_two_replicas_draw_on_one_bucket(redis_prefix: str) -> None:  # noqa: F811
    wall = Wall()
    first, second = await connect(redis_prefix, wall), await connect(redis_prefix, wall)
    try:
        one, two = RedisCostBuckets(first), RedisCostBuckets(second)
        assert (await one.take("acme", 6, ALLOWANCE)).granted
        refused = await two.take("acme", 6, ALLOWANCE)
        assert not refused.granted
        assert refused.retry_after == 1.0  # 2 points short at 2 a second
        assert (await two.take("other", 6, ALLOWANCE)).granted  # its own bucket
        wall.now += 1.0
        assert (await two.take("acme", 6, ALLOWANCE)).granted
        assert (await one.status("acme", ALLOWANCE)).currently_available == 0
        await one.give_back("acme", 3, ALLOWANCE)
        assert (await two.status("acme", ALLOWANCE)).currently_available == 3
        wall.now += 60  # refills to the capacity, never past it
        await two.give_back("acme", 5, ALLOWANCE)
        assert (await one.status("acme", ALLOWANCE)).currently_available == 10
    finally:
        await first.close()
        await second.close()


@pytest.fixture
async def two_replicas(
    redis_prefix: str,  # noqa: F811
) -> AsyncIterator[tuple[list[str], aiohttp.ClientSession]]:
    """Two API processes' runtimes on one Redis, over one sandbox: their /graphql URLs."""
    options = SandboxOptions(seed=2, rate_limit_per_minute=100_000, today=datetime.date.today())
    sandbox = await start_sandbox(options, vendors=("autosoft",))
    server = ServerConfig(client_cost_capacity=50, client_cost_restore_rate=0.001)
    config, environ = sandbox_config(sandbox, API_KEY, server)
    runtimes: list[Runtime] = []
    servers: list[TestServer] = []
    http = aiohttp.ClientSession()
    try:
        for _ in range(2):
            redis = await connect(redis_prefix, Wall())
            runtime = await Runtime.start(config, environ, shared=SharedCredentials(redis=redis))
            runtimes.append(runtime)
            test_server = TestServer(create_app(runtime), host="127.0.0.1")
            await test_server.start_server()
            servers.append(test_server)
        yield [str(s.make_url("/graphql")) for s in servers], http
    finally:
        await http.close()
        for test_server in servers:
            await test_server.close()
        for runtime in runtimes:
            await runtime.close()
        await sandbox.stop()


async def cost_of(http: aiohttp.ClientSession, url: str, query: str) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {API_KEY}"}
    async with http.post(url, json={"query": query}, headers=headers) as answer:
        body: dict[str, Any] = await answer.json()
    assert "errors" not in body, body
    cost: dict[str, Any] = body["extensions"]["cost"]
    return cost


async def test_a_query_on_one_replica_spends_the_bucket_the_other_sees(
    two_replicas: tuple[list[str], aiohttp.ClientSession],
) -> None:
    (first, second), http = two_replicas
    assert (await cost_of(http, second, "{ __typename }"))["throttleStatus"][
        "currentlyAvailable"
    ] == 50
    spent = await cost_of(http, first, "{ dealerships { vehicles(first: 5) { nodes { vin } } } }")
    charged = min(spent["requestedQueryCost"], spent["actualQueryCost"])  # the refund rule
    assert charged >= 1
    assert spent["throttleStatus"]["currentlyAvailable"] == 50 - charged
    seen = await cost_of(http, second, "{ __typename }")
    assert seen["throttleStatus"]["currentlyAvailable"] == 50 - charged
    assert seen["throttleStatus"]["maximumAvailable"] == 50
