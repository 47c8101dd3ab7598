"""Auto/Mate's HTTP surface: the documented endpoints (reads and the three writes, see
``sandbox.automate.writes``) and the contract doc's extrapolated read endpoints."""

from __future__ import annotations

from sandbox.automate import render
from sandbox.automate.state import AutoMateState, build_state
from sandbox.automate.writes import write_routes
from sandbox.common.documented import RouteKey, list_and_detail
from sandbox.common.filters import Predicate, contains_ci, name_email_phone_search
from sandbox.common.params import opt_str
from sandbox.common.vendor import VendorApp
from sandbox.options import SandboxOptions
from sandbox.supergood import Collection
from sandbox.supergood.filters import (
    Query,
    bool_filter,
    enum_filter,
    exact_filter,
    time_range,
    updated_range,
    whole_value_filter,
)
from sandbox.supergood.tenant import integration_app


def vehicle_filters(query: Query) -> list[Predicate]:
    preds = enum_filter(query, "status", render.VEHICLE_STATUSES, "status")
    preds += enum_filter(query, "condition", render.VEHICLE_CONDITIONS, "condition")
    for name in ("make", "model", "vin"):
        preds += whole_value_filter(query, name, name)
    preds += exact_filter(query, "lotId", "lot.lotId")
    return preds + updated_range(query)


def customer_filters(query: Query) -> list[Predicate]:
    preds = enum_filter(query, "customerType", render.CUSTOMER_TYPES, "customerType")
    preds += exact_filter(query, "externalId", "externalId")
    search = opt_str(query, "search")
    if search is not None:
        names = ["firstName", "lastName", "companyName"]
        preds.append(name_email_phone_search(names, "emails", "phones.number", search))
    return preds + updated_range(query)


def deal_filters(query: Query) -> list[Predicate]:
    preds = enum_filter(query, "status", render.DEAL_STATUSES, "status")
    preds += exact_filter(query, "customerId", "customerId")
    preds += exact_filter(query, "salespersonId", "salespersonId")
    preds += whole_value_filter(query, "vin", "vehicle.vin")
    return preds + updated_range(query)


def _technician(query: Query) -> list[Predicate]:
    tech = opt_str(query, "technicianId")
    return [lambda row: tech in row["technicianIds"]] if tech is not None else []


def repair_order_filters(query: Query) -> list[Predicate]:
    preds = enum_filter(query, "status", render.RO_STATUSES, "status")
    preds += exact_filter(query, "advisorId", "advisorId")
    preds += _technician(query)
    preds += exact_filter(query, "customerId", "customerId")
    preds += whole_value_filter(query, "vin", "vehicle.vin")
    return preds + updated_range(query)


def appointment_filters(query: Query) -> list[Predicate]:
    preds = enum_filter(query, "status", render.APPOINTMENT_STATUSES, "status")
    preds += exact_filter(query, "customerId", "customerId")
    preds += exact_filter(query, "advisorId", "advisorId")
    preds += whole_value_filter(query, "vin", "vin")
    return preds + time_range(query, "appointmentTime", "appointmentFrom", "appointmentTo")


def part_filters(query: Query) -> list[Predicate]:
    preds = whole_value_filter(query, "partNumber", "partNumber")
    search = opt_str(query, "search")
    if search is not None:
        preds.append(contains_ci(["partNumber", "description"], search))
    return preds + updated_range(query)


def user_filters(query: Query) -> list[Predicate]:
    preds = enum_filter(query, "role", render.USER_ROLES, "role")
    return preds + bool_filter(query, "isActive", "isActive")


def receivable_filters(query: Query) -> list[Predicate]:
    preds = enum_filter(query, "status", render.RECEIVABLE_STATUSES, "status")
    preds += exact_filter(query, "customerId", "customerId")
    return preds + updated_range(query)


def receipt_filters(query: Query) -> list[Predicate]:
    preds = exact_filter(query, "accountId", "accountId")
    preds += exact_filter(query, "customerId", "customerId")
    return preds + time_range(query, "receivedAt", "receivedFrom", "receivedTo")


# Not on the vendor page (docs/contracts/automate.md marks them extrapolated). The page
# documents the sessions, GET /vehicles, POST /customers, POST /deals and
# POST /service/appointments.
EXTRAPOLATED: tuple[RouteKey, ...] = (
    ("GET", "/vehicles/{vehicleId}"),
    *list_and_detail("/customers", "customerId"),
    *list_and_detail("/deals", "dealId"),
    *list_and_detail("/service/repair-orders", "repairOrderId"),
    *list_and_detail("/service/appointments", "appointmentId"),
    *list_and_detail("/parts", "partId"),
    *list_and_detail("/users", "userId"),
    *list_and_detail("/accounting/receivables", "accountId"),
    *list_and_detail("/accounting/receipts", "receiptId"),
)


def collections(state: AutoMateState) -> list[Collection]:
    return [
        Collection(
            "/vehicles", "vehicleId", "Vehicle", state.vehicles, vehicle_filters, "inventory"
        ),
        Collection("/customers", "customerId", "Customer", state.customers, customer_filters),
        Collection("/deals", "dealId", "Deal", state.deals, deal_filters, "sales"),
        Collection(
            "/service/repair-orders",
            "repairOrderId",
            "Repair order",
            state.repair_orders,
            repair_order_filters,
            "service",
        ),
        Collection(
            "/service/appointments",
            "appointmentId",
            "Appointment",
            state.appointments,
            appointment_filters,
            "service",
        ),
        Collection("/parts", "partId", "Part", state.parts, part_filters, "service"),
        Collection("/users", "userId", "User", state.users, user_filters),
        Collection(
            "/accounting/receivables",
            "accountId",
            "Receivable account",
            state.receivables,
            receivable_filters,
            "accounting",
        ),
        Collection(
            "/accounting/receipts",
            "receiptId",
            "Receipt",
            state.receipts,
            receipt_filters,
            "accounting",
        ),
    ]


def create_automate(options: SandboxOptions) -> VendorApp:
    state = build_state(options)
    return integration_app(
        "automate", state, collections(state), write_routes(state, options), EXTRAPOLATED
    )
