"""Durable idempotency records: (client, key) -> input fingerprint, state and outcome.

The default store is an embedded SQLite file, so records survive a restart; anything that
implements ``IdempotencyStore`` can replace it (``graph.idempotency_postgres`` shares the
records between machines). SQLite calls are short and run in a worker thread so they never
block the event loop.

States: ``pending`` while a write is in flight (with a lease, so a crashed process does not
hold a key forever), ``done`` with the recorded outcome, ``unknown`` when the write may have
reached a vendor that cannot deduplicate it (it is never sent again under that key).
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import threading
import time
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol


class RecordState(StrEnum):
    PENDING = "pending"
    DONE = "done"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class IdempotencyRecord:
    client: str
    key: str
    fingerprint: str
    operation: str
    state: RecordState
    outcome: dict[str, Any] | None
    lease_until: float | None
    created_at: float
    owner: str | None = None
    """The process holding a pending claim (``graph.process_identity``)."""


class ClaimResult(StrEnum):
    CLAIMED = "claimed"
    """This caller owns the key now and must finish, release or mark it."""
    EXISTS = "exists"
    """A record exists; see it to decide (replay, conflict, wait, unknown)."""


class IdempotencyStore(Protocol):
    async def claim(
        self,
        client: str,
        key: str,
        fingerprint: str,
        operation: str,
        lease_seconds: float,
        owner: str = "",
    ) -> tuple[ClaimResult, IdempotencyRecord]: ...

    async def take_over(
        self,
        client: str,
        key: str,
        expected_lease: float | None,
        lease_seconds: float,
        owner: str = "",
    ) -> bool:
        """Re-claim a pending record whose owner died mid-write (its lease ran out, or its
        process is gone), if nobody else re-claimed it first."""
        ...

    async def finish(self, client: str, key: str, outcome: dict[str, Any]) -> None: ...

    async def mark_unknown(self, client: str, key: str, outcome: dict[str, Any]) -> None: ...

    async def release(self, client: str, key: str) -> None:
        """Forget a pending claim whose write certainly did not happen (or may be resent)."""
        ...

    async def get(self, client: str, key: str) -> IdempotencyRecord | None: ...

    async def purge(self, older_than_seconds: float) -> int:
        """Drop finished records older than the retention window."""
        ...

    async def owner_is_gone(self, owner: str | None) -> bool:
        """Whether the store can tell that ``owner``'s process stopped, beyond what
        ``ProcessIdentity.owner_is_gone`` sees on this machine."""
        ...

    async def close(self) -> None: ...


_SCHEMA = """
CREATE TABLE IF NOT EXISTS idempotency (
    client TEXT NOT NULL,
    key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    operation TEXT NOT NULL,
    state TEXT NOT NULL,
    outcome TEXT,
    lease_until REAL,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    PRIMARY KEY (client, key)
)
"""
_COLUMNS = "client, key, fingerprint, operation, state, outcome, lease_until, created_at, owner"


def _record(row: tuple[Any, ...]) -> IdempotencyRecord:
    client, key, fingerprint, operation, state, outcome, lease_until, created_at, owner = row
    return IdempotencyRecord(
        client=client,
        key=key,
        fingerprint=fingerprint,
        operation=operation,
        state=RecordState(state),
        outcome=json.loads(outcome) if outcome else None,
        lease_until=lease_until,
        created_at=created_at,
        owner=owner,
    )


class SqliteIdempotencyStore:
    """One SQLite file; safe for several processes on one machine (SQLite locking)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")  # an acknowledged record is on disk
        self._db.execute("PRAGMA busy_timeout=5000")
        self._db.execute(_SCHEMA)
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(idempotency)")}
        if "owner" not in columns:  # a file written before owners were recorded
            self._db.execute("ALTER TABLE idempotency ADD COLUMN owner TEXT")

    async def _run(self, fn: Any, *args: Any) -> Any:
        def locked() -> Any:
            with self._lock:
                return fn(*args)

        return await asyncio.to_thread(locked)

    def _claim(
        self,
        client: str,
        key: str,
        fingerprint: str,
        operation: str,
        lease_seconds: float,
        owner: str,
    ) -> tuple[ClaimResult, IdempotencyRecord]:
        now = time.time()
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            row = db.execute(
                f"SELECT {_COLUMNS} FROM idempotency WHERE client = ? AND key = ?", (client, key)
            ).fetchone()
            if row is not None:
                db.execute("COMMIT")
                return ClaimResult.EXISTS, _record(row)
            db.execute(
                "INSERT INTO idempotency (client, key, fingerprint, operation, state, outcome,"
                " lease_until, created_at, updated_at, owner)"
                " VALUES (?, ?, ?, ?, ?, NULL, ?, ?, ?, ?)",
                (
                    client,
                    key,
                    fingerprint,
                    operation,
                    RecordState.PENDING,
                    now + lease_seconds,
                    now,
                    now,
                    owner,
                ),
            )
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        record = IdempotencyRecord(
            client,
            key,
            fingerprint,
            operation,
            RecordState.PENDING,
            None,
            now + lease_seconds,
            now,
            owner,
        )
        return ClaimResult.CLAIMED, record

    async def claim(
        self,
        client: str,
        key: str,
        fingerprint: str,
        operation: str,
        lease_seconds: float,
        owner: str = "",
    ) -> tuple[ClaimResult, IdempotencyRecord]:
        result: tuple[ClaimResult, IdempotencyRecord] = await self._run(
            self._claim, client, key, fingerprint, operation, lease_seconds, owner
        )
        return result

    def _take_over(
        self,
        client: str,
        key: str,
        expected_lease: float | None,
        lease_seconds: float,
        owner: str,
    ) -> bool:
        now = time.time()
        cursor = self._db.execute(
            "UPDATE idempotency SET lease_until = ?, updated_at = ?, owner = ?"
            " WHERE client = ? AND key = ? AND state = ? AND lease_until IS ?",
            (now + lease_seconds, now, owner, client, key, RecordState.PENDING, expected_lease),
        )
        return cursor.rowcount == 1

    async def take_over(
        self,
        client: str,
        key: str,
        expected_lease: float | None,
        lease_seconds: float,
        owner: str = "",
    ) -> bool:
        taken: bool = await self._run(
            self._take_over, client, key, expected_lease, lease_seconds, owner
        )
        return taken

    def _set_state(
        self, client: str, key: str, state: RecordState, outcome: dict[str, Any]
    ) -> None:
        self._db.execute(
            "UPDATE idempotency SET state = ?, outcome = ?, lease_until = NULL, updated_at = ?"
            " WHERE client = ? AND key = ?",
            (state, json.dumps(outcome, sort_keys=True), time.time(), client, key),
        )

    async def finish(self, client: str, key: str, outcome: dict[str, Any]) -> None:
        await self._run(self._set_state, client, key, RecordState.DONE, outcome)

    async def mark_unknown(self, client: str, key: str, outcome: dict[str, Any]) -> None:
        await self._run(self._set_state, client, key, RecordState.UNKNOWN, outcome)

    def _release(self, client: str, key: str) -> None:
        self._db.execute(
            "DELETE FROM idempotency WHERE client = ? AND key = ? AND state = ?",
            (client, key, RecordState.PENDING),
        )

    async def release(self, client: str, key: str) -> None:
        await self._run(self._release, client, key)

    def _get(self, client: str, key: str) -> IdempotencyRecord | None:
        row = self._db.execute(
            f"SELECT {_COLUMNS} FROM idempotency WHERE client = ? AND key = ?", (client, key)
        ).fetchone()
        return None if row is None else _record(row)

    async def get(self, client: str, key: str) -> IdempotencyRecord | None:
        record: IdempotencyRecord | None = await self._run(self._get, client, key)
        return record

    def _purge(self, older_than_seconds: float) -> int:
        cursor = self._db.execute(
            "DELETE FROM idempotency WHERE state != ? AND created_at < ?",
            (RecordState.PENDING, time.time() - older_than_seconds),
        )
        return cursor.rowcount

    async def purge(self, older_than_seconds: float) -> int:
        count: int = await self._run(self._purge, older_than_seconds)
        return count

    async def owner_is_gone(self, owner: str | None) -> bool:
        """Nothing beyond the local check: a file is shared by one machine's processes."""
        return False

    async def close(self) -> None:
        await self._run(self._db.close)
