"""Tracing, optional: the server runs without OpenTelemetry installed.

With ``[tracing] exporter`` other than ``"none"`` (and the ``tracing`` extra installed;
``graph.tracing_setup`` picks it), ``graph.otel_tracing`` makes a span per GraphQL
operation, continuing the caller's W3C ``traceparent``, and a child span per vendor request
(sign-ins included), whose context goes to the vendor as ``traceparent``. Off,
``NoTracing`` does nothing and nothing of OpenTelemetry is imported.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from adapters.observing import RequestObserver


class OperationTrace:
    """The span of one GraphQL request; told what ran once the answer is known."""

    def finish(self, name: str | None, kind: str | None, outcome: str) -> None:
        """``kind``: ``query``, ``mutation`` or ``subscription`` (None: not parsed)."""


class NoTracing:
    enabled = False

    @property
    def observer(self) -> RequestObserver | None:
        """Told of every vendor request, for its span; None without tracing."""
        return None

    @contextmanager
    def operation(
        self, headers: Mapping[str, str], *, client: str, request_id: str
    ) -> Iterator[OperationTrace]:
        """Around one GraphQL request: its span, child of the caller's ``traceparent``."""
        yield OperationTrace()

    async def close(self) -> None:
        """Send what is still buffered."""
