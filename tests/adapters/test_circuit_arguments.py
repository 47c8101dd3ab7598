"""A circuit breaker refuses settings that would make it never close or never open."""

from __future__ import annotations

import pytest

from adapters.circuit import CircuitBreaker, CircuitState


@pytest.mark.parametrize(("threshold", "cooldown"), [(0, 1.0), (1, -0.5)])
def test_a_threshold_below_one_or_a_negative_cool_down_is_refused_saying_so(
    threshold: int, cooldown: float
) -> None:
    with pytest.raises(ValueError) as refused:
        CircuitBreaker(threshold, cooldown)
    assert str(refused.value) == "a circuit needs a threshold of at least 1 and a cool-down >= 0"


def test_the_smallest_settings_are_accepted() -> None:
    breaker = CircuitBreaker(1, 0.0, clock=lambda: 100.0)
    assert breaker.state is CircuitState.CLOSED
    assert breaker.retry_in() == 0.0
