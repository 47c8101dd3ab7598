"""The embedded SQLite idempotency store on its own: what a claim returns and records, a
store in a directory not made yet, a claim that fails leaving the store usable, and the
owner a claim without one records."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest

from graph.idempotency import ClaimResult, IdempotencyRecord, RecordState, SqliteIdempotencyStore


async def test_a_claim_returns_the_record_it_wrote(tmp_path: Path) -> None:
    path = tmp_path / "records" / "of" / "writes.sqlite3"  # directories made as needed
    store = SqliteIdempotencyStore(path)
    assert store.path == path
    before = time.time()
    result, claimed = await store.claim("web", "k-1", "f1", "create_lead", 120.0, "me/1/n")
    assert result is ClaimResult.CLAIMED
    assert claimed == await store.get("web", "k-1")
    assert (claimed.client, claimed.key, claimed.fingerprint, claimed.operation) == (
        "web",
        "k-1",
        "f1",
        "create_lead",
    )
    assert (claimed.state, claimed.outcome, claimed.owner) == (RecordState.PENDING, None, "me/1/n")
    assert before <= claimed.created_at <= time.time()
    assert claimed.lease_until is not None
    assert claimed.lease_until - claimed.created_at == pytest.approx(120.0)

    again, existing = await store.claim("web", "k-1", "f2", "create_deal", 5.0, "other/2/n")
    assert again is ClaimResult.EXISTS
    assert existing == claimed, "the first claim's record, untouched"
    await store.close()


async def test_a_claim_and_a_take_over_without_an_owner_record_none_named(tmp_path: Path) -> None:
    store = SqliteIdempotencyStore(tmp_path / "w.sqlite3")
    _, claimed = await store.claim("web", "k-1", "f1", "create_lead", -1.0)
    assert claimed.owner == ""
    assert await store.take_over("web", "k-1", claimed.lease_until, 60.0)
    taken = await store.get("web", "k-1")
    assert isinstance(taken, IdempotencyRecord) and taken.owner == ""
    await store.close()


async def test_a_claim_that_fails_leaves_the_store_usable(tmp_path: Path) -> None:
    store = SqliteIdempotencyStore(tmp_path / "w.sqlite3")
    with pytest.raises(sqlite3.Error):
        await store.claim("web", "k-1", object(), "create_lead", 120.0)  # type: ignore[arg-type]
    assert await store.get("web", "k-1") is None, "rolled back"
    result, _ = await store.claim("web", "k-1", "f1", "create_lead", 120.0)
    assert result is ClaimResult.CLAIMED
    await store.close()
