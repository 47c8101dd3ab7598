"""AutoSync's HTTP surface: API-key auth, per-key rate limit, shop-scoped read endpoints
and the documented writes (``sandbox.autosync.writes``)."""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from aiohttp import web

from sandbox.autosync import render
from sandbox.autosync.keys import ApiKey
from sandbox.autosync.oauth import AUTHORIZE_PATH, TOKEN_PATH, OAuthServer, oauth_client_for
from sandbox.autosync.state import AutoSyncShop, AutoSyncState, ShopTables, build_state
from sandbox.autosync.webhooks import WebhookSender, webhook_secret
from sandbox.autosync.writes import AutoSyncWrites, WriteRoute
from sandbox.common.documented import RouteKey, route_keys
from sandbox.common.errors import ApiError, Handler, error_middleware, not_found
from sandbox.common.filters import (
    Predicate,
    Row,
    contains_ci,
    dig,
    equals,
    equals_ci,
    name_email_phone_search,
    select,
)
from sandbox.common.jsonenc import json_response
from sandbox.common.pagination import Paging, parse_paging
from sandbox.common.params import opt_bool, opt_datetime, opt_enum, opt_int, opt_str
from sandbox.common.ratelimit import RateDecision
from sandbox.common.request_log import RequestLog, request_log_middleware
from sandbox.common.table import Table
from sandbox.common.vendor import VendorApp
from sandbox.common.writes import SandboxClock
from sandbox.options import SandboxOptions

BASE = "/v1"
ERROR_CODES = {
    400: "invalid_parameter",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    422: "invalid_parameter",
    429: "rate_limited",
    500: "server_error",
}
_KEY = web.RequestKey("autosync_api_key", ApiKey)
Query = Mapping[str, str]


def render_error(err: ApiError) -> web.Response:
    body = {
        "success": False,
        "error": {"code": err.code, "message": err.message, "status": err.status},
    }
    return json_response(body, status=err.status, headers=err.headers or None)


def _ok(data: object) -> web.Response:
    return json_response({"success": True, "data": data})


def _ok_list(rows: Sequence[Row], paging: Paging, total: int) -> web.Response:
    return json_response(
        {
            "success": True,
            "data": list(rows),
            "pagination": {"page": paging.page, "per_page": paging.size, "total": total},
        }
    )


def _paging(query: Query) -> Paging:
    return parse_paging(
        query, page_param="page", size_param="per_page", default_size=25, max_size=100
    )


def _auth_and_limit_middleware(
    state: AutoSyncState,
) -> Callable[[web.Request, Handler], Awaitable[web.StreamResponse]]:
    """Rate-limit headers go on every response, so this wraps the error renderer."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        key = state.key_for(token.strip()) if scheme.lower() == "bearer" else None
        if key is None and scheme.lower() == "bearer" and state.oauth is not None:
            key = state.oauth.key_for(token.strip())
        open_path = request.path in _OPEN_PATHS  # the OAuth flow itself has no token yet
        # Requests without a valid key are limited per client address instead.
        bucket = f"key:{key.key}" if key else f"addr:{request.remote}"
        decision = state.limiter.hit(bucket)
        response: web.StreamResponse
        if not decision.allowed:
            response = render_error(
                ApiError(
                    429,
                    "rate_limited",
                    f"Rate limit of {decision.limit} requests per minute exceeded",
                    headers={"Retry-After": str(decision.retry_after)},
                )
            )
        elif open_path:
            response = await handler(request)
        elif key is None:
            response = render_error(ApiError(401, "unauthorized", "Invalid or missing API key"))
        else:
            request[_KEY] = key
            response = await handler(request)
        response.headers.update(decision.headers())
        return response

    return middleware


def _exhausted_headers(state: AutoSyncState) -> Callable[[int], Mapping[str, str]]:
    """The limiter's headers for a spent window, for injected rate-limit storms."""

    def headers(retry_after: int) -> Mapping[str, str]:
        limit = state.limiter.limit
        reset_at = state.limiter.clock() + retry_after
        return RateDecision(False, limit, 0, reset_at, retry_after).headers()

    return headers


