"""Write-side machinery every vendor sandbox shares.

Reading a JSON body with exact decimals, validating it field by field the way a strict API
does (every problem at once, each naming its field), fingerprinting a body for
idempotency keys, minting ids for new records, and the clock new records are stamped with.
Vendors differ only in field names, error codes and body shapes, which they pass in.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from aiohttp import web

from sandbox.common.errors import ApiError
from sandbox.common.money import CENT
from sandbox.common.rng import stream
from sandbox.common.vin import VIN_CHARS

Body = dict[str, Any]
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_MISSING = object()


async def read_json_object(request: web.Request) -> Body:
    """The request body as a JSON object; numbers with a fraction become Decimal, so money
    is checked to the cent exactly as sent."""
    text = await request.text()
    if not text.strip():
        raise ApiError(400, "invalid_parameter", "Request body is required")
    try:
        body = json.loads(text, parse_float=Decimal, parse_constant=_refuse_constant)
    except ValueError:
        raise ApiError(400, "invalid_parameter", "Request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise ApiError(400, "invalid_parameter", "Request body must be a JSON object")
    return body


def _refuse_constant(name: str) -> Any:
    raise ValueError(name)


def _is_number(value: object) -> bool:
    return isinstance(value, int | Decimal) and not isinstance(value, bool)


class BodyReader:
    """Typed reads of a request body at dotted paths (``pricing.sellingPrice``,
    ``line_items[0].hours``), collecting a problem per bad field instead of stopping at the
    first. Messages follow one pattern: ``The 'email' field is required.``"""

    def __init__(self, body: Mapping[str, Any]) -> None:
        self.body = body
        self.problems: list[tuple[str, str]] = []

    # --- raw access -----------------------------------------------------------------------

    def raw(self, path: str) -> Any:
        """The value at ``path``; ``_MISSING`` when absent (null counts as absent)."""
        value: Any = self.body
        for step in re.findall(r"[^.\[\]]+|\[\d+\]", path):
            if step.startswith("["):
                index = int(step[1:-1])
                if not isinstance(value, list) or index >= len(value):
                    return _MISSING
                value = value[index]
            elif isinstance(value, Mapping) and value.get(step) is not None:
                value = value[step]
            else:
                return _MISSING
        return value

    def has(self, path: str) -> bool:
        return self.raw(path) is not _MISSING

    def fail(self, path: str, problem: str) -> None:
        """Record ``The '<path>' field <problem>.`` once per field."""
        if all(field != path for field, _ in self.problems):
            self.problems.append((path, f"The '{path}' field {problem}."))

    def _get(self, path: str, required: bool) -> Any:
        value = self.raw(path)
        if value is _MISSING and required and self._parent_given(path):
            self.fail(path, "is required")
        return value

    def _parent_given(self, path: str) -> bool:
        """A member is required only inside an object that was given: a missing parent is
        its own problem (or, if optional, none)."""
        cut = max(path.rfind("."), path.rfind("["))
        return cut <= 0 or self.has(path[:cut])

    # --- typed reads ----------------------------------------------------------------------

    def text(self, path: str, *, required: bool = False, max_length: int = 200) -> str | None:
        value = self._get(path, required)
        if value is _MISSING:
            return None
        if not isinstance(value, str):
            self.fail(path, "must be a string")
            return None
        value = value.strip()
        if not value:
            if required:
                self.fail(path, "is required")
            return None
        if len(value) > max_length:
            self.fail(path, f"must be at most {max_length} characters")
            return None
        return value

    def email(self, path: str, *, required: bool = False) -> str | None:
        value = self.text(path, required=required, max_length=254)
        if value is not None and not _EMAIL.match(value):
            self.fail(path, "must be a valid e-mail address")
            return None
        return value

    def phone(self, path: str, *, required: bool = False) -> str | None:
        value = self.text(path, required=required, max_length=30)
        if value is not None and not 7 <= sum(ch.isdigit() for ch in value) <= 15:
            self.fail(path, "must be a phone number")
            return None
        return value

    def vin(self, path: str, *, required: bool = False) -> str | None:
        value = self.text(path, required=required, max_length=17)
        if value is None:
            return None
        value = value.upper()
        if len(value) != 17 or any(ch not in VIN_CHARS for ch in value):
            self.fail(path, "must be a 17-character VIN (no I, O or Q)")
            return None
        return value

    def enum(
        self,
        path: str,
        allowed: Sequence[str],
        *,
        required: bool = False,
        default: str | None = None,
    ) -> str | None:
        value = self._get(path, required)
        if value is _MISSING:
            return default
        if value not in allowed:
            self.fail(path, f"must be one of: {', '.join(allowed)}")
            return None
        return str(value)

    def boolean(self, path: str, *, default: bool | None = None) -> bool | None:
        value = self.raw(path)
        if value is _MISSING:
            return default
        if not isinstance(value, bool):
            self.fail(path, "must be true or false")
            return default
        return value

    def integer(
        self,
        path: str,
        *,
        required: bool = False,
        minimum: int | None = None,
        maximum: int | None = None,
    ) -> int | None:
        value = self._get(path, required)
        if value is _MISSING:
            return None
        if not isinstance(value, int) or isinstance(value, bool):
            self.fail(path, "must be an integer")
            return None
        return value if self._in_range(path, value, minimum, maximum) else None

    def number(
        self,
        path: str,
        *,
        required: bool = False,
        places: int = 2,
        minimum: Decimal | int | None = None,
        maximum: Decimal | int | None = None,
    ) -> Decimal | None:
        """A JSON number with at most ``places`` decimals, as an exact Decimal."""
        value = self._get(path, required)
        if value is _MISSING:
            return None
        if not _is_number(value) or not Decimal(value).is_finite():
            self.fail(path, "must be a number")
            return None
        number = Decimal(value)
        if number != number.quantize(Decimal(1).scaleb(-places)):
            self.fail(path, f"must have at most {places} decimal places")
            return None
        return number if self._in_range(path, number, minimum, maximum) else None

    def money(self, path: str, *, required: bool = False, positive: bool = False) -> Decimal | None:
        """An amount never negative, with at most two decimals (``positive``: above zero)."""
        value = self.number(path, required=required, places=2)
        if value is None:
            return None
        if value < 0 or (positive and value == 0):
            self.fail(path, "must be greater than 0" if positive else "must not be negative")
            return None
        return value.quantize(CENT)

    def timestamp(self, path: str, *, required: bool = False) -> datetime | None:
        """ISO 8601 with a time; without an offset it is read as UTC."""
        value = self._get(path, required)
        if value is _MISSING:
            return None
        try:
            if not isinstance(value, str) or "T" not in value.upper():
                raise ValueError(value)
            parsed = datetime.fromisoformat(value)
        except ValueError:
            self.fail(path, "must be an ISO 8601 date and time")
            return None
        parsed = parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
        return parsed.astimezone(UTC).replace(microsecond=0)

    def day(self, path: str, *, required: bool = False) -> date | None:
        """A calendar date, ``YYYY-MM-DD`` exactly (a posting or due date has no time)."""
        value = self._get(path, required)
        if value is _MISSING:
            return None
        try:
            if not isinstance(value, str) or len(value) != 10:
                raise ValueError(value)
            return date.fromisoformat(value)
        except ValueError:
            self.fail(path, "must be a date (YYYY-MM-DD)")
            return None

    def obj(self, path: str, *, required: bool = False) -> dict[str, Any] | None:
        value = self._get(path, required)
        if value is _MISSING:
            return None
        if not isinstance(value, dict):
            self.fail(path, "must be an object")
            return None
        return value

    def array(self, path: str, *, required: bool = False, max_items: int = 100) -> list[Any]:
        value = self._get(path, required)
        if value is _MISSING:
            return []
        if not isinstance(value, list):
            self.fail(path, "must be an array")
            return []
        if len(value) > max_items:
            self.fail(path, f"must have at most {max_items} items")
            return []
        return value

    def strings(self, path: str, *, max_items: int = 20, max_length: int = 40) -> list[str]:
        items = self.array(path, max_items=max_items)
        found = [
            self.text(f"{path}[{i}]", required=True, max_length=max_length)
            for i in range(len(items))
        ]
        return [s for s in found if s is not None]

    def _in_range(
        self,
        path: str,
        value: Decimal | int,
        minimum: Decimal | int | None,
        maximum: Decimal | int | None,
    ) -> bool:
        if minimum is not None and value < minimum:
            self.fail(path, f"must be at least {minimum}")
            return False
        if maximum is not None and value > maximum:
            self.fail(path, f"must be at most {maximum}")
            return False
        return True

    # --- outcome --------------------------------------------------------------------------

    def ok(self) -> bool:
        return not self.problems

    def raise_problems(self, code: str, status: int = 422) -> None:
        """Answer every problem found, the first one as the message."""
        if self.problems:
            field, message = self.problems[0]
            raise ApiError(status, code, message, field=field, details=self.problems)


# --- idempotency ------------------------------------------------------------------------


def _canonical(value: Any) -> Any:
    """Equal JSON means an equal fingerprint: keys sorted, 51995.00 and 51995 alike."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if _is_number(value):
        return format(Decimal(value).normalize(), "f")
    if isinstance(value, Mapping):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    return str(value)


