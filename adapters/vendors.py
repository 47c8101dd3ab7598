"""Every DMS, listed once: what the registry, the sandbox, the CLI and the coverage table
read. Adding a DMS is a row here (plus its ``Dms`` value), a vendor package in
``adapters/`` and a sandbox package in ``sandbox/`` (docs/adding-a-dms.md)."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from adapters.automate import AutoMateAdapter
from adapters.autosoft import AutoSoftAdapter
from adapters.autosync import AutoSyncAdapter
from adapters.base import DmsAdapter
from adapters.dealercenter import DealerCenterAdapter
from adapters.dealertrack import DealertrackAdapter
from adapters.declared import DeclaredAdapter
from adapters.models import Dms

AdapterFactory = Callable[..., DmsAdapter]


@dataclass(frozen=True, slots=True)
class Vendor:
    adapter: type[DeclaredAdapter]
    """Its ``dms``; its ``spec`` declares the reads; ``connect`` builds one connection."""
    sandbox: str
    """``module:function`` making the sandbox server from ``SandboxOptions``; named, not
    imported, so serving real vendors never loads the sandboxes."""
    port: int
    """The sandbox's fixed port under ``dealergraph sandbox``."""
    code_login: bool = False
    """Its sandbox has logins whose MFA is an SMS or e-mail code (``--sandbox-mfa``)."""
    polled: bool = False
    """Its changes are found by polling its lists' ``updatedFrom`` filters (it sends no
    webhooks we can receive): ``graph.events.polling``."""

    @property
    def dms(self) -> Dms:
        return self.adapter.dms

    @property
    def name(self) -> str:
        return self.adapter.dms.value

    @property
    def connect(self) -> AdapterFactory:
        """Builds the adapter for one connection (``build_adapter``'s keyword arguments)."""
        return self.adapter.connect


# The Supergood family's sandboxes have code logins; their pages offer updatedFrom filters.
_SUPERGOOD: dict[str, Any] = {"code_login": True, "polled": True}

# In the order of the field-coverage table's columns.
VENDORS: tuple[Vendor, ...] = (
    Vendor(AutoSoftAdapter, "sandbox.autosoft:create_autosoft", 8701, **_SUPERGOOD),
    Vendor(AutoMateAdapter, "sandbox.automate:create_automate", 8702, **_SUPERGOOD),
    Vendor(DealertrackAdapter, "sandbox.dealertrack:create_dealertrack", 8703, **_SUPERGOOD),
    Vendor(DealerCenterAdapter, "sandbox.dealercenter:create_dealercenter", 8704, **_SUPERGOOD),
    Vendor(AutoSyncAdapter, "sandbox.autosync:create_autosync", 8705),
)


def load(ref: str) -> Any:
    """The object a ``module:name`` reference names."""
    module, _, name = ref.partition(":")
    return getattr(importlib.import_module(module), name)
