"""One Supergood-family integration: its logins, its credentials and its served app."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields
from typing import Any, Protocol

from sandbox.common.credentials import hex_text, secret_text, totp_secret
from sandbox.common.documented import RouteKey, route_keys
from sandbox.common.people import person_name
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
from sandbox.supergood.mfa import EMAIL, SMS


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
    rng: random.Random,
    users: Sequence[SupergoodUser],
    options: SandboxOptions,
    *,
    label: str = "supergood",
) -> SupergoodAuth:
    """Tokens live ``options.token_ttl_seconds`` on the ``options.now`` clock."""
    return SupergoodAuth(
        client_id=f"cli_{hex_text(rng, 16)}",
        client_secret=secret_text(rng, 40),
        users=users,
        token_ttl_seconds=options.token_ttl_seconds,
        clock=options.now,
        label=label,
    )


def mfa_logins(
    seed: int,
    group: str,
    world: StoreWorld,
    user_id: Callable[[int], str],
    template: SupergoodUser,
    taken: Iterable[SupergoodUser],
) -> dict[str, SupergoodUser]:
    """An SMS login and an e-mail login (keys "sms", "email") holding ``template``'s
    entitlements and extra (Dealertrack's rooftops), each another active employee of the
    store not in ``taken``, or made up when the store has too few.

    Drawn from their own stream, so every other credential and record stays as it was."""
    rng = stream(seed, group, "mfa-credentials")
    # Secrets first, so they depend on the seed alone and not on the store's staff count.
    # 555-0100..0199 numbers are reserved for fiction.
    passwords = {m: f"{secret_text(rng, 10)}-{secret_text(rng, 6)}" for m in (SMS, EMAIL)}
    phone = f"+1 555 010 {rng.randrange(100, 200):04d}"
    used = {u.username for u in taken}
    pool = [e for e in world.employees if e.active and e.email not in used]
    next_id = max((e.id for e in world.employees), default=0) + 1
    logins: dict[str, SupergoodUser] = {}
    for method in (SMS, EMAIL):
        if pool:
            staff = pool.pop(rng.randrange(len(pool)))
            uid, name, email = user_id(staff.id), staff.full_name, staff.email
        else:  # no employee record behind it: its id is past the store's last one
            first, last = person_name(rng)
            uid, name = user_id(next_id), f"{first} {last}"
            email = f"{method}.{hex_text(rng, 6)}@{world.store.email_domain}"
            next_id += 1
        logins[method] = SupergoodUser(
            user_id=uid,
            username=email,
            password=passwords[method],
            totp_secret="",  # none: the code comes by SMS or e-mail
            name=name,
            entitlements=template.entitlements,
            extra=dict(template.extra),
            mfa_method=method,
            mfa_destination=phone if method == SMS else email,
        )
    return logins


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
    options: SandboxOptions,
    label: str = "supergood",
) -> tuple[SupergoodUser, SupergoodUser, SupergoodAuth]:
    """The integration's own login (the general manager, every entitlement), a staff
    login with fewer (for entitlement checks), and the auth that knows both."""
    manager = staff_login(world, rng, user_id, Role.MANAGER, entitlements, "General Manager")
    staff = staff_login(world, rng, user_id, staff_role, staff_entitlements)
    auth = integration_auth(rng, [manager, staff], options, label=label)
    return manager, staff, auth


@dataclass
class DealershipTenant:
    """A single-dealership integration: its world, its auth, the integration's own login,
    a service advisor's (fewer entitlements, for entitlement checks) and the SMS and e-mail
    MFA logins (the API login's entitlements). A vendor's state adds its tables."""

    integration_id: str
    world: StoreWorld
    auth: SupergoodAuth
    api_user: SupergoodUser
    service_user: SupergoodUser
    mfa_users: dict[str, SupergoodUser]  # "sms" and "email"

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
        options=options,
        label=group,
    )
    mfa_users = mfa_logins(options.seed, group, world, user_id, api_user, [api_user, service_user])
    for user in mfa_users.values():
        auth.add_user(user)
    return DealershipTenant(
        integration_id=f"intg_{hex_text(rng, 8)}",
        world=world,
        auth=auth,
        api_user=api_user,
        service_user=service_user,
        mfa_users=mfa_users,
    )


class Tenant(Protocol):
    """What every Supergood-family sandbox state exposes."""

    integration_id: str
    auth: SupergoodAuth
    api_user: SupergoodUser  # the login whose credentials are handed to clients
    mfa_users: dict[str, SupergoodUser]  # the SMS and e-mail MFA logins, by method

    @property
    def dealership_name(self) -> str: ...


def integration_app(
    name: str,
    state: Tenant,
    collections: Iterable[Collection],
    routes: Iterable[Route] = (),
    extrapolated: Iterable[RouteKey] = (),
) -> VendorApp:
    """Serve ``collections`` (and any other ``routes``) under ``/integrations/<id>``;
    ``extrapolated`` names those of them not on the vendor page, below that prefix."""
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
        extrapolated=route_keys(prefix, extrapolated),
    )
