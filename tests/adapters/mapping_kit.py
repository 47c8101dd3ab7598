"""Helpers shared by the mapping contract tests: vendor-page fixtures and exact money."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from adapters.http import loads

FIXTURES = Path(__file__).parent / "fixtures"


def raw_fixture(name: str) -> str:
    return (FIXTURES / name).read_text()


def fixture(name: str) -> Any:
    """A fixture parsed as the adapters parse vendor JSON (floats as ``Decimal``)."""
    return loads((FIXTURES / name).read_bytes())


def exact(value: Decimal | None, text: str) -> None:
    """Equal as a number and as written: no float ever touched it."""
    assert isinstance(value, Decimal)
    assert str(value) == text
