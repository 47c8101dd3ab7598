"""The embedded default: with no configuration, serve the vendor sandboxes in-process.

The adapters still talk to the sandboxes over real HTTP on loopback; only the configuration
is generated, with the sandbox credentials passed the same way real ones are (through an
environment mapping), so the one code path is exercised.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, get_args

from adapters.models import Dms
from graph.config import (
    ALL_DEALERSHIPS,
    AppConfig,
    ClientConfig,
    ConnectionConfig,
    DealershipConfig,
    Scope,
    ServerConfig,
)
from sandbox import RunningSandbox

if TYPE_CHECKING:
    from graph.runtime import Runtime

DEMO_CLIENT = "sandbox-demo"
DEMO_KEY_ENV = "DEALERGRAPH_DEMO_KEY"


SANDBOX_TIME_ZONE = "America/New_York"
"""The sandbox stores' time zone (the vendor pages give none; a real one is configured)."""


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:48] or "store"


@dataclass(frozen=True, slots=True)
class LocalVendor:
    """A vendor server on this machine the configuration points at (a sandbox, or the
    page examples' replay in the tests)."""

    name: str
    base_url: str
    credentials: Mapping[str, str]
    stores: Sequence[tuple[str | None, str]]
    """(store id, store name) per dealership; None where the login is itself one store."""


def local_config(
    vendors: Iterable[LocalVendor], demo_key: str, server: ServerConfig | None = None
) -> tuple[AppConfig, dict[str, str]]:
    """A configuration with one connection per vendor, its secrets passed through the
    returned environment as real ones are, and one client holding ``demo_key`` that sees
    every dealership and holds every scope."""
    environ = {DEMO_KEY_ENV: demo_key}
    connections: list[ConnectionConfig] = []
    for vendor in vendors:
        name = vendor.name
        secrets: dict[str, str] = {}
        for secret_name, value in vendor.credentials.items():
            var = f"DEALERGRAPH_SANDBOX_{name}_{secret_name}".upper()
            environ[var] = value
            secrets[secret_name] = f"env:{var}"
        dealerships = [
            DealershipConfig(
                id=f"{name}-{_slug(store_name)}" if store_id is None else f"{name}-{store_id}",
                name=store_name,
                store_id=store_id,
                time_zone=SANDBOX_TIME_ZONE,
            )
            for store_id, store_name in vendor.stores
        ]
        connections.append(
            ConnectionConfig(
                id=f"{name}-sandbox",
                dms=Dms(name),
                base_url=vendor.base_url,
                secrets=secrets,
                dealerships=dealerships,
            )
        )
    config = AppConfig(
        server=server or ServerConfig(),
        connections=connections,
        clients=[
            ClientConfig(
                name=DEMO_CLIENT,
                key_env=DEMO_KEY_ENV,
                dealerships=[ALL_DEALERSHIPS],
                scopes=list(get_args(Scope)),
            )
        ],
    )
    return config, environ


def sandbox_config(
    sandbox: RunningSandbox,
    demo_key: str,
    server: ServerConfig | None = None,
    code_logins: Mapping[str, str] | None = None,
) -> tuple[AppConfig, dict[str, str]]:
    """A configuration with one connection per sandbox vendor, and its environment.

    ``code_logins`` maps a vendor to "sms" or "email": that connection signs in as the
    vendor's login whose MFA is such a code, so it waits for an operator to submit it."""
    unknown = set(code_logins or {}) - set(sandbox.vendors)
    if unknown:
        raise ValueError(f"code logins for vendors not running: {sorted(unknown)}")
    vendors = []
    for name, handle in sandbox.vendors.items():
        method = (code_logins or {}).get(name)
        credentials = handle.credentials
        if method is not None:
            credentials = handle.code_login_credentials(method)
        vendors.append(LocalVendor(name, handle.base_url, credentials, handle.stores))
    return local_config(vendors, demo_key, server)


def wire_sandbox_webhooks(sandbox: RunningSandbox, runtime: Runtime, base_url: str) -> None:
    """Point the AutoSync sandbox's webhooks at this server's receiver for its connection,
    as a shop owner does in AutoSync's Settings -> Webhooks."""
    handle = sandbox.vendors.get("autosync")
    if handle is None or handle.state.webhooks is None:
        return
    for entry in runtime.dealerships.values():
        if entry.dms.value == "autosync":
            target = f"{base_url}/webhooks/autosync/{entry.connection_id}"
            if target not in handle.state.webhooks.targets:
                handle.state.webhooks.targets.append(target)
