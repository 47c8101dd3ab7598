"""Process-wide state: the shared HTTP session, one adapter per connection, and who may see what.

Built once at start-up from the configuration; every request reads it and never changes it.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import aiohttp
from pydantic import SecretStr

from adapters.base import Capability, DmsAdapter
from adapters.errors import AdapterError
from adapters.http import HttpPolicy
from adapters.models import Dms
from adapters.oauth import OAuthGrant
from adapters.observing import Observers
from adapters.ratelimit import RateBudget
from adapters.registry import build_adapter
from adapters.shared import SharedCredentials
from adapters.totp_steps import FileTotpSteps
from adapters.vendors import VENDORS
from graph.config import (
    ALL_DEALERSHIPS,
    AddressConfig,
    AppConfig,
    ConfigError,
    ConnectionConfig,
    ServerConfig,
    hash_api_key,
)
from graph.derived import Today, utc_today
from graph.events.autosync_webhooks import WebhookEndpoint
from graph.events.hub import EventHub
from graph.events.log import EventLog
from graph.events.model import Event
from graph.events.outbound import OutboundWebhook
from graph.events.polling import Poller
from graph.events.stores import open_event_log
from graph.exactly_once import ExactlyOnce
from graph.idempotency_stores import open_idempotency_store
from graph.ids import encode_global_id
from graph.metrics import Metrics
from graph.oauth import OAuthLinks
from graph.shared_state import shared_redis
from graph.token_vault import EncryptedTokenFile, TokenKeyError
from graph.tracing import NoTracing
from graph.tracing_setup import build_tracing

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class DealershipEntry:
    id: str
    name: str
    dms: Dms
    connection_id: str
    store_id: str | None
    adapter: DmsAdapter
    time_zone: str | None = None
    address: AddressConfig | None = None

    @property
    def capabilities(self) -> frozenset[Capability]:
        return self.adapter.capabilities


@dataclass(frozen=True, slots=True)
class ApiClient:
    name: str
    dealership_ids: frozenset[str]
    scopes: frozenset[str]
    cost_capacity: int = 2000
    """Size of this client's cost bucket (``extensions.cost.throttleStatus``)."""
    cost_restore_rate: float = 50.0
    """Cost points a second the bucket refills."""

    def may_see(self, dealership_id: str) -> bool:
        return dealership_id in self.dealership_ids


NOBODY = ApiClient(name="(unauthenticated)", dealership_ids=frozenset(), scopes=frozenset())
"""The client of a WebSocket that has not sent its key yet: it sees nothing."""


@dataclass(frozen=True, slots=True)
class ProbeResult:
    connection_id: str
    dealerships: list[DealershipEntry]
    error: AdapterError | None


