"""Three ``dealergraph serve`` processes on one configuration with Redis (and PostgreSQL for
the idempotency records), against the sandboxes in a process of their own: towards each
vendor they act as one server.

AutoSync's budget window is shortened on both sides alike (the sandbox's
``rate_limit_window_seconds``, the connection's ``request_budget``), so the load below spans
several windows in seconds instead of minutes. DealerCenter holds each write's answer for
``HELD_WRITE`` seconds after doing it, so a replica can be killed with a write done but
unanswered."""

from __future__ import annotations

import asyncio
import contextlib
import secrets
from collections.abc import AsyncIterator
from typing import Any, NamedTuple

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
from sandbox.common.faults import Faults
from tests.graph.idempotency_backends import scratch_schema

BUDGET, WINDOW = 50, 2.0
"""AutoSync's budget here: 50 requests per 2 s per API key (its page: 100 a minute)."""
REQUESTS = 300
HELD_WRITE = 3.0
"""Seconds DealerCenter's sandbox holds a write's answer (its sign-in's too)."""
SESSION_VENDORS = ("autosoft", "automate", "dealertrack", "dealercenter")
LIGHT = "query($d: ID!) { dealership(id: $d) { repairOrders(first: 1) { nodes { id } } } }"
CREATE_LEAD = """mutation($d: ID!) { createLead(input: {
  dealershipId: $d, idempotencyKey: "replicas-lead-1", source: "website_digital_retail",
  contact: {firstName: "Jordan", lastName: "Lee", email: "jordan@example.com"},
  consent: {email: true} }) { replayed userErrors { code } lead { id } } }"""


DC_LEAD = """mutation($d: ID!) { createLead(input: {
  dealershipId: $d, idempotencyKey: "replicas-killed-1", source: "website_digital_retail",
  contact: {firstName: "Kim", lastName: "Killedmidwrite", email: "kim@example.com"},
  consent: {email: true} }) { replayed userErrors { code } lead { vendorId } } }"""
DC_LEADS = """query($d: ID!, $after: String) { dealership(id: $d) {
  leads(first: 100, after: $after) { nodes { vendorId lastName }
  pageInfo { hasNextPage endCursor } } } }"""


class Deployment(NamedTuple):
    sandbox: SandboxProcess
    config: AppConfig
    apis: list[ApiProcess]
    environ: dict[str, str]
    """What another replica needs to start on the same configuration."""


@pytest.fixture(scope="module")
async def deployment() -> AsyncIterator[Deployment]:
    prefix = f"dealergraph-test:{secrets.token_hex(6)}"
    options = {
        "seed": 1,
        "rate_limit_per_minute": BUDGET,
        "rate_limit_window_seconds": WINDOW,
        "faults": {"dealercenter": Faults(write_latency_seconds=HELD_WRITE)},
    }
    async with scratch_schema() as dsn, sandbox_process(**options) as sandbox:
        config, environ = replica_config(
            sandbox.vendors,
            redis_prefix=prefix,
            server={"idempotency_dsn": dsn, "request_deadline_seconds": 30.0},
            autosync_budget=(BUDGET, WINDOW),
        )
        try:
            async with replicas(config, environ, 3) as apis:
                yield Deployment(sandbox, config, apis, environ)
        finally:
            await forget_keys(prefix)


async def test_300_requests_over_three_replicas_keep_one_key_within_its_budget(
    deployment: Deployment,
) -> None:
    sandbox, config, apis, _ = deployment
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
    deployment: Deployment,
) -> None:
    sandbox, _, apis, _ = deployment
    async with aiohttp.ClientSession() as http:  # every replica reads every store
        await asyncio.gather(*(post(http, api, "{ dealerships { id } }", {}) for api in apis))
    for vendor in SESSION_VENDORS:
        logged = await sandbox.requests(vendor)
        sign_ins = [r for r in logged if r[0] == "POST" and r[1].endswith("/sessions")]
        assert len(sign_ins) == 1, vendor
        assert all(status in (200, 201) for _, _, status, _ in sign_ins)


async def test_20_duplicates_of_one_mutation_over_three_replicas_write_once(
    deployment: Deployment,
) -> None:
    sandbox, config, apis, _ = deployment
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


async def test_a_replica_killed_mid_write_loses_and_duplicates_nothing(
    deployment: Deployment,
) -> None:
    """A fourth replica sends a DealerCenter lead and is killed (SIGKILL) after the DMS did
    the write, before its answer came. The same mutation through another replica is taken
    over at once (the dead replica's database connection, and with it its claim's lock, is
    gone), resent with the same reference id, which DealerCenter deduplicates: one lead,
    answered."""
    _, config, apis, environ = deployment
    variables = {"d": dealership_id(config, Dms.DEALERCENTER)}
    async with replicas(config, environ, 1) as (doomed,), aiohttp.ClientSession() as http:
        sending = asyncio.create_task(post(http, doomed, DC_LEAD, variables))
        await until_the_dms_holds_the_lead(http, apis[0], variables)
        doomed.process.kill()
        await doomed.process.wait()
        with contextlib.suppress(aiohttp.ClientError):  # its connection dropped
            await sending

        answer = await post(http, apis[1], DC_LEAD, variables)
        leads = await killed_mid_write_leads(http, apis[2], variables)

    assert answer.get("errors") is None, answer
    created = answer["data"]["createLead"]
    assert created["userErrors"] == []
    assert [lead["vendorId"] for lead in leads] == [created["lead"]["vendorId"]]


async def killed_mid_write_leads(
    http: aiohttp.ClientSession, api: ApiProcess, variables: dict[str, Any]
) -> list[dict[str, Any]]:
    """The leads of this test's contact the DMS holds (every page, read through a live
    replica)."""
    found: list[dict[str, Any]] = []
    after = None
    for _ in range(10):  # the store holds about 150 leads
        answer = await post(http, api, DC_LEADS, {**variables, "after": after})
        assert answer.get("errors") is None, answer
        leads = answer["data"]["dealership"]["leads"]
        found += [n for n in leads["nodes"] if n["lastName"] == "Killedmidwrite"]
        if not leads["pageInfo"]["hasNextPage"]:
            return found
        after = leads["pageInfo"]["endCursor"]
    raise AssertionError("more pages of leads than the store holds")


async def until_the_dms_holds_the_lead(
    http: aiohttp.ClientSession, api: ApiProcess, variables: dict[str, Any]
) -> None:
    """Polls the DMS (nothing here can be told of a write it did but has not answered)."""
    for _ in range(600):  # a hang guard (30 s), not a timing check
        if await killed_mid_write_leads(http, api, variables):
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the DMS never held the lead")
