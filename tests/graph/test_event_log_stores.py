"""The event log's rules on both stores: the SQLite file and PostgreSQL (the log replicas
share). Cursors strictly increase and never come back after a purge, a dedupe key records
once, readers narrow by dealership and type, watermarks and dead letters persist, and a
second log on the same place (another replica) sees every append, in cursor order, with
none skipped while appends race."""

from __future__ import annotations

import asyncio
import datetime
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from graph.events.log import EventLog, SqliteEventLog
from graph.events.log_postgres import PostgresEventLog
from graph.events.model import EventType, NewEvent
from graph.events.polling import Poller
from sandbox import SandboxOptions
from tests.graph.conftest import FULL_KEY, Api, start_api
from tests.graph.idempotency_backends import BACKENDS, scratch_schema

DEADLINE = 10.0
"""Real seconds a wait may take before the test fails (a hang, not a timing check)."""
T0 = datetime.datetime(2026, 12, 7, 12, 0, tzinfo=datetime.UTC)


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


async def open_log(backend: str, where: str, clock: Clock, poll_seconds: float = 1.0) -> EventLog:
    if backend == "sqlite":
        return SqliteEventLog(Path(where), clock=clock, poll_seconds=poll_seconds)
    return await PostgresEventLog.open(where, clock=clock, poll_seconds=poll_seconds)


def new_event(
    native_id: str, *, dealership: str = "d1", type_: EventType = EventType.CUSTOMER_CREATED
) -> NewEvent:
    return NewEvent(
        type=type_,
        dealership_id=dealership,
        occurred_at=T0,
        record_type="Customer",
        native_id=native_id,
        changes={"firstName": native_id},
        dedupe_key=f"{dealership}:{type_.value}:{native_id}",
    )


