"""AutoSync Shop Manager (docs/contracts/autosync.md): a repair-shop system, so no sales
side. One API key may reach several shops; ``store_id`` is the shop id, the ``/shops/{id}``
path prefix of every call. Writes are in ``adapters.autosync.writes``."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, ClassVar

from adapters.auth import AuthStrategy, BearerKeyAuth, require_secrets
from adapters.autosync import mapping as m
from adapters.autosync.writes import AutoSyncWrites, read_autosync_error
from adapters.base import (
    AppointmentFilter,
    Capability,
    PaymentFilter,
    RepairOrderFilter,
    ServiceVehicleFilter,
)
from adapters.cache import ReferenceCache
from adapters.declared import Connection, DeclaredAdapter
from adapters.http import HttpClient
from adapters.models import (
    AppointmentStatus,
    Dms,
    Payment,
    RepairOrder,
    RepairOrderStatus,
    ServiceAppointment,
    ServiceVehicle,
    Store,
)
from adapters.oauth import OAuthBearerAuth
from adapters.query import Query
from adapters.ratelimit import RateBudget
from adapters.rest import ListStyle, RestApi
from adapters.shared import credential_digest
from adapters.spec import Resource, ScopeKind, StoreScope, VendorSpec
from adapters.supergood.queries import customer_query, part_query

SECRET_KEYS = ("api_key",)
OAUTH_SECRET_KEYS = ("client_id", "client_secret")
"""The platform client's, for a connection a person authorized with OAuth."""

AUTOSYNC_LISTS = ListStyle(
    page_param="page",
    size_param="per_page",
    max_page_size=100,
    items=lambda body: body["data"],
    total=lambda body: (body.get("pagination") or {}).get("total"),
    detail=lambda body: body["data"],
)


AUTOSYNC_BUDGET = RateBudget(requests=100, per_seconds=60.0)
"""The documented limit: 100 requests per rolling minute per API key."""
_SHOP_PATH = re.compile(r"/shops/([^/?]+)/")


def shop_of(path: str, params: Mapping[str, str] | None, body: Any) -> str | None:
    """The shop a request concerns: the one its path is under (``/shops/{id}/...``)."""
    found = _SHOP_PATH.match(path)
    return found.group(1) if found else None


def _is_int_id(value: str) -> bool:
    # AutoSync ids are integers: anything else cannot exist, so it costs no call.
    return value.isascii() and value.isdigit()


def _vehicle_query(flt: ServiceVehicleFilter) -> Query[ServiceVehicle]:
    q: Query[ServiceVehicle] = Query()
    q.param("customer_id", flt.customer_id)
    q.param("vin", flt.vin)
    q.param("license_plate", flt.license_plate)
    return q


def _work_order_query(flt: RepairOrderFilter) -> Query[RepairOrder]:
    q: Query[RepairOrder] = Query()
    q.enum("status", flt.status, m.WORK_ORDER_STATUS, lambda r: r.status, RepairOrderStatus.UNKNOWN)
    q.param("service_writer_id", flt.advisor_id)
    q.param("technician_id", flt.technician_id)
    q.param("customer_id", flt.customer_id)
    q.param("vehicle_id", flt.vehicle_id)
    q.param("updated_after", flt.updated_since)
    return q


def _appointment_query(flt: AppointmentFilter) -> Query[ServiceAppointment]:
    q: Query[ServiceAppointment] = Query()
    # No status parameter on the appointments list: filtered here.
    q.enum(None, flt.status, m.APPOINTMENT_STATUS, lambda a: a.status, AppointmentStatus.UNKNOWN)
    q.param("customer_id", flt.customer_id)
    q.param("start_after", flt.starts_after)
    q.param("start_before", flt.starts_before)
    return q


def _payment_query(flt: PaymentFilter) -> Query[Payment]:
    q: Query[Payment] = Query()
    if flt.account_id is not None:
        q.never()  # payments belong to work orders; AutoSync has no accounts
    q.param("work_order_id", flt.repair_order_id)
    q.param("created_after", flt.received_since)
    return q


