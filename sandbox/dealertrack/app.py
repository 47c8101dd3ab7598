"""Dealertrack's HTTP surface (docs/contracts/dealertrack.md): every call is scoped by a
``rooftopId`` the signed-in user must hold; the writes live in ``sandbox.dealertrack.writes``."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date

from aiohttp import web

from sandbox.common.documented import RouteKey, list_and_detail
from sandbox.common.filters import Predicate, texts
from sandbox.common.jsonenc import json_response
from sandbox.common.params import opt_datetime, opt_str, ordered_range
from sandbox.common.table import Table
from sandbox.common.vendor import VendorApp
from sandbox.dealertrack import render
from sandbox.dealertrack.ledger import NORMAL_BALANCE, PERIOD_STATUSES
from sandbox.dealertrack.scope import rooftop_access, rooftop_named, scoped_rooftop
from sandbox.dealertrack.state import DealertrackState, Rooftop, build_state
from sandbox.dealertrack.writes import write_routes
from sandbox.options import SandboxOptions
from sandbox.supergood import Collection, Route, current_session, list_body, parse_page
from sandbox.supergood.filters import (
    bool_filter,
    contains_filter,
    enum_filter,
    exact_filter,
    person_search,
    time_range,
    updated_range,
    whole_value_filter,
)
from sandbox.supergood.tenant import integration_app

Query = Mapping[str, str]


# --- filters ------------------------------------------------------------------------------


def vehicle_filters(query: Query) -> list[Predicate]:
    preds = enum_filter(query, "status", render.VEHICLE_STATUSES, "status")
    preds += enum_filter(query, "condition", render.VEHICLE_CONDITIONS, "condition")
    return preds + updated_range(query)


def repair_order_filters(query: Query) -> list[Predicate]:
    preds = enum_filter(query, "status", render.RO_STATUSES, "status")
    preds += exact_filter(query, "advisorId", "advisor.userId")
    return preds + updated_range(query)


def deal_filters(query: Query) -> list[Predicate]:
    preds = enum_filter(query, "status", render.DEAL_STATUSES, "status")
    preds += exact_filter(query, "customerId", "customer.customerId")
    return preds + updated_range(query)


def appointment_filters(query: Query) -> list[Predicate]:
    preds = enum_filter(query, "status", render.APPOINTMENT_STATUSES, "status")
    preds += exact_filter(query, "customerId", "customer.customerId")
    return preds + time_range(query, "scheduledAt", "scheduledFrom", "scheduledTo")


def part_filters(query: Query) -> list[Predicate]:
    preds = contains_filter(query, "search", ["partNumber", "description"])
    return preds + whole_value_filter(query, "partNumber", "partNumber")


def customer_filters(query: Query) -> list[Predicate]:
    return person_search(query) + updated_range(query)


def user_filters(query: Query) -> list[Predicate]:
    preds = enum_filter(query, "role", render.USER_ROLES, "role")
    return preds + bool_filter(query, "active", "active")


def journal_entry_filters(query: Query) -> list[Predicate]:
    preds = whole_value_filter(query, "reference", "reference")
    account = opt_str(query, "accountNumber")
    if account is not None:
        preds.append(lambda row: account in texts(row, "lines.accountNumber"))
    low, high = opt_datetime(query, "postedFrom"), opt_datetime(query, "postedTo")
    ordered_range(low, high, "postedFrom", "postedTo")
    first, last = (low.date() if low else date.min), (high.date() if high else date.max)
    return [*preds, lambda row: first <= row["postedDate"] <= last]


def gl_account_filters(query: Query) -> list[Predicate]:
    preds = enum_filter(query, "type", tuple(NORMAL_BALANCE), "type")
    return preds + bool_filter(query, "active", "active")


def period_filters(query: Query) -> list[Predicate]:
    return enum_filter(query, "status", PERIOD_STATUSES, "status")


# --- rooftop scope ------------------------------------------------------------------------


def scoped(
    state: DealertrackState, table: Callable[[Rooftop], Table[str]]
) -> Callable[[web.Request], Table[str]]:
    return lambda request: table(scoped_rooftop(state, request))


# Not on the vendor page (docs/contracts/dealertrack.md marks them extrapolated). The page
# documents the sessions, GET /inventory/vehicles, POST and PATCH /sales/deals,
# GET /service/repair-orders and POST /accounting/journal-entries.
EXTRAPOLATED: tuple[RouteKey, ...] = (
    ("GET", "/inventory/vehicles/{vehicleId}"),
    ("GET", "/service/repair-orders/{roId}"),
    *list_and_detail("/sales/deals", "dealId"),
    *list_and_detail("/customers", "customerId"),
    *list_and_detail("/service/appointments", "appointmentId"),
    *list_and_detail("/parts", "partId"),
    *list_and_detail("/users", "userId"),
    *list_and_detail("/rooftops", "rooftopId"),
    *list_and_detail("/accounting/journal-entries", "journalEntryId"),
    *list_and_detail("/accounting/gl-accounts", "accountNumber"),
    *list_and_detail("/accounting/periods", "period"),
)


def collections(state: DealertrackState) -> list[Collection]:
    return [
        Collection(
            "/inventory/vehicles",
            "vehicleId",
            "Vehicle",
            scoped(state, lambda r: r.vehicles),
            vehicle_filters,
            "inventory",
        ),
        Collection(
            "/customers",
            "customerId",
            "Customer",
            scoped(state, lambda r: r.customers),
            customer_filters,
        ),
        Collection(
            "/sales/deals",
            "dealId",
            "Deal",
            scoped(state, lambda r: r.deals),
            deal_filters,
            "sales",
        ),
        Collection(
            "/service/repair-orders",
            "roId",
            "Repair order",
            scoped(state, lambda r: r.repair_orders),
            repair_order_filters,
            "service",
        ),
        Collection(
            "/service/appointments",
            "appointmentId",
            "Appointment",
            scoped(state, lambda r: r.appointments),
            appointment_filters,
            "service",
        ),
        Collection(
            "/parts", "partId", "Part", scoped(state, lambda r: r.parts), part_filters, "service"
        ),
        Collection("/users", "userId", "User", scoped(state, lambda r: r.users), user_filters),
    ]


def ledger_collections(state: DealertrackState, today: date) -> list[Collection]:
    """The general ledger around the journal-entry post: its chart of accounts, the entries
    posted, and which periods take postings (all extrapolated)."""
    return [
        Collection(
            "/accounting/gl-accounts",
            "accountNumber",
            "GL account",
            scoped(state, lambda r: r.gl_accounts),
            gl_account_filters,
            "accounting",
        ),
        Collection(
            "/accounting/journal-entries",
            "journalEntryId",
            "Journal entry",
            scoped(state, lambda r: r.journal_entries),
            journal_entry_filters,
            "accounting",
        ),
        Collection(
            "/accounting/periods",
            "period",
            "Accounting period",
            scoped(state, lambda r: r.periods.rows(today, r.rooftop_id)),
            period_filters,
            "accounting",
        ),
    ]


# --- rooftops -----------------------------------------------------------------------------


def rooftop_routes(state: DealertrackState) -> list[Route]:
    async def list_rooftops(request: web.Request) -> web.Response:
        paging = parse_page(request.query)
        rows = [r.record for r in state.reachable(current_session(request).user)]
        return json_response(list_body(paging.window(rows), paging, len(rows)))

    async def get_rooftop(request: web.Request) -> web.Response:
        return json_response(rooftop_access(state, request, request.match_info["rooftopId"]).record)

    return [
        Route("GET", "/rooftops", list_rooftops),
        Route("GET", "/rooftops/{rooftopId}", get_rooftop),
    ]


def create_dealertrack(options: SandboxOptions) -> VendorApp:
    state = build_state(options)
    vendor = integration_app(
        "dealertrack",
        state,
        [*collections(state), *ledger_collections(state, options.today)],
        [*rooftop_routes(state), *write_routes(state, options)],
        EXTRAPOLATED,
    )
    vendor.stores = [(r.rooftop_id, r.name) for r in state.reachable(state.api_user)]
    vendor.store_of = rooftop_named
    return vendor
