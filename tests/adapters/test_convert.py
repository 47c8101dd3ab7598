"""The shared converters on what decoded vendor JSON holds: exact numbers, refused ones."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from adapters.convert import decimal, integer


@pytest.mark.parametrize("text", ["51995.00", "0.0725", "-0.0", "1E+3", "12345678901234567890.01"])
def test_a_decimal_is_kept_as_it_is(text: str) -> None:
    value = Decimal(text)
    assert decimal(value) is value and str(decimal(value)) == text


@pytest.mark.parametrize("value", [Decimal("NaN"), Decimal("sNaN"), Decimal("-Infinity")])
def test_a_number_that_is_not_finite_is_refused(value: Decimal) -> None:
    with pytest.raises(ValueError, match="not a finite number"):
        decimal(value)
    with pytest.raises(ValueError):
        integer(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(7, 7), (10**30, 10**30), (-3, -3), (Decimal("5.00"), 5), ("12", 12), (None, None)],
)
def test_whole_numbers(value: Any, expected: int | None) -> None:
    result = integer(value)
    assert result == expected and type(result) is type(expected)


@pytest.mark.parametrize(("value", "error"), [(True, TypeError), (Decimal("5.5"), ValueError)])
def test_what_is_not_a_whole_number_is_refused(value: Any, error: type) -> None:
    with pytest.raises(error):
        integer(value)
    if value is True:
        with pytest.raises(TypeError):
            decimal(value)
