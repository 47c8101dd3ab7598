"""Dealertrack's HTTP surface (docs/contracts/dealertrack.md): every read is scoped by a
``rooftopId`` the signed-in user must hold; writes are not served yet (405)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from aiohttp import web

from sandbox.common.errors import ApiError, invalid_parameter
from sandbox.common.filters import Predicate
from sandbox.common.jsonenc import json_response
from sandbox.common.table import Table
from sandbox.common.vendor import VendorApp
from sandbox.dealertrack import render
from sandbox.dealertrack.state import DealertrackState, Rooftop, build_state
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


# --- rooftop scope ------------------------------------------------------------------------


def _rooftop_access(state: DealertrackState, request: web.Request, rooftop_id: str) -> Rooftop:
    """A rooftop the user does not hold is a 403, whether or not the group has it."""
    if rooftop_id not in current_session(request).user.extra.get("rooftops", ()):
        raise ApiError(403, "forbidden", "This user has no access to that rooftop")
    return state.rooftops[rooftop_id]


def scoped_rooftop(state: DealertrackState, request: web.Request) -> Rooftop:
    rooftop_id = request.query.get("rooftopId")
    if not rooftop_id:
        raise invalid_parameter("rooftopId", "'rooftopId' is required")
    return _rooftop_access(state, request, rooftop_id)


def scoped(
    state: DealertrackState, table: Callable[[Rooftop], Table[str]]
) -> Callable[[web.Request], Table[str]]:
    return lambda request: table(scoped_rooftop(state, request))


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


# --- rooftops and writes ------------------------------------------------------------------


def rooftop_routes(state: DealertrackState) -> list[Route]:
    async def list_rooftops(request: web.Request) -> web.Response:
        paging = parse_page(request.query)
        rows = [r.record for r in state.reachable(current_session(request).user)]
        return json_response(list_body(paging.window(rows), paging, len(rows)))

    async def get_rooftop(request: web.Request) -> web.Response:
        return json_response(
            _rooftop_access(state, request, request.match_info["rooftopId"]).record
        )

    return [
        Route("GET", "/rooftops", list_rooftops),
        Route("GET", "/rooftops/{rooftopId}", get_rooftop),
    ]


async def _not_served_yet(request: web.Request) -> web.Response:
    raise ApiError(405, "method_not_allowed", "Writes are not served by this sandbox yet")


WRITE_ROUTES = [
    Route("POST", "/sales/deals", _not_served_yet, "sales"),
    Route("PATCH", "/sales/deals/{dealId}", _not_served_yet, "sales"),
    Route("POST", "/accounting/journal-entries", _not_served_yet, "accounting"),
]


def create_dealertrack(options: SandboxOptions) -> VendorApp:
    state = build_state(options)
    vendor = integration_app(
        "dealertrack", state, collections(state), [*rooftop_routes(state), *WRITE_ROUTES]
    )
    vendor.stores = [(r.rooftop_id, r.name) for r in state.reachable(state.api_user)]
    return vendor
