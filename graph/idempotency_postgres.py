"""Idempotency records in PostgreSQL, shared by server replicas on several machines.

The same records and rules as ``SqliteIdempotencyStore`` (``graph.idempotency``): a claim is
an insert that either wins the (client, key) row or finds the existing record; take-over is
a compare-and-set on the lease; finish, mark_unknown and release end a claim; purge keeps
pending rows. Times come from the database's clock, so replicas whose clocks differ still
agree on when a lease ends.

Crash recovery across machines: a pid can only be checked on its own machine, so each store
also keeps one dedicated connection (its *presence*) holding a session-level advisory lock
per owner it has signed claims for, taken before the claim is written. PostgreSQL drops those
locks when the connection ends: at once when the process dies (its socket closes), and after
TCP keepalives fail (about a minute) when its machine vanishes. So an owner whose lock nobody
holds is gone, on whatever host it ran. A replica cut off from the database for that long
counts as gone too: like a lease that ran out, its pending writes are then taken over
(resent to a deduplicating vendor) or marked unknown.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import asyncpg

from graph.idempotency import ClaimResult, IdempotencyRecord, RecordState
from graph.process_identity import ProcessIdentity

_NOW = "extract(epoch from clock_timestamp())::float8"
_COLUMNS = "client, key, fingerprint, operation, state, outcome, lease_until, created_at, owner"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS dealergraph_idempotency (
    client TEXT NOT NULL,
    key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    operation TEXT NOT NULL,
    state TEXT NOT NULL,
    outcome JSONB,
    lease_until DOUBLE PRECISION,
    created_at DOUBLE PRECISION NOT NULL,
    updated_at DOUBLE PRECISION NOT NULL,
    owner TEXT,
    PRIMARY KEY (client, key)
);
CREATE INDEX IF NOT EXISTS dealergraph_idempotency_finished
    ON dealergraph_idempotency (created_at) WHERE state <> 'pending';
"""
_CREATE_LOCK = 0x6467_6964_656D_0001
"""Advisory lock serializing table creation: replicas starting together would otherwise
race in CREATE TABLE IF NOT EXISTS (a unique violation in the catalog)."""
_KEEPALIVES = {
    "tcp_keepalives_idle": "20",
    "tcp_keepalives_interval": "10",
    "tcp_keepalives_count": "3",
}
"""The presence connection's keepalives: the server drops a vanished machine's locks after
about 50 s instead of the operating system's default two hours."""
_CLAIM_ATTEMPTS = 8
"""A claim that finds a row which is then released before it can be read tries again; a
handful of times is plenty (each miss means another writer finished in between)."""


class IdempotencyStoreUnavailable(Exception):
    """The database could not be reached or set up; the message never holds a password."""


def redact_dsn(dsn: str) -> str:
    """The DSN with its password (in the user part or a ``password`` parameter) masked."""
    parts = urlsplit(dsn)
    netloc = parts.netloc
    if "@" in netloc:
        user, _, host = netloc.rpartition("@")
        if ":" in user:
            user = user.split(":", 1)[0] + ":***"
        netloc = f"{user}@{host}"
    query = urlencode(
        [(k, "***" if k == "password" else v) for k, v in parse_qsl(parts.query)], safe="*"
    )
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def _password(dsn: str) -> str | None:
    parts = urlsplit(dsn)
    found = dict(parse_qsl(parts.query)).get("password")
    return parts.password or found


def _record(row: asyncpg.Record) -> IdempotencyRecord:
    outcome = row["outcome"]
    return IdempotencyRecord(
        client=row["client"],
        key=row["key"],
        fingerprint=row["fingerprint"],
        operation=row["operation"],
        state=RecordState(row["state"]),
        outcome=json.loads(outcome) if outcome else None,
        lease_until=row["lease_until"],
        created_at=row["created_at"],
        owner=row["owner"],
    )


def _changed(status: str) -> int:
    """Rows an UPDATE or DELETE changed, from asyncpg's command status (``UPDATE 1``)."""
    return int(status.rsplit(" ", 1)[-1])


class _Presence:
    """One connection holding an advisory lock for each owner this store signed claims
    for: the database's own record of which owners are alive."""

    def __init__(self, dsn: str, namespace: str) -> None:
        self._dsn = dsn
        self._namespace = namespace
        self._conn: asyncpg.Connection | None = None
        self._wanted: set[str] = set()
        self._held: set[str] = set()
        self._lock = asyncio.Lock()

    def key(self, owner: str) -> int:
        """The owner's advisory lock: 64 bits of a hash, namespaced by the table."""
        digest = hashlib.sha256(f"{self._namespace}\x00{owner}".encode()).digest()
        return int.from_bytes(digest[:8], "big", signed=True)

    async def hold(self, owner: str) -> None:
        async with self._lock:
            self._wanted.add(owner)
            if self._conn is None or self._conn.is_closed():
                # A new connection (first use, or the last one was lost): hold every owner
                # again, as the old locks went with the old connection.
                self._conn = await asyncpg.connect(self._dsn, server_settings=_KEEPALIVES)
                self._held.clear()
            for wanted in self._wanted - self._held:
                # Not blocking: a lock held elsewhere (another store of this process, or
                # our lost connection's backend not yet gone) already says the owner is
                # alive; it is tried again at the next claim.
                if await self._conn.fetchval("SELECT pg_try_advisory_lock($1)", self.key(wanted)):
                    self._held.add(wanted)

    async def close(self) -> None:
        async with self._lock:
            if self._conn is not None:
                await self._conn.close()  # the locks go with the connection
                self._conn = None
            self._held.clear()


