"""Prometheus metrics at ``/metrics``: what the vendors are asked and how they answer, what
clients ask and how it ends, and how every connection is doing.

- ``dealergraph_vendor_requests_total{vendor, store, endpoint, status}``: every HTTP
  request sent to a vendor (logins included: endpoint ``sign_in``); ``status`` is the HTTP
  status, or ``failed`` when no answer came. ``store`` is the store a request names
  (Dealertrack rooftop, AutoSync shop), else ``-``.
- ``dealergraph_vendor_request_seconds{vendor, endpoint}``: their latency.
- ``dealergraph_graphql_operations_total{operation, outcome}`` and
  ``dealergraph_graphql_operation_seconds{operation}``: operations by name (``-`` for an
  anonymous one) ending ``ok``, ``partial`` (data and errors) or ``error``.
- ``dealergraph_graphql_errors_total{code}``: errors answered, by ``extensions.code``.
- ``dealergraph_dealership_connection_state{dealership, state}``: 1 for each dealership's
  current state (read at scrape time).
- ``dealergraph_vendor_budget_wait_seconds{vendor}``: how long each request sent waited
  for a slot in its vendor's request budget (or out a pause the vendor asked for).
- ``dealergraph_circuit_transitions_total{vendor, store, to}``: a store's circuit moving
  ``to`` ``open`` (failures reached the threshold, or a probe failed), ``half_open`` (a
  probe let through) or ``closed`` (an answer came).
- ``dealergraph_sign_ins_total{vendor, outcome}``: logins, session refreshes and token
  grants ending ``ok``, ``refused`` (the vendor said no: a wrong password, a code needed)
  or ``failed`` (no usable answer).
- ``dealergraph_response_cache_lookups_total{vendor, endpoint, result}``: vendor reads
  answered without a request (``hit``: the request's memo, the cache, or an identical read
  already in flight) or sent to the vendor (``miss``).

Nothing here names a client, a key or a record.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics import MetricWrapperBase
from prometheus_client.registry import Collector
from strawberry.extensions import SchemaExtension

from adapters.health import ConnectionState
from adapters.observing import CircuitTo, RequestObserver, SignInOutcome, VendorCall
from adapters.response_cache import kind_of_path

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
_SIGN_IN_WORDS = ("sessions", "oauth")


@lru_cache(maxsize=4096)  # a list's path repeats on every request; paths with ids are bounded
def endpoint_class(path: str) -> str:
    """A vendor path's kind (``repair_orders``, ``sign_in``...), never its ids."""
    if any(word in path for word in _SIGN_IN_WORDS):
        return "sign_in"
    return kind_of_path(path)


class _ConnectionStates(Collector):
    def __init__(self, states: Callable[[], Iterable[tuple[str, ConnectionState]]]) -> None:
        self._states = states

    def collect(self) -> Iterator[GaugeMetricFamily]:
        family = GaugeMetricFamily(
            "dealergraph_dealership_connection_state",
            "1 for the state each dealership's DMS connection is in.",
            labels=["dealership", "state"],
        )
        for dealership, state in self._states():
            family.add_metric([dealership, state.value], 1.0)
        yield family


def outcome_of(errors: Sequence[object], has_data: bool) -> str:
    """An answered operation's outcome: ``ok``, ``partial`` (data and errors) or ``error``."""
    if not errors:
        return "ok"
    return "partial" if has_data else "error"


