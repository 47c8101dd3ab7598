"""Building adapters from configuration."""

from __future__ import annotations

import aiohttp
import pytest

from adapters.autosoft import AutoSoftAdapter
from adapters.autosync import AutoSyncAdapter
from adapters.base import Capability
from adapters.models import Dms
from adapters.registry import build_adapter, supported_dms

AUTOSOFT_SECRETS = {
    "client_id": "client-abc",
    "client_secret": "cs-very-secret-1",
    "username": "gm@example.com",
    "password": "pw-very-secret-2",
    "totp_secret": "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
}


async def test_builds_each_vendor(session: aiohttp.ClientSession) -> None:
    soft = build_adapter(
        Dms.AUTOSOFT, http=session, base_url="http://x/integrations/1", secrets=AUTOSOFT_SECRETS
    )
    sync = build_adapter(
        Dms.AUTOSYNC, http=session, base_url="http://x/v1", secrets={"api_key": "sk_live_k3y"}
    )
    assert isinstance(soft, AutoSoftAdapter) and soft.dms is Dms.AUTOSOFT
    assert isinstance(sync, AutoSyncAdapter) and sync.dms is Dms.AUTOSYNC
    assert {Dms.AUTOSOFT, Dms.AUTOSYNC, Dms.AUTOMATE} <= supported_dms()
    assert Capability.SERVICE_VEHICLES in sync.capabilities - soft.capabilities
    assert Capability.VEHICLES in soft.capabilities - sync.capabilities


async def test_secrets_never_print(session: aiohttp.ClientSession) -> None:
    soft = build_adapter(Dms.AUTOSOFT, http=session, base_url="http://x", secrets=AUTOSOFT_SECRETS)
    sync = build_adapter(
        Dms.AUTOSYNC, http=session, base_url="http://x", secrets={"api_key": "k3y!"}
    )
    shown = f"{soft!r} {soft} {vars(soft)} {sync!r} {sync} {vars(sync)}"
    for key in ("client_secret", "password", "totp_secret"):
        assert AUTOSOFT_SECRETS[key] not in shown
    assert "k3y!" not in shown


async def test_unknown_or_unbuilt_dms_is_a_clear_error(session: aiohttp.ClientSession) -> None:
    with pytest.raises(ValueError, match=r"unknown dms 'carsoft'.*autosoft, autosync"):
        build_adapter("carsoft", http=session, base_url="http://x", secrets={})  # type: ignore[arg-type]
    for dms in sorted(set(Dms) - supported_dms()):  # none once every DMS has an adapter
        with pytest.raises(ValueError, match=f"no adapter for dms '{dms.value}'"):
            build_adapter(dms, http=session, base_url="http://x", secrets={})


async def test_missing_secrets_are_named_not_shown(session: aiohttp.ClientSession) -> None:
    partial = {k: v for k, v in AUTOSOFT_SECRETS.items() if k not in {"username", "password"}}
    with pytest.raises(ValueError) as err:
        build_adapter(Dms.AUTOSOFT, http=session, base_url="http://x", secrets=partial)
    assert "password" in str(err.value) and "username" in str(err.value)
    # A login whose MFA is an SMS or e-mail code has no TOTP secret to give.
    without_totp = {k: v for k, v in AUTOSOFT_SECRETS.items() if k != "totp_secret"}
    build_adapter(Dms.AUTOSOFT, http=session, base_url="http://x", secrets=without_totp)
    assert AUTOSOFT_SECRETS["client_secret"] not in str(err.value)
    with pytest.raises(ValueError, match="api_key"):
        build_adapter(Dms.AUTOSYNC, http=session, base_url="http://x", secrets={"api_key": ""})
