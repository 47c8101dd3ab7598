"""The event log in PostgreSQL, shared by server replicas on several machines.

The same events, watermarks and dead letters as ``SqliteEventLog`` (``graph.events.log``),
with two things a shared database needs:

- Cursors in commit order. A sequence alone hands out numbers in the order transactions
  start, not the order they commit, so a reader could see cursor 11, move past it, and never
  see 10 commit. Appends therefore take a transaction-level advisory lock before they draw
  their cursor: one append at a time, each committed before the next draws.
- Waking readers on other replicas. Each append sends ``NOTIFY`` in its transaction; every
  log listens on one connection and wakes its waiters when a notification arrives, so an
  event appended by another replica is seen at once, not at the next poll. The poll stays as
  the fallback for a listener connection that dropped.

The table names start with ``dealergraph_`` so they sit beside the idempotency records in one
database without clashing.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Collection
from datetime import UTC, datetime
from typing import Any

import asyncpg

from graph.events.log import AppendSignal, DeadLetter
from graph.events.model import Event, EventType, NewEvent

log = logging.getLogger(__name__)

_CHANNEL = "dealergraph_events"
_APPEND_LOCK = 0x6467_6576_656E_0001
"""Advisory lock held by one append transaction at a time (cursors in commit order)."""
_CREATE_LOCK = 0x6467_6576_656E_0002
"""Serializes table creation: replicas starting together would race in the catalog."""
_SCHEMA = """
CREATE TABLE IF NOT EXISTS dealergraph_events (
    cursor BIGINT PRIMARY KEY,
    dedupe TEXT NOT NULL UNIQUE,
    type TEXT NOT NULL,
    dealership_id TEXT NOT NULL,
    occurred_at DOUBLE PRECISION NOT NULL,
    record_type TEXT,
    native_id TEXT,
    changes JSONB NOT NULL,
    recorded_at DOUBLE PRECISION NOT NULL
);
CREATE SEQUENCE IF NOT EXISTS dealergraph_event_cursor;
CREATE INDEX IF NOT EXISTS dealergraph_events_recorded ON dealergraph_events (recorded_at);
CREATE TABLE IF NOT EXISTS dealergraph_event_watermarks (
    feed TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS dealergraph_event_dead_letters (
    client TEXT NOT NULL,
    cursor BIGINT NOT NULL,
    attempts INTEGER NOT NULL,
    last_status INTEGER NOT NULL,
    failed_at DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (client, cursor)
);
"""
_EVENT_COLUMNS = (
    "cursor, dedupe, type, dealership_id, occurred_at, record_type, native_id, changes, recorded_at"
)


class EventLogUnavailable(Exception):
    """The database could not be reached or set up; the message never holds a password."""


class PostgresEventLog:
    def __init__(
        self,
        pool: asyncpg.Pool,
        listener: asyncpg.Connection,
        dsn: str,
        *,
        clock: Callable[[], float] = time.time,
        poll_seconds: float = 1.0,
        server_settings: dict[str, str] | None = None,
    ) -> None:
        self._pool = pool
        self._listener = listener
        self._dsn = dsn
        self._settings = server_settings
        self._clock = clock
        self.signal = AppendSignal(poll_seconds)

    @classmethod
    async def open(
        cls,
        dsn: str,
        *,
        clock: Callable[[], float] = time.time,
        poll_seconds: float = 1.0,
        server_settings: dict[str, str] | None = None,
    ) -> PostgresEventLog:
        """Connect, create the tables if missing and start listening for other replicas'
        appends. ``server_settings`` reach every connection (tests pass a ``search_path``)."""
        try:
            pool = await asyncpg.create_pool(
                dsn, min_size=1, max_size=4, server_settings=server_settings
            )
        except (OSError, asyncpg.PostgresError) as exc:
            raise EventLogUnavailable(f"cannot reach the database ({type(exc).__name__})") from None
        try:
            async with pool.acquire() as conn, conn.transaction():
                await conn.execute("SELECT pg_advisory_xact_lock($1)", _CREATE_LOCK)
                await conn.execute(_SCHEMA)
            listener = await asyncpg.connect(dsn, server_settings=server_settings)
        except (OSError, asyncpg.PostgresError) as exc:
            await pool.close()
            reason = type(exc).__name__
            raise EventLogUnavailable(f"cannot set up the event log ({reason})") from None
        events = cls(
            pool,
            listener,
            dsn,
            clock=clock,
            poll_seconds=poll_seconds,
            server_settings=server_settings,
        )
        await listener.add_listener(_CHANNEL, events._notified)
        return events

    def _notified(self, *_: Any) -> None:
        self.signal.appended()

    async def append(self, event: NewEvent) -> Event | None:
        e = event
        async with self._pool.acquire() as conn, conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock($1)", _APPEND_LOCK)
            cursor = await conn.fetchval(
                "INSERT INTO dealergraph_events (cursor, dedupe, type, dealership_id,"
                " occurred_at, record_type, native_id, changes, recorded_at)"
                " SELECT nextval('dealergraph_event_cursor'), $1, $2, $3, $4, $5, $6, $7, $8"
                " WHERE NOT EXISTS (SELECT 1 FROM dealergraph_events WHERE dedupe = $1)"
                " RETURNING cursor",
                *e.row(self._clock()),
            )
            if cursor is None:
                return None
            await conn.execute("SELECT pg_notify($1, '')", _CHANNEL)
        self.signal.appended()
        return e.recorded(int(cursor))

    async def after(
        self,
        cursor: int,
        limit: int,
        *,
        dealership_ids: Collection[str] | None = None,
        types: Collection[EventType] | None = None,
    ) -> list[Event]:
        rows = await self._pool.fetch(
            f"SELECT {_EVENT_COLUMNS} FROM dealergraph_events WHERE cursor > $1"
            " AND ($2::text[] IS NULL OR dealership_id = ANY($2))"
            " AND ($3::text[] IS NULL OR type = ANY($3))"
            " ORDER BY cursor LIMIT $4",
            cursor,
            None if dealership_ids is None else list(dealership_ids),
            None if types is None else [t.value for t in types],
            limit,
        )
        return [_event(row) for row in rows]

    async def last_cursor(self) -> int:
        last = await self._pool.fetchval("SELECT COALESCE(MAX(cursor), 0) FROM dealergraph_events")
        return int(last)

    def marker(self) -> int:
        return self.signal.marker()

    async def wait(self, marker: int) -> None:
        await self.signal.wait(marker)

    async def purge(self, older_than_seconds: float) -> int:
        # The cursor sequence never goes back: a reader's cursor stays valid after a purge.
        status = await self._pool.execute(
            "DELETE FROM dealergraph_events WHERE recorded_at < $1",
            self._clock() - older_than_seconds,
        )
        return int(status.rsplit(" ", 1)[-1])

    async def watermark(self, feed: str) -> str | None:
        value = await self._pool.fetchval(
            "SELECT value FROM dealergraph_event_watermarks WHERE feed = $1", feed
        )
        return None if value is None else str(value)

    async def set_watermark(self, feed: str, value: str) -> None:
        await self._pool.execute(
            "INSERT INTO dealergraph_event_watermarks (feed, value) VALUES ($1, $2)"
            " ON CONFLICT (feed) DO UPDATE SET value = excluded.value",
            feed,
            value,
        )

    async def add_dead_letter(
        self, client: str, cursor: int, attempts: int, last_status: int
    ) -> None:
        await self._pool.execute(
            "INSERT INTO dealergraph_event_dead_letters VALUES ($1, $2, $3, $4, $5)"
            " ON CONFLICT (client, cursor) DO UPDATE SET attempts = excluded.attempts,"
            " last_status = excluded.last_status, failed_at = excluded.failed_at",
            client,
            cursor,
            attempts,
            last_status,
            self._clock(),
        )

    async def dead_letters(self, client: str, limit: int) -> list[DeadLetter]:
        """The client's undeliverable events (those still within retention), newest first."""
        rows = await self._pool.fetch(
            f"SELECT {', '.join('e.' + c.strip() for c in _EVENT_COLUMNS.split(','))},"
            " d.attempts, d.last_status, d.failed_at FROM dealergraph_event_dead_letters d"
            " JOIN dealergraph_events e ON e.cursor = d.cursor WHERE d.client = $1"
            " ORDER BY d.cursor DESC LIMIT $2",
            client,
            limit,
        )
        return [
            DeadLetter(
                _event(row),
                int(row["attempts"]),
                int(row["last_status"]),
                datetime.fromtimestamp(float(row["failed_at"]), UTC),
            )
            for row in rows
        ]

    async def holds(self, duty: str) -> bool:
        """A session-level advisory lock on the listening connection: PostgreSQL frees it
        when that connection ends (the replica stopped or died), and the next replica to ask
        takes the duty over. Asking again while holding it answers True (the lock is
        re-entrant); a lost connection is reopened, its duties asked for afresh."""
        try:
            if self._listener.is_closed():
                await self._listen()
            held = await self._listener.fetchval(
                "SELECT pg_try_advisory_lock(hashtextextended($1, 0))", f"dealergraph:{duty}"
            )
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            log.warning("event log: cannot ask for duty %s (%s)", duty, type(exc).__name__)
            return False
        return bool(held)

    async def _listen(self) -> None:
        self._listener = await asyncpg.connect(self._dsn, server_settings=self._settings)
        await self._listener.add_listener(_CHANNEL, self._notified)

    async def close(self) -> None:
        await self._listener.close()
        await self._pool.close()


def _event(row: asyncpg.Record) -> Event:
    return Event.stored(
        row["cursor"],
        row["type"],
        row["dealership_id"],
        row["occurred_at"],
        row["record_type"],
        row["native_id"],
        row["changes"],
    )