class Metrics(RequestObserver):
    """One per runtime; the vendor counts come through the ``RequestObserver`` seam."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.vendor_requests = Counter(
            "dealergraph_vendor_requests",
            "HTTP requests sent to vendors.",
            ["vendor", "store", "endpoint", "status"],
            registry=r,
        )
        self.vendor_seconds = Histogram(
            "dealergraph_vendor_request_seconds",
            "Vendor request latency.",
            ["vendor", "endpoint"],
            registry=r,
        )
        self.operations = Counter(
            "dealergraph_graphql_operations",
            "GraphQL operations by name and outcome.",
            ["operation", "outcome"],
            registry=r,
        )
        self.operation_seconds = Histogram(
            "dealergraph_graphql_operation_seconds",
            "GraphQL operation latency.",
            ["operation"],
            registry=r,
        )
        self.errors = Counter(
            "dealergraph_graphql_errors", "GraphQL errors by code.", ["code"], registry=r
        )
        self.budget_waits = Histogram(
            "dealergraph_vendor_budget_wait_seconds",
            "Seconds a vendor request waited for its vendor's request budget.",
            ["vendor"],
            buckets=(0.0, 0.05, 0.25, 1.0, 5.0, 15.0, 30.0, 60.0),
            registry=r,
        )
        self.circuit_transitions = Counter(
            "dealergraph_circuit_transitions",
            "Circuit breaker transitions by store and the state moved to.",
            ["vendor", "store", "to"],
            registry=r,
        )
        self.sign_ins = Counter(
            "dealergraph_sign_ins",
            "Vendor logins, session refreshes and token grants by outcome.",
            ["vendor", "outcome"],
            registry=r,
        )
        self.cache_lookups = Counter(
            "dealergraph_response_cache_lookups",
            "Vendor reads answered from the response cache (hit) or sent (miss).",
            ["vendor", "endpoint", "result"],
            registry=r,
        )
        # Each metric's child for a set of label values, found once: labels() checks and
        # looks its values up under a lock on every call (several a vendor request). As
        # many as the metrics themselves keep, which never drop a child.
        self._children: dict[tuple[MetricWrapperBase, tuple[str, ...]], Any] = {}

    def _child(self, metric: MetricWrapperBase, *labels: str) -> Any:
        """``metric.labels(*labels)``, looked up once per set of label values."""
        key = (metric, labels)
        child = self._children.get(key)
        if child is None:
            child = self._children[key] = metric.labels(*labels)
        return child

    def watch_connections(
        self, states: Callable[[], Iterable[tuple[str, ConnectionState]]]
    ) -> None:
        self.registry.register(_ConnectionStates(states))

    @contextmanager
    def sending(self, call: VendorCall) -> Iterator[None]:
        started = time.monotonic()
        try:
            yield
        finally:
            seconds = time.monotonic() - started
            self.vendor_request(call.vendor, call.store, call.path, call.status, seconds)

    def vendor_request(
        self, vendor: str, store: str | None, path: str, status: int | None, seconds: float
    ) -> None:
        endpoint = endpoint_class(path)
        label = str(status) if status is not None else "failed"
        self._child(self.vendor_requests, vendor, store or "-", endpoint, label).inc()
        self._child(self.vendor_seconds, vendor, endpoint).observe(seconds)

    def budget_waited(self, vendor: str, seconds: float) -> None:
        self._child(self.budget_waits, vendor).observe(max(0.0, seconds))

    def circuit_moved(self, vendor: str, store: str | None, to: CircuitTo) -> None:
        self._child(self.circuit_transitions, vendor, store or "-", to).inc()

    def signed_in(self, vendor: str, outcome: SignInOutcome) -> None:
        self._child(self.sign_ins, vendor, outcome).inc()

    def cache_looked_up(self, vendor: str, path: str, hit: bool) -> None:
        result = "hit" if hit else "miss"
        self._child(self.cache_lookups, vendor, endpoint_class(path), result).inc()

    def operation(
        self, name: str | None, errors: Iterable[Mapping[str, Any]], has_data: bool, seconds: float
    ) -> None:
        codes = [str((e.get("extensions") or {}).get("code", "-")) for e in errors]
        operation = name or "-"
        self._child(self.operations, operation, outcome_of(codes, has_data)).inc()
        self._child(self.operation_seconds, operation).observe(seconds)
        for code in codes:
            self._child(self.errors, code).inc()

    def render(self) -> bytes:
        return generate_latest(self.registry)


class NameOperation(SchemaExtension):
    """Puts the operation's name and type on the request's context
    (``Context.operation_name``, ``operation_type``), once the document is parsed, for the
    metrics and the span the view records with the answer."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context.context
        if context is not None and hasattr(context, "operation_name"):
            context.operation_name = self.execution_context.operation_name
            context.operation_type = self.execution_context.operation_type.value
        yield
