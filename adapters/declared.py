"""One adapter class serving every ``list_*`` / ``get_*`` of ``DmsAdapter`` from a
``VendorSpec`` through ``RestApi`` (``window``, ``batch``, ``all``: the response cache,
status splitting and detail-endpoint fallback live there).

A capability the spec has no resource for raises ``NotSupported``, as ``DmsAdapter`` does.
Employees are reference data: read whole once per store and cached, filtered locally.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Self

import aiohttp

from adapters.base import Capability, DmsAdapter, EmployeeFilter, Page, Window
from adapters.cache import ReferenceCache
from adapters.errors import AdapterError
from adapters.http import HttpPolicy, path_segment
from adapters.models import Employee
from adapters.oauth import OAuthBearerAuth, OAuthGrant
from adapters.optional import optional
from adapters.paging import slice_window
from adapters.query import employee_predicate
from adapters.rest import RestApi
from adapters.shared import SharedCredentials
from adapters.spec import Resource, ScopeKind, VendorSpec


@dataclass(frozen=True, slots=True)
class Connection:
    """What one connection's adapter is built from (``registry.build_adapter``)."""

    session: aiohttp.ClientSession
    """The process-wide HTTP session."""
    base_url: str
    secrets: Mapping[str, str]
    policy: HttpPolicy
    shared: SharedCredentials
    """What connections on one credential share: budget, session, cached answers."""
    oauth: OAuthGrant | None = None
    """Set when the connection signs in with OAuth tokens a person granted."""


@dataclass(frozen=True, slots=True)
class Scoped:
    """A store as a request names it: a path prefix and/or query parameters."""

    prefix: str = ""
    params: Mapping[str, str] = field(default_factory=dict)

    @property
    def key(self) -> str:
        """One key per store, for caches kept per store."""
        return self.prefix + "?" + "&".join(f"{k}={v}" for k, v in sorted(self.params.items()))


ListMethod = Callable[[Any, str | None, Any, Window], Awaitable[Page[Any]]]
GetMethod = Callable[[Any, str | None, Sequence[str]], Awaitable[list[Any]]]


# Every list_* / get_* of DmsAdapter is the same read of another resource: made once here
# and named per capability below, rather than written out twenty times.
def _lister(capability: Capability) -> ListMethod:
    async def list_rows(
        self: DeclaredAdapter, store_id: str | None, flt: Any, window: Window
    ) -> Page[Any]:
        return await self._list(capability, store_id, flt, window)

    list_rows.__name__ = f"list_{capability.value}"
    return list_rows


def _getter(capability: Capability) -> GetMethod:
    async def get_rows(
        self: DeclaredAdapter, store_id: str | None, ids: Sequence[str]
    ) -> list[Any]:
        return await self._get(capability, store_id, ids)

    get_rows.__name__ = f"get_{capability.value}"
    return get_rows


