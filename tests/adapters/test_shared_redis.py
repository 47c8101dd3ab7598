"""Two replicas in one process: two ``SharedCredentials`` on one Redis (the machine's, at
127.0.0.1:6379), each with its own HTTP client, against the real sandboxes over HTTP. What
one replica spends, pauses, signs in, claims or opens, the other sees.

Every test writes under a random key prefix of its own and deletes only those keys."""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import aiohttp
import pytest
from cryptography.fernet import Fernet, InvalidToken
from pydantic import SecretStr
from redis.asyncio import Redis

from adapters.auth import BearerKeyAuth
from adapters.autosync.adapter import AUTOSYNC_BUDGET
from adapters.base import DmsAdapter
from adapters.errors import (
    SharedStateUnavailable,
    SignInHeld,
    UpstreamNeedsMfa,
    UpstreamRejected,
    UpstreamUnavailable,
)
from adapters.health import ConnectionState
from adapters.http import HttpClient, HttpPolicy
from adapters.models import Dms
from adapters.ratelimit import RateBudget, SlidingWindowLimiter
from adapters.registry import build_adapter
from adapters.response_cache import NO_CACHE
from adapters.shared import SharedCredentials, credential_digest
from adapters.shared_redis import RedisShared
from adapters.shared_redis.lock import RedisLock
from adapters.supergood.auth import SupergoodSessionAuth
from bench.replicas import REDIS_URL, forget_keys
from graph.config import ConfigError, SharedConfig
from graph.shared_state import shared_redis
from graph.token_vault import fernet_for
from sandbox.server import RunningSandbox
from sandbox.supergood.mfa import latest_code
from tests.adapters.conftest import StartSandbox
from tests.virtual_clock import InstantClock, VirtualClock

KEY = "replica-test-key-of-at-least-32-characters"
NO_WAITS = HttpPolicy(max_retries=0, cache_ttls=NO_CACHE)
HANG = 60.0
"""Real seconds a test waits for what must come (a hang, not a timing check)."""

Replica = Callable[..., Awaitable[SharedCredentials]]


class StoppedClock:
    """Unix seconds (from the real time) that stand still until the test moves them on.
    ``sleep`` parks its task until then, however long that takes in real time; ``holds``
    tells whether a task is parked, so a test can wait until every task it started has
    ended or waits for the clock, and then nothing more happens until it moves the clock."""

    def __init__(self) -> None:
        self.now = time.time()
        self._parked: dict[asyncio.Task[Any], tuple[float, asyncio.Future[None]]] = {}

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        if seconds <= 0:
            await asyncio.sleep(0)
            return
        task = asyncio.current_task()
        assert task is not None
        wake = asyncio.get_running_loop().create_future()
        self._parked[task] = (self.now + seconds, wake)
        try:
            await wake
        finally:
            del self._parked[task]

    def move_on(self, seconds: float) -> None:
        """``seconds`` later: every sleep that has ended by then wakes."""
        self.now += seconds
        for until, wake in self._parked.values():
            if until <= self.now and not wake.done():
                wake.set_result(None)

    def holds(self, task: asyncio.Task[Any]) -> bool:
        parked = self._parked.get(task)
        return parked is not None and not parked[1].done()


AnyClock = InstantClock | VirtualClock | StoppedClock


@pytest.fixture
async def redis_prefix() -> AsyncIterator[str]:
    """A key prefix of this test's own; its keys are deleted afterwards."""
    prefix = f"dealergraph-test:{secrets.token_hex(6)}"
    yield prefix
    await forget_keys(prefix)


@pytest.fixture
async def replica(redis_prefix: str) -> AsyncIterator[Replica]:
    """``await replica(clock)``: one more server process's shared credentials."""
    made: list[SharedCredentials] = []

    async def make(clock: AnyClock, *, sealer: Fernet | None = None) -> SharedCredentials:
        redis = await RedisShared.connect(
            REDIS_URL,
            prefix=redis_prefix,
            sealer=sealer or fernet_for(KEY),
            wall=clock,
            sleep=clock.sleep,
        )
        shared = SharedCredentials(clock=clock, sleep=clock.sleep, wall=clock, redis=redis)
        made.append(shared)
        return shared

    yield make
    for shared in made:
        await shared.close()


def redis_of(shared: SharedCredentials) -> RedisShared:
    assert shared.redis is not None
    return shared.redis


