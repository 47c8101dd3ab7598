"""Row predicates over vendor-shaped records (plain dicts), combined with AND."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

Row = dict[str, Any]
Predicate = Callable[[Row], bool]


def dig(row: Row, path: str) -> Any:
    """``dig(row, "buyer.customerId")``; None when any step is missing or null."""
    value: Any = row
    for step in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(step)
    return value


def texts(row: Row, path: str) -> list[str]:
    """Every string at ``path``, stepping into lists: ``texts(row, "phones.number")``."""
    values: list[Any] = [row]
    for step in path.split("."):
        found: list[Any] = []
        for value in values:
            item = value.get(step) if isinstance(value, dict) else None
            found.extend(item if isinstance(item, list) else [item])
        values = found
    return [str(v) for v in values if v is not None]


def equals(path: str, wanted: object) -> Predicate:
    return lambda row: dig(row, path) == wanted


def equals_ci(path: str, wanted: str) -> Predicate:
    needle = wanted.casefold()
    return lambda row: str(dig(row, path) or "").casefold() == needle


def contains_ci(paths: Sequence[str], needle: str) -> Predicate:
    folded = needle.casefold()
    return lambda row: any(folded in str(dig(row, p) or "").casefold() for p in paths)


def digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def name_email_phone_search(
    name_paths: Sequence[str], email_path: str, phone_path: str, needle: str
) -> Predicate:
    """Case-insensitive substring on names and e-mail; digits-only match on the phone.
    The e-mail and phone paths may step into lists (one or several addresses, numbers)."""
    folded = needle.casefold()
    needle_digits = digits(needle)
    phone_like = len(needle_digits) >= 3 and all(c.isdigit() or c in "+-() ." for c in needle)

    def predicate(row: Row) -> bool:
        full = " ".join(str(dig(row, p) or "") for p in name_paths).casefold()
        if folded in full or any(folded in e.casefold() for e in texts(row, email_path)):
            return True
        return phone_like and any(needle_digits in digits(p) for p in texts(row, phone_path))

    return predicate


def within(path: str, low: datetime | None, high: datetime | None) -> Predicate:
    """Both bounds inclusive; rows with no value never match."""

    def predicate(row: Row) -> bool:
        value = dig(row, path)
        if value is None:
            return False
        return (low is None or value >= low) and (high is None or value <= high)

    return predicate


def select(rows: Iterable[Row], predicates: Sequence[Predicate]) -> list[Row]:
    if not predicates:
        return list(rows)
    return [row for row in rows if all(p(row) for p in predicates)]
