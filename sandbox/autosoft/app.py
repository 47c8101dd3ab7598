"""AutoSoft's HTTP surface: documented and contract-doc (extrapolated) read endpoints."""

from __future__ import annotations

from collections.abc import Mapping

from sandbox.autosoft import render
from sandbox.autosoft.state import AutoSoftState, build_state
from sandbox.common.filters import (
    Predicate,
    Row,
    contains_ci,
    equals,
    equals_ci,
    name_email_phone_search,
    within,
)
from sandbox.common.params import (
    opt_bool,
    opt_datetime,
    opt_enum,
    opt_int,
    opt_str,
    ordered_range,
)
from sandbox.common.request_log import RequestLog
from sandbox.common.vendor import VendorApp
from sandbox.options import SandboxOptions
from sandbox.supergood import Collection, build_supergood_app, collection_routes

Query = Mapping[str, str]


def _updated(query: Query, path: str = "updatedAt") -> list[Predicate]:
    return _range(query, path, "updatedFrom", "updatedTo")


def _range(query: Query, path: str, low_name: str, high_name: str) -> list[Predicate]:
    low, high = opt_datetime(query, low_name), opt_datetime(query, high_name)
    ordered_range(low, high, low_name, high_name)
    return [within(path, low, high)] if low or high else []


def _enum(query: Query, name: str, allowed: tuple[str, ...], path: str) -> list[Predicate]:
    value = opt_enum(query, name, allowed)
    return [equals(path, value)] if value is not None else []


def _exact(query: Query, name: str, path: str) -> list[Predicate]:
    value = opt_str(query, name)
    return [equals(path, value)] if value is not None else []


def vehicle_filters(query: Query) -> list[Predicate]:
    preds = _enum(query, "status", render.VEHICLE_STATUSES, "status")
    preds += _enum(query, "type", render.VEHICLE_TYPES, "type")
    for name in ("make", "model"):
        value = opt_str(query, name)
        if value is not None:
            preds.append(equals_ci(name, value))
    year = opt_int(query, "year", minimum=1900, maximum=2100)
    if year is not None:
        preds.append(equals("year", year))
    return preds + _updated(query)


def customer_filters(query: Query) -> list[Predicate]:
    preds = []
    search = opt_str(query, "search")
    if search is not None:
        preds.append(
            name_email_phone_search(
                ["firstName", "lastName", "companyName"], "email", "phone", search
            )
        )
    return preds + _updated(query)


def lead_filters(query: Query) -> list[Predicate]:
    return _enum(query, "status", render.LEAD_STATUSES, "status") + _updated(query)


def deal_filters(query: Query) -> list[Predicate]:
    preds = _enum(query, "status", render.DEAL_STATUSES, "status")
    preds += _exact(query, "customerId", "buyer.customerId")
    return preds + _updated(query)


def repair_order_filters(query: Query) -> list[Predicate]:
    preds = _enum(query, "status", render.RO_STATUSES, "status")
    preds += _exact(query, "advisorId", "advisorId")
    return preds + _updated(query)


def appointment_filters(query: Query) -> list[Predicate]:
    preds = _enum(query, "status", render.APPOINTMENT_STATUSES, "status")
    preds += _exact(query, "customerId", "customerId")
    return preds + _range(query, "scheduledAt", "from", "to")


def part_filters(query: Query) -> list[Predicate]:
    preds = []
    search = opt_str(query, "search")
    if search is not None:
        preds.append(contains_ci(["partNumber", "description"], search))
    number = opt_str(query, "partNumber")
    if number is not None:
        preds.append(equals_ci("partNumber", number))
    return preds


def user_filters(query: Query) -> list[Predicate]:
    preds = _enum(query, "role", render.USER_ROLES, "role")
    active = opt_bool(query, "active")
    if active is not None:
        preds.append(equals("active", active))
    return preds


def account_filters(query: Query) -> list[Predicate]:
    preds = _enum(query, "status", render.ACCOUNT_STATUSES, "status")
    return preds + _exact(query, "customerId", "customerId")


def payment_filters(query: Query) -> list[Predicate]:
    preds = _exact(query, "accountId", "accountId")
    return preds + _range(query, "receivedAt", "receivedFrom", "receivedTo")


_RO_DETAIL_ONLY = ("promisedAt", "closedAt")


def ro_list_item(row: Row) -> Row:
    return {k: v for k, v in row.items() if k not in _RO_DETAIL_ONLY}


def collections(state: AutoSoftState) -> list[Collection]:
    return [
        Collection(
            "/vehicles", "vehicleId", "Vehicle", state.vehicles, vehicle_filters, "vehicles"
        ),
        Collection("/customers", "customerId", "Customer", state.customers, customer_filters),
        Collection("/leads", "leadId", "Lead", state.leads, lead_filters, "leads"),
        Collection("/deals", "dealId", "Deal", state.deals, deal_filters, "deals"),
        Collection(
            "/service/repair-orders",
            "roId",
            "Repair order",
            state.repair_orders,
            repair_order_filters,
            "service",
            list_view=ro_list_item,
        ),
        Collection(
            "/service/appointments",
            "appointmentId",
            "Appointment",
            state.appointments,
            appointment_filters,
            "service",
        ),
        Collection("/parts", "partId", "Part", state.parts, part_filters, "parts"),
        Collection("/users", "userId", "User", state.users, user_filters),
        Collection(
            "/accounting/ar-accounts",
            "accountId",
            "Account",
            state.ar_accounts,
            account_filters,
            "accounting",
        ),
        Collection(
            "/accounting/payments",
            "paymentId",
            "Payment",
            state.payments,
            payment_filters,
            "accounting",
        ),
    ]


def create_autosoft(options: SandboxOptions) -> VendorApp:
    state = build_state(options)
    log = RequestLog()
    prefix = f"/integrations/{state.integration_id}"
    routes = [route for c in collections(state) for route in collection_routes(c)]
    app = build_supergood_app(prefix=prefix, auth=state.auth, routes=routes, log=log)
    user = state.api_user
    return VendorApp(
        name="autosoft",
        app=app,
        base_path=prefix,
        credentials={
            "client_id": state.auth.client_id,
            "client_secret": state.auth.client_secret,
            "username": user.username,
            "password": user.password,
            "totp_secret": user.totp_secret,
        },
        stores=[(None, state.dealership_name)],
        requests=log,
        state=state,
    )
