"""The configuration file: server limits, DMS connections and the API clients allowed in.

Secrets are never written in the file itself: each one names the environment variable that
holds it (``"env:AUTOSOFT_PASSWORD"``), and API client keys are given either the same way or
as a SHA-256 digest. See ``docs/configuration.md`` for a full example.
"""

from __future__ import annotations

import hashlib
import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from adapters.models import Dms

Slug = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")]
ALL_DEALERSHIPS = "*"


class ConfigError(ValueError):
    pass


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ServerConfig(_Strict):
    host: str = "127.0.0.1"
    port: int = Field(8080, ge=0, le=65535)
    default_page_size: int = Field(25, ge=1)
    max_page_size: int = Field(100, ge=1, le=1000)
    max_query_depth: int = Field(12, ge=2)
    max_aliases: int = Field(30, ge=1)
    max_tokens: int = Field(4000, ge=100)
    upstream_connect_timeout: float = Field(5.0, gt=0)
    upstream_read_timeout: float = Field(20.0, gt=0)
    upstream_concurrency: int = Field(8, ge=1)
    data_dir: str = "var"
    """Where the idempotency records live (an embedded SQLite file), relative to the
    working directory unless absolute."""
    idempotency_retention_hours: float = Field(168, gt=0)
    idempotency_dsn: str | None = None
    """PostgreSQL for the idempotency records instead of the SQLite file, so replicas on
    several machines share them: ``postgresql://user@host:5432/db`` (no password in the
    file), or ``"env:NAME"`` naming the variable that holds the whole DSN."""
    request_deadline_seconds: float = Field(30.0, gt=0)
    """How long one GraphQL request may spend on vendor work; a wait for a vendor's request
    budget that would pass it fails fast with UPSTREAM_RATE_LIMITED for that store."""
    max_query_cost: int = Field(1000, ge=1)
    """The most vendor requests a query may be planned to cost; above it the query is
    refused with MAX_COST_EXCEEDED before any vendor is asked."""
    client_cost_capacity: int = Field(2000, ge=1)
    """Each API client's cost bucket: the most cost it may spend in a burst."""
    client_cost_restore_rate: float = Field(50.0, gt=0)
    """Cost points per second each client's bucket refills."""
    log_format: Literal["text", "json"] = "text"
    """Log lines as text or one JSON object each; both carry the request id."""
    max_sorted_rows: int = Field(1000, ge=1)
    """Vehicles per store read whole to sort a list or check price, year or mileage ranges
    (no DMS does either); a store with more matching refuses such a list."""
    failed_sign_ins_per_hour: int = Field(3, ge=1)
    """Sign-ins a DMS refused (a wrong password) tried again within an hour, at most, per
    login: 1 minute after the first refusal, then 4; an operator may ask sooner with
    retryDmsConnection."""
    token_key_env: str = "DEALERGRAPH_TOKEN_KEY"
    """The environment variable holding the key OAuth tokens are encrypted with at rest (at
    least 32 characters); needed only when a connection uses OAuth."""
    cors_origins: list[str] = Field(default_factory=list)
    """Origins whose pages may call ``/graphql`` from a browser: exact, or with ``*`` for one
    host label or a port (``http://localhost:*``); ``"*"`` for any. Empty: none."""
    persisted_queries: Literal["off", "apq", "allowlist"] = "apq"
    """``apq``: Apollo's automatic persisted queries; ``allowlist``: only the documents in
    ``persisted_query_manifest`` run; ``off``: every request carries its document."""
    persisted_query_manifest: str | None = None
    """An Apollo persisted-query manifest (JSON), relative to the working directory unless
    absolute; required by ``allowlist``."""

    @field_validator("cors_origins")
    @classmethod
    def _origins(cls, value: list[str]) -> list[str]:
        for origin in value:
            if origin != "*" and not re.fullmatch(r"https?://[^/\s]+", origin):
                raise ValueError(
                    f"{origin!r} is not an origin like 'https://app.example.com' (no path)"
                )
        return value

    @field_validator("idempotency_dsn")
    @classmethod
    def _dsn(cls, value: str | None) -> str | None:
        if value is None or (value.startswith("env:") and len(value) > 4):
            return value
        if not re.match(r"postgres(ql)?://", value):
            raise ValueError("must be a postgresql:// DSN or an 'env:NAME' reference")
        if re.match(r"postgres(ql)?://[^/@]*:[^/@]*@", value) or "password=" in value:
            raise ValueError("must not hold a password: give the whole DSN as 'env:NAME' instead")
        return value

    def resolve_idempotency_dsn(self, environ: Mapping[str, str]) -> str | None:
        """The DSN itself (read from the environment for ``env:NAME``); None: SQLite."""
        value = self.idempotency_dsn
        if value is None or not value.startswith("env:"):
            return value
        var = value[4:]
        if not environ.get(var):
            raise ConfigError(f"server.idempotency_dsn: environment variable {var} is not set")
        return environ[var]

    @model_validator(mode="after")
    def _page_sizes(self) -> ServerConfig:
        if self.default_page_size > self.max_page_size:
            raise ValueError("default_page_size must not exceed max_page_size")
        if self.persisted_queries == "allowlist" and not self.persisted_query_manifest:
            raise ValueError("persisted_queries = 'allowlist' needs persisted_query_manifest")
        return self


