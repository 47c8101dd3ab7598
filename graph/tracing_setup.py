"""The tracing a configuration asks for (``graph.tracing``): apart from it, so the
OpenTelemetry side (``graph.otel_tracing``) builds on ``graph.tracing`` without the two
naming each other."""

from __future__ import annotations

from graph.config import ConfigError, TracingConfig
from graph.tracing import NoTracing


def build_tracing(config: TracingConfig) -> NoTracing:
    """The tracing ``config`` asks for; a ``ConfigError`` when the extra is missing."""
    if config.exporter == "none":
        return NoTracing()
    try:
        from graph.otel_tracing import OtelTracing

        return OtelTracing.from_config(config)
    except ImportError as exc:
        raise ConfigError(
            f"[tracing] exporter = {config.exporter!r} needs OpenTelemetry, which is not"
            f" installed ({exc.name}): pip install 'dealergraph[tracing]'"
        ) from None