def autosync_client(
    session: aiohttp.ClientSession,
    sb: RunningSandbox,
    shared: SharedCredentials,
    *,
    policy: HttpPolicy = NO_WAITS,
    budget: RateBudget | None = AUTOSYNC_BUDGET,
) -> HttpClient:
    """The way ``AutoSyncAdapter.open_api`` builds its client, on one API key."""
    handle = sb.vendors["autosync"]
    key = handle.credentials["api_key"]
    digest = credential_digest(key)
    return HttpClient(
        session,
        handle.base_url,
        vendor="autosync",
        policy=policy,
        auth=BearerKeyAuth(SecretStr(key)),
        gate=shared.gate("autosync", digest, budget),
        circuits=shared.circuits(
            "autosync", handle.base_url, digest, policy.circuit_failure_threshold
        ),
    )


def statuses_at(clock: AnyClock) -> tuple[aiohttp.TraceConfig, list[tuple[float, int]]]:
    """Each answer's status, and the clock when its request left."""
    seen: list[tuple[float, int]] = []
    trace = aiohttp.TraceConfig()

    async def on_start(_: Any, context: Any, __: Any) -> None:
        context.sent_at = clock()

    async def on_end(_: Any, context: Any, params: aiohttp.TraceRequestEndParams) -> None:
        seen.append((context.sent_at, params.response.status))

    trace.on_request_start.append(on_start)
    trace.on_request_end.append(on_end)
    return trace, seen


async def until_all_wait_for(
    clock: StoppedClock, tasks: list[asyncio.Task[Any]], own: list[SlidingWindowLimiter | None]
) -> None:
    """Until each of ``tasks`` has ended or waits for ``clock`` to move: asleep on it (for a
    shared slot), or queued for a slot of its replica's own budget (which frees slots on a
    timer asleep on it). Nothing more is sent then until the test moves the clock."""
    async with asyncio.timeout(HANG):
        while True:
            # Whatever can run now (a sleeper the clock just woke) runs first.
            await asyncio.sleep(0.01)  # the others are on their way over Redis and HTTP
            pending = [task for task in tasks if not task.done()]
            asleep = sum(clock.holds(task) for task in pending)
            queued = sum(limiter.waiting() for limiter in own if limiter is not None)
            if asleep + queued == len(pending):
                return


# --- request budget and pauses --------------------------------------------------------------


async def test_two_replicas_on_one_key_stay_within_its_budget_per_window(
    sandbox: StartSandbox, replica: Replica
) -> None:
    sb = await sandbox(vendors=("autosync",), rate_limit_per_minute=100)
    clock = StoppedClock()
    # The sandbox counts the key's window on the clock the replicas wait on.
    sb.vendors["autosync"].state.limiter.clock = clock
    first, second = await replica(clock), await replica(clock)
    digest = credential_digest(sb.vendors["autosync"].credentials["api_key"])
    trace, seen = statuses_at(clock)
    async with aiohttp.ClientSession(trace_configs=[trace]) as session:
        a = autosync_client(session, sb, first)
        b = autosync_client(session, sb, second)
        # Each replica's own budget, whose queue holds what its share of a window leaves.
        own = [
            shared.gate("autosync", digest, AUTOSYNC_BUDGET).limiter for shared in (first, second)
        ]
        # 250 reads, 125 from each replica: each alone would send 90 (its share) at once.
        reads = [asyncio.create_task(http.get("/shops")) for http in (a, b) for _ in range(125)]
        try:
            for expected in (100, 200, 250):
                await until_all_wait_for(clock, reads, own)
                await redis_of(first).settled()  # the answered reads' slots are released
                await redis_of(second).settled()
                assert len(seen) == sum(read.done() for read in reads) == expected
                if expected < 250:
                    clock.move_on(AUTOSYNC_BUDGET.per_seconds - 1)  # the window still holds
                    await until_all_wait_for(clock, reads, own)
                    assert len(seen) == expected
                    clock.move_on(2)
            await asyncio.gather(*reads)
        finally:
            for read in reads:
                read.cancel()
            await asyncio.gather(*reads, return_exceptions=True)

    assert {status for _, status in seen} == {200}  # no 429 at the vendor
    sent = sorted(at for at, _ in seen)
    for i, start in enumerate(sent):
        in_window = [at for at in sent[i:] if at < start + AUTOSYNC_BUDGET.per_seconds]
        assert len(in_window) <= AUTOSYNC_BUDGET.requests


