"""Related records as another record embeds them: only the fields the vendor gave are set,
so the graph can tell which fields an embed can answer (``model_fields_set``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from pydantic import BaseModel

from adapters.convert import Raw, ident, text
from adapters.models import Customer

M = TypeVar("M", bound=BaseModel)

# Canonical customer field -> the vendor key it is read from, for the keys embeds use.
_CUSTOMER_KEYS = {
    "first_name": "firstName",
    "last_name": "lastName",
    "full_name": "name",
    "email": "email",
    "phone": "phone",
}


def embedded_customer(
    raw: Raw, *, id_key: str = "customerId", full_name: str | None = None
) -> Customer | None:
    """The customer an embed names (``{customerId, firstName, lastName, phone, ...}``), or
    None without an id. ``full_name``: the whole name where the record gives it apart from
    the embed (a ``customerName`` beside a ``customerId``)."""
    customer_id = ident(raw.get(id_key))
    if customer_id is None:
        return None
    given = {field: text(raw[key]) for field, key in _CUSTOMER_KEYS.items() if key in raw}
    if full_name is not None:
        given["full_name"] = full_name
    return Customer(id=customer_id, **given)


def embedded(
    model: type[M],
    raw: Raw,
    fields: Mapping[str, tuple[str, Callable[[Any], Any]]],
    **known: Any,
) -> M:
    """``model`` with ``known`` values and, of ``fields`` (canonical field -> vendor key and
    converter), only those whose key the embed carries."""
    given = {field: convert(raw[key]) for field, (key, convert) in fields.items() if key in raw}
    return model(**known, **given)
