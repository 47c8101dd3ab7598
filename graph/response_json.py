"""Encoding GraphQL responses: orjson's speed, the standard library's exact bytes.

Responses have always been ``json.dumps(response, separators=(",", ":"))``, which writes
every character outside printable ASCII as a ``\\uXXXX`` escape (``ensure_ascii``). The
``data`` part, the bulk of any response, holds only strings, integers, booleans and nulls
(the schema has no Float; Decimals, dates and ids are strings), so orjson encodes it and
the few characters it writes as they are get the same escapes afterwards. Errors and
extensions are small and may hold floats, which orjson can spell differently (``1e-05``),
so they keep the standard encoder.
"""

from __future__ import annotations

import json
import re
from typing import Any

import orjson

_NOT_PRINTABLE_ASCII = re.compile(r"[^\x00-\x7e]")
# The encoder json.dumps(value, separators=(",", ":")) builds anew on every call.
_ENCODER = json.JSONEncoder(separators=(",", ":"))


def _standard(value: Any) -> bytes:
    return _ENCODER.encode(value).encode()


_KEYS = {key: _standard(key) + b":" for key in ("data", "errors", "extensions")}
"""A response's keys as they are written, worked out once."""


def _ascii_escape(match: re.Match[str]) -> str:
    # The escapes json.dumps writes: lowercase hex, a surrogate pair beyond the BMP.
    code = ord(match.group())
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 | (code >> 10):04x}\\u{0xDC00 | (code & 0x3FF):04x}"


def _encode_data(data: Any) -> bytes:
    try:
        encoded = orjson.dumps(data)
    except (orjson.JSONEncodeError, TypeError):  # lone surrogates, integers past 64 bits
        return _standard(data)
    if encoded.isascii() and b"\x7f" not in encoded:
        return encoded
    return _NOT_PRINTABLE_ASCII.sub(_ascii_escape, encoded.decode()).encode()


def encode_response(response: Any) -> bytes:
    """A response (or a batch of them) as ``json.dumps`` with compact separators writes it."""
    if isinstance(response, list):
        return b"[" + b",".join(encode_response(r) for r in response) + b"]"
    if not isinstance(response, dict):
        return _standard(response)
    parts = [
        (_KEYS.get(key) or _standard(key) + b":")
        + (_encode_data(value) if key == "data" else _standard(value))
        for key, value in response.items()
    ]
    return b"{" + b",".join(parts) + b"}"