async def test_a_pause_one_replica_met_holds_the_other_and_is_never_shortened(
    sandbox: StartSandbox, replica: Replica
) -> None:
    sb = await sandbox(vendors=("autosync",), rate_limit_per_minute=3)
    handle = sb.vendors["autosync"]
    clock = InstantClock()
    handle.state.limiter.clock = clock
    first, second = await replica(clock), await replica(clock)
    # No budget of our own: the vendor's exhausted window (X-RateLimit-Remaining 0, reset in
    # 60 s) is what pauses the first replica.
    policy = HttpPolicy(max_retries=0, cache_ttls=NO_CACHE, max_rate_limit_wait=120)
    trace, seen = statuses_at(clock)
    async with aiohttp.ClientSession(trace_configs=[trace]) as session:
        a = autosync_client(session, sb, first, policy=policy, budget=None)
        b = autosync_client(session, sb, second, policy=policy, budget=None)
        for _ in range(3):
            await a.get("/shops")
        await redis_of(first).settled()
        digest = credential_digest(handle.credentials["api_key"])
        window = redis_of(first).window("autosync", digest, None)
        paused_until = await window.paused_until()
        assert paused_until - clock() >= 55

        first.gate("autosync", digest, None).pause(1.0)
        await redis_of(first).settled()
        assert await window.paused_until() == paused_until  # a shorter pause changes nothing

        await b.get("/shops")  # waits the pause out, then goes

    assert sum(clock.slept) >= 55  # the second replica sat the first one's pause out
    assert [status for _, status in seen] == [200, 200, 200, 200]  # no 429 at the vendor
    assert seen[-1][0] >= paused_until


# --- sessions --------------------------------------------------------------------------------


def supergood_pair(
    session: aiohttp.ClientSession,
    sb: RunningSandbox,
    first: SharedCredentials,
    second: SharedCredentials,
    credentials: dict[str, str] | None = None,
    **changed: str,
) -> tuple[DmsAdapter, DmsAdapter]:
    handle = sb.vendors["autosoft"]
    creds = {**(credentials or handle.credentials), **changed}
    return tuple(  # type: ignore[return-value]
        build_adapter(
            Dms.AUTOSOFT, http=session, base_url=handle.base_url, secrets=creds, shared=shared
        )
        for shared in (first, second)
    )


async def test_one_sign_in_per_login_across_two_replicas(
    sandbox: StartSandbox, replica: Replica, redis_prefix: str
) -> None:
    sb = await sandbox(vendors=("autosoft",))
    handle = sb.vendors["autosoft"]
    clock = VirtualClock()  # the sessions' keepers sleep until a test moves it
    first, second = await replica(clock), await replica(clock)
    async with aiohttp.ClientSession() as session:
        a, b = supergood_pair(session, sb, first, second)
        try:
            await asyncio.gather(a.probe(), b.probe(), a.probe(), b.probe())
            assert handle.requests.count(method="POST", path_contains="/sessions") == 1
            token = a_session_token(a)
            assert token == a_session_token(b)  # the second replica took up the first's
        finally:
            await a.close()
            await b.close()

    # In Redis the token is sealed: not there as text, and unreadable under another key.
    redis = Redis.from_url(REDIS_URL)
    try:
        keys = [k async for k in redis.scan_iter(match=f"{redis_prefix}:session:*")]
        assert len(keys) == 1
        sealed = await redis.get(keys[0])
    finally:
        await redis.aclose()
    assert sealed is not None and token.encode() not in sealed
    with pytest.raises(InvalidToken):
        fernet_for("another-key-of-at-least-32-characters!").decrypt(sealed)
    assert token.encode() in fernet_for(KEY).decrypt(sealed)


def a_session_token(adapter: DmsAdapter) -> str:
    auth = adapter._api.http.auth  # type: ignore[attr-defined]
    assert isinstance(auth, SupergoodSessionAuth) and auth.session is not None
    return auth.session.token.get_secret_value()


async def test_a_refused_sign_in_holds_back_the_other_replica(
    sandbox: StartSandbox, replica: Replica
) -> None:
    sb = await sandbox(vendors=("autosoft",))
    handle = sb.vendors["autosoft"]
    clock = InstantClock()
    first, second = await replica(clock), await replica(clock)
    async with aiohttp.ClientSession() as session:
        a, b = supergood_pair(session, sb, first, second, password="not-the-password-1")
        with pytest.raises(Exception) as refused:
            await a.probe()
        assert not isinstance(refused.value, SignInHeld)
        with pytest.raises(SignInHeld):
            await b.probe()
    assert handle.requests.count(method="POST", path_contains="/sessions") == 1


