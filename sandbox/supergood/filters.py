"""Query-string filters the Supergood-family pages spell alike: ``updatedFrom/updatedTo``
ranges, one-value enums, exact ids, whole-value names and booleans."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sandbox.common.filters import (
    Predicate,
    contains_ci,
    equals,
    equals_ci,
    name_email_phone_search,
    within,
)
from sandbox.common.params import opt_bool, opt_datetime, opt_enum, opt_str, ordered_range

Query = Mapping[str, str]


def time_range(query: Query, path: str, low_name: str, high_name: str) -> list[Predicate]:
    """Both bounds inclusive; a lower bound after the upper one is a 400."""
    low, high = opt_datetime(query, low_name), opt_datetime(query, high_name)
    ordered_range(low, high, low_name, high_name)
    return [within(path, low, high)] if low or high else []


def updated_range(query: Query, path: str = "updatedAt") -> list[Predicate]:
    return time_range(query, path, "updatedFrom", "updatedTo")


def enum_filter(query: Query, name: str, allowed: Sequence[str], path: str) -> list[Predicate]:
    value = opt_enum(query, name, allowed)
    return [equals(path, value)] if value is not None else []


def exact_filter(query: Query, name: str, path: str) -> list[Predicate]:
    value = opt_str(query, name)
    return [equals(path, value)] if value is not None else []


def whole_value_filter(query: Query, name: str, path: str) -> list[Predicate]:
    """A whole value, case-insensitively (make, model, part number)."""
    value = opt_str(query, name)
    return [equals_ci(path, value)] if value is not None else []


def bool_filter(query: Query, name: str, path: str) -> list[Predicate]:
    value = opt_bool(query, name)
    return [equals(path, value)] if value is not None else []


def contains_filter(query: Query, name: str, paths: Sequence[str]) -> list[Predicate]:
    """A case-insensitive substring of any of ``paths`` (a part search)."""
    value = opt_str(query, name)
    return [contains_ci(paths, value)] if value is not None else []


def person_search(
    query: Query, email_path: str = "email", phone_path: str = "phone"
) -> list[Predicate]:
    """``search`` on a customer: first, last or company name and e-mail as a substring;
    the phone by its digits when the term looks like a phone number."""
    value = opt_str(query, "search")
    if value is None:
        return []
    names = ["firstName", "lastName", "companyName"]
    return [name_email_phone_search(names, email_path, phone_path, value)]
