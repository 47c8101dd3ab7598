"""The Supergood family's API conventions: list answers ``{items, page, pageSize, total}``
(pageSize at most 100), detail answers the bare object, errors
``{"error": {"code", "message", "details": [{"field", "message"}]}}``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from adapters.declared import Connection
from adapters.http import HttpClient, VendorError, read_error_object
from adapters.ratelimit import RateBudget
from adapters.rest import ListStyle, RestApi
from adapters.shared import credential_digest
from adapters.supergood.auth import SupergoodCredentials, SupergoodSessionAuth
from adapters.tracking import ScopeOf

SUPERGOOD_LISTS = ListStyle(
    page_param="page",
    size_param="pageSize",
    max_page_size=100,
    items=lambda body: body["items"],
    total=lambda body: body.get("total"),
    detail=lambda body: body,
)


SUPERGOOD_BUDGET: RateBudget | None = None
"""The family's pages state no request budget: only their 429s (Retry-After) limit us."""


def read_supergood_error(body: Any) -> VendorError:
    """The error object, with the fields named in ``details`` (their messages may echo
    submitted values, so only field names are kept)."""
    err = read_error_object(body)
    raw = body.get("error") if isinstance(body, Mapping) else None
    details = raw.get("details") if isinstance(raw, Mapping) else None
    fields = [str(d["field"]) for d in details or () if isinstance(d, Mapping) and d.get("field")]
    if fields:
        message = f"{err.message or 'invalid'} (fields: {', '.join(fields)})"
        return replace(err, message=message, field=fields[0])
    return err


def supergood_api(
    connection: Connection, *, vendor: str, scope_of: ScopeOf | None = None
) -> RestApi:
    """An authenticated API for one Supergood-family connection. Connections on the same
    login share its session and request gate through ``shared``; ``api.http.auth`` is the
    session (its user's rooftops, its MFA state). ``scope_of``: the store a request
    concerns, where one login serves several."""
    shared, policy, base_url = connection.shared, connection.policy, connection.base_url
    creds = SupergoodCredentials.from_secrets(connection.secrets, dms=vendor)
    digest = creds.digest()
    # One account per vendor tenant: the same user name elsewhere is another.
    login = credential_digest(vendor, base_url.rstrip("/"), digest)
    http = HttpClient(
        connection.session,
        base_url,
        vendor=vendor,
        policy=policy,
        auth=shared.auth(
            vendor,
            base_url,
            digest,
            lambda: SupergoodSessionAuth(
                creds,
                clock=shared.wall,
                timer=shared.clock,
                sleep=shared.sleep,
                failed_sign_ins_per_hour=policy.failed_sign_ins_per_hour,
                totp_steps=shared.totp_steps,
                login=login,
                share=shared.sessions(login),
            ),
        ),
        error_reader=read_supergood_error,
        gate=shared.gate(vendor, digest, policy.budget_for(SUPERGOOD_BUDGET)),
        scope_of=scope_of,
        cache=shared.cache(vendor, base_url, digest, policy.cache_ttls),
        observer=shared.observer,
        circuits=shared.circuits(vendor, base_url, digest, policy.circuit_failure_threshold),
    )
    return RestApi(http, SUPERGOOD_LISTS)