class DeclaredAdapter(DmsAdapter):
    spec: ClassVar[VendorSpec]

    @classmethod
    def connect(
        cls,
        *,
        session: aiohttp.ClientSession,
        base_url: str,
        secrets: Mapping[str, str],
        policy: HttpPolicy,
        shared: SharedCredentials | None = None,
        oauth: OAuthGrant | None = None,
    ) -> Self:
        """The adapter of one connection (``adapters.registry.build_adapter``)."""
        connection = Connection(
            session, base_url, secrets, policy, shared or SharedCredentials(), oauth
        )
        return cls(cls.open_api(connection), reference_ttl=policy.reference_ttl)

    async def probe(self) -> None:
        http = self._api.http
        if http.auth is not None:
            await http.auth.headers(http)  # signs in, through the same gate and circuit
        await self.list_stores()

    async def retry_sign_in(self) -> None:
        await self._api.http.retry_sign_in()

    def forget_cached(self, store_id: str | None) -> None:
        self._api.http.cache.invalidate(store_id)

    async def complete_authorization(self, code: str) -> None:
        auth = self._api.http.auth
        if not isinstance(auth, OAuthBearerAuth):
            await super().complete_authorization(code)  # refuses: not an OAuth connection
            return
        await auth.exchange_code(self._api.http, code)

    @classmethod
    def open_api(cls, connection: Connection) -> RestApi:
        """The connection's authenticated API, as the vendor family signs in and pages."""
        raise NotImplementedError

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "spec" in cls.__dict__:  # what a DMS can do is what its spec declares
            cls.capabilities = cls.spec.capabilities

    def __init__(self, api: RestApi, *, reference_ttl: float) -> None:
        self._api = api
        self._employees: ReferenceCache[str, Employee] = ReferenceCache(ttl=reference_ttl)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._api.http!r})"

    async def close(self) -> None:
        self._employees.clear()
        await super().close()

    # --- store scope --------------------------------------------------------------------

    async def _login_store_ids(self) -> list[str | None]:
        """The stores the login reaches, for a call that names none (scoped vendors)."""
        raise NotImplementedError

    async def _scoped(self, store_id: str | None) -> Scoped:
        scope = self.spec.scope
        if scope.kind is ScopeKind.NONE:
            return Scoped()
        if store_id is None:
            reached = await self._login_store_ids()
            if len(reached) != 1 or reached[0] is None:
                raise AdapterError(
                    f"{self.dms.value}: this {scope.login} reaches {len(reached)} "
                    f"{scope.stores}; a store id is required"
                )
            store_id = reached[0]
        elif scope.valid_id is not None and not scope.valid_id(store_id):
            raise AdapterError(f"{self.dms.value} {scope.id_rule}; {store_id!r} is not one")
        if scope.kind is ScopeKind.QUERY:
            return Scoped(params={scope.name: store_id})
        return Scoped(prefix=scope.name.replace("{id}", path_segment(store_id)))

    # --- reads from the spec ------------------------------------------------------------

    def _resource(self, capability: Capability) -> Resource[Any, Any]:
        found = self.spec.resources.get(capability)
        if found is None:
            raise self._unsupported(capability)
        return found

    async def _list(
        self, capability: Capability, store_id: str | None, flt: Any, window: Window
    ) -> Page[Any]:
        r = self._resource(capability)
        scoped = await self._scoped(store_id)
        query = r.query(flt)
        query.params.update(scoped.params)
        return await self._api.window(scoped.prefix + r.path, query, r.mapper, window)

    async def _get(
        self, capability: Capability, store_id: str | None, ids: Sequence[str]
    ) -> list[Any]:
        r = self._resource(capability)
        scoped = await self._scoped(store_id)
        return await self._api.batch(
            ids,
            scoped.prefix + r.path,
            r.mapper,
            listing=r.listing,
            valid_id=self.spec.valid_id,
            params=scoped.params,
        )

    list_vehicles = _lister(Capability.VEHICLES)
    get_vehicles = _getter(Capability.VEHICLES)
    list_customers = _lister(Capability.CUSTOMERS)
    get_customers = _getter(Capability.CUSTOMERS)
    list_leads = _lister(Capability.LEADS)
    get_leads = _getter(Capability.LEADS)
    list_deals = _lister(Capability.DEALS)
    get_deals = _getter(Capability.DEALS)
    list_service_vehicles = _lister(Capability.SERVICE_VEHICLES)
    get_service_vehicles = _getter(Capability.SERVICE_VEHICLES)
    list_repair_orders = _lister(Capability.REPAIR_ORDERS)
    get_repair_orders = _getter(Capability.REPAIR_ORDERS)
    list_appointments = _lister(Capability.APPOINTMENTS)
    get_appointments = _getter(Capability.APPOINTMENTS)
    list_parts = _lister(Capability.PARTS)
    get_parts = _getter(Capability.PARTS)
    list_accounts = _lister(Capability.ACCOUNTS)
    get_accounts = _getter(Capability.ACCOUNTS)
    list_payments = _lister(Capability.PAYMENTS)
    get_payments = _getter(Capability.PAYMENTS)

    # --- employees: reference data, cached whole per store ------------------------------

    async def list_employees(
        self, store_id: str | None, flt: EmployeeFilter, window: Window
    ) -> Page[Employee]:
        self._resource(Capability.EMPLOYEES)
        staff = await self._staff(await self._scoped(store_id))
        return slice_window([e for e in staff if employee_predicate(flt)(e)], window)

    async def get_employees(
        self, store_id: str | None, ids: Sequence[str]
    ) -> list[Employee | None]:
        # Lookups by id name the advisor, salesperson... other records point at.
        r = self._resource(Capability.EMPLOYEES)
        scoped = await self._scoped(store_id)
        lookup = self._employees.lookup(scoped.key, lambda: self._load_staff(scoped), ids)
        if not r.optional_lookup:
            return await lookup
        # An extrapolated list may be missing: those records then go without their names
        # (listing employees still fails: that is the read).
        found = await optional(lookup, what=f"{self.dms.value} {r.path.strip('/')}")
        return [None] * len(ids) if found is None else found

    async def _staff(self, scoped: Scoped) -> list[Employee]:
        return await self._employees.items(scoped.key, lambda: self._load_staff(scoped))

    async def _load_staff(self, scoped: Scoped) -> list[Employee]:
        r = self._resource(Capability.EMPLOYEES)
        return await self._api.all(scoped.prefix + r.path, r.mapper, scoped.params)
