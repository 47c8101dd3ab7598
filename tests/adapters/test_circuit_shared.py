"""A circuit breaker shared by server processes, over an in-memory ``CircuitShare`` standing
in for the Redis one: what each outcome records for the others, one probe among them all,
and a circuit another process opened taken up on this process's clock."""

from __future__ import annotations

from dataclasses import dataclass, field

from adapters.circuit import Admission, CircuitBreaker, CircuitState

COOLDOWN = 30.0


class Ticks:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@dataclass
class Share:
    """What the other processes recorded, and every write and probe claim of this one."""

    wall: Ticks = field(default_factory=lambda: Ticks(1_800_000_000.0))
    failures: int = 0
    opened_at: float | None = None
    probe_free: bool = True
    records: list[tuple[bool, float | None]] = field(default_factory=list)
    leases: list[float] = field(default_factory=list)
    probes_done: int = 0

    async def load(self) -> tuple[int, float | None]:
        return self.failures, self.opened_at

    def record(self, *, failed: bool, opened_at: float | None) -> None:
        self.records.append((failed, opened_at))
        if failed:  # counted on top of the others', as the Redis share does
            self.failures += 1
            self.opened_at = opened_at if opened_at is not None else self.opened_at
        else:
            self.failures, self.opened_at = 0, None

    async def claim_probe(self, lease: float) -> bool:
        self.leases.append(lease)
        return self.probe_free

    def probe_done(self) -> None:
        self.probes_done += 1


def breaker(share: Share, **options: float) -> tuple[CircuitBreaker, Ticks]:
    clock = Ticks(500.0)
    return CircuitBreaker(3, COOLDOWN, clock=clock, share=share, **options), clock  # type: ignore[arg-type]


async def test_a_success_is_recorded_once_per_recovery_not_per_success() -> None:
    share = Share()
    circuit, _ = breaker(share)
    circuit.succeeded(await circuit.enter())
    assert share.records == [], "nothing to recover from: no write"
    circuit.failed(await circuit.enter())
    circuit.succeeded(await circuit.enter())
    assert share.records == [(True, None), (False, None)]


async def test_a_failure_records_when_it_opened_the_circuit_on_the_shared_clock() -> None:
    share = Share()
    circuit, _ = breaker(share)
    for _ in range(3):
        circuit.failed(await circuit.enter())
    assert share.records == [(True, None), (True, None), (True, share.wall.now)]
    assert circuit.state is CircuitState.OPEN
    assert share.probes_done == 0


async def test_a_circuit_another_process_opened_is_taken_up_on_this_clock() -> None:
    share = Share(failures=3)
    share.opened_at = share.wall.now - 10.0
    circuit, _ = breaker(share)
    assert await circuit.enter() is Admission.REJECT
    assert circuit.consecutive_failures == 3
    assert circuit.retry_in() == COOLDOWN - 10.0
    share.opened_at = None  # another process's probe closed it
    share.failures = 0
    assert await circuit.enter() is Admission.PASS
    assert circuit.state is CircuitState.CLOSED


async def test_one_probe_among_all_processes_and_this_one_probes_once_it_is_free() -> None:
    share = Share(failures=3, probe_free=False)
    share.opened_at = share.wall.now - 100.0
    circuit, _ = breaker(share)
    assert await circuit.enter() is Admission.REJECT, "another process's probe is out"
    assert share.leases == [60.0]
    share.probe_free = True
    probe = await circuit.enter()
    assert probe is Admission.PROBE
    circuit.succeeded(probe)
    assert share.probes_done == 1
    assert share.records == [(False, None)]


async def test_a_probe_failing_or_abandoned_frees_the_shared_probe() -> None:
    share = Share(failures=3)
    share.opened_at = share.wall.now - 100.0
    circuit, _ = breaker(share, probe_lease=5.0)
    probe = await circuit.enter()
    assert probe is Admission.PROBE and share.leases == [5.0]
    circuit.failed(probe)
    assert share.probes_done == 1
    assert share.records == [(True, share.wall.now)]
    share.opened_at = share.wall.now - 100.0
    probe = await circuit.enter()
    assert probe is Admission.PROBE
    circuit.abandoned(probe)
    circuit.abandoned(Admission.PASS)  # not a probe: nothing to free
    assert share.probes_done == 2


async def test_after_a_success_here_a_circuit_opened_elsewhere_still_gets_a_probe_from_here() -> (
    None
):
    share = Share()
    circuit, _ = breaker(share)
    circuit.succeeded(await circuit.enter())
    share.failures, share.opened_at = 3, share.wall.now - 100.0
    assert await circuit.enter() is Admission.PROBE
