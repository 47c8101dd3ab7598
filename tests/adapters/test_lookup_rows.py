"""Which raw rows of a listing a lookup keeps before mapping: those naming one of the
wanted ids among their top-level values, as text or as a number, never as a boolean."""

from __future__ import annotations

from collections import UserDict
from decimal import Decimal
from enum import IntEnum
from typing import Any

import pytest

from adapters.rest import _names_any

WANTED = frozenset({"c_17", "42", "True"})


class Label(str):
    pass


class Code(IntEnum):
    ANSWER = 42


@pytest.mark.parametrize(
    ("value", "named"),
    [
        ("c_17", True),
        (Label("c_17"), True),  # a str of another class, as a Mapping might hold
        ("c_18", False),
        (42, True),  # AutoSync's ids are numbers
        (Code.ANSWER, True),
        (43, False),
        (True, False),  # a flag, not an id, whatever its text
        (Decimal("42"), False),
        (42.0, False),
        (None, False),
        ({"id": "c_17"}, False),  # nested: not the row's own
        (["c_17"], False),
    ],
)
def test_a_row_names_an_id_by_a_top_level_value(value: Any, named: bool) -> None:
    others = {"name": "Dana", "phone": None, "visits": 3, "vip": False}
    assert _names_any({**others, "customer": value}, WANTED) is named
    assert _names_any({"customer": value, **others}, WANTED) is named  # order aside
    assert _names_any(UserDict({**others, "customer": value}), WANTED) is named


def test_a_row_that_is_not_an_object_is_left_to_the_mapper() -> None:
    assert _names_any(["c_17"], WANTED) is True
    assert _names_any(None, WANTED) is True
    assert _names_any({}, WANTED) is False