@pytest.fixture(params=BACKENDS)
async def place(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[tuple[str, str]]:
    """Where the logs of one test live: a file, or a scratch PostgreSQL schema."""
    backend: str = request.param
    if backend == "sqlite":
        yield backend, str(tmp_path / "events.sqlite3")
        return
    async with scratch_schema() as dsn:
        yield backend, dsn


async def test_cursors_increase_a_dedupe_key_records_once_and_readers_narrow(
    place: tuple[str, str],
) -> None:
    backend, where = place
    log = await open_log(backend, where, Clock())
    try:
        first = await log.append(new_event("a"))
        again = await log.append(new_event("a"))
        second = await log.append(new_event("b", dealership="d2"))
        third = await log.append(new_event("c", type_=EventType.CUSTOMER_UPDATED))
        assert first is not None and second is not None and third is not None
        assert again is None
        assert first.cursor < second.cursor < third.cursor
        assert await log.last_cursor() == third.cursor

        everything = await log.after(0, 10)
        assert [e.native_id for e in everything] == ["a", "b", "c"]
        assert everything[0].changes == {"firstName": "a"}
        assert everything[0].occurred_at == T0
        assert [e.native_id for e in await log.after(first.cursor, 10)] == ["b", "c"]
        assert [e.native_id for e in await log.after(0, 1)] == ["a"]
        only_d1 = await log.after(0, 10, dealership_ids=["d1"])
        assert [e.native_id for e in only_d1] == ["a", "c"]
        updates = await log.after(0, 10, types=[EventType.CUSTOMER_UPDATED])
        assert [e.native_id for e in updates] == ["c"]
        assert await log.after(0, 10, dealership_ids=[]) == []
    finally:
        await log.close()


async def test_a_purge_drops_old_events_and_cursors_never_come_back(
    place: tuple[str, str],
) -> None:
    backend, where = place
    clock = Clock()
    log = await open_log(backend, where, clock)
    try:
        old = await log.append(new_event("old"))
        clock.now += 3600
        kept = await log.append(new_event("kept"))
        assert old is not None and kept is not None
        assert await log.purge(older_than_seconds=1800) == 1
        assert [e.native_id for e in await log.after(0, 10)] == ["kept"]
        clock.now += 7200
        assert await log.purge(older_than_seconds=1800) == 1
        assert await log.after(0, 10) == []
        later = await log.append(new_event("later"))
        assert later is not None and later.cursor > kept.cursor
    finally:
        await log.close()


async def test_watermarks_and_dead_letters_persist(place: tuple[str, str]) -> None:
    backend, where = place
    clock = Clock()
    log = await open_log(backend, where, clock)
    try:
        assert await log.watermark("autosoft:ros") is None
        await log.set_watermark("autosoft:ros", "2026-12-07T10:00:00Z")
        await log.set_watermark("autosoft:ros", "2026-12-07T11:00:00Z")
        one = await log.append(new_event("a"))
        two = await log.append(new_event("b"))
        assert one is not None and two is not None
        await log.add_dead_letter("acme", one.cursor, attempts=3, last_status=500)
        await log.add_dead_letter("acme", two.cursor, attempts=2, last_status=0)
        await log.add_dead_letter("acme", two.cursor, attempts=5, last_status=503)
        await log.add_dead_letter("other", one.cursor, attempts=1, last_status=404)
    finally:
        await log.close()

    reopened = await open_log(backend, where, clock)
    try:
        assert await reopened.watermark("autosoft:ros") == "2026-12-07T11:00:00Z"
        letters = await reopened.dead_letters("acme", 10)
        assert [(d.event.native_id, d.attempts, d.last_status) for d in letters] == [
            ("b", 5, 503),
            ("a", 3, 500),
        ]
        assert letters[0].failed_at == datetime.datetime.fromtimestamp(clock.now, datetime.UTC)
        assert [d.event.native_id for d in await reopened.dead_letters("acme", 1)] == ["b"]
    finally:
        await reopened.close()


async def test_racing_replicas_append_in_cursor_order_and_a_reader_skips_none(
    place: tuple[str, str],
) -> None:
    """Two logs on one place append 60 events concurrently while a third reads after its
    last cursor the whole time: the reader ends with every event exactly once. A cursor that
    became visible before a smaller one committed would be read past and lost."""
    backend, where = place
    logs = [await open_log(backend, where, Clock(), poll_seconds=0.05) for _ in range(3)]
    writers, reader = logs[:2], logs[2]
    done = asyncio.Event()
    seen: list[str] = []

    async def read() -> None:
        cursor = 0
        while True:
            finished = done.is_set()
            for event in await reader.after(cursor, 100):
                assert event.native_id is not None
                seen.append(event.native_id)
                cursor = event.cursor
            if finished:
                return
            await asyncio.sleep(0)

    try:
        reading = asyncio.create_task(read())
        await asyncio.gather(*(writers[n % 2].append(new_event(f"e{n}")) for n in range(60)))
        done.set()
        await asyncio.wait_for(reading, DEADLINE)
    finally:
        for log in logs:
            await log.close()
    assert sorted(seen) == sorted(f"e{n}" for n in range(60))
    assert len(seen) == len(set(seen))


async def test_an_append_by_another_postgres_replica_wakes_waiters_at_once() -> None:
    """LISTEN/NOTIFY, not the poll: the waiting log polls only every 60 s, so a waiter that
    returns within the deadline was woken by the other replica's notification."""
    async with scratch_schema() as dsn:
        writer = await PostgresEventLog.open(dsn, poll_seconds=60)
        waiter = await PostgresEventLog.open(dsn, poll_seconds=60)
        try:
            marker = waiter.marker()
            waiting = asyncio.create_task(waiter.wait(marker))
            await asyncio.sleep(0)
            assert not waiting.done()
            appended = await writer.append(new_event("a"))
            await asyncio.wait_for(waiting, DEADLINE)
            assert appended is not None
            assert [e.cursor for e in await waiter.after(0, 10)] == [appended.cursor]
        finally:
            await writer.close()
            await waiter.close()


async def test_a_server_with_a_database_keeps_its_events_there(tmp_path: Path) -> None:
    """``[server] idempotency_dsn`` moves the event log to PostgreSQL too: an event the
    server recorded is in the database's table, and the ``events`` query reads it back."""
    async with scratch_schema() as dsn:
        options = SandboxOptions(seed=2, rate_limit_per_minute=100_000)
        async for api in start_api(
            options, vendors=("autosync",), data_dir=tmp_path, server={"idempotency_dsn": dsn}
        ):
            await record_and_read(api, dsn)
        assert not (tmp_path / "events.sqlite3").exists()


async def record_and_read(api: Api, dsn: str) -> None:
    assert api.runtime.events is not None
    log = api.runtime.events.log
    assert isinstance(log, PostgresEventLog)
    dealership = next(iter(api.runtime.dealerships))
    recorded = await log.append(new_event("c-1", dealership=dealership))
    assert recorded is not None
    other = await PostgresEventLog.open(dsn)
    try:
        assert [e.native_id for e in await other.after(0, 10)] == ["c-1"]
    finally:
        await other.close()
    page = await api.data("{ events { nodes { type dealership { id } } } }", {}, key=FULL_KEY)
    assert [n["type"] for n in page["events"]["nodes"]] == ["CUSTOMER_CREATED"]


async def test_one_postgres_replica_holds_a_duty_until_it_stops() -> None:
    async with scratch_schema() as dsn:
        first = await PostgresEventLog.open(dsn)
        second = await PostgresEventLog.open(dsn)
        try:
            assert await first.holds("event polling")
            assert not await second.holds("event polling")
            assert await first.holds("event polling")  # asking again keeps it
            assert await second.holds("outbound:acme")  # another duty is free
            assert not await first.holds("outbound:acme")
            await first.close()
            assert await second.holds("event polling")  # taken over
        finally:
            await second.close()


async def test_replicas_on_one_database_poll_the_vendor_once_per_round() -> None:
    """Two pollers (two replicas) on one PostgreSQL log over the same AutoSoft store: a
    round of both sends one request per feed, not two."""
    options = SandboxOptions(seed=2, rate_limit_per_minute=100_000)
    async with scratch_schema() as dsn:
        async for api in start_api(options, vendors=("autosoft",)):
            autosoft = list(api.runtime.dealerships.values())
            logs = [await PostgresEventLog.open(dsn) for _ in range(2)]
            try:
                pollers = [Poller(autosoft, log, interval=60) for log in logs]
                feeds = len(pollers[0].feeds())
                assert feeds >= 4
                assert await pollers[0].round() == 0  # the marks
                assert await pollers[0].round() == 0  # the sign-in
                api.reset_upstream_counts()
                assert [await p.round() for p in pollers] == [0, 0]
                assert api.upstream_requests("autosoft") == feeds
            finally:
                for log in logs:
                    await log.close()