async def test_totp_steps_claimed_by_two_replicas_are_distinct(replica: Replica) -> None:
    clock = InstantClock()
    first, second = await replica(clock), await replica(clock)
    steps = [redis_of(first).totp_steps(), redis_of(second).totp_steps()]
    claims = await asyncio.gather(*(steps[i % 2].claim("login", 1000) for i in range(20)))
    assert sorted(claims) == list(range(1000, 1020))
    assert await steps[0].claim("other-login", 1000) == 1000


# --- circuits --------------------------------------------------------------------------------


async def test_a_circuit_one_replica_opened_rejects_at_the_other_and_one_probe_goes_out(
    sandbox: StartSandbox, replica: Replica
) -> None:
    sb = await sandbox(vendors=("autosync",))
    handle = sb.vendors["autosync"]
    clock = InstantClock()
    first, second = await replica(clock), await replica(clock)
    policy = HttpPolicy(
        max_retries=0, cache_ttls=NO_CACHE, circuit_failure_threshold=2, circuit_cooldown=30
    )
    async with aiohttp.ClientSession() as session:
        a = autosync_client(session, sb, first, policy=policy)
        b = autosync_client(session, sb, second, policy=policy)
        handle.faults.error_rate = 1.0  # the vendor answers 500s
        for http in (a, b):  # one failure each: two together reach the threshold
            with pytest.raises(UpstreamUnavailable):
                await http.get("/shops")
        await redis_of(first).settled()
        await redis_of(second).settled()
        sent = len(handle.requests.entries)

        with pytest.raises(UpstreamUnavailable, match="circuit open"):
            await a.get("/shops")
        assert len(handle.requests.entries) == sent  # rejected without asking the vendor

        handle.faults.error_rate = 0.0
        clock.now += 31  # past the cool-down: one probe among both replicas
        outcomes = await asyncio.gather(a.get("/shops"), b.get("/shops"), return_exceptions=True)
        assert len(handle.requests.entries) == sent + 1
        assert sum(isinstance(o, UpstreamUnavailable) for o in outcomes) == 1
        await redis_of(first).settled()
        await redis_of(second).settled()
        await b.get("/shops")  # closed again for both
        await a.get("/shops")


# --- configuration ---------------------------------------------------------------------------


async def test_redis_without_the_key_refuses_to_start() -> None:
    assert await shared_redis(SharedConfig(), {}) is None  # no Redis: nothing to check
    config = SharedConfig(redis_url=REDIS_URL)
    with pytest.raises(ConfigError, match="DEALERGRAPH_SHARED_KEY"):
        await shared_redis(config, {})
    with pytest.raises(ConfigError, match="at least 32"):
        await shared_redis(config, {"DEALERGRAPH_SHARED_KEY": "short"})
    unreachable = SharedConfig(redis_url="redis://127.0.0.1:1/0")
    with pytest.raises(ConfigError, match="unreachable"):
        await shared_redis(unreachable, {"DEALERGRAPH_SHARED_KEY": KEY})


# --- the sign-in lock ------------------------------------------------------------------------


async def test_a_dead_holders_lock_lapses_and_a_late_release_frees_nothing_of_another(
    replica: Replica,
) -> None:
    shared = redis_of(await replica(InstantClock()))
    key = shared.key("lock", "test")
    first = RedisLock(shared, key, lease=0.3)
    second = RedisLock(shared, key, lease=30)
    order: list[str] = []
    inside = {name: asyncio.Event() for name in ("first", "second")}
    done = {name: asyncio.Event() for name in ("first", "second")}

    async def hold(lock: RedisLock, name: str) -> None:
        async with lock.held():
            order.append(f"{name} in")
            inside[name].set()
            await done[name].wait()  # held until the test lets go
            order.append(f"{name} out")

    # The first holder outlives its lease (as a process that died would): the second gets
    # the lock once the lease has run out on Redis's clock, and the first's late release
    # leaves the second's lock alone.
    late = asyncio.ensure_future(hold(first, "first"))
    async with asyncio.timeout(HANG):
        await inside["first"].wait()
    taken = asyncio.ensure_future(hold(second, "second"))
    async with asyncio.timeout(HANG):
        await inside["second"].wait()
    done["first"].set()
    await late
    assert order == ["first in", "second in", "first out"]
    assert await shared.redis.get(key) is not None  # still the second's
    done["second"].set()
    await taken
    assert order[-1] == "second out" and await shared.redis.get(key) is None


