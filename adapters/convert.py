"""Small converters every vendor mapping uses: ids, money, numbers, timestamps, enums.

Vendor JSON arrives parsed with ``Decimal`` floats (``adapters.http.loads``), so money is
exact here; these helpers only normalise types and refuse what cannot be right.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any, TypeVar

from pydantic import ValidationError

from adapters.errors import UpstreamProtocolError

T = TypeVar("T")
E = TypeVar("E", bound=Enum)

Raw = Mapping[str, Any]


def obj(value: Any) -> Raw:
    """A nested object that may be absent or null."""
    if type(value) is dict:  # decoded JSON: skip the Mapping check (an ABC, slow)
        return value
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise TypeError(f"expected an object, got {type(value).__name__}")
    return value


def ident(value: Any) -> str | None:
    """Vendor ids as strings (AutoSync's integers included)."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise TypeError("an id cannot be a boolean")
    return str(value)


def text(value: Any) -> str | None:
    return None if value is None else str(value)


def decimal(value: Any) -> Decimal | None:
    if type(value) is Decimal:  # as JSON decoding gives numbers with a fraction: checked first
        if value.is_finite():
            return value
        raise ValueError("not a finite number")
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise TypeError("a number cannot be a boolean")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int | str):
        try:
            result = Decimal(value)
        except InvalidOperation:
            raise ValueError("not a number") from None
    elif isinstance(value, float):
        # Only reachable when JSON was parsed elsewhere; str() keeps the shortest repr.
        result = Decimal(str(value))
    else:
        raise TypeError(f"not a number: {type(value).__name__}")
    if not result.is_finite():
        raise ValueError("not a finite number")
    return result


money = decimal


def integer(value: Any) -> int | None:
    if type(value) is int:  # as JSON decoding gives whole numbers: already one
        return value
    number = decimal(value)
    if number is None:
        return None
    if number != number.to_integral_value():
        raise ValueError("not a whole number")
    return int(number)


def count(value: Any) -> int:
    """A count the vendor leaves out when it is zero (days past due)."""
    return integer(value) or 0


def boolean(value: Any) -> bool | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in {"true", "false"}:
        return value.lower() == "true"
    raise TypeError("not a boolean")


def timestamp(value: Any) -> datetime | None:
    """An aware datetime; a vendor timestamp without an offset is taken as UTC."""
    if value is None or value == "":
        return None
    parsed = datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def day(value: Any) -> date | None:
    if value is None or value == "":
        return None
    raw = str(value)
    return datetime.fromisoformat(raw).date() if "T" in raw else date.fromisoformat(raw)


def end_time(start: datetime | None, minutes: Any) -> datetime | None:
    """``start`` plus a duration in minutes; None when either is unknown."""
    length = decimal(minutes)
    if start is None or length is None:
        return None
    return start + timedelta(minutes=float(length))


def strings(value: Any) -> tuple[str, ...]:
    """A list of strings, or one string, as a tuple."""
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)


def normalize(raw: Any, table: Mapping[str, E], fallback: E) -> tuple[E, str | None]:
    """(normalized enum, raw vendor value); unrecognised values land on ``fallback``."""
    if raw is None:
        return fallback, None
    value = str(raw)
    return table.get(value, table.get(value.lower(), fallback)), value


def full_name(*parts: str | None) -> str | None:
    return " ".join(p for p in parts if p) or None


def mapped(mapper: Callable[[Raw], T], raw: Any, *, source: str) -> T:
    """Apply a mapping; a row that does not fit the contract is a protocol error."""
    try:
        return mapper(obj(raw))
    except (KeyError, TypeError, ValueError, ArithmeticError, ValidationError) as exc:
        # The message names the resource only: rows hold customer data.
        raise UpstreamProtocolError(
            f"{source}: a row does not match the contract ({type(exc).__name__})"
        ) from exc
