"""Canonical models made with ``Model(**values)`` validate exactly as ``model_validate``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from adapters.models import Canonical, Fee, Photo


def test_values_are_validated_and_coerced_as_model_validate_does() -> None:
    fee = Fee(code="DOC", amount="149.50")  # type: ignore[arg-type]
    assert fee == Fee.model_validate({"code": "DOC", "amount": "149.50"})
    assert fee.amount == Decimal("149.50") and type(fee) is Fee
    assert fee.model_fields_set == {"code", "amount"}  # what the vendor gave, no defaults


@pytest.mark.parametrize(
    "values",
    [
        {"code": "DOC"},  # a required field missing
        {"code": "DOC", "amount": "a lot"},  # not a number
        {"code": "DOC", "amount": "1", "vendorNote": "x"},  # extra fields are refused
    ],
)
def test_invalid_values_are_refused_with_the_same_errors(values: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as made:
        Fee(**values)
    with pytest.raises(ValidationError) as validated:
        Fee.model_validate(values)
    assert made.value.errors() == validated.value.errors()


def test_models_stay_frozen() -> None:
    photo = Photo(url="https://cdn.example.com/1.jpg")
    with pytest.raises(ValidationError):
        photo.url = "https://elsewhere.example.com/2.jpg"  # type: ignore[misc]


def test_a_model_with_its_own_init_keeps_it() -> None:
    class Labelled(Canonical):
        label: str

        def __init__(self, text: str) -> None:
            super().__init__(label=text.upper())

    assert Labelled(text="doc").label == "DOC"