@dataclass
class Runtime:
    server: ServerConfig
    http: aiohttp.ClientSession
    dealerships: dict[str, DealershipEntry]
    adapters: dict[str, DmsAdapter]
    exactly_once: ExactlyOnce
    shared: SharedCredentials
    _clients_by_digest: dict[str, ApiClient] = field(repr=False)
    oauth: OAuthLinks | None = None
    """The authorize links of the connections a person authorizes with OAuth, if any."""
    events: EventHub | None = None
    """Change events: the log, AutoSync's webhook receivers and the pollers."""
    metrics: Metrics = field(default_factory=Metrics)
    """What ``/metrics`` shows (``graph.metrics``)."""
    probing: asyncio.Task[list[ProbeResult]] | None = None
    """The start-up round that reaches every connection once (``start_probing``)."""
    today: Today = utc_today
    """The date derived fields count from (``graph.derived``); tests set their own."""
    tracing: NoTracing = field(default_factory=NoTracing)
    """Operation and vendor request spans (``graph.tracing``), when configured."""
    _visible: dict[frozenset[str], tuple[DealershipEntry, ...]] = field(
        default_factory=dict, repr=False, compare=False
    )

    @classmethod
    async def start(
        cls,
        config: AppConfig,
        environ: Mapping[str, str],
        *,
        shared: SharedCredentials | None = None,
        tracing: NoTracing | None = None,
    ) -> Runtime:
        """``shared``: what connections on one credential share (tests pass one on a
        virtual clock); a fresh one by default. ``tracing``: instead of the configured
        one (tests pass one exporting to memory)."""
        # Resolve every secret and key before opening anything, so a bad config fails fast.
        secrets = {c.id: c.resolve_secrets(environ) for c in config.connections}
        digests = {c.name: c.key_digest(environ) for c in config.clients}
        for c in config.clients:
            if c.webhook_secret_env is not None and not environ.get(c.webhook_secret_env):
                raise ConfigError(
                    f"client {c.name!r}: environment variable {c.webhook_secret_env} is not set"
                )
        # TOTP steps in the data directory: a restart inside one step must not replay a code.
        steps = FileTotpSteps(Path(config.server.data_dir) / "totp-steps.json")
        if shared is None:
            redis = await shared_redis(config.shared, environ)  # None: nothing on Redis
            shared = SharedCredentials(totp_steps=steps, redis=redis)
        metrics = Metrics()
        tracing = tracing or build_tracing(config.tracing)
        spans = tracing.observer
        # Before any connection is built: each takes the observer when it is.
        shared.observer = Observers([metrics, spans]) if spans is not None else metrics
        oauth = OAuthLinks.from_config(config, environ, clock=shared.wall)
        vault: EncryptedTokenFile | None = None
        if oauth is not None:
            key_env = config.server.token_key_env
            tokens_at = Path(config.server.data_dir) / "oauth-tokens.json"
            try:
                vault = EncryptedTokenFile(tokens_at, environ[key_env])
            except TokenKeyError as exc:
                raise ConfigError(f"{key_env}: {exc}") from None
        shared_keys = [name for name, d in digests.items() if list(digests.values()).count(d) > 1]
        if shared_keys:
            raise ConfigError(f"clients {shared_keys} have the same API key; give each its own")

        s = config.server
        policy = HttpPolicy(
            connect_timeout=s.upstream_connect_timeout,
            read_timeout=s.upstream_read_timeout,
            max_concurrency=s.upstream_concurrency,
            cache_ttls=config.cache.ttls(),
            failed_sign_ins_per_hour=s.failed_sign_ins_per_hour,
        )
        # Before anything else is opened: a database it cannot reach stops start-up here.
        store = await open_idempotency_store(s, environ)
        try:
            log = await open_event_log(s, environ, clock=shared.wall)
        except BaseException:
            await store.close()
            raise
        http = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=200, limit_per_host=50),
            raise_for_status=False,
        )
        adapters: dict[str, DmsAdapter] = {}
        dealerships: dict[str, DealershipEntry] = {}
        try:
            for conn in config.connections:
                adapter = build_adapter(
                    conn.dms,
                    http=http,
                    base_url=conn.base_url,
                    secrets={k: v.get_secret_value() for k, v in secrets[conn.id].items()},
                    policy=_with_budget(policy, conn),
                    shared=shared,
                    oauth=OAuthGrant(vault, conn.id) if conn.oauth and vault else None,
                )
                await adapter.start()
                adapters[conn.id] = adapter
                for d in conn.dealerships:
                    dealerships[d.id] = DealershipEntry(
                        id=d.id,
                        name=d.name,
                        dms=conn.dms,
                        connection_id=conn.id,
                        store_id=d.store_id,
                        adapter=adapter,
                        time_zone=d.time_zone,
                        address=d.address,
                    )
        except BaseException:
            for adapter in adapters.values():
                await adapter.close()
            await http.close()
            await store.close()
            await log.close()
            raise

        all_ids = frozenset(dealerships)
        clients = {
            digests[c.name]: ApiClient(
                name=c.name,
                dealership_ids=all_ids
                if ALL_DEALERSHIPS in c.dealerships
                else frozenset(c.dealerships),
                scopes=frozenset(c.scopes),
                cost_capacity=c.cost_capacity or s.client_cost_capacity,
                cost_restore_rate=c.cost_restore_rate or s.client_cost_restore_rate,
            )
            for c in config.clients
        }
        metrics.watch_connections(
            lambda: [(d.id, d.adapter.health(d.store_id).state) for d in dealerships.values()]
        )
        events = _event_hub(config, log, secrets, dealerships, shared)
        events.session = http
        events.outbound = _outbound_webhooks(config, environ, clients.values(), events.log)
        events.start()
        return cls(
            server=s,
            http=http,
            dealerships=dealerships,
            adapters=adapters,
            exactly_once=ExactlyOnce(store),
            shared=shared,
            _clients_by_digest=clients,
            oauth=oauth,
            events=events,
            metrics=metrics,
            tracing=tracing,
        )

    def start_probing(self) -> None:
        """Reach and sign in to every connection once, in the background, so a wrong
        address or password shows at start and ``/readyz`` knows each was tried."""
        self.probing = asyncio.create_task(self.probe_all())

    async def probe_all(self) -> list[ProbeResult]:
        """Each connection reached and signed in to, with the error it met (None: fine)."""
        by_connection: dict[str, list[DealershipEntry]] = {}
        for entry in self.dealerships.values():
            by_connection.setdefault(entry.connection_id, []).append(entry)

        async def probe(connection_id: str, entries: list[DealershipEntry]) -> ProbeResult:
            try:
                await entries[0].adapter.probe()
            except AdapterError as exc:
                log.warning("connection %s: %s (%s)", connection_id, exc.message, exc.code)
                return ProbeResult(connection_id, entries, exc)
            return ProbeResult(connection_id, entries, None)

        return list(await asyncio.gather(*(probe(c, e) for c, e in by_connection.items())))

    async def complete_authorization(self, connection_id: str, code: str) -> None:
        """Trade an OAuth code for the connection's tokens (``graph.oauth``)."""
        await self.adapters[connection_id].complete_authorization(code)

    def clear_caches(self) -> None:
        """Forget every cached vendor answer; sessions and reference data stay."""
        self.shared.clear_caches()

    async def close(self) -> None:
        if self.probing is not None and not self.probing.done():
            self.probing.cancel()
        if self.events is not None:
            await self.events.close()
        await self.exactly_once.store.close()
        for adapter in self.adapters.values():
            await adapter.close()
        await self.http.close()
        await self.tracing.close()
        await self.shared.close()

    def visible_to(self, client: ApiClient) -> tuple[DealershipEntry, ...]:
        """The dealerships ``client`` may see, in configuration order. Every request asks
        (the cost plan counts them), so each set of dealerships is worked out once:
        walking every configured dealership each time made even ``{ __typename }`` cost
        more the more stores the deployment serves. The dealerships are fixed at start."""
        seen = self._visible.get(client.dealership_ids)
        if seen is None:
            seen = tuple(d for d in self.dealerships.values() if client.may_see(d.id))
            self._visible[client.dealership_ids] = seen
        return seen

    def authenticate(self, api_key: str) -> ApiClient | None:
        digest = hash_api_key(api_key)
        # Compare against every digest in constant time so timing does not leak which
        # prefix matched; the client list is small.
        found: ApiClient | None = None
        for known, client in self._clients_by_digest.items():
            if hmac.compare_digest(known, digest):
                found = client
        return found


