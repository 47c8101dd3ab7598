"""Three ``dealergraph serve`` processes on one configuration with Redis (and PostgreSQL for
the idempotency records), against the sandboxes in a process of their own: towards each
vendor they act as one server.

AutoSync's budget window is shortened on both sides alike (the sandbox's
``rate_limit_window_seconds``, the connection's ``request_budget``), so the load below spans
several windows in seconds instead of minutes."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from adapters.models import Dms
from bench.execution import ApiProcess
from bench.replicas import (
    SandboxProcess,
    dealership_id,
    forget_keys,
    post,
    replica_config,
    replicas,
    sandbox_process,
)
from graph.config import AppConfig
from tests.graph.idempotency_backends import scratch_schema

BUDGET, WINDOW = 50, 2.0
"""AutoSync's budget here: 50 requests per 2 s per API key (its page: 100 a minute)."""
REQUESTS = 300
SESSION_VENDORS = ("autosoft", "automate", "dealertrack", "dealercenter")
LIGHT = "query($d: ID!) { dealership(id: $d) { repairOrders(first: 1) { nodes { id } } } }"
CREATE_LEAD = """mutation($d: ID!) { createLead(input: {
  dealershipId: $d, idempotencyKey: "replicas-lead-1", source: "website_digital_retail",
  contact: {firstName: "Jordan", lastName: "Lee", email: "jordan@example.com"},
  consent: {email: true} }) { replayed userErrors { code } lead { id } } }"""


@pytest.fixture(scope="module")
async def deployment() -> AsyncIterator[tuple[SandboxProcess, AppConfig, list[ApiProcess]]]:
    prefix = f"dealergraph-test:{secrets.token_hex(6)}"
    options = {"seed": 1, "rate_limit_per_minute": BUDGET, "rate_limit_window_seconds": WINDOW}
    async with scratch_schema() as dsn, sandbox_process(**options) as sandbox:
        config, environ = replica_config(
            sandbox.vendors,
            redis_prefix=prefix,
            server={"idempotency_dsn": dsn, "request_deadline_seconds": 30.0},
            autosync_budget=(BUDGET, WINDOW),
        )
        try:
            async with replicas(config, environ, 3) as apis:
                yield sandbox, config, apis
        finally:
            await forget_keys(prefix)


async def test_300_requests_over_three_replicas_keep_one_key_within_its_budget(
    deployment: tuple[SandboxProcess, AppConfig, list[ApiProcess]],
) -> None:
    sandbox, config, apis = deployment
    variables = {"d": dealership_id(config, Dms.AUTOSYNC)}
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=REQUESTS)) as http:
        answers = await asyncio.gather(
            *(post(http, apis[n % len(apis)], LIGHT, variables) for n in range(REQUESTS))
        )

    assert [a for a in answers if a.get("errors")] == []
    logged = await sandbox.requests("autosync")
    assert len(logged) >= REQUESTS  # each answer read the vendor (caches are off)
    assert {status for *_, status, _ in logged} == {200}  # never a 429
    arrivals = sorted(at for *_, at in logged)
    busiest = max(
        sum(1 for later in arrivals[i:] if later < start + WINDOW)
        for i, start in enumerate(arrivals)
    )
    assert busiest <= BUDGET
    assert arrivals[-1] - arrivals[0] >= (len(arrivals) // BUDGET - 1) * WINDOW


async def test_each_supergood_login_signed_in_once_for_all_three_replicas(
    deployment: tuple[SandboxProcess, AppConfig, list[ApiProcess]],
) -> None:
    sandbox, _, apis = deployment
    async with aiohttp.ClientSession() as http:  # every replica reads every store
        await asyncio.gather(*(post(http, api, "{ dealerships { id } }", {}) for api in apis))
    for vendor in SESSION_VENDORS:
        logged = await sandbox.requests(vendor)
        sign_ins = [r for r in logged if r[0] == "POST" and r[1].endswith("/sessions")]
        assert len(sign_ins) == 1, vendor
        assert all(status in (200, 201) for _, _, status, _ in sign_ins)


async def test_20_duplicates_of_one_mutation_over_three_replicas_write_once(
    deployment: tuple[SandboxProcess, AppConfig, list[ApiProcess]],
) -> None:
    sandbox, config, apis = deployment
    variables = {"d": dealership_id(config, Dms.AUTOSOFT)}
    async with aiohttp.ClientSession() as http:
        answers: list[dict[str, Any]] = await asyncio.gather(
            *(post(http, apis[n % len(apis)], CREATE_LEAD, variables) for n in range(20))
        )

    leads = {a["data"]["createLead"]["lead"]["id"] for a in answers}
    assert len(leads) == 1 and [a for a in answers if a.get("errors")] == []
    assert sum(not a["data"]["createLead"]["replayed"] for a in answers) == 1
    writes = [r for r in await sandbox.requests("autosoft") if r[0] == "POST" and "leads" in r[1]]
    assert len(writes) == 1
