"""DealerCenter's in-memory tenant: one independent buy-here-pay-here dealership, its
logins, and its tables by vendor id.

Tables are mutable (``Table.put``): the write endpoints add to them and change their rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from sandbox.common.credentials import hex_text
from sandbox.common.ids import HexIds
from sandbox.common.rng import stream
from sandbox.common.table import Table, table_of
from sandbox.common.world import BHPH_DEALER, StoreWorld, build_world
from sandbox.common.world.models import Role
from sandbox.dealercenter.render import DealerCenterRenderer
from sandbox.options import SandboxOptions
from sandbox.supergood import SupergoodAuth, SupergoodUser
from sandbox.supergood.tenant import integration_auth, mfa_logins, staff_login

GROUP = "dealercenter"
# As the page's session example lists them.
ALL_ENTITLEMENTS = ("inventory", "crm", "deals", "bhph")
COLLECTIONS_ENTITLEMENTS = ("bhph",)


@dataclass
class DealerCenterState:
    integration_id: str
    world: StoreWorld
    auth: SupergoodAuth
    api_user: SupergoodUser  # the integration's own login (every entitlement)
    collections_user: SupergoodUser  # a collector's login, for entitlement checks
    mfa_users: dict[str, SupergoodUser]  # SMS and e-mail MFA logins, the API login's rights
    lots: Table[str]
    vehicles: Table[str]
    customers: Table[str]
    leads: Table[str]
    deals: Table[str]
    users: Table[str]
    accounts: Table[str]
    payments: Table[str]

    @property
    def dealership_name(self) -> str:
        return self.world.store.name


def build_state(options: SandboxOptions) -> DealerCenterState:
    world = build_world(
        seed=options.seed,
        group=GROUP,
        index=0,
        profile=BHPH_DEALER,
        scale=options.scale,
        today=options.today,
    )
    render = DealerCenterRenderer(world, HexIds(f"{options.seed}:{GROUP}"), options.seed)
    rng = stream(options.seed, GROUP, "credentials")
    api_user = staff_login(
        world, rng, render.user_id, Role.MANAGER, ALL_ENTITLEMENTS, "General Manager"
    )
    collections_user = staff_login(
        world, rng, render.user_id, Role.ACCOUNTING, COLLECTIONS_ENTITLEMENTS
    )
    auth = integration_auth(rng, [api_user, collections_user], options, label=GROUP)
    mfa_users = mfa_logins(
        options.seed, GROUP, world, render.user_id, api_user, [api_user, collections_user]
    )
    for user in mfa_users.values():
        auth.add_user(user)
    return DealerCenterState(
        integration_id=f"intg_{hex_text(rng, 8)}",
        world=world,
        auth=auth,
        api_user=api_user,
        collections_user=collections_user,
        mfa_users=mfa_users,
        lots=table_of(render.lots(), "lotId"),
        vehicles=table_of(map(render.vehicle, world.inventory), "vehicleId"),
        customers=table_of(map(render.customer, world.customers), "customerId"),
        leads=table_of(map(render.lead, world.leads), "leadId"),
        deals=table_of(map(render.deal, world.deals), "dealId"),
        users=table_of(map(render.user, world.employees), "userId"),
        accounts=table_of(map(render.account, world.accounts), "accountId"),
        payments=table_of(map(render.payment, world.payments), "paymentId"),
    )
