"""The durable event log: canonical events numbered by a strictly increasing cursor, in an
embedded SQLite file next to the idempotency records (``EventLog`` is what the rest of the
server sees; ``graph.events.log_postgres`` keeps the same log in PostgreSQL for replicas).

Readers ask for events after a cursor (``after``) and wait for new ones (``wait``): an
append wakes this process's waiters at once; an append by another process on the same file
is seen at the next check, at most ``poll_seconds`` later. Polling feeds keep their
high-water marks here too, so a restart resumes where the last run stopped. SQLite calls
are short and run in a worker thread, as the idempotency store's do.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol, TypeVar

from graph.events.model import Event, EventType, NewEvent

T = TypeVar("T")

_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS events (
        cursor INTEGER PRIMARY KEY AUTOINCREMENT,
        dedupe TEXT NOT NULL UNIQUE,
        type TEXT NOT NULL,
        dealership_id TEXT NOT NULL,
        occurred_at REAL NOT NULL,
        record_type TEXT,
        native_id TEXT,
        changes TEXT NOT NULL,
        recorded_at REAL NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS events_recorded ON events (recorded_at)",
    """CREATE TABLE IF NOT EXISTS watermarks (
        feed TEXT PRIMARY KEY,
        value TEXT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS dead_letters (
        client TEXT NOT NULL,
        cursor INTEGER NOT NULL,
        attempts INTEGER NOT NULL,
        last_status INTEGER NOT NULL,
        failed_at REAL NOT NULL,
        PRIMARY KEY (client, cursor)
    )""",
)


@dataclass(frozen=True, slots=True)
class DeadLetter:
    event: Event
    attempts: int
    last_status: int
    """The receiver's last HTTP status; 0 when it could not be reached."""
    failed_at: datetime


class EventLog(Protocol):
    async def append(self, event: NewEvent) -> Event | None:
        """The event as recorded, or None when one with its dedupe key already was."""
        ...

    async def after(
        self,
        cursor: int,
        limit: int,
        *,
        dealership_ids: Collection[str] | None = None,
        types: Collection[EventType] | None = None,
    ) -> list[Event]:
        """Up to ``limit`` events after ``cursor``, oldest first, narrowed to the given
        dealerships and types (None: all)."""
        ...

    async def last_cursor(self) -> int: ...

    def marker(self) -> int:
        """Take before reading; ``wait(marker)`` then misses no append made meanwhile."""
        ...

    async def wait(self, marker: int) -> None:
        """Return when an event may have been appended since ``marker``: at once for an
        append in this process, else when told (another replica) or after the poll."""
        ...

    async def purge(self, older_than_seconds: float) -> int:
        """Drop events recorded longer ago than that; returns how many."""
        ...

    async def watermark(self, feed: str) -> str | None: ...

    async def set_watermark(self, feed: str, value: str) -> None: ...

    async def add_dead_letter(
        self, client: str, cursor: int, attempts: int, last_status: int
    ) -> None: ...

    async def dead_letters(self, client: str, limit: int) -> list[DeadLetter]: ...

    async def holds(self, duty: str) -> bool:
        """Whether this process does ``duty`` now (polling, one client's deliveries), taking
        it when nobody does: replicas sharing a log do each duty once, not once each."""
        ...

    async def close(self) -> None: ...


class AppendSignal:
    """What a log's readers wait on: an append in this process wakes them at once, one
    elsewhere when the log is told of it (``appended``) or after ``poll_seconds``."""

    def __init__(self, poll_seconds: float) -> None:
        self._poll_seconds = poll_seconds
        self._appends = 0
        self._signal = asyncio.Event()

    def appended(self) -> None:
        self._appends += 1
        self._signal.set()  # wakes the waiters of this append, then a fresh one
        self._signal = asyncio.Event()

    def marker(self) -> int:
        return self._appends

    async def wait(self, marker: int) -> None:
        if self._appends != marker:
            return
        try:
            await asyncio.wait_for(self._signal.wait(), self._poll_seconds)
        except TimeoutError:
            pass


class SqliteEventLog:
    def __init__(
        self,
        path: Path,
        *,
        clock: Callable[[], float] = time.time,
        poll_seconds: float = 1.0,
    ) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._clock = clock
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")  # an acknowledged event is on disk
        self._db.execute("PRAGMA busy_timeout=5000")
        for statement in _SCHEMA:
            self._db.execute(statement)
        self.signal = AppendSignal(poll_seconds)

    async def _run(self, fn: Callable[..., T], *args: Any) -> T:
        def locked() -> T:
            with self._lock:
                return fn(*args)

        return await asyncio.to_thread(locked)

    async def append(self, event: NewEvent) -> Event | None:
        recorded = await self._run(self._append, event)
        if recorded is not None:
            self.signal.appended()
        return recorded

    def _append(self, e: NewEvent) -> Event | None:
        cursor = self._db.execute(
            "INSERT OR IGNORE INTO events (dedupe, type, dealership_id, occurred_at,"
            " record_type, native_id, changes, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            e.row(self._clock()),
        )
        if cursor.rowcount == 0:
            return None
        assert cursor.lastrowid is not None
        return e.recorded(cursor.lastrowid)

    async def after(
        self,
        cursor: int,
        limit: int,
        *,
        dealership_ids: Collection[str] | None = None,
        types: Collection[EventType] | None = None,
    ) -> list[Event]:
        return await self._run(self._after, cursor, limit, dealership_ids, types)

    def _after(
        self,
        cursor: int,
        limit: int,
        dealership_ids: Collection[str] | None,
        types: Collection[EventType] | None,
    ) -> list[Event]:
        sql = "SELECT * FROM events WHERE cursor > ?"
        args: list[Any] = [cursor]
        if dealership_ids is not None:
            sql += f" AND dealership_id IN ({','.join('?' * len(dealership_ids))})"
            args += list(dealership_ids)
        if types is not None:
            sql += f" AND type IN ({','.join('?' * len(types))})"
            args += [t.value for t in types]
        sql += " ORDER BY cursor LIMIT ?"
        rows = self._db.execute(sql, [*args, limit]).fetchall()
        return [_event(row) for row in rows]

    async def last_cursor(self) -> int:
        row = await self._run(lambda: self._db.execute("SELECT MAX(cursor) FROM events").fetchone())
        return int(row[0] or 0)

    def marker(self) -> int:
        return self.signal.marker()

    async def wait(self, marker: int) -> None:
        await self.signal.wait(marker)

    async def purge(self, older_than_seconds: float) -> int:
        cutoff = self._clock() - older_than_seconds

        def purge() -> int:
            return self._db.execute("DELETE FROM events WHERE recorded_at < ?", (cutoff,)).rowcount

        return await self._run(purge)

    async def watermark(self, feed: str) -> str | None:
        row = await self._run(
            lambda: self._db.execute(
                "SELECT value FROM watermarks WHERE feed = ?", (feed,)
            ).fetchone()
        )
        return None if row is None else str(row[0])

    async def set_watermark(self, feed: str, value: str) -> None:
        await self._run(
            lambda: self._db.execute(
                "INSERT INTO watermarks (feed, value) VALUES (?, ?)"
                " ON CONFLICT (feed) DO UPDATE SET value = excluded.value",
                (feed, value),
            )
        )

    async def add_dead_letter(
        self, client: str, cursor: int, attempts: int, last_status: int
    ) -> None:
        await self._run(
            lambda: self._db.execute(
                "INSERT OR REPLACE INTO dead_letters VALUES (?, ?, ?, ?, ?)",
                (client, cursor, attempts, last_status, self._clock()),
            )
        )

    async def dead_letters(self, client: str, limit: int) -> list[DeadLetter]:
        """The client's undeliverable events (those still within retention), newest first."""

        def read() -> list[DeadLetter]:
            rows = self._db.execute(
                "SELECT e.*, d.attempts, d.last_status, d.failed_at FROM dead_letters d"
                " JOIN events e ON e.cursor = d.cursor WHERE d.client = ?"
                " ORDER BY d.cursor DESC LIMIT ?",
                (client, limit),
            ).fetchall()
            return [
                DeadLetter(
                    _event(row[:9]),
                    int(row[9]),
                    int(row[10]),
                    datetime.fromtimestamp(float(row[11]), UTC),
                )
                for row in rows
            ]

        return await self._run(read)

    async def holds(self, duty: str) -> bool:
        # Processes sharing the file are on one machine; each does every duty, as the
        # dedupe keys and per-client marks already make that safe.
        return True

    async def close(self) -> None:
        await self._run(self._db.close)


def _event(row: tuple[Any, ...]) -> Event:
    cursor, _, type_, dealership_id, occurred_at, record_type, native_id, changes, _ = row
    return Event.stored(cursor, type_, dealership_id, occurred_at, record_type, native_id, changes)
