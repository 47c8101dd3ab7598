"""Each vendor's declarative spec agrees with its sandbox: every resource is routed, and its
``documented`` flags are what the sandbox (after docs/contracts) marks documented."""

from __future__ import annotations

import re

import pytest

from adapters.base import Capability
from adapters.spec import ScopeKind
from adapters.vendors import VENDORS, Vendor, load
from sandbox.common.documented import served_routes
from sandbox.options import DEFAULT_OPTIONS

_PARAM = re.compile(r"\{[^}]*\}")


def _shape(pattern: str) -> str:
    """A route pattern with its parameters unnamed: ``/shops/{}/customers/{}``."""
    return _PARAM.sub("{}", pattern)


@pytest.mark.parametrize("vendor", VENDORS, ids=lambda v: v.name)
def test_the_spec_matches_the_sandbox_routes(vendor: Vendor) -> None:
    app = load(vendor.sandbox)(DEFAULT_OPTIONS)
    served = {_shape(p) for method, p in served_routes(app.app) if method == "GET"}
    extrapolated = {_shape(p) for method, p in app.extrapolated if method == "GET"}
    spec = vendor.adapter.spec
    prefix = spec.scope.name if spec.scope.kind is ScopeKind.PATH else ""
    assert spec.resources
    for capability, r in spec.resources.items():
        listed = _shape(app.base_path + prefix + r.path)
        for path, documented in (
            (listed, r.list_documented),
            (listed + "/{}", r.detail_documented),
        ):
            assert path in served, (capability, path)
            assert (path not in extrapolated) is documented, (capability, path)


def test_capabilities_are_the_declared_resources() -> None:
    assert len(VENDORS) == 5
    for vendor in VENDORS:
        assert vendor.adapter.capabilities == frozenset(vendor.adapter.spec.resources)
        assert Capability.EMPLOYEES in vendor.adapter.capabilities