class CacheConfig(_Strict):
    """Seconds a vendor's read answer of each resource kind is reused across requests
    (0 disables that kind). Any write this server sends to a store drops the store's
    cached answers at once; changes made in the DMS itself show after at most this long."""

    vehicles: float = Field(60, ge=0)
    customers: float = Field(300, ge=0)
    leads: float = Field(30, ge=0)
    deals: float = Field(60, ge=0)
    repair_orders: float = Field(30, ge=0)
    appointments: float = Field(60, ge=0)
    parts: float = Field(300, ge=0)
    accounts: float = Field(60, ge=0)
    payments: float = Field(60, ge=0)

    def ttls(self) -> dict[str, float]:
        return self.model_dump()


class EventsConfig(_Strict):
    """Change events (``graph.events``): AutoSync's webhooks arrive at
    ``/webhooks/autosync/<connection id>`` for connections with a ``webhook_secret``;
    polling the session-login DMSs costs vendor requests, so it is off unless asked for."""

    poll: bool = False
    """Poll the AutoSoft, Auto/Mate, Dealertrack and DealerCenter connections' lists."""
    poll_interval_seconds: float = Field(60.0, ge=5)
    """One request per list kind per dealership each interval when nothing changed."""
    webhook_max_age_seconds: float = Field(900.0, gt=0)
    """Webhook deliveries whose timestamp is older than this are refused (replays)."""
    retention_hours: float = Field(168.0, gt=0)


class TracingConfig(_Strict):
    """OpenTelemetry traces (``graph.tracing``; needs the ``tracing`` extra unless off): a
    span per GraphQL operation, a child span per vendor request, and the W3C trace context
    taken from callers and sent on to the vendors."""

    exporter: Literal["none", "console", "otlp"] = "none"
    """``none``: no tracing (nothing is sent upstream either); ``console``: spans printed to
    standard output; ``otlp``: spans sent by OTLP over HTTP to ``endpoint``."""
    endpoint: str | None = None
    """The collector's traces URL (``http://127.0.0.1:4318/v1/traces``); unset, OTLP's own
    default and ``OTEL_EXPORTER_OTLP_*`` environment variables apply."""
    service_name: str = Field("dealergraph", min_length=1)


