"""Vendor JSON decodes as the standard library decodes it with ``Decimal`` floats: the same
values, digit for digit, and the same refusals (``adapters.http.loads``)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from adapters.http import loads

FIXTURES = Path(__file__).parent / "fixtures"


def standard(raw: bytes) -> Any:
    """The reference: what ``loads`` answered before it read with msgspec."""

    def refuse(name: str) -> Any:
        raise ValueError(name)

    return json.loads(raw, parse_float=Decimal, parse_constant=refuse)


def outcome(decode: Any, raw: bytes) -> tuple[str, str]:
    try:
        return "value", repr(decode(raw))  # repr: types and every digit
    except ValueError:
        return "refused", ""


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.json")), ids=lambda p: p.name)
def test_page_examples_decode_as_the_standard_library_does(path: Path) -> None:
    raw = path.read_bytes()
    assert repr(loads(raw)) == repr(standard(raw))


@pytest.mark.parametrize(
    "raw",
    [
        b'{"price": 51995.00, "rate": 0.0725, "tiny": 1.5E-7, "big": 1e400}',
        b'{"exact": 123456789012345678901234567890.123456789, "count": 12345678901234567890123}',
        b"[-0, -0.0, 0.10, 1E3, 2e-0]",
        b'{"a": 1, "a": 2}',  # the last duplicate wins
        b'"\\u00e9\\ud83d\\ude97 \\u0000"',
        b'"\xed\xa0\x80"',  # a lone surrogate, as the standard library passes it
        b'\xef\xbb\xbf{"bom": true}',  # a UTF-8 byte-order mark
        '{"utf16": 1}'.encode("utf-16"),
        b" \t\n[1] \r\n",
        b"NaN",
        b'{"a": Infinity}',
        b'{"a": -Infinity}',
        b'"a\x01b"',  # a raw control character
        b"[1] x",
        b"{",
        b'"\xff"',  # not UTF-8
        b"",
    ],
)
def test_edge_cases_decode_or_fail_as_the_standard_library_does(raw: bytes) -> None:
    assert outcome(loads, raw) == outcome(standard, raw)


def test_money_keeps_its_digits() -> None:
    body = loads(b'{"askingPrice": 51995.00, "rate": 0.0725}')
    assert [str(v) for v in body.values()] == ["51995.00", "0.0725"]
    assert all(type(v) is Decimal for v in body.values())
