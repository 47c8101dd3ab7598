"""Responses encoded with orjson are the bytes the standard encoder wrote, and the bytes sent."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from graph.response_json import encode_response
from tests.graph.conftest import FULL_KEY, Api

_leaves = st.none() | st.booleans() | st.integers() | st.text()
_data = st.recursive(
    _leaves,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)
_extensions = st.dictionaries(
    st.text(), st.floats(allow_nan=False) | st.integers() | st.text(), max_size=4
)


def _standard(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


@given(data=_data, extensions=_extensions)
def test_same_bytes_as_json_dumps(data: Any, extensions: dict[str, Any]) -> None:
    response = {"data": data, "extensions": extensions}
    assert encode_response(response) == _standard(response)
    assert encode_response([response, response]) == _standard([response, response])


def test_escapes_outside_printable_ascii() -> None:
    for text in ("é€😀", "\x7f", "\u2028", "\x00\x1f", "\ud800 lone surrogate", 'a"b\\c/'):
        response = {"data": {"name": text}, "errors": [{"message": text}]}
        assert encode_response(response) == _standard(response)


def test_integers_past_64_bits_and_floats() -> None:
    response = {"data": {"big": 2**70}, "extensions": {"rate": 1e-05, "retry": 47.7}}
    assert encode_response(response) == _standard(response)


def test_keys_other_than_the_usual_three() -> None:
    response = {"hasNext": False, "errors": [], "data": None, "é": float("inf"), "extensions": {}}
    assert encode_response(response) == _standard(response)


async def test_answers_go_out_as_encoded_in_utf_8_json(api: Api) -> None:
    headers = {"Authorization": f"Bearer {FULL_KEY}"}
    statuses = (
        "query($s: [RepairOrderStatus!]) { repairOrders(filter: {status: $s}) { totalCount } }"
    )
    for body in (
        {"query": "{ __typename }"},
        {"query": statuses, "variables": {"s": ["N\u00d6PE"]}},  # the error quotes the 'Ö'
    ):
        async with api.http.post(api.url, json=body, headers=headers) as response:
            raw = await response.read()
        assert response.headers["Content-Type"] == "application/json; charset=utf-8"
        assert raw == _standard(json.loads(raw)), raw
    assert b"N\\u00d6PE" in raw
