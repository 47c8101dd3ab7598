"""The aiohttp application: ``/graphql`` (GraphiQL on a browser GET) and ``/healthz``."""

from __future__ import annotations

import time
from functools import cached_property
from typing import Any, TypeGuard

from aiohttp import hdrs, web
from cross_web import AiohttpHTTPRequestAdapter
from graphql import GraphQLError
from strawberry.aiohttp.views import GraphQLView
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.types import ExecutionResult
from strawberry.types.unset import UNSET, UnsetType

from adapters.health import ConnectionState
from adapters.upstream_scope import UpstreamScope
from graph.compression import compression_middleware
from graph.context import Context
from graph.cors import cors_middleware
from graph.derived import today_is
from graph.error_contract import decode_request_json, give_codes, http_error_middleware
from graph.graphiql import ASSET_DIR, ASSET_ROUTE, offline_page
from graph.integration_routes import add_integration_routes
from graph.metrics import CONTENT_TYPE as METRICS_CONTENT_TYPE
from graph.metrics import outcome_of
from graph.persisted_queries import PersistedQueries
from graph.request_ids import REQUEST_ID, request_id_middleware
from graph.response_json import encode_response
from graph.runtime import NOBODY, ApiClient, Runtime
from graph.schema import build_schema
from graph.traceback_release import release_tracebacks
from graph.tracing import OperationTrace
from graph.ws_frames import TextFrameWebSocketAdapter

RUNTIME = web.AppKey("runtime", Runtime)
_CLIENT = web.RequestKey("client", ApiClient)
_CONTEXT = web.RequestKey("context", Context)
_SCOPE = web.RequestKey("upstream_scope", UpstreamScope)
_STARTED = web.RequestKey("started", float)
_TRACE = web.RequestKey("trace", OperationTrace)
MAX_REQUEST_BYTES = 256 * 1024


def _bearer_token(request: web.Request) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def _unauthenticated(message: str) -> web.Response:
    body = {"errors": [{"message": message, "extensions": {"code": "UNAUTHENTICATED"}}]}
    return web.json_response(
        body, status=401, headers={"WWW-Authenticate": 'Bearer realm="dealergraph"'}
    )