def _shop(request: web.Request, state: AutoSyncState) -> AutoSyncShop:
    """Any shop outside the key's reach is 403, existing or not: ids are not disclosed."""
    try:
        shop_id = int(request.match_info["shop_id"])
    except ValueError:
        raise not_found("Shop") from None
    shop = state.shops.get(shop_id)
    if shop is None or shop_id not in request[_KEY].shop_ids:
        raise ApiError(403, "forbidden", f"This API key does not have access to shop {shop_id}")
    return shop


async def _shop_named(request: web.Request) -> str | None:
    """The shop a request's path names, spelled as ``VendorApp.stores`` lists it (``/shops/01``
    is shop 1), for faults limited to some shops."""
    named = request.match_info.get("shop_id")
    try:
        return None if named is None else str(int(named))
    except ValueError:
        return None  # not a shop id: the server answers 404


def _int_id(request: web.Request, name: str) -> int | None:
    try:
        return int(request.match_info[name])
    except ValueError:
        return None


# --- filters --------------------------------------------------------------------------


def _int_eq(query: Query, name: str, path: str) -> list[Predicate]:
    value = opt_int(query, name)
    return [equals(path, value)] if value is not None else []


def _since(query: Query, name: str, path: str) -> list[Predicate]:
    """``*_after``: at or after the instant (a date means its midnight UTC)."""
    moment = opt_datetime(query, name)
    if moment is None:
        return []
    return [lambda row: (value := dig(row, path)) is not None and value >= moment]


def _before(query: Query, name: str, path: str) -> list[Predicate]:
    moment: datetime | None = opt_datetime(query, name)
    if moment is None:
        return []
    return [lambda row: (value := dig(row, path)) is not None and value < moment]


def customer_filters(query: Query) -> list[Predicate]:
    preds: list[Predicate] = []
    search = opt_str(query, "search")
    if search is not None:
        preds.append(
            name_email_phone_search(
                ["first_name", "last_name", "company_name"], "email", "phone", search
            )
        )
    business = opt_bool(query, "is_business")
    if business is not None:
        preds.append(equals("is_business", business))
    return (
        preds
        + _since(query, "created_after", "created_at")
        + _since(query, "updated_after", "updated_at")
    )


def vehicle_filters(query: Query) -> list[Predicate]:
    preds = _int_eq(query, "customer_id", "customer_id")
    for name in ("vin", "license_plate"):
        value = opt_str(query, name)
        if value is not None:
            preds.append(contains_ci([name], value))
    return preds


def work_order_filters(query: Query) -> list[Predicate]:
    preds: list[Predicate] = []
    status = opt_enum(query, "status", render.WORK_ORDER_STATUSES)
    if status is not None:
        preds.append(equals("status", status))
    preds += _int_eq(query, "customer_id", "customer_id")
    preds += _int_eq(query, "vehicle_id", "vehicle_id")
    preds += _int_eq(query, "technician_id", "technician.id")
    preds += _int_eq(query, "service_writer_id", "service_writer.id")
    return (
        preds
        + _since(query, "created_after", "created_at")
        + _since(query, "updated_after", "updated_at")
    )


def appointment_filters(query: Query) -> list[Predicate]:
    preds = _int_eq(query, "customer_id", "customer_id")
    return (
        preds
        + _since(query, "start_after", "start_time")
        + _before(query, "start_before", "start_time")
    )


def payment_filters(query: Query) -> list[Predicate]:
    return _int_eq(query, "work_order_id", "work_order_id") + _since(
        query, "created_after", "created_at"
    )


def part_filters(query: Query) -> list[Predicate]:
    preds: list[Predicate] = []
    search = opt_str(query, "search")
    if search is not None:
        preds.append(contains_ci(["part_number", "name"], search))
    number = opt_str(query, "part_number")
    if number is not None:
        preds.append(equals_ci("part_number", number))
    return preds


