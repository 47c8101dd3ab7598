"""One Supergood-family integration: its logins, its credentials and its served app."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields
from typing import Any, Protocol

from sandbox.common.credentials import hex_text, secret_text, totp_secret
from sandbox.common.request_log import RequestLog
from sandbox.common.rng import stream
from sandbox.common.vendor import VendorApp
from sandbox.common.world import DEALERSHIP, StoreWorld, build_world
from sandbox.common.world.models import Role
from sandbox.options import SandboxOptions
from sandbox.supergood.auth import SupergoodAuth, SupergoodUser
from sandbox.supergood.http import (
    Collection,
    Route,
    build_supergood_app,
    collection_routes,
    render_error,
)


def staff_login(
    world: StoreWorld,
    rng: random.Random,
    user_id: Callable[[int], str],
    role: Role,
    entitlements: tuple[str, ...],
    display: str | None = None,
) -> SupergoodUser:
    """The login of the store's first active employee in ``role``."""
    staff = next(e for e in world.employees if e.role is role and e.active)
    return SupergoodUser(
        user_id=user_id(staff.id),
        username=staff.email,
        password=f"{secret_text(rng, 10)}-{secret_text(rng, 6)}",
        totp_secret=totp_secret(rng),
        name=display or staff.full_name,
        entitlements=entitlements,
    )


def integration_auth(
    rng: random.Random, users: Sequence[SupergoodUser], token_ttl_seconds: int
) -> SupergoodAuth:
    return SupergoodAuth(
        client_id=f"cli_{hex_text(rng, 16)}",
        client_secret=secret_text(rng, 40),
        users=users,
        token_ttl_seconds=token_ttl_seconds,
    )


def dealership_world(options: SandboxOptions, group: str) -> StoreWorld:
    """The one franchise dealership an integration of ``group`` (the vendor) reaches."""
    return build_world(
        seed=options.seed,
        group=group,
        index=0,
        profile=DEALERSHIP,
        scale=options.scale,
        today=options.today,
    )


def manager_and_staff_logins(
    world: StoreWorld,
    rng: random.Random,
    user_id: Callable[[int], str],
    *,
    entitlements: tuple[str, ...],
    staff_role: Role,
    staff_entitlements: tuple[str, ...],
    token_ttl_seconds: int,
) -> tuple[SupergoodUser, SupergoodUser, SupergoodAuth]:
    """The integration's own login (the general manager, every entitlement), a staff
    login with fewer (for entitlement checks), and the auth that knows both."""
    manager = staff_login(world, rng, user_id, Role.MANAGER, entitlements, "General Manager")
    staff = staff_login(world, rng, user_id, staff_role, staff_entitlements)
    return manager, staff, integration_auth(rng, [manager, staff], token_ttl_seconds)


@dataclass
class DealershipTenant:
    """A single-dealership integration: its world, its auth, the integration's own login
    and a service advisor's (fewer entitlements, for entitlement checks). A vendor's state
    adds its tables."""

    integration_id: str
    world: StoreWorld
    auth: SupergoodAuth
    api_user: SupergoodUser
    service_user: SupergoodUser

    @property
    def dealership_name(self) -> str:
        return self.world.store.name

    def tenant_fields(self) -> dict[str, Any]:
        """This tenant's own fields, to build a vendor state (a subclass) from."""
        return {f.name: getattr(self, f.name) for f in fields(DealershipTenant)}


def dealership_tenant(
    options: SandboxOptions,
    group: str,
    world: StoreWorld,
    user_id: Callable[[int], str],
    *,
    entitlements: tuple[str, ...],
    service_entitlements: tuple[str, ...],
) -> DealershipTenant:
    rng = stream(options.seed, group, "credentials")
    api_user, service_user, auth = manager_and_staff_logins(
        world,
        rng,
        user_id,
        entitlements=entitlements,
        staff_role=Role.SERVICE_ADVISOR,
        staff_entitlements=service_entitlements,
        token_ttl_seconds=options.token_ttl_seconds,
    )
    return DealershipTenant(
        integration_id=f"intg_{hex_text(rng, 8)}",
        world=world,
        auth=auth,
        api_user=api_user,
        service_user=service_user,
    )


class Tenant(Protocol):
    """What every Supergood-family sandbox state exposes."""

    integration_id: str
    auth: SupergoodAuth
    api_user: SupergoodUser  # the login whose credentials are handed to clients

    @property
    def dealership_name(self) -> str: ...


def integration_app(
    name: str, state: Tenant, collections: Iterable[Collection], routes: Iterable[Route] = ()
) -> VendorApp:
    """Serve ``collections`` (and any other ``routes``) under ``/integrations/<id>``."""
    log = RequestLog()
    prefix = f"/integrations/{state.integration_id}"
    all_routes = [route for c in collections for route in collection_routes(c)]
    all_routes += routes
    auth, user = state.auth, state.api_user
    app = build_supergood_app(prefix=prefix, auth=auth, routes=all_routes, log=log)
    return VendorApp(
        name=name,
        app=app,
        base_path=prefix,
        credentials={
            "client_id": auth.client_id,
            "client_secret": auth.client_secret,
            "username": user.username,
            "password": user.password,
            "totp_secret": user.totp_secret,
        },
        stores=[(None, state.dealership_name)],
        requests=log,
        state=state,
        render_error=render_error,
        login_paths=frozenset({f"{prefix}/sessions", f"{prefix}/sessions/refresh"}),
    )
