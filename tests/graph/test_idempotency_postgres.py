"""Idempotency records on PostgreSQL: replicas on other machines, the configuration, and a
mutation replayed through another replica of the API."""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from aiohttp.test_utils import TestServer
from pydantic import ValidationError

from graph.app import create_app
from graph.config import AppConfig, ConfigError, ServerConfig, describe
from graph.exactly_once import ExactlyOnce
from graph.idempotency import RecordState
from graph.idempotency_postgres import (
    IdempotencyStoreUnavailable,
    PostgresIdempotencyStore,
    redact_dsn,
)
from graph.idempotency_stores import open_idempotency_store
from graph.process_identity import ProcessIdentity
from graph.runtime import Runtime
from graph.sandbox_mode import sandbox_config
from sandbox import SandboxOptions
from tests.graph.conftest import FULL_KEY, Api, start_api
from tests.graph.idempotency_backends import scratch_schema

REPLICA_A = ProcessIdentity("replica-a", 7, "a1")
REPLICA_B = ProcessIdentity("replica-b", 7, "b1")
"""Two processes on two machines: neither can check the other's pid."""


@pytest.fixture
async def dsn() -> AsyncIterator[str]:
    async with scratch_schema() as value:
        yield value


async def test_an_owner_on_another_machine_is_gone_once_its_replica_stops(dsn: str) -> None:
    here = await PostgresIdempotencyStore.open(dsn)
    there = await PostgresIdempotencyStore.open(dsn)
    try:
        # Replica B claims a write (a two-minute lease) and is still running.
        await there.claim("crm", "lead-1", "fp", "createLead", 120.0, str(REPLICA_B))
        assert not REPLICA_A.owner_is_gone(str(REPLICA_B))  # no pid to check from here
        assert not await here.owner_is_gone(str(REPLICA_B))
        assert not await here.owner_is_gone("")  # not a process: its lease decides

        await there.close()  # replica B stops mid-write
        assert await here.owner_is_gone(str(REPLICA_B))
        sent: list[str] = []

        async def perform() -> dict[str, Any]:
            sent.append("lead-1")
            return {"leadId": "L-1"}

        # Replica A does not wait out B's lease: a deduplicating vendor gets it again now.
        once = ExactlyOnce(here, identity=REPLICA_A, wait_timeout=0.5, poll_seconds=60)
        outcome = await once.run(
            client="crm",
            key="lead-1",
            fingerprint="fp",
            operation="createLead",
            idempotent_upstream=True,
            perform=perform,
        )
        assert outcome == ({"leadId": "L-1"}, False) and sent == ["lead-1"]
        record = await here.get("crm", "lead-1")
        assert record is not None and record.state is RecordState.DONE
        assert record.owner == str(REPLICA_A)
    finally:
        await here.close()
        await there.close()


async def test_the_dsn_password_never_shows_in_errors() -> None:
    dsn = "postgresql://dealergraph:s3cret-Pw@127.0.0.1:1/dealergraph"  # nothing listens
    with pytest.raises(IdempotencyStoreUnavailable) as err:
        await PostgresIdempotencyStore.open(dsn)
    assert "s3cret-Pw" not in str(err.value)
    assert "postgresql://dealergraph:***@127.0.0.1:1/dealergraph" in str(err.value)
    assert redact_dsn("postgresql://u@h/d?password=s3cret-Pw&sslmode=require") == (
        "postgresql://u@h/d?password=***&sslmode=require"
    )
    server = ServerConfig(idempotency_dsn="env:IDEMPOTENCY_DSN")
    with pytest.raises(ConfigError) as unreachable:
        await open_idempotency_store(server, {"IDEMPOTENCY_DSN": dsn})
    assert "s3cret-Pw" not in str(unreachable.value)


def test_the_file_names_the_dsn_without_its_password() -> None:
    env = ServerConfig(idempotency_dsn="env:IDEMPOTENCY_DSN")
    assert env.resolve_idempotency_dsn({"IDEMPOTENCY_DSN": "postgresql://u:p@h/d"}) == (
        "postgresql://u:p@h/d"
    )
    with pytest.raises(ConfigError, match="IDEMPOTENCY_DSN is not set"):
        env.resolve_idempotency_dsn({})
    plain = ServerConfig(idempotency_dsn="postgresql://dealergraph@db:5432/dealergraph")
    assert plain.resolve_idempotency_dsn({}) == "postgresql://dealergraph@db:5432/dealergraph"
    assert ServerConfig().resolve_idempotency_dsn({}) is None  # SQLite
    for written in ("postgresql://u:s3cret-Pw@db/d", "postgresql://u@db/d?password=s3cret-Pw"):
        with pytest.raises(ValidationError) as refused:
            AppConfig.model_validate({"server": {"idempotency_dsn": written}})
        message = describe(refused.value)
        assert "must not hold a password" in message and "s3cret-Pw" not in message


async def replica(api: Api, dsn: str) -> AsyncIterator[Api]:
    """Another server process of the same deployment: same vendors, same records."""
    data_dir = tempfile.mkdtemp(prefix="dealergraph-replica-")
    config, environ = sandbox_config(
        api.sandbox, FULL_KEY, server=ServerConfig(data_dir=data_dir, idempotency_dsn=dsn)
    )
    runtime = await Runtime.start(config, environ)
    server = TestServer(create_app(runtime), host="127.0.0.1")
    await server.start_server()
    try:
        yield Api(api.http, str(server.make_url("/graphql")), runtime, api.sandbox)
    finally:
        await server.close()
        await runtime.close()


CREATE_LEAD = """mutation($input: CreateLeadInput!) { createLead(input: $input) {
  replayed userErrors { code } lead { id } } }"""


async def test_a_mutation_replayed_through_another_replica_writes_once(dsn: str) -> None:
    data_dir = Path(tempfile.mkdtemp(prefix="dealergraph-pg-"))
    options = SandboxOptions(seed=2, rate_limit_per_minute=100_000)
    async for first in start_api(options, data_dir=data_dir, server={"idempotency_dsn": dsn}):
        lead = {
            "dealershipId": first.dealership_id("autosoft"),
            "idempotencyKey": "pg-lead-1",
            "contact": {"firstName": "Jordan", "lastName": "Lee", "email": "j@example.com"},
            "source": "website_digital_retail",
            "consent": {"email": True},
        }
        handle = first.sandbox.vendors["autosoft"]
        before = handle.requests.count(method="POST", path_contains="/leads")
        made = (await first.data(CREATE_LEAD, {"input": lead}))["createLead"]
        assert made["userErrors"] == [] and made["replayed"] is False
        async for second in replica(first, dsn):
            again = (await second.data(CREATE_LEAD, {"input": lead}))["createLead"]
        assert again == {**made, "replayed": True}
        assert handle.requests.count(method="POST", path_contains="/leads") == before + 1
        assert not (data_dir / "idempotency.sqlite3").exists()  # the records are in PostgreSQL
        conn = await asyncpg.connect(dsn)
        try:
            states = await conn.fetch("SELECT key, state FROM dealergraph_idempotency")
        finally:
            await conn.close()
        assert [(r["key"], r["state"]) for r in states] == [("pg-lead-1", "done")]
