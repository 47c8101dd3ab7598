"""The shared building blocks: VINs, exact JSON, money, TOTP, tokens, rate limiting, ids."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime
from decimal import Decimal

import pyotp
import pytest

from sandbox.common.ids import HexIds
from sandbox.common.jsonenc import dumps
from sandbox.common.money import money, price_point, random_money
from sandbox.common.ratelimit import FixedWindowLimiter
from sandbox.common.rng import spread, stream
from sandbox.common.tokens import TokenState, TokenStore
from sandbox.common.totp import TotpResult, TotpVerifier
from sandbox.common.vin import check_digit, is_valid_vin, make_vin, model_year_code
from tests.sandbox.helpers import FakeClock


@pytest.mark.parametrize(
    ("vin", "digit"),
    [("1HGCM82633A004352", "3"), ("1M8GDM9AXKP042788", "X"), ("11111111111111111", "1")],
)
def test_check_digit_of_known_vins(vin: str, digit: str) -> None:
    assert check_digit(vin) == digit
    assert is_valid_vin(vin)


def test_vin_validation_rejects_bad_digit_length_and_letters() -> None:
    assert not is_valid_vin("1HGCM82643A004352")  # check digit altered
    assert not is_valid_vin("1HGCM82633A00435")
    assert not is_valid_vin("1HGCM82633A00435O")  # O is never used


def test_generated_vins_are_valid_and_carry_the_model_year() -> None:
    rng = random.Random(7)
    for year in range(2010, 2031):
        vin = make_vin(rng, "1FT", year)
        assert is_valid_vin(vin), vin
        assert vin[9] == model_year_code(year)
    assert model_year_code(2026) == "T" and model_year_code(2018) == "J"


def test_json_writes_decimals_exactly_and_refuses_floats() -> None:
    body = {
        "a": Decimal("54995.00"),
        "b": Decimal("0.07"),
        "c": [1, True, None, 'x"y'],
        "d": datetime(2026, 1, 21, 14, 5, 11, tzinfo=UTC),
        "e": date(2026, 2, 1),
    }
    assert dumps(body) == (
        '{"a":54995.00,"b":0.07,"c":[1,true,null,"x\\"y"],'
        '"d":"2026-01-21T14:05:11Z","e":"2026-02-01"}'
    )
    with pytest.raises(TypeError):
        dumps({"price": 1.5})


def test_money_is_half_up_and_never_from_float() -> None:
    assert money(Decimal("6.645")) == Decimal("6.65")
    assert str(money(70)) == "70.00"
    with pytest.raises(TypeError):
        money(1.1)  # type: ignore[arg-type]
    assert price_point(Decimal("52990")) == Decimal("52995.00")
    amount = random_money(random.Random(1), 10, 20)
    assert amount.as_tuple().exponent == -2 and 10 <= amount <= 20


def test_spread_covers_every_value_in_proportion() -> None:
    values = spread(random.Random(3), 100, [("a", 60), ("b", 30), ("c", 1)])
    assert (values.count("a"), values.count("b"), values.count("c")) == (66, 33, 1)
    few = spread(random.Random(3), 3, [("a", 98), ("b", 1), ("c", 1)])
    assert sorted(few) == ["a", "b", "c"]


def test_streams_are_reproducible_and_independent() -> None:
    assert stream(1, "x").random() == stream(1, "x").random()
    assert stream(1, "x").random() != stream(1, "y").random()


def test_totp_skew_of_one_step_and_replay_refusal() -> None:
    secret = pyotp.random_base32()
    totp = pyotp.TOTP(secret)
    verifier = TotpVerifier()
    now = 1_800_000_015.0
    assert verifier.verify("u", secret, totp.at(now - 30), now) is TotpResult.ACCEPTED
    assert verifier.verify("u", secret, totp.at(now + 30), now) is TotpResult.ACCEPTED
    assert verifier.verify("u", secret, totp.at(now), now) is TotpResult.ACCEPTED
    assert verifier.verify("u", secret, totp.at(now), now) is TotpResult.REUSED
    assert verifier.verify("u", secret, totp.at(now - 60), now) is TotpResult.INVALID
    assert verifier.verify("u", secret, totp.at(now + 60), now) is TotpResult.INVALID
    assert verifier.verify("u", secret, "12345", now) is TotpResult.INVALID
    # Replay is per user: another user may present the same step.
    assert verifier.verify("v", secret, totp.at(now), now) is TotpResult.ACCEPTED


def test_tokens_expire_and_revoke() -> None:
    store = TokenStore(ttl_seconds=10)
    issued = store.issue("u_1", 1000.0)
    assert issued.token.count(".") == 2 and issued.token.startswith("eyJ")
    assert store.check(issued.token, 1009.9)[0] is TokenState.VALID
    assert store.check(issued.token, 1010.0)[0] is TokenState.EXPIRED
    store.revoke(issued.token)
    assert store.check(issued.token, 1000.0)[0] is TokenState.UNKNOWN


def test_fixed_window_limiter() -> None:
    clock = FakeClock(1000.0)
    limiter = FixedWindowLimiter(3, 60.0, clock)
    remaining = [limiter.hit("k").remaining for _ in range(3)]
    assert remaining == [2, 1, 0]
    clock.advance(10)
    blocked = limiter.hit("k")
    assert not blocked.allowed and blocked.retry_after == 50
    assert blocked.headers()["X-RateLimit-Reset"] == "1060"
    assert limiter.hit("other").allowed
    clock.advance(50)
    assert limiter.hit("k").allowed


def test_hex_ids_are_unique_and_seeded() -> None:
    ids = HexIds("1:autosoft")
    made = {ids.make("veh", n) for n in range(1, 5001)}
    assert len(made) == 5000
    assert all(i.startswith("veh_") and len(i) == 10 for i in made)
    assert HexIds("2:autosoft").make("veh", 1) != ids.make("veh", 1)