# Documented: every list, and the customer, vehicle, work-order and payment details.
SPEC = VendorSpec(
    {
        Capability.CUSTOMERS: Resource(
            "/customers",
            m.map_customer,
            lambda f: customer_query(f, updated_param="updated_after"),
            list_documented=True,
            detail_documented=True,
        ),
        Capability.SERVICE_VEHICLES: Resource(
            "/vehicles", m.map_vehicle, _vehicle_query, list_documented=True, detail_documented=True
        ),
        # Asked by id, the graph wants line items: only the detail has jobs.
        Capability.REPAIR_ORDERS: Resource(
            "/workorders",
            m.map_work_order,
            _work_order_query,
            listing=False,
            list_documented=True,
            detail_documented=True,
        ),
        Capability.APPOINTMENTS: Resource(
            "/appointments", m.map_appointment, _appointment_query, list_documented=True
        ),
        Capability.PARTS: Resource(
            "/inventory",
            m.map_part,
            lambda f: part_query(f, part_number_param="part_number"),
            list_documented=True,
        ),
        Capability.EMPLOYEES: Resource("/employees", m.map_employee, list_documented=True),
        Capability.PAYMENTS: Resource(
            "/payments", m.map_payment, _payment_query, list_documented=True, detail_documented=True
        ),
    },
    scope=StoreScope(
        ScopeKind.PATH,
        "/shops/{id}",
        login="API key",
        stores="shops",
        valid_id=_is_int_id,
        id_rule="shop ids are integers",
    ),
    valid_id=_is_int_id,
)


class AutoSyncAdapter(AutoSyncWrites, DeclaredAdapter):
    dms: ClassVar[Dms] = Dms.AUTOSYNC
    spec: ClassVar[VendorSpec] = SPEC

    def __init__(self, api: RestApi, *, reference_ttl: float) -> None:
        super().__init__(api, reference_ttl=reference_ttl)
        self._shops: ReferenceCache[None, Store] = ReferenceCache(ttl=reference_ttl)

    @classmethod
    def open_api(cls, connection: Connection) -> RestApi:
        """Connections on one API key share its budget through ``shared``: AutoSync counts
        100 requests a minute per key, not per shop. A connection a person authorized with
        OAuth (``connection.oauth``) signs in with its tokens and has a budget of its own."""
        auth: AuthStrategy
        if connection.oauth is not None:
            client = require_secrets(connection.secrets, OAUTH_SECRET_KEYS, dms=cls.dms.value)
            auth = OAuthBearerAuth(
                client["client_id"],
                client["client_secret"],
                connection.oauth,
                clock=connection.shared.wall,
            )
            digest = credential_digest(client["client_id"].get_secret_value(), connection.oauth.key)
        else:
            key = require_secrets(connection.secrets, SECRET_KEYS, dms=cls.dms.value)["api_key"]
            auth = BearerKeyAuth(key)
            digest = credential_digest(key.get_secret_value())
        shared, policy, base_url = connection.shared, connection.policy, connection.base_url
        http = HttpClient(
            connection.session,
            base_url,
            vendor=cls.dms.value,
            policy=policy,
            auth=auth,
            error_reader=read_autosync_error,
            gate=shared.gate(cls.dms.value, digest, policy.budget_for(AUTOSYNC_BUDGET)),
            scope_of=shop_of,
            cache=shared.cache(cls.dms.value, base_url, digest, policy.cache_ttls),
            observer=shared.observer,
            circuits=shared.circuits(
                cls.dms.value, base_url, digest, policy.circuit_failure_threshold
            ),
        )
        return RestApi(http, AUTOSYNC_LISTS)

    async def close(self) -> None:
        self._shops.clear()
        await super().close()

    async def list_stores(self) -> list[Store]:
        return list(await self._shops.items(None, lambda: self._api.all("/shops", m.map_shop)))

    async def _login_store_ids(self) -> list[str | None]:
        return [shop.store_id for shop in await self.list_stores()]

    async def _shop(self, store_id: str | None) -> str:
        """The path prefix of a shop, for the writes; without a store id, the only shop."""
        return (await self._scoped(store_id)).prefix