class SharedConfig(_Strict):
    """State the server processes of one deployment share on Redis (README, "Running several
    processes"): vendor request budgets and pauses, sessions, sign-in locks, TOTP steps,
    refused sign-ins and circuits. Without ``redis_url`` each process keeps its own."""

    redis_url: str | None = Field(None, pattern=r"^(redis|rediss|unix)://")
    """``redis://127.0.0.1:6379/0``; every process of the deployment names the same one."""
    key_prefix: str = Field("dealergraph", pattern=r"^[A-Za-z0-9_.:-]{1,64}$")
    """Every key this deployment writes starts with it (two deployments on one Redis)."""
    key_env: str = "DEALERGRAPH_SHARED_KEY"
    """The environment variable holding the key sessions are encrypted with in Redis (at
    least 32 characters, the same in every process); required with ``redis_url``."""


class AddressConfig(_Strict):
    line1: str
    line2: str | None = None
    city: str
    region: str
    """State or province (``PA``)."""
    postal_code: str
    country: str = "US"


class DealershipConfig(_Strict):
    id: Slug
    name: str
    store_id: str | None = None
    """The vendor's own store scope (AutoSync shop id, Dealertrack rooftop id)."""
    time_zone: str | None = None
    """The store's IANA time zone (``America/New_York``); no vendor page gives one."""
    address: AddressConfig | None = None

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                ZoneInfo(value)
            except (ZoneInfoNotFoundError, ValueError):
                raise ValueError(
                    "time_zone must be an IANA zone such as America/New_York"
                ) from None
        return value


class OAuthConfig(_Strict):
    """A connection a person authorizes in the vendor's consent screen (AutoSync platform
    integrations). Its ``secrets`` are then the OAuth client's ``client_id`` and
    ``client_secret``; the tokens are kept encrypted in ``data_dir``."""

    authorize_url: str = "https://autosyncshopmanager.com/oauth/authorize"
    redirect_uri: str
    """This server's ``/oauth/callback/<connection id>`` as the person's browser reaches it,
    registered with the vendor for the client."""
    scopes: list[str] = Field(
        default_factory=lambda: ["shops:read", "workorders:write", "customers:read"]
    )


OAUTH_DMS = frozenset({Dms.AUTOSYNC})


class BudgetConfig(_Strict):
    """At most ``requests`` vendor requests in any ``per_seconds`` on one credential."""

    requests: int = Field(ge=1)
    per_seconds: float = Field(gt=0)


class ConnectionConfig(_Strict):
    id: Slug
    dms: Dms
    base_url: str
    secrets: dict[str, str] = Field(default_factory=dict)
    """Secret name -> ``"env:VARIABLE"``; the adapter's page in the docs lists the names."""
    dealerships: list[DealershipConfig] = Field(min_length=1)
    oauth: OAuthConfig | None = None
    request_budget: BudgetConfig | None = None
    """The credential's request budget where it is not the one the vendor publishes (AutoSync:
    100 a minute per API key), such as a plan with a higher limit."""

    @model_validator(mode="after")
    def _oauth_vendor(self) -> ConnectionConfig:
        if self.oauth is not None and self.dms not in OAUTH_DMS:
            raise ValueError(f"connection {self.id!r}: {self.dms.value} has no OAuth sign-in")
        return self

    @field_validator("secrets")
    @classmethod
    def _env_refs_only(cls, value: dict[str, str]) -> dict[str, str]:
        for name, ref in value.items():
            if not ref.startswith("env:") or len(ref) <= 4:
                raise ValueError(
                    f"secret {name!r} must be an environment reference like 'env:NAME', "
                    "never the secret itself"
                )
        return value

    def resolve_secrets(self, environ: Mapping[str, str]) -> dict[str, SecretStr]:
        resolved: dict[str, SecretStr] = {}
        for name, ref in self.secrets.items():
            var = ref[4:]
            if var not in environ:
                raise ConfigError(
                    f"connection {self.id!r}: environment variable {var} (secret {name!r}) "
                    "is not set"
                )
            resolved[name] = SecretStr(environ[var])
        return resolved


Scope = Literal["leads", "customers", "deals", "payments", "service", "accounting", "connections"]


