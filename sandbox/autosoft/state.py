"""AutoSoft's in-memory tenant: one dealership, its users, and its tables by vendor id."""

from __future__ import annotations

from dataclasses import dataclass

from sandbox.autosoft.render import AutoSoftRenderer
from sandbox.common.credentials import hex_text, secret_text, totp_secret
from sandbox.common.ids import HexIds
from sandbox.common.rng import stream
from sandbox.common.table import Table
from sandbox.common.world import DEALERSHIP, StoreWorld, build_world
from sandbox.common.world.models import Role
from sandbox.options import SandboxOptions
from sandbox.supergood import SupergoodAuth, SupergoodUser

ALL_ENTITLEMENTS = ("vehicles", "leads", "deals", "service", "parts", "accounting")
SERVICE_ENTITLEMENTS = ("service", "parts")


@dataclass
class AutoSoftState:
    integration_id: str
    world: StoreWorld
    auth: SupergoodAuth
    api_user: SupergoodUser  # the integration's own login (full entitlements)
    service_user: SupergoodUser  # a service advisor's login, for entitlement checks
    vehicles: Table[str]
    customers: Table[str]
    leads: Table[str]
    deals: Table[str]
    repair_orders: Table[str]
    appointments: Table[str]
    parts: Table[str]
    users: Table[str]
    ar_accounts: Table[str]
    payments: Table[str]

    @property
    def dealership_name(self) -> str:
        return self.world.store.name


def _table(rows: list[dict], key: str) -> Table[str]:
    table: Table[str] = Table()
    for row in rows:
        table.put(row[key], row)
    return table


def build_state(options: SandboxOptions) -> AutoSoftState:
    world = build_world(
        seed=options.seed,
        group="autosoft",
        index=0,
        profile=DEALERSHIP,
        scale=options.scale,
        today=options.today,
    )
    render = AutoSoftRenderer(world, HexIds(f"{options.seed}:autosoft"))
    rng = stream(options.seed, "autosoft", "credentials")

    def login_for(role: Role, display: str | None, entitlements: tuple[str, ...]) -> SupergoodUser:
        staff = next(e for e in world.employees if e.role is role and e.active)
        return SupergoodUser(
            user_id=render.user_id(staff.id),
            username=staff.email,
            password=f"{secret_text(rng, 10)}-{secret_text(rng, 6)}",
            totp_secret=totp_secret(rng),
            name=display or staff.full_name,
            entitlements=entitlements,
        )

    api_user = login_for(Role.MANAGER, "General Manager", ALL_ENTITLEMENTS)
    service_user = login_for(Role.SERVICE_ADVISOR, None, SERVICE_ENTITLEMENTS)
    auth = SupergoodAuth(
        client_id=f"cli_{hex_text(rng, 16)}",
        client_secret=secret_text(rng, 40),
        users=[api_user, service_user],
        token_ttl_seconds=options.token_ttl_seconds,
    )
    return AutoSoftState(
        integration_id=f"intg_{hex_text(rng, 8)}",
        world=world,
        auth=auth,
        api_user=api_user,
        service_user=service_user,
        vehicles=_table([render.vehicle(v) for v in world.inventory], "vehicleId"),
        customers=_table([render.customer(c) for c in world.customers], "customerId"),
        leads=_table([render.lead(x) for x in world.leads], "leadId"),
        deals=_table([render.deal(d) for d in world.deals], "dealId"),
        repair_orders=_table([render.repair_order(r) for r in world.repair_orders], "roId"),
        appointments=_table([render.appointment(a) for a in world.appointments], "appointmentId"),
        parts=_table([render.part(p) for p in world.parts], "partId"),
        users=_table([render.user(e) for e in world.employees], "userId"),
        ar_accounts=_table([render.account(a) for a in world.accounts], "accountId"),
        payments=_table([render.payment(p) for p in world.payments], "paymentId"),
    )
