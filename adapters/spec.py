"""A vendor's read side as data: per capability, where its list lives, how rows are mapped,
how the canonical filter becomes the vendor's query, and how a store is scoped.

``adapters.declared.DeclaredAdapter`` serves every ``list_*`` / ``get_*`` of ``DmsAdapter``
from a ``VendorSpec``; a vendor package keeps only its spec and its genuine quirks.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Generic, TypeVar

from adapters.base import Capability
from adapters.convert import Raw
from adapters.query import Query

F = TypeVar("F")
T = TypeVar("T")


def no_filter(flt: object) -> Query[Any]:
    """The query of a list read whole and filtered locally (employees)."""
    return Query()


@dataclass(frozen=True, slots=True)
class Resource(Generic[F, T]):
    """A list endpoint ``path`` (under the store scope) whose detail is ``path/{id}``."""

    path: str
    mapper: Callable[[Raw], T]
    query: Callable[[F], Query[T]] = no_filter
    """The canonical filter as the vendor's query parameters plus local checks."""
    listing: bool = True
    """List rows are whole records, so lookups by id may read the listing; False when only
    the detail has every field (then lookups read details)."""
    list_documented: bool = False
    """Whether the vendor page shows the list endpoint (docs/contracts); else extrapolated."""
    detail_documented: bool = False
    """Whether the vendor page shows the detail endpoint ``path/{id}``."""
    optional_lookup: bool = False
    """Reference data (employees): a tenant without the list leaves lookups by id unknown
    instead of failing the records that point at them."""


class ScopeKind(StrEnum):
    """Where a request names its store."""

    NONE = "none"
    """One login is one store: ``store_id`` is unused."""
    QUERY = "query"
    """A query parameter on every call (Dealertrack ``rooftopId``)."""
    PATH = "path"
    """A path prefix (AutoSync ``/shops/{id}``)."""


@dataclass(frozen=True, slots=True)
class StoreScope:
    """How a store id reaches the vendor. A call without a store id is scoped to the
    login's only store (the adapter's ``_login_store_ids``); a login reaching several
    must be told which."""

    kind: ScopeKind = ScopeKind.NONE
    name: str = ""
    """QUERY: the parameter; PATH: the prefix, with ``{id}`` for the store id."""
    login: str = "login"
    """What reaches the stores, for messages ("login", "API key")."""
    stores: str = "stores"
    """What the vendor calls its stores, plural, for messages ("rooftops", "shops")."""
    valid_id: Callable[[str], bool] | None = None
    """Store ids that can exist; another is refused before a call (a 404 on a scoped
    detail read would read as "no such record")."""
    id_rule: str = ""
    """Says what ``valid_id`` checks, for its refusal ("shop ids are integers")."""


NO_SCOPE = StoreScope()


@dataclass(frozen=True, slots=True)
class VendorSpec:
    resources: Mapping[Capability, Resource[Any, Any]]
    scope: StoreScope = NO_SCOPE
    valid_id: Callable[[str], bool] | None = None
    """Record ids that can exist; others are answered None without a call."""

    @property
    def capabilities(self) -> frozenset[Capability]:
        return frozenset(self.resources)