class ClientConfig(_Strict):
    name: Slug
    key_env: str | None = None
    key_sha256: str | None = None
    dealerships: list[str] = Field(min_length=1)
    """Dealership ids this key may see, or ``["*"]`` for all of them."""
    scopes: list[Scope] = Field(default_factory=list)
    cost_capacity: int | None = Field(None, ge=1)
    """This client's cost bucket size; the server's ``client_cost_capacity`` if unset."""
    cost_restore_rate: float | None = Field(None, gt=0)
    """This client's refill rate; the server's ``client_cost_restore_rate`` if unset."""
    webhook_url: str | None = Field(None, pattern=r"^https?://")
    """Where this client's change events are POSTed, signed (``graph.events.outbound``)."""
    webhook_secret_env: str | None = None
    """The environment variable holding the secret those deliveries are signed with."""

    @model_validator(mode="after")
    def _one_key_source(self) -> ClientConfig:
        if (self.key_env is None) == (self.key_sha256 is None):
            raise ValueError(f"client {self.name!r}: give exactly one of key_env, key_sha256")
        if (self.webhook_url is None) != (self.webhook_secret_env is None):
            raise ValueError(
                f"client {self.name!r}: give webhook_url and webhook_secret_env together"
            )
        return self

    def key_digest(self, environ: Mapping[str, str]) -> str:
        if self.key_sha256 is not None:
            return self.key_sha256.lower()
        assert self.key_env is not None
        if self.key_env not in environ:
            raise ConfigError(
                f"client {self.name!r}: environment variable {self.key_env} is not set"
            )
        return hash_api_key(environ[self.key_env])


class AppConfig(_Strict):
    server: ServerConfig = ServerConfig()
    cache: CacheConfig = CacheConfig()
    events: EventsConfig = EventsConfig()
    shared: SharedConfig = SharedConfig()
    tracing: TracingConfig = TracingConfig()
    connections: list[ConnectionConfig] = Field(default_factory=list)
    clients: list[ClientConfig] = Field(default_factory=list)

    @model_validator(mode="after")
    def _references(self) -> AppConfig:
        conn_ids = [c.id for c in self.connections]
        if len(set(conn_ids)) != len(conn_ids):
            raise ValueError("connection ids must be unique")
        dealer_ids = [d.id for c in self.connections for d in c.dealerships]
        if len(set(dealer_ids)) != len(dealer_ids):
            raise ValueError("dealership ids must be unique across all connections")
        _unique("client names", [c.name for c in self.clients])
        # One key for two clients would let the later silently take the earlier's scopes.
        _unique("client key_env values", [c.key_env for c in self.clients if c.key_env])
        _unique(
            "client key_sha256 values",
            [c.key_sha256.lower() for c in self.clients if c.key_sha256],
            show=False,
        )
        known = set(dealer_ids)
        for client in self.clients:
            unknown = [d for d in client.dealerships if d != ALL_DEALERSHIPS and d not in known]
            if unknown:
                raise ValueError(f"client {client.name!r} names unknown dealerships {unknown}")
        return self


def _unique(what: str, values: list[str], *, show: bool = True) -> None:
    repeated = sorted({v for v in values if values.count(v) > 1})
    if repeated:
        raise ValueError(f"{what} must be unique" + (f"; repeated: {repeated}" if show else ""))


def describe(exc: ValidationError) -> str:
    """A validation failure as ``location: problem`` lines, never the offending value: a
    secret written into the file by mistake must not reach the terminal or a log."""
    lines = []
    for error in exc.errors(include_url=False, include_input=False, include_context=False):
        where = ".".join(str(part) for part in error["loc"]) or "(top level)"
        lines.append(f"  {where}: {error['msg']}")
    return f"{exc.error_count()} problem(s):\n" + "\n".join(lines)


def hash_api_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def load_config(path: Path) -> AppConfig:
    try:
        data = tomllib.loads(path.read_text())
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from exc
    try:
        return AppConfig.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(f"{path}: {describe(exc)}") from None


def environ() -> Mapping[str, str]:
    return os.environ
