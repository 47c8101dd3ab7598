"""Serving a relation from the record that embeds it, when that is all the query asks for.

A vendor's list rows often embed part of a related record: an RO its customer's name and
phone, a deal its buyer's name, a work order its technician's name. A canonical model built
from such an embed sets only the fields the vendor gave (pydantic's ``model_fields_set``).
When every field the query selects on the relation is among them, the relation costs no
vendor call; otherwise the full record is loaded, and the embed still answers when the
vendor has no way to read the full record (an extrapolated endpoint it does not serve).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from pydantic import BaseModel

from graph.context import Info
from graph.selection import selected_names

# Graph fields any node built from an embed can answer.
_ALWAYS = frozenset({"id", "vendor_id", "dealership", "__typename"})
# Graph fields computed from model fields: answerable when any of them was embedded.
_DERIVED: dict[str, frozenset[str]] = {
    "display_name": frozenset({"first_name", "last_name", "company_name", "full_name"}),
}


@cache
def _plain_fields(cls: type) -> dict[str, str]:
    """Graph field name -> model attribute, for the type's plain (resolver-less) fields."""
    renamed: dict[str, str] = getattr(cls, "renamed_from", {})
    definition = cls.__strawberry_definition__  # type: ignore[attr-defined]
    return {
        f.python_name: renamed.get(f.python_name, f.python_name)
        for f in definition.fields
        if f.base_resolver is None
    }


def covers(info: Info, cls: type, embedded: BaseModel) -> bool:
    """Whether ``embedded`` holds every field the query selects on this relation."""
    given = embedded.model_fields_set
    plain = _plain_fields(cls)
    for name in selected_names(info):
        if name in _ALWAYS:
            continue
        derived = _DERIVED.get(name)
        if derived is not None:
            if not derived & given:
                return False
        elif name not in plain or plain[name] not in given:
            return False
    return True


def partial(model: type[BaseModel], **values: Any) -> BaseModel | None:
    """A model holding only the embedded values that are present (None ones are left
    unset, so they do not count as known); None without an id."""
    if values.get("id") is None:
        return None
    return model(**{k: v for k, v in values.items() if v is not None})
