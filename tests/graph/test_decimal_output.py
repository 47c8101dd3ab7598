"""Decimals in the graph's answers: money always in cents, other figures with their digits."""

from __future__ import annotations

from decimal import Decimal

import pytest
import strawberry
from hypothesis import example, given
from hypothesis import strategies as st

from graph.schema import build_schema
from graph.types.values import SCALAR_OVERRIDES, _decimal_text, decimal_text


@pytest.mark.parametrize(
    ("sent", "shown"),
    [
        ("52995.0", "52995.00"),  # a vendor's float-ish money
        ("52995", "52995.00"),
        ("24.95", "24.95"),
        ("0", "0.00"),
        ("-0.0", "0.00"),
        ("1E+2", "100.00"),
        ("1.375", "1.375"),  # hours, rates and tax rates keep every digit
        ("0.0825", "0.0825"),
        ("5.0E-7", "0.00000050"),
    ],
)
def test_decimal_text(sent: str, shown: str) -> None:
    assert decimal_text(Decimal(sent)) == shown


@given(
    st.one_of(
        st.decimals(allow_nan=True, allow_infinity=True, places=None),
        st.builds(
            lambda sign, digits, exponent: Decimal((sign, tuple(digits), exponent)),
            st.integers(0, 1),
            st.lists(st.integers(0, 9), min_size=1, max_size=30),
            st.integers(-12, 6),
        ),
    )
)
@example(Decimal("1" * 27))  # cents would pass the context's 28 digits: left whole
@example(Decimal("9" * 26 + ".5"))
@example(Decimal("1" * 24))
def test_padding_writes_what_quantizing_to_cents_writes(value: Decimal) -> None:
    assert decimal_text(value) == _decimal_text(value)


@strawberry.type
class _Query:
    @strawberry.field
    def price(self) -> Decimal:
        return Decimal("52995.0")

    @strawberry.field
    def hours(self) -> Decimal:
        return Decimal("1.375")

    @strawberry.field
    def echo(self, value: Decimal) -> Decimal:
        return value


def test_the_override_serializes_and_parses_like_the_scalar_it_replaces() -> None:
    plain = strawberry.Schema(query=_Query)
    schema = strawberry.Schema(query=_Query, scalar_overrides=SCALAR_OVERRIDES)
    result = schema.execute_sync('{ price hours echo(value: "7.5") }')
    assert result.errors is None
    assert result.data == {"price": "52995.00", "hours": "1.375", "echo": "7.50"}
    # The same scalar to clients: name, description, and the inputs it takes; only the
    # link to where its format is written down is added.
    specified = ' @specifiedBy(url: "docs/codegen.md#decimal")'
    assert specified in schema.as_str()
    assert schema.as_str().replace(specified, "") == plain.as_str()
    assert _refusal(schema) == _refusal(plain)


def _refusal(schema: strawberry.Schema) -> str:
    result = schema.execute_sync('{ echo(value: "abc") }')
    assert result.errors
    return result.errors[0].message


def test_the_served_schema_writes_money_in_cents() -> None:
    decimal = build_schema()._schema.get_type("Decimal")
    assert decimal is not None
    assert decimal.serialize(Decimal("52995.0")) == "52995.00"  # type: ignore[union-attr]
