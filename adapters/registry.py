"""Building an adapter for one connection from configuration."""

from __future__ import annotations

from collections.abc import Mapping

import aiohttp

from adapters.base import DmsAdapter
from adapters.http import HttpPolicy
from adapters.models import Dms
from adapters.oauth import OAuthGrant
from adapters.shared import SharedCredentials
from adapters.vendors import VENDORS, AdapterFactory

_FACTORIES: dict[Dms, AdapterFactory] = {v.dms: v.connect for v in VENDORS}


def supported_dms() -> frozenset[Dms]:
    return frozenset(_FACTORIES)


def build_adapter(
    dms: Dms,
    *,
    http: aiohttp.ClientSession,
    base_url: str,
    secrets: Mapping[str, str],
    policy: HttpPolicy | None = None,
    shared: SharedCredentials | None = None,
    oauth: OAuthGrant | None = None,
) -> DmsAdapter:
    """An adapter for one connection over the process-wide ``http`` session.

    ``secrets`` holds the vendor's keys (AutoSoft: client_id, client_secret, username,
    password, totp_secret; AutoSync: api_key); they are wrapped at once and never kept as
    plain text beyond the request headers that need them. Connections built with the same
    ``shared`` draw on one request budget and one session per credential. Raises
    ``ValueError`` naming the problem (unknown or not yet supported DMS, missing secret
    keys), never a value. ``oauth``: where the tokens of a connection a person authorized
    are kept (AutoSync platform integrations); its secrets are then the OAuth client's.
    """
    available = ", ".join(sorted(d.value for d in _FACTORIES))
    try:
        kind = Dms(dms)
    except ValueError:
        raise ValueError(f"unknown dms {dms!r}; adapters exist for: {available}") from None
    factory = _FACTORIES.get(kind)
    if factory is None:
        raise ValueError(f"no adapter for dms {kind.value!r} yet; adapters exist for: {available}")
    return factory(
        session=http,
        base_url=base_url,
        secrets=secrets,
        policy=policy or HttpPolicy(),
        shared=shared,
        oauth=oauth,
    )