def employee_filters(query: Query) -> list[Predicate]:
    preds: list[Predicate] = []
    for name, allowed in (("role", render.EMPLOYEE_ROLES), ("status", render.EMPLOYEE_STATUSES)):
        value = opt_enum(query, name, allowed)
        if value is not None:
            preds.append(equals(name, value))
    return preds


# --- resources ------------------------------------------------------------------------

_WORK_ORDER_DETAIL_ONLY = ("notes", "jobs")


def _work_order_item(row: Row, tables: ShopTables) -> Row:
    return {k: v for k, v in row.items() if k not in _WORK_ORDER_DETAIL_ONLY}


def _work_order_detail(row: Row, tables: ShopTables) -> Row:
    return {**row, "payments": tables.payments_by_work_order.get(row["id"], [])}


@dataclass(frozen=True)
class ShopCollection:
    path: str
    id_param: str
    label: str
    table: Callable[[ShopTables], Table[int]]
    filters: Callable[[Query], list[Predicate]]
    list_view: Callable[[Row, ShopTables], Row] | None = None
    detail_view: Callable[[Row, ShopTables], Row] | None = None


COLLECTIONS = (
    ShopCollection("customers", "customer_id", "Customer", lambda t: t.customers, customer_filters),
    ShopCollection("vehicles", "vehicle_id", "Vehicle", lambda t: t.vehicles, vehicle_filters),
    ShopCollection(
        "workorders",
        "workorder_id",
        "Work order",
        lambda t: t.work_orders,
        work_order_filters,
        list_view=_work_order_item,
        detail_view=_work_order_detail,
    ),
    ShopCollection(
        "appointments",
        "appointment_id",
        "Appointment",
        lambda t: t.appointments,
        appointment_filters,
    ),
    ShopCollection("payments", "payment_id", "Payment", lambda t: t.payments, payment_filters),
    ShopCollection("inventory", "part_id", "Part", lambda t: t.inventory, part_filters),
    ShopCollection("employees", "employee_id", "Employee", lambda t: t.employees, employee_filters),
)


# Not on the vendor page (docs/contracts/autosync.md marks them extrapolated): three
# detail reads. Everything else served is documented.
EXTRAPOLATED: tuple[RouteKey, ...] = (
    ("GET", "/shops/{shop_id}/appointments/{appointment_id}"),
    ("GET", "/shops/{shop_id}/inventory/{part_id}"),
    ("GET", "/shops/{shop_id}/employees/{employee_id}"),
)


def _routes(state: AutoSyncState) -> list[tuple[str, Handler]]:
    async def list_shops(request: web.Request) -> web.Response:
        paging = _paging(request.query)
        reachable = [state.shops[s].record for s in sorted(request[_KEY].shop_ids)]
        return _ok_list(paging.window(reachable), paging, len(reachable))

    async def get_shop(request: web.Request) -> web.Response:
        return _ok(_shop(request, state).record)

    async def list_jobs(request: web.Request) -> web.Response:
        tables = _shop(request, state).tables
        paging = _paging(request.query)
        wo_id = _int_id(request, "workorder_id")
        row = tables.work_orders.get(wo_id) if wo_id is not None else None
        if row is None:
            raise not_found("Work order")
        jobs = row["jobs"]
        return _ok_list(paging.window(jobs), paging, len(jobs))

    routes: list[tuple[str, Handler]] = [
        (f"{BASE}/shops", list_shops),
        (f"{BASE}/shops/{{shop_id}}", get_shop),
        (f"{BASE}/shops/{{shop_id}}/workorders/{{workorder_id}}/jobs", list_jobs),
    ]
    for collection in COLLECTIONS:
        routes += _collection_routes(state, collection)
    return routes


def _collection_routes(state: AutoSyncState, c: ShopCollection) -> list[tuple[str, Handler]]:
    async def list_rows(request: web.Request) -> web.Response:
        tables = _shop(request, state).tables
        paging = _paging(request.query)
        rows = select(c.table(tables).ordered(), c.filters(request.query))
        page = paging.window(rows)
        if c.list_view is not None:
            page = [c.list_view(row, tables) for row in page]
        return _ok_list(page, paging, len(rows))

    async def get_row(request: web.Request) -> web.Response:
        tables = _shop(request, state).tables
        row_id = _int_id(request, c.id_param)
        row = c.table(tables).get(row_id) if row_id is not None else None
        if row is None:
            raise not_found(c.label)
        return _ok(c.detail_view(row, tables) if c.detail_view else row)

    base = f"{BASE}/shops/{{shop_id}}/{c.path}"
    return [(base, list_rows), (f"{base}/{{{c.id_param}}}", get_row)]


