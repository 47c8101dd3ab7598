"""Related records as another record embeds them: only the fields the vendor gave are set,
so the graph can tell which fields an embed can answer (``model_fields_set``)."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel

from adapters.convert import Raw, ident, text
from adapters.fieldmap import FieldMap, read
from adapters.models import Customer

M = TypeVar("M", bound=BaseModel)

# The customer fields embeds carry, under the family's (camelCase) keys.
_CUSTOMER: FieldMap = {
    "first_name": ("firstName", text),
    "last_name": ("lastName", text),
    "full_name": ("name", text),
    "email": ("email", text),
    "phone": ("phone", text),
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
    given = read(_CUSTOMER, raw, given_only=True)
    if full_name is not None:
        given["full_name"] = full_name
    return Customer(id=customer_id, **given)


def embedded(
    model: type[M],
    raw: Raw,
    fields: FieldMap,
    **known: Any,
) -> M:
    """``model`` with ``known`` values and, of ``fields``, only those the embed carries."""
    return model(**known, **read(fields, raw, given_only=True))