POLLED_DMS = frozenset(v.dms for v in VENDORS if v.polled)
"""The DMSs whose pages offer ``updatedFrom`` filters and no webhooks we can receive."""


def _event_hub(
    config: AppConfig,
    events: EventLog,
    secrets: Mapping[str, Mapping[str, SecretStr]],
    dealerships: Mapping[str, DealershipEntry],
    shared: SharedCredentials,
) -> EventHub:
    settings = config.events
    webhooks = {
        c.id: WebhookEndpoint(
            c.id,
            secrets[c.id]["webhook_secret"].get_secret_value().encode(),
            {str(d.store_id): d.id for d in c.dealerships if d.store_id is not None},
        )
        for c in config.connections
        if c.dms is Dms.AUTOSYNC and "webhook_secret" in secrets[c.id]
    }

    def forget_cached(dealership_id: str) -> None:
        entry = dealerships.get(dealership_id)
        if entry is not None:
            entry.adapter.forget_cached(entry.store_id)

    hub = EventHub(
        events,
        webhooks,
        None,
        webhook_max_age_seconds=settings.webhook_max_age_seconds,
        retention_seconds=settings.retention_hours * 3600,
        clock=shared.wall,
        forget_cached=forget_cached,
    )
    if settings.poll:
        polled = [d for d in dealerships.values() if d.dms in POLLED_DMS]
        hub.poller = Poller(
            polled,
            events,
            interval=settings.poll_interval_seconds,
            clock=shared.wall,
            record=hub.record,
        )
    return hub


def _with_budget(policy: HttpPolicy, conn: ConnectionConfig) -> HttpPolicy:
    """``policy``, with the connection's own request budget where it names one."""
    budget = conn.request_budget
    if budget is None:
        return policy
    return replace(policy, rate_budget=RateBudget(budget.requests, budget.per_seconds))


def _outbound_webhooks(
    config: AppConfig,
    environ: Mapping[str, str],
    clients: Iterable[ApiClient],
    events: EventLog,
) -> list[OutboundWebhook]:
    by_name = {c.name: c for c in clients}
    hooks = []
    for c in config.clients:
        if c.webhook_url is None or c.webhook_secret_env is None:
            continue
        secret = environ[c.webhook_secret_env]  # checked at start, before anything opened
        hooks.append(
            OutboundWebhook(
                client=c.name,
                url=c.webhook_url,
                secret=secret.encode(),
                dealership_ids=sorted(by_name[c.name].dealership_ids),
                events=events,
                describe=_describe_event,
            )
        )
    return hooks


def _describe_event(event: Event) -> tuple[str, str | None]:
    """An event's global dealership id and record id."""
    d = event.dealership_id
    record = None
    if event.record_type is not None and event.native_id is not None:
        record = encode_global_id(event.record_type, d, event.native_id)
    return encode_global_id("Dealership", d, d), record
