"""JSON with exact decimals: Decimal is written as its own digits, floats are refused.

The standard encoder can only write Decimal through float; money must never take that path.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from json.encoder import encode_basestring_ascii  # type: ignore[attr-defined]

from aiohttp import web


def format_datetime(value: datetime) -> str:
    if value.tzinfo is None:
        raise ValueError("naive datetime in a response")
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _encode(value: object, out: Callable[[str], object]) -> None:
    if isinstance(value, str):
        out(encode_basestring_ascii(value))
    elif value is None:
        out("null")
    elif value is True:
        out("true")
    elif value is False:
        out("false")
    elif isinstance(value, int):
        out(str(value))
    elif isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError("non-finite Decimal")
        out(format(value, "f"))
    elif isinstance(value, dict):
        out("{")
        first = True
        for key, item in value.items():
            if not first:
                out(",")
            first = False
            out(encode_basestring_ascii(key))
            out(":")
            _encode(item, out)
        out("}")
    elif isinstance(value, list | tuple):
        out("[")
        for index, item in enumerate(value):
            if index:
                out(",")
            _encode(item, out)
        out("]")
    elif isinstance(value, datetime):
        out('"' + format_datetime(value) + '"')
    elif isinstance(value, date):
        out('"' + value.isoformat() + '"')
    elif isinstance(value, float):
        raise TypeError("float in a sandbox response: use Decimal")
    else:
        raise TypeError(f"cannot encode {type(value).__name__}")


def dumps(value: object) -> str:
    parts: list[str] = []
    _encode(value, parts.append)
    return "".join(parts)


def json_response(
    body: object, *, status: int = 200, headers: Mapping[str, str] | None = None
) -> web.Response:
    return web.Response(
        text=dumps(body), status=status, content_type="application/json", headers=headers
    )
