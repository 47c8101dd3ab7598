"""OpenTelemetry spans for GraphQL operations and vendor requests (the ``tracing`` extra;
imported by ``graph.tracing_setup`` only when tracing is on).

- The operation span (kind SERVER, named ``query Board`` once parsed) continues the caller's
  ``traceparent`` and carries ``graphql.operation.name``, ``graphql.operation.type``,
  ``dealergraph.outcome`` (``ok``, ``partial``, ``error``), ``dealergraph.request_id`` and
  ``dealergraph.client`` (the configured client name; never the key).
- Each vendor request's span (kind CLIENT, named ``autosync repair_orders``) is its child
  and carries ``dealergraph.vendor``, ``dealergraph.store``, ``dealergraph.endpoint`` (the
  path's kind, never its ids), ``http.request.method``, ``http.response.status_code`` and
  ``http.request.resend_count`` (the retry attempt); its context is sent as ``traceparent``.

Spans record an exception's type only: aiohttp's messages may carry request headers.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import (
    BatchSpanProcessor,
    ConsoleSpanExporter,
    SimpleSpanProcessor,
    SpanExporter,
    SpanProcessor,
)
from opentelemetry.trace import SpanKind, Status, StatusCode
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from adapters.observing import RequestObserver, VendorCall
from graph.config import TracingConfig
from graph.metrics import endpoint_class
from graph.tracing import NoTracing, OperationTrace

_PROPAGATOR = TraceContextTextMapPropagator()


@contextmanager
def _span(
    tracer: trace.Tracer,
    name: str,
    kind: SpanKind,
    attributes: Mapping[str, str | int],
    parent: Context | None = None,
) -> Iterator[trace.Span]:
    """A current span that, on an exception, records its type and nothing of its text."""
    with tracer.start_as_current_span(
        name,
        context=parent,
        kind=kind,
        attributes=attributes,
        record_exception=False,
        set_status_on_exception=False,
    ) as span:
        try:
            yield span
        except BaseException as exc:
            span.set_status(Status(StatusCode.ERROR, type(exc).__name__))
            raise


class _VendorSpans(RequestObserver):
    def __init__(self, tracer: trace.Tracer) -> None:
        self._tracer = tracer

    @contextmanager
    def sending(self, call: VendorCall) -> Iterator[None]:
        endpoint = endpoint_class(call.path)
        attributes: dict[str, str | int] = {
            "dealergraph.vendor": call.vendor,
            "dealergraph.endpoint": endpoint,
            "http.request.method": call.method,
            "http.request.resend_count": call.attempt,
        }
        if call.store is not None:
            attributes["dealergraph.store"] = call.store
        name = f"{call.vendor} {endpoint}"
        with _span(self._tracer, name, SpanKind.CLIENT, attributes) as span:
            _PROPAGATOR.inject(call.headers)  # this span's context, for the vendor's log
            yield
            if call.status is not None:
                span.set_attribute("http.response.status_code", call.status)
                if call.status >= 500:
                    span.set_status(Status(StatusCode.ERROR, str(call.status)))


class _OperationSpan(OperationTrace):
    def __init__(self, span: trace.Span) -> None:
        self._span = span

    def finish(self, name: str | None, kind: str | None, outcome: str) -> None:
        span = self._span
        if name:
            span.set_attribute("graphql.operation.name", name)
        if kind:
            span.set_attribute("graphql.operation.type", kind)
            span.update_name(f"{kind} {name}" if name else kind)
        span.set_attribute("dealergraph.outcome", outcome)
        if outcome == "error":
            span.set_status(Status(StatusCode.ERROR))


class OtelTracing(NoTracing):
    enabled = True

    def __init__(self, processor: SpanProcessor, *, service_name: str = "dealergraph") -> None:
        self.provider = TracerProvider(resource=Resource.create({"service.name": service_name}))
        self.provider.add_span_processor(processor)
        # The runtime's own provider, not the global one: two runtimes (tests) stay apart.
        self._tracer = self.provider.get_tracer("dealergraph")
        self._vendor_spans = _VendorSpans(self._tracer)

    @classmethod
    def exporting_to(
        cls, exporter: SpanExporter, *, service_name: str = "dealergraph"
    ) -> OtelTracing:
        """Each span handed to ``exporter`` as it ends (tests: the in-memory exporter)."""
        return cls(SimpleSpanProcessor(exporter), service_name=service_name)

    @classmethod
    def from_config(cls, config: TracingConfig) -> OtelTracing:
        if config.exporter == "console":
            return cls.exporting_to(ConsoleSpanExporter(), service_name=config.service_name)
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        # Batched on the SDK's own thread: exporting never holds up the event loop.
        processor = BatchSpanProcessor(OTLPSpanExporter(endpoint=config.endpoint))
        return cls(processor, service_name=config.service_name)

    @property
    def observer(self) -> RequestObserver:
        return self._vendor_spans

    @contextmanager
    def operation(
        self, headers: Mapping[str, str], *, client: str, request_id: str
    ) -> Iterator[OperationTrace]:
        attributes = {"dealergraph.client": client, "dealergraph.request_id": request_id}
        caller = _PROPAGATOR.extract(headers)  # an empty context without a sane traceparent
        with _span(self._tracer, "graphql", SpanKind.SERVER, attributes, caller) as span:
            yield _OperationSpan(span)

    async def close(self) -> None:
        # Flushing may wait on the collector: off the event loop.
        await asyncio.to_thread(self.provider.shutdown)
