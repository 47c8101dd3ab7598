"""The idempotency stores the exactly-once tests run against: the SQLite file and the
machine's PostgreSQL, each test in a schema of its own that is dropped afterwards."""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg

from graph.idempotency import IdempotencyStore, SqliteIdempotencyStore
from graph.idempotency_postgres import PostgresIdempotencyStore

POSTGRES_DSN = os.environ.get(
    "DEALERGRAPH_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres"
)
"""The server every PostgreSQL case uses (local and CI: trust auth)."""
BACKENDS = ("sqlite", "postgres")


@asynccontextmanager
async def scratch_schema() -> AsyncIterator[str]:
    """A DSN whose ``search_path`` is a new schema, dropped with everything in it after."""
    name = f"dg_test_{secrets.token_hex(6)}"
    conn = await asyncpg.connect(POSTGRES_DSN)
    try:
        await conn.execute(f"CREATE SCHEMA {name}")
        yield f"{POSTGRES_DSN}?search_path={name}"
    finally:
        await conn.execute(f"DROP SCHEMA IF EXISTS {name} CASCADE")
        await conn.close()


@asynccontextmanager
async def location(backend: str, tmp_path: Path) -> AsyncIterator[str]:
    """Where a store of ``backend`` keeps its records: a file path or a DSN."""
    if backend == "sqlite":
        yield str(tmp_path / "idem.sqlite3")
    else:
        async with scratch_schema() as dsn:
            yield dsn


async def open_store(backend: str, where: str) -> IdempotencyStore:
    """A store over ``where`` (from ``location``); several may share one place."""
    if backend == "sqlite":
        return SqliteIdempotencyStore(Path(where))
    return await PostgresIdempotencyStore.open(where)