class DealerGraphView(GraphQLView):
    """Strawberry's view plus API-key authentication and per-dealership partial errors."""

    websocket_adapter_class = TextFrameWebSocketAdapter  # type: ignore[assignment]

    def __init__(
        self, runtime: Runtime, *, demo_key: str | None = None, log_answers: bool = True
    ) -> None:
        redis = runtime.shared.redis
        # Replicas on one Redis give each client one cost bucket, not one per process.
        shared_buckets = None
        if redis is not None:
            from graph.throttle_redis import RedisCostBuckets  # redis-py only when configured

            shared_buckets = RedisCostBuckets(redis)
        schema = build_schema(
            runtime.server, shared_buckets=shared_buckets, log_answers=log_answers
        )
        super().__init__(schema=schema, graphql_ide="graphiql")
        self.runtime = runtime
        self.demo_key = demo_key
        self.persisted = PersistedQueries.from_config(runtime.server)

    def decode_json(self, data: str | bytes) -> object:
        return decode_request_json(data, super().decode_json)

    def encode_json(self, data: object) -> bytes:
        return encode_response(data)

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: web.Response,
    ) -> web.Response:
        # Strawberry decodes the encoded answer for aiohttp's text setter, which encodes it
        # again: the bytes go in as they are, under the header that setter wrote.
        sub_response.body = self.encode_json(response_data)
        sub_response.content_type = "application/json"
        if sub_response.charset is None:
            sub_response.charset = "utf-8"
        return sub_response

    def is_websocket_request(self, request: web.Request) -> TypeGuard[web.Request]:
        # Asked up to three times a request, and the full check builds a WebSocketResponse
        # to try the handshake; without an Upgrade header that handshake fails at once.
        if hdrs.UPGRADE not in request.headers:
            return False
        return super().is_websocket_request(request)

    @cached_property
    def graphql_ide_html(self) -> str:
        return offline_page(super().graphql_ide_html, self.demo_key)

    async def __call__(self, request: web.Request) -> web.StreamResponse:
        if self.is_websocket_request(request):
            # A browser cannot put headers on a WebSocket: the key may come in the
            # connection_init payload instead (on_ws_connect); until then it sees nothing.
            token = _bearer_token(request)
            client = self.runtime.authenticate(token) if token else None
            request[_CLIENT] = client or NOBODY
            request[_SCOPE] = UpstreamScope(client=request[_CLIENT].name)
            return await super().__call__(request)
        # The GraphiQL page holds no data, so a browser may load it without a key.
        if self.should_render_graphql_ide(AiohttpHTTPRequestAdapter(request)):
            return await self.render_graphql_ide(request)
        token = _bearer_token(request)
        if token is None:
            return _unauthenticated("send an API key as 'Authorization: Bearer <key>'")
        client = self.runtime.authenticate(token)
        if client is None:
            return _unauthenticated("the API key is not valid")
        request[_CLIENT] = client
        request[_STARTED] = time.perf_counter()
        deadline = time.monotonic() + self.runtime.server.request_deadline_seconds
        rid = request.get(REQUEST_ID, "")
        scope = UpstreamScope(client=client.name, deadline=deadline, request_id=rid)
        request[_SCOPE] = scope
        traced = self.runtime.tracing.operation(request.headers, client=client.name, request_id=rid)
        try:
            with scope.opened(), today_is(self.runtime.today), traced as trace:
                request[_TRACE] = trace  # the vendor requests' spans are its children
                return await super().__call__(request)
        finally:
            # aiohttp keeps a keep-alive connection's last request until the next one
            # comes: without these, its rows, models and vendor answers would stay too.
            for key in (_CONTEXT, _SCOPE, _TRACE):
                request.pop(key, None)

    async def execute_operation(  # type: ignore[override]
        self,
        request: web.Request,
        request_adapter: Any,
        request_data: GraphQLRequestData | list[GraphQLRequestData],
        context: Context,
        root_value: object,
        sub_response: web.Response,
    ) -> Any:
        # A single operation is resolved here too, for the streaming transports that do not
        # pass through execute_single (resolving is idempotent).
        if isinstance(request_data, GraphQLRequestData):
            resolved = self.persisted.resolve(request_data)
            if isinstance(resolved, ExecutionResult):
                return resolved
            request_data = resolved
        return await super().execute_operation(
            request, request_adapter, request_data, context, root_value, sub_response
        )

    async def execute_single(  # type: ignore[override]
        self,
        request: web.Request,
        request_adapter: Any,
        sub_response: web.Response,
        context: Context,
        root_value: object,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        resolved = self.persisted.resolve(request_data)  # each operation of a batch
        if isinstance(resolved, ExecutionResult):
            return resolved
        return await super().execute_single(
            request, request_adapter, sub_response, context, root_value, resolved
        )

    async def get_context(self, request: web.Request, response: Any) -> Context:  # type: ignore[override]
        client: ApiClient = request[_CLIENT]
        context = Context.create(self.runtime, client, request[_SCOPE])
        request[_CONTEXT] = context
        return context

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:  # type: ignore[override]
        params = context.connection_params or {}
        header = params.get("Authorization") or params.get("authorization")
        scheme, _, token = str(header or "").partition(" ")
        if scheme.lower() == "bearer" and token.strip():
            client = self.runtime.authenticate(token.strip())
            if client is None:
                raise ConnectionRejectionError({"message": "the API key is not valid"})
            context.client = client
            context.upstream = UpstreamScope(client=client.name)
        if context.client is NOBODY:
            raise ConnectionRejectionError(
                {"message": "send an API key as connection_init {Authorization: Bearer <key>}"}
            )
        return UNSET

    async def process_result(  # type: ignore[override]
        self, request: web.Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        give_codes(result.errors)
        response = await super().process_result(request, result)
        context: Context | None = request.get(_CONTEXT)
        if context is not None and context.partial_errors:
            errors = response.setdefault("errors", [])  # type: ignore[misc]
            for error, path in context.partial_errors:
                errors.append(
                    GraphQLError(
                        error.message, path=list(path), extensions=error.extensions
                    ).formatted
                )
        name = context.operation_name if context is not None else None
        errors = response.get("errors") or []
        has_data = response.get("data") is not None
        self.runtime.metrics.operation(
            name,
            errors,
            has_data=has_data,
            seconds=time.perf_counter() - request.get(_STARTED, time.perf_counter()),
        )
        trace = request.get(_TRACE)
        if trace is not None:
            kind = context.operation_type if context is not None else None
            trace.finish(name, kind, outcome_of(errors, has_data))
        partial = context.partial_errors if context is not None else ()
        release_tracebacks([*(result.errors or ()), *(error for error, _ in partial)])
        return response


async def metrics(request: web.Request) -> web.Response:
    """Prometheus metrics (``graph.metrics``): counts and states, no ids of clients or
    records, no secrets."""
    body = request.app[RUNTIME].metrics.render()
    return web.Response(body=body, headers={"Content-Type": METRICS_CONTENT_TYPE})


async def healthz(request: web.Request) -> web.Response:
    """Liveness: the process answers."""
    return web.json_response({"status": "ok"})


_UNSERVABLE = {
    ConnectionState.CIRCUIT_OPEN,
    ConnectionState.NEEDS_MFA,
    ConnectionState.AUTH_FAILED,
}


async def readyz(request: web.Request) -> web.Response:
    """Readiness: 503 while the start-up round has not reached every connection yet
    (``Runtime.start_probing``), then only when no dealership can be served at all, since
    one store down still leaves the others' data. Counts dealerships by their connection's
    state for them (one login may serve several): no ids, nothing secret."""
    runtime = request.app[RUNTIME]
    if runtime.probing is not None and not runtime.probing.done():
        # Not every connection has been reached yet: a wrong password must show first.
        return web.json_response({"status": "starting"}, status=503)
    states = [d.adapter.health(d.store_id).state for d in runtime.dealerships.values()]
    counts = {state.value: states.count(state) for state in ConnectionState if state in states}
    ready = bool(states) and not all(state in _UNSERVABLE for state in states)
    return web.json_response(
        {"status": "ready" if ready else "unavailable", "dealerships": counts},
        status=200 if ready else 503,
    )


def create_app(
    runtime: Runtime, *, demo_key: str | None = None, log_answers: bool = True
) -> web.Application:
    """``log_answers``: one INFO line per error that is an answer (NOT_SUPPORTED...)."""
    # CORS outermost, so refusals (401, 413...) are readable cross-origin too.
    middlewares = [
        cors_middleware(runtime.server.cors_origins),
        request_id_middleware,
        compression_middleware,
        http_error_middleware,
    ]
    app = web.Application(client_max_size=MAX_REQUEST_BYTES, middlewares=middlewares)
    app[RUNTIME] = runtime
    view = DealerGraphView(runtime, demo_key=demo_key, log_answers=log_answers)
    app.router.add_route("GET", "/graphql", view)
    app.router.add_route("POST", "/graphql", view)
    app.router.add_static(ASSET_ROUTE, ASSET_DIR)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics)
    add_integration_routes(app, runtime)
    return app