class PostgresIdempotencyStore:
    """Idempotency records in the table ``dealergraph_idempotency`` (created if missing, in
    the DSN's database and first ``search_path`` schema), through a connection pool."""

    def __init__(self, pool: asyncpg.Pool, presence: _Presence) -> None:
        self._pool = pool
        self._presence = presence

    @classmethod
    async def open(cls, dsn: str, *, pool_size: int = 10) -> PostgresIdempotencyStore:
        """Connect, create the table if missing, and return the store. Failures raise
        ``IdempotencyStoreUnavailable`` naming the DSN with its password masked."""
        try:
            pool = await asyncpg.create_pool(
                dsn, min_size=1, max_size=pool_size, command_timeout=30
            )
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, ValueError) as exc:
            raise _unavailable(dsn, exc) from None
        try:
            async with pool.acquire() as conn, conn.transaction():
                await conn.execute("SELECT pg_advisory_xact_lock($1)", _CREATE_LOCK)
                await conn.execute(_SCHEMA)
                namespace = await conn.fetchval(
                    "SELECT current_schema() || '.dealergraph_idempotency'"
                )
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            await pool.close()
            raise _unavailable(dsn, exc) from None
        return cls(pool, _Presence(dsn, namespace))

    async def claim(
        self,
        client: str,
        key: str,
        fingerprint: str,
        operation: str,
        lease_seconds: float,
        owner: str = "",
    ) -> tuple[ClaimResult, IdempotencyRecord]:
        if owner:
            await self._presence.hold(owner)  # before the claim is visible to anyone
        for _ in range(_CLAIM_ATTEMPTS):
            row = await self._pool.fetchrow(
                "INSERT INTO dealergraph_idempotency (client, key, fingerprint, operation,"
                " state, outcome, lease_until, created_at, updated_at, owner)"
                " SELECT $1, $2, $3, $4, $5, NULL, t.now + $6, t.now, t.now, $7"
                f" FROM (SELECT {_NOW} AS now) t"
                f" ON CONFLICT (client, key) DO NOTHING RETURNING {_COLUMNS}",
                client,
                key,
                fingerprint,
                operation,
                RecordState.PENDING.value,
                lease_seconds,
                owner,
            )
            if row is not None:
                return ClaimResult.CLAIMED, _record(row)
            existing = await self.get(client, key)
            if existing is not None:
                return ClaimResult.EXISTS, existing
        raise RuntimeError(f"claiming {key!r} kept meeting records released at once")

    async def take_over(
        self,
        client: str,
        key: str,
        expected_lease: float | None,
        lease_seconds: float,
        owner: str = "",
    ) -> bool:
        if owner:
            await self._presence.hold(owner)
        status = await self._pool.execute(
            f"UPDATE dealergraph_idempotency SET lease_until = {_NOW} + $3,"
            f" updated_at = {_NOW}, owner = $4 WHERE client = $1 AND key = $2 AND state = $5"
            " AND lease_until IS NOT DISTINCT FROM $6",
            client,
            key,
            lease_seconds,
            owner,
            RecordState.PENDING.value,
            expected_lease,
        )
        return _changed(status) == 1

    async def _set_state(
        self, client: str, key: str, state: RecordState, outcome: dict[str, Any]
    ) -> None:
        await self._pool.execute(
            "UPDATE dealergraph_idempotency SET state = $3, outcome = $4::jsonb,"
            f" lease_until = NULL, updated_at = {_NOW} WHERE client = $1 AND key = $2",
            client,
            key,
            state.value,
            json.dumps(outcome, sort_keys=True),
        )

    async def finish(self, client: str, key: str, outcome: dict[str, Any]) -> None:
        await self._set_state(client, key, RecordState.DONE, outcome)

    async def mark_unknown(self, client: str, key: str, outcome: dict[str, Any]) -> None:
        await self._set_state(client, key, RecordState.UNKNOWN, outcome)

    async def release(self, client: str, key: str) -> None:
        await self._pool.execute(
            "DELETE FROM dealergraph_idempotency WHERE client = $1 AND key = $2 AND state = $3",
            client,
            key,
            RecordState.PENDING.value,
        )

    async def get(self, client: str, key: str) -> IdempotencyRecord | None:
        row = await self._pool.fetchrow(
            f"SELECT {_COLUMNS} FROM dealergraph_idempotency WHERE client = $1 AND key = $2",
            client,
            key,
        )
        return None if row is None else _record(row)

    async def purge(self, older_than_seconds: float) -> int:
        status = await self._pool.execute(
            f"DELETE FROM dealergraph_idempotency WHERE state <> $1 AND created_at < {_NOW} - $2",
            RecordState.PENDING.value,
            older_than_seconds,
        )
        return _changed(status)

    async def owner_is_gone(self, owner: str | None) -> bool:
        """Whether ``owner``'s process has stopped, on any host: no connection holds its
        presence lock. False for an owner that is not a process identity (lease decides)."""
        if ProcessIdentity.parse(owner) is None:
            return False
        assert owner is not None
        # A transaction-scoped shared try-lock: granted only when no presence holds the
        # owner's lock, and released when this one-statement transaction ends.
        free: bool = await self._pool.fetchval(
            "SELECT pg_try_advisory_xact_lock_shared($1)", self._presence.key(owner)
        )
        return free

    async def close(self) -> None:
        await self._presence.close()
        await self._pool.close()


def _unavailable(dsn: str, exc: BaseException) -> IdempotencyStoreUnavailable:
    message = f"{type(exc).__name__}: {exc}"
    password = _password(dsn)
    if password:
        message = message.replace(password, "***")
    return IdempotencyStoreUnavailable(
        f"idempotency database {redact_dsn(dsn)} is unavailable: {message}"
    )