def build_app(
    state: AutoSyncState, log: RequestLog, writes: Sequence[WriteRoute] = ()
) -> web.Application:
    app = web.Application(
        middlewares=[
            request_log_middleware(log),
            _auth_and_limit_middleware(state),
            error_middleware(render_error, ERROR_CODES),
        ]
    )
    for path, handler in _routes(state):
        app.router.add_get(path, handler, allow_head=False)
    for method, path, handler in writes:
        app.router.add_route(method, path, handler)
    if state.oauth is not None:
        _add_oauth_routes(app, state.oauth)
    if state.webhooks is not None:
        sender = state.webhooks

        async def stop_sending(app: web.Application) -> None:
            await sender.close()

        app.on_cleanup.append(stop_sending)
    return app


_OPEN_PATHS = frozenset({AUTHORIZE_PATH, BASE + TOKEN_PATH})


def _add_oauth_routes(app: web.Application, server: OAuthServer) -> None:
    async def authorize(request: web.Request) -> web.StreamResponse:
        return server.authorize(request)

    async def token(request: web.Request) -> web.StreamResponse:
        try:
            body = await request.json()
        except ValueError:
            raise ApiError(400, "invalid_request", "Body must be JSON") from None
        return json_response(server.token(body))

    app.router.add_get(AUTHORIZE_PATH, authorize, allow_head=False)
    app.router.add_post(BASE + TOKEN_PATH, token)


def _keep_busy(app: web.Application, step: Callable[[], object], every: float) -> None:
    """Simulated shop activity every ``every`` seconds while the server runs."""

    async def busy() -> None:
        while True:
            await asyncio.sleep(every)
            step()

    async def start(app: web.Application) -> None:
        app[_ACTIVITY] = asyncio.create_task(busy())

    async def stop(app: web.Application) -> None:
        task = app.get(_ACTIVITY)
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    app.on_startup.append(start)
    app.on_cleanup.append(stop)


_ACTIVITY = web.AppKey("autosync_activity", asyncio.Task[None])


def create_autosync(
    options: SandboxOptions,
    *,
    shop_count: int = 2,
    key_shops: Sequence[Sequence[int]] = ((1,),),
) -> VendorApp:
    """By default one key reaching shop 1; shop 2 exists so a foreign shop answers 403."""
    state = build_state(options, shop_count=shop_count, key_shops=key_shops)
    log = RequestLog()
    default = state.keys[state.default_key]
    client = oauth_client_for(options.seed, default.shop_ids)
    state.oauth = OAuthServer({client.client_id: client}, clock=options.clock or time.time)
    state.webhooks = WebhookSender(webhook_secret(options.seed), clock=options.clock or time.time)
    writer = AutoSyncWrites(state, SandboxClock(options.today), lambda r: _shop(r, state))
    rng = random.Random(f"{options.seed}:autosync-activity")
    shops = [state.shops[s] for s in default.shop_ids]
    state.simulate_activity = lambda: writer.advance_work_order(rng.choice(shops), rng)
    app = build_app(state, log, writer.routes(BASE))
    if options.activity_seconds > 0:
        _keep_busy(app, state.simulate_activity, options.activity_seconds)
    return VendorApp(
        name="autosync",
        app=app,
        base_path=BASE,
        credentials={"api_key": default.key, "webhook_secret": state.webhooks.secret},
        stores=[(str(s), state.shops[s].name) for s in default.shop_ids],
        requests=log,
        state=state,
        render_error=render_error,
        rate_limit_headers=_exhausted_headers(state),
        store_of=_shop_named,
        extrapolated=route_keys(BASE, EXTRAPOLATED),
    )
