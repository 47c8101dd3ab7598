"""TOTP code choice of the Supergood session auth: never the same step twice, waiting only
when both the current and the next step are spent."""

from __future__ import annotations

import pyotp
import pytest
from pydantic import SecretStr

from adapters.errors import UpstreamAuthFailed
from adapters.supergood import SupergoodCredentials, SupergoodSessionAuth
from adapters.totp_steps import MemoryTotpSteps

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def auth_with(clock: Clock, totp_secret: str = SECRET) -> SupergoodSessionAuth:
    creds = SupergoodCredentials(
        client_id=SecretStr("c"),
        client_secret=SecretStr("s"),
        username=SecretStr("u"),
        password=SecretStr("p"),
        totp_secret=SecretStr(totp_secret),
    )
    return SupergoodSessionAuth(creds, clock=clock, sleep=clock.sleep)


async def test_codes_never_repeat_a_step() -> None:
    clock = Clock(1_800_000_010.0)  # 10 s into a step
    auth = auth_with(clock)
    totp = pyotp.TOTP(SECRET)
    step = int(clock.now // 30)

    assert await auth._next_code() == totp.at(step * 30)
    # Same step again: the next step's code, which the vendor accepts (+1 skew).
    assert await auth._next_code() == totp.at((step + 1) * 30)
    assert clock.slept == []
    # Both spent: wait for the next step to become current, then use the one after it.
    assert await auth._next_code() == totp.at((step + 2) * 30)
    assert clock.slept == [pytest.approx(20.0)]
    assert int(clock.now // 30) == step + 1


async def test_codes_after_time_has_moved_on_use_the_current_step() -> None:
    clock = Clock(1_800_000_010.0)
    auth = auth_with(clock)
    await auth._next_code()
    clock.now += 95
    assert await auth._next_code() == pyotp.TOTP(SECRET).at(clock.now)
    assert clock.slept == []


async def test_malformed_totp_secret_is_an_auth_failure_without_the_secret() -> None:
    auth = auth_with(Clock(1_800_000_000.0), totp_secret="wrong-secret-value!")
    with pytest.raises(UpstreamAuthFailed) as err:
        await auth._next_code()
    assert "wrong-secret-value" not in str(err.value)


def test_repr_hides_everything() -> None:
    auth = auth_with(Clock(0))
    assert repr(auth) == "SupergoodSessionAuth(session=none)"


async def test_a_malformed_totp_secret_is_named_as_such() -> None:
    auth = auth_with(Clock(1_800_000_000.0), totp_secret="wrong-secret-value!")
    with pytest.raises(UpstreamAuthFailed) as err:
        await auth._next_code()
    assert err.value.message == "the configured TOTP secret is unusable (not base32, or too short)"


async def test_logins_sharing_one_step_store_each_start_at_the_current_step() -> None:
    clock = Clock(1_800_000_010.0)
    steps = MemoryTotpSteps()
    creds = auth_with(clock)._creds
    first, second = (
        SupergoodSessionAuth(creds, clock=clock, sleep=clock.sleep, totp_steps=steps, login=name)
        for name in ("tenant-a/u", "tenant-b/u")
    )
    current = pyotp.TOTP(SECRET).at(clock.now)
    assert (await first._next_code(), await second._next_code()) == (current, current)
    assert clock.slept == []
