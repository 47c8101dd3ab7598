"""Query-string parsing that answers 400 ``invalid_parameter`` the way a strict API does."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from sandbox.common.errors import invalid_parameter


def opt_str(query: Mapping[str, str], name: str) -> str | None:
    """A free-text parameter; absent or empty means no constraint."""
    value = query.get(name)
    return value if value else None


def opt_enum(query: Mapping[str, str], name: str, allowed: Sequence[str]) -> str | None:
    value = query.get(name)
    if value is None:
        return None
    if value not in allowed:
        raise invalid_parameter(name, f"'{name}' must be one of: {', '.join(allowed)}")
    return value


def opt_int(
    query: Mapping[str, str],
    name: str,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
) -> int | None:
    value = query.get(name)
    if value is None:
        return None
    try:
        number = int(value, 10)
    except ValueError:
        raise invalid_parameter(name, f"'{name}' must be an integer") from None
    if minimum is not None and number < minimum:
        raise invalid_parameter(name, f"'{name}' must be at least {minimum}")
    if maximum is not None and number > maximum:
        raise invalid_parameter(name, f"'{name}' must be at most {maximum}")
    return number


def opt_bool(query: Mapping[str, str], name: str) -> bool | None:
    value = query.get(name)
    if value is None:
        return None
    lowered = value.lower()
    if lowered == "true":
        return True
    if lowered == "false":
        return False
    raise invalid_parameter(name, f"'{name}' must be true or false")


def opt_datetime(query: Mapping[str, str], name: str) -> datetime | None:
    """An ISO 8601 timestamp or date; without an offset it is read as UTC."""
    value = query.get(name)
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise invalid_parameter(name, f"'{name}' must be an ISO 8601 timestamp") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def ordered_range(
    low: datetime | None, high: datetime | None, low_name: str, high_name: str
) -> None:
    if low is not None and high is not None and low > high:
        raise invalid_parameter(high_name, f"'{high_name}' must not be before '{low_name}'")
