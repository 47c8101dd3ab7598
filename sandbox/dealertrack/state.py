"""Dealertrack's in-memory tenant: one dealer group (integration) with several rooftops,
each its own store world and tables, and logins that each reach some of the rooftops."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from sandbox.common.credentials import hex_text
from sandbox.common.ids import HexIds
from sandbox.common.rng import stream
from sandbox.common.table import Table, table_of
from sandbox.common.world import DEALERSHIP, StoreWorld, build_world
from sandbox.common.world.models import Role
from sandbox.dealertrack.ledger import PeriodLocks, chart_of_accounts
from sandbox.dealertrack.render import DealertrackRenderer, group_id
from sandbox.options import SandboxOptions
from sandbox.supergood import SupergoodAuth, SupergoodUser
from sandbox.supergood.tenant import integration_auth, mfa_logins, staff_login

GROUP = "dealertrack"
ALL_ENTITLEMENTS = ("inventory", "sales", "service", "accounting")  # as on the page
SERVICE_ENTITLEMENTS = ("service",)
# The page's RO example taxes shop supplies with labor and parts (7% of 564.00 = 39.48).
PROFILE = replace(DEALERSHIP, ro_tax_on_fees=True)


@dataclass
class Rooftop:
    """One store of the group. Tables are mutable: writes add to them and change them."""

    rooftop_id: str
    world: StoreWorld
    record: dict[str, Any]
    vehicles: Table[str]
    customers: Table[str]
    deals: Table[str]
    repair_orders: Table[str]
    appointments: Table[str]
    parts: Table[str]
    users: Table[str]
    journal_entries: Table[str]
    gl_accounts: Table[str]
    periods: PeriodLocks

    @property
    def name(self) -> str:
        return self.world.store.name


@dataclass
class DealertrackState:
    integration_id: str
    auth: SupergoodAuth
    api_user: SupergoodUser  # the group login: every rooftop, every entitlement
    service_user: SupergoodUser  # one rooftop's service advisor: scoping and entitlements
    mfa_users: dict[str, SupergoodUser]  # SMS and e-mail MFA logins: the group login's rights
    rooftops: dict[str, Rooftop]

    @property
    def dealership_name(self) -> str:
        """The first rooftop's name (the group itself has no storefront)."""
        return next(iter(self.rooftops.values())).name

    def reachable(self, user: SupergoodUser) -> list[Rooftop]:
        return [self.rooftops[r] for r in user.extra.get("rooftops", ())]


def _rooftop(options: SandboxOptions, ids: HexIds, rooftop_id: str, index: int) -> Rooftop:
    world = build_world(
        seed=options.seed,
        group=GROUP,
        index=index,
        profile=PROFILE,
        scale=options.scale,
        today=options.today,
    )
    render = DealertrackRenderer(world, ids, rooftop_id, index, f"{options.seed}:{GROUP}:{index}")
    return Rooftop(
        rooftop_id=rooftop_id,
        world=world,
        record=render.rooftop(),
        vehicles=table_of(map(render.vehicle, world.inventory), "vehicleId"),
        customers=table_of(map(render.customer, world.customers), "customerId"),
        deals=table_of(map(render.deal, world.deals), "dealId"),
        repair_orders=table_of(map(render.repair_order, world.repair_orders), "roId"),
        appointments=table_of(map(render.appointment, world.appointments), "appointmentId"),
        parts=table_of(map(render.part, world.parts), "partId"),
        users=table_of(map(render.user, world.employees), "userId"),
        journal_entries=Table(),  # no history: the entries posted through the API
        gl_accounts=chart_of_accounts(rooftop_id),
        periods=PeriodLocks.around(options.today),
    )


def build_state(options: SandboxOptions, *, rooftop_count: int = 2) -> DealertrackState:
    if rooftop_count < 1:
        raise ValueError("a dealer group has at least one rooftop")
    rng = stream(options.seed, GROUP, "credentials")
    first_number = 1001 + 100 * rng.randrange(80)  # rt_1001, rt_1002 ... as on the page
    ids = HexIds(f"{options.seed}:{GROUP}")
    rooftops = {
        f"rt_{first_number + i}": _rooftop(options, ids, f"rt_{first_number + i}", i)
        for i in range(rooftop_count)
    }
    home = next(iter(rooftops.values()))  # where the logins' own user records live

    def user_id(n: int) -> str:
        return group_id(ids, "u", 0, n)

    api_user = staff_login(
        home.world, rng, user_id, Role.MANAGER, ALL_ENTITLEMENTS, "General Manager"
    )
    api_user = replace(api_user, extra={"rooftops": list(rooftops)})
    service_user = staff_login(home.world, rng, user_id, Role.SERVICE_ADVISOR, SERVICE_ENTITLEMENTS)
    service_user = replace(service_user, extra={"rooftops": [home.rooftop_id]})
    auth = integration_auth(rng, [api_user, service_user], options, label=GROUP)
    # Their user records live in the home rooftop too; they hold every rooftop, as api_user.
    mfa_users = mfa_logins(
        options.seed, GROUP, home.world, user_id, api_user, [api_user, service_user]
    )
    for user in mfa_users.values():
        auth.add_user(user)
    return DealertrackState(
        integration_id=f"intg_{hex_text(rng, 8)}",
        auth=auth,
        api_user=api_user,
        service_user=service_user,
        mfa_users=mfa_users,
        rooftops=rooftops,
    )