def fingerprint(value: Any) -> str:
    encoded = json.dumps(_canonical(value), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(encoded.encode()).hexdigest()


@dataclass(frozen=True)
class Recorded:
    """What a write under one idempotency key answered the first time."""

    fingerprint: str | None  # None: a seeded record holds the key; no body can match it
    status: int
    body: Any


class ReferenceRegistry:
    """Idempotency keys per scope (an endpoint): a repeat with the same body gets the first
    answer back, a repeat with another body is a conflict. Only successful writes are
    recorded, so a refused request can be corrected and sent again under its key."""

    def __init__(self) -> None:
        self._seen: dict[tuple[str, str], Recorded] = {}

    def reserve(self, scope: str, key: str) -> None:
        """A key seeded data already used: any new write under it conflicts."""
        self._seen[(scope, key)] = Recorded(None, 0, None)

    def replay(self, scope: str, key: str, body_fingerprint: str) -> Recorded | None:
        recorded = self._seen.get((scope, key))
        if recorded is None:
            return None
        if recorded.fingerprint != body_fingerprint:
            raise ApiError(
                409,
                "conflict",
                f"referenceId '{key}' was already used for a different request",
                field="referenceId",
            )
        return recorded

    def record(self, scope: str, key: str, body_fingerprint: str, status: int, body: Any) -> None:
        self._seen[(scope, key)] = Recorded(body_fingerprint, status, body)


# --- ids, numbers and time -------------------------------------------------------------


class HexMinter:
    """Fresh ``prefix_xxxxxx`` ids for written records: seeded per vendor, never one a
    table already holds."""

    def __init__(self, seed_key: str) -> None:
        self._rng: random.Random = stream(seed_key, "writes", "ids")

    def mint(self, prefix: str, taken: Callable[[str], bool]) -> str:
        while True:
            candidate = f"{prefix}_{self._rng.getrandbits(24):06x}"
            if not taken(candidate):
                return candidate


_TAIL = re.compile(r"\d+$")


class NumberSequence:
    """The next number after the highest one seen (``R-000231`` -> 232)."""

    def __init__(self, seen: Iterable[str | int | None]) -> None:
        tails = (_TAIL.search(str(s)) for s in seen if s is not None)
        self._last = max((int(m.group()) for m in tails if m), default=0)

    def next(self) -> int:
        self._last += 1
        return self._last


class SandboxClock:
    """The sandbox's now: the wall clock moved onto the sandbox's ``today``, so written
    records land after the seeded history while time still passes."""

    def __init__(self, today: date, wall: Callable[[], float] = time.time) -> None:
        self._wall = wall
        start = datetime.fromtimestamp(wall(), UTC).date()
        self._offset = timedelta(days=(today - start).days)

    def now(self) -> datetime:
        return (datetime.fromtimestamp(self._wall(), UTC) + self._offset).replace(microsecond=0)


def refused(code: str, field: str | None, message: str, *, status: int = 422) -> ApiError:
    """A rule across records broken (an unknown customer, a sold vehicle...), answered like
    a field problem so the client learns which input to change."""
    return ApiError(status, code, message, field=field, details=[(field, message)] if field else [])
