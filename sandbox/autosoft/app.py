"""AutoSoft's HTTP surface: documented and contract-doc (extrapolated) read endpoints."""

from __future__ import annotations

from collections.abc import Mapping

from sandbox.autosoft import render
from sandbox.autosoft.state import AutoSoftState, build_state
from sandbox.autosoft.writes import write_routes
from sandbox.common.documented import RouteKey, list_and_detail
from sandbox.common.filters import (
    Predicate,
    Row,
    contains_ci,
    equals,
    equals_ci,
    name_email_phone_search,
)
from sandbox.common.params import opt_int, opt_str
from sandbox.common.vendor import VendorApp
from sandbox.options import SandboxOptions
from sandbox.supergood import Collection
from sandbox.supergood.filters import (
    bool_filter,
    enum_filter,
    exact_filter,
    time_range,
    updated_range,
    whole_value_filter,
)
from sandbox.supergood.tenant import integration_app

Query = Mapping[str, str]


def vehicle_filters(query: Query) -> list[Predicate]:
    preds = enum_filter(query, "status", render.VEHICLE_STATUSES, "status")
    preds += enum_filter(query, "type", render.VEHICLE_TYPES, "type")
    preds += whole_value_filter(query, "make", "make")
    preds += whole_value_filter(query, "model", "model")
    year = opt_int(query, "year", minimum=1900, maximum=2100)
    if year is not None:
        preds.append(equals("year", year))
    return preds + updated_range(query)


def customer_filters(query: Query) -> list[Predicate]:
    preds = []
    search = opt_str(query, "search")
    if search is not None:
        preds.append(
            name_email_phone_search(
                ["firstName", "lastName", "companyName"], "email", "phone", search
            )
        )
    return preds + updated_range(query)


def lead_filters(query: Query) -> list[Predicate]:
    return enum_filter(query, "status", render.LEAD_STATUSES, "status") + updated_range(query)


def deal_filters(query: Query) -> list[Predicate]:
    preds = enum_filter(query, "status", render.DEAL_STATUSES, "status")
    preds += exact_filter(query, "customerId", "buyer.customerId")
    return preds + updated_range(query)


def repair_order_filters(query: Query) -> list[Predicate]:
    preds = enum_filter(query, "status", render.RO_STATUSES, "status")
    preds += exact_filter(query, "advisorId", "advisorId")
    return preds + updated_range(query)


def appointment_filters(query: Query) -> list[Predicate]:
    preds = enum_filter(query, "status", render.APPOINTMENT_STATUSES, "status")
    preds += exact_filter(query, "customerId", "customerId")
    return preds + time_range(query, "scheduledAt", "from", "to")


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
    preds = enum_filter(query, "role", render.USER_ROLES, "role")
    return preds + bool_filter(query, "active", "active")


def account_filters(query: Query) -> list[Predicate]:
    preds = enum_filter(query, "status", render.ACCOUNT_STATUSES, "status")
    return preds + exact_filter(query, "customerId", "customerId")


def payment_filters(query: Query) -> list[Predicate]:
    preds = exact_filter(query, "accountId", "accountId")
    return preds + time_range(query, "receivedAt", "receivedFrom", "receivedTo")


_RO_DETAIL_ONLY = ("promisedAt", "closedAt")


def ro_list_item(row: Row) -> Row:
    return {k: v for k, v in row.items() if k not in _RO_DETAIL_ONLY}


# Not on the vendor page (docs/contracts/autosoft.md marks them extrapolated). The page
# documents the sessions, GET /vehicles, POST /leads, POST /deals, GET /service/repair-orders.
EXTRAPOLATED: tuple[RouteKey, ...] = (
    ("GET", "/vehicles/{vehicleId}"),
    *list_and_detail("/customers", "customerId"),
    *list_and_detail("/leads", "leadId"),
    *list_and_detail("/deals", "dealId"),
    ("PATCH", "/deals/{dealId}"),
    ("GET", "/service/repair-orders/{roId}"),
    *list_and_detail("/service/appointments", "appointmentId"),
    ("POST", "/service/appointments"),
    *list_and_detail("/parts", "partId"),
    *list_and_detail("/users", "userId"),
    *list_and_detail("/accounting/ar-accounts", "accountId"),
    *list_and_detail("/accounting/payments", "paymentId"),
    ("POST", "/accounting/payments"),
)


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
    return integration_app(
        "autosoft", state, collections(state), write_routes(state, options), EXTRAPOLATED
    )