async def test_redis_gone_while_serving_fails_the_request_unsent_and_opens_no_circuit(
    sandbox: StartSandbox,
) -> None:
    sb = await sandbox(vendors=("autosync",))
    handle = sb.vendors["autosync"]
    clock = InstantClock()
    gone = RedisShared(
        Redis.from_url("redis://127.0.0.1:1/0"),  # nothing listens there
        prefix="dealergraph-test:gone",
        sealer=fernet_for(KEY),
        wall=clock,
        sleep=clock.sleep,
    )
    shared = SharedCredentials(clock=clock, sleep=clock.sleep, wall=clock, redis=gone)
    policy = HttpPolicy(max_retries=0, cache_ttls=NO_CACHE, circuit_failure_threshold=1)
    async with aiohttp.ClientSession() as session:
        key = handle.credentials["api_key"]
        http = HttpClient(
            session,
            handle.base_url,
            vendor="autosync",
            policy=policy,
            auth=BearerKeyAuth(SecretStr(key)),
            gate=shared.gate("autosync", credential_digest(key), AUTOSYNC_BUDGET),
        )
        for _ in range(2):
            with pytest.raises(SharedStateUnavailable, match="shared state on Redis"):
                await http.get("/shops")
        assert handle.requests.entries == []
        assert http.health().state is not ConnectionState.CIRCUIT_OPEN
    await gone.redis.aclose()


async def test_a_code_one_replica_waits_for_is_submitted_through_the_other(
    sandbox: StartSandbox, replica: Replica
) -> None:
    sb = await sandbox(vendors=("autosoft",))
    handle = sb.vendors["autosoft"]
    clock = VirtualClock()  # the sessions' keepers sleep until a test moves it
    first, second = await replica(clock), await replica(clock)
    sms = handle.code_login_credentials("sms")
    async with aiohttp.ClientSession() as session:
        a, b = supergood_pair(session, sb, first, second, sms)
        try:
            with pytest.raises(UpstreamNeedsMfa):
                await a.probe()  # the vendor texts a code and holds the sign-in
            with pytest.raises(UpstreamNeedsMfa):
                await b.probe()  # the other replica waits for the same code: no second text
            sent = latest_code(handle.state.auth, handle.state.mfa_users["sms"].username)
            assert sent is not None
            await b.submit_mfa_code(sent.code)
            await a.probe()  # signed in by the other replica's submission
            assert a_session_token(a) == a_session_token(b)
        finally:
            await a.close()
            await b.close()
    sign_ins = handle.requests.count(method="POST", path_contains="/sessions")
    assert sign_ins == 2  # the one that asked for the code, the one that sent it


# --- cached answers ----------------------------------------------------------------------------


async def test_a_write_through_one_replica_drops_the_stores_cached_answers_in_the_other(
    sandbox: StartSandbox, replica: Replica
) -> None:
    sb = await sandbox(vendors=("autosync",))
    handle = sb.vendors["autosync"]
    clock = InstantClock()
    first, second = await replica(clock), await replica(clock)
    policy = HttpPolicy(max_retries=0)  # the default times to live: customers for 5 minutes
    key = handle.credentials["api_key"]
    digest = credential_digest(key)
    path = "/shops/1/customers"

    def reads() -> int:
        return handle.requests.count(method="GET", path_contains=path)

    async with aiohttp.ClientSession() as session:
        a, b = (
            HttpClient(
                session,
                handle.base_url,
                vendor="autosync",
                policy=policy,
                auth=BearerKeyAuth(SecretStr(key)),
                gate=shared.gate("autosync", digest, AUTOSYNC_BUDGET),
                cache=shared.cache("autosync", handle.base_url, digest, policy.cache_ttls),
            )
            for shared in (first, second)
        )
        await redis_of(first).invalidations.subscribed()
        await redis_of(second).invalidations.subscribed()
        for http in (a, b, a, b):
            await http.get(path)
        assert reads() == 2  # each replica read once and keeps the answer

        with pytest.raises(UpstreamRejected):
            await a.request("POST", path, json_body={})  # refused, yet the store may change
        await redis_of(first).settled()
        async with asyncio.timeout(HANG):  # the other replica hears of it over Redis
            while True:
                await b.get(path)
                if reads() == 3:
                    break
                await asyncio.sleep(0.01)
        assert reads() == 3
        await b.get(path)
        assert reads() == 3  # and keeps the fresh answer again
