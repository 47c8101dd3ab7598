"""DealerCenter's HTTP surface: the documented vehicle list, the contract doc's
extrapolated read endpoints, and the documented writes (POST /crm/leads, /deals and
/bhph/accounts/{accountId}/payments; see writes.py)."""

from __future__ import annotations

from aiohttp import web

from sandbox.common.documented import RouteKey, list_and_detail
from sandbox.common.errors import not_found
from sandbox.common.filters import Predicate, equals, name_email_phone_search, select
from sandbox.common.jsonenc import json_response
from sandbox.common.params import opt_int, opt_str
from sandbox.common.vendor import VendorApp
from sandbox.dealercenter import render
from sandbox.dealercenter.state import DealerCenterState, build_state
from sandbox.dealercenter.writes import write_routes
from sandbox.options import SandboxOptions
from sandbox.supergood import Collection, Route, list_body, parse_page
from sandbox.supergood.filters import (
    Query,
    bool_filter,
    enum_filter,
    exact_filter,
    time_range,
    updated_range,
)
from sandbox.supergood.tenant import integration_app


def vehicle_filters(query: Query) -> list[Predicate]:
    preds = exact_filter(query, "lotId", "lotId")
    preds += enum_filter(query, "status", render.VEHICLE_STATUSES, "status")
    preds += enum_filter(query, "source", render.VEHICLE_SOURCES, "source")
    return preds + updated_range(query)


def no_filters(query: Query) -> list[Predicate]:
    return []


def customer_filters(query: Query) -> list[Predicate]:
    search = opt_str(query, "search")
    names = ["firstName", "lastName", "companyName"]
    preds = [name_email_phone_search(names, "email", "phone", search)] if search else []
    return preds + updated_range(query)


def lead_filters(query: Query) -> list[Predicate]:
    preds = enum_filter(query, "status", render.LEAD_STATUSES, "status")
    preds += exact_filter(query, "assignedUserId", "assignedUserId")
    return preds + updated_range(query)


def deal_filters(query: Query) -> list[Predicate]:
    preds = enum_filter(query, "status", render.DEAL_STATUSES, "status")
    preds += enum_filter(query, "dealType", render.DEAL_TYPES, "dealType")
    preds += exact_filter(query, "customerId", "buyer.customerId")
    return preds + updated_range(query)


def account_filters(query: Query) -> list[Predicate]:
    preds = enum_filter(query, "status", render.ACCOUNT_STATUSES, "status")
    preds += exact_filter(query, "customerId", "customerId")
    # Collections work in delinquency buckets: 1+, 30+, 60+ days past due.
    least = opt_int(query, "minDaysPastDue", minimum=0)
    if least is not None:
        preds.append(lambda row: row["daysPastDue"] >= least)
    return preds


def posted_range(query: Query) -> list[Predicate]:
    return time_range(query, "postedAt", "postedFrom", "postedTo")


def payment_filters(query: Query) -> list[Predicate]:
    preds = exact_filter(query, "accountId", "accountId")
    preds += enum_filter(query, "paymentMethod", render.PAYMENT_METHODS, "paymentMethod")
    return preds + posted_range(query)


def user_filters(query: Query) -> list[Predicate]:
    preds = enum_filter(query, "role", render.USER_ROLES, "role")
    return preds + bool_filter(query, "active", "active")


# Not on the vendor page (docs/contracts/dealercenter.md marks them extrapolated). The page
# documents the sessions, GET /inventory/vehicles, POST /crm/leads, POST /deals and
# POST /bhph/accounts/{accountId}/payments.
EXTRAPOLATED: tuple[RouteKey, ...] = (
    ("GET", "/inventory/vehicles/{vehicleId}"),
    *list_and_detail("/inventory/lots", "lotId"),
    *list_and_detail("/crm/customers", "customerId"),
    *list_and_detail("/crm/leads", "leadId"),
    *list_and_detail("/deals", "dealId"),
    *list_and_detail("/bhph/accounts", "accountId"),
    ("GET", "/bhph/accounts/{accountId}/payments"),
    *list_and_detail("/bhph/payments", "paymentId"),
    *list_and_detail("/users", "userId"),
)


def collections(state: DealerCenterState) -> list[Collection]:
    return [
        Collection(
            "/inventory/vehicles",
            "vehicleId",
            "Vehicle",
            state.vehicles,
            vehicle_filters,
            "inventory",
        ),
        Collection("/inventory/lots", "lotId", "Lot", state.lots, no_filters, "inventory"),
        Collection(
            "/crm/customers", "customerId", "Customer", state.customers, customer_filters, "crm"
        ),
        Collection("/crm/leads", "leadId", "Lead", state.leads, lead_filters, "crm"),
        Collection("/deals", "dealId", "Deal", state.deals, deal_filters, "deals"),
        Collection(
            "/bhph/accounts", "accountId", "Account", state.accounts, account_filters, "bhph"
        ),
        Collection(
            "/bhph/payments", "paymentId", "Payment", state.payments, payment_filters, "bhph"
        ),
        Collection("/users", "userId", "User", state.users, user_filters),
    ]


def account_payments_route(state: DealerCenterState) -> Route:
    """``GET /bhph/accounts/{accountId}/payments``: one account's payment history."""

    async def handler(request: web.Request) -> web.Response:
        account_id = request.match_info["accountId"]
        if state.accounts.get(account_id) is None:
            raise not_found("Account")
        paging = parse_page(request.query)
        preds = [equals("accountId", account_id), *posted_range(request.query)]
        rows = select(state.payments.ordered(), preds)
        return json_response(list_body(paging.window(rows), paging, len(rows)))

    return Route("GET", "/bhph/accounts/{accountId}/payments", handler, "bhph")


def create_dealercenter(options: SandboxOptions) -> VendorApp:
    state = build_state(options)
    routes = [account_payments_route(state), *write_routes(state, options)]
    return integration_app("dealercenter", state, collections(state), routes, EXTRAPOLATED)
