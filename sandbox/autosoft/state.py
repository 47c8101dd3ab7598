"""AutoSoft's in-memory tenant: one dealership, its users, and its tables by vendor id."""

from __future__ import annotations

from dataclasses import dataclass

from sandbox.autosoft.render import AutoSoftRenderer
from sandbox.common.ids import HexIds
from sandbox.common.table import Table, table_of
from sandbox.options import SandboxOptions
from sandbox.supergood.tenant import DealershipTenant, dealership_tenant, dealership_world

ALL_ENTITLEMENTS = ("vehicles", "leads", "deals", "service", "parts", "accounting")
SERVICE_ENTITLEMENTS = ("service", "parts")


@dataclass
class AutoSoftState(DealershipTenant):
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


def build_state(options: SandboxOptions) -> AutoSoftState:
    world = dealership_world(options, "autosoft")
    render = AutoSoftRenderer(world, HexIds(f"{options.seed}:autosoft"))
    tenant = dealership_tenant(
        options,
        "autosoft",
        world,
        render.user_id,
        entitlements=ALL_ENTITLEMENTS,
        service_entitlements=SERVICE_ENTITLEMENTS,
    )
    return AutoSoftState(
        **tenant.tenant_fields(),
        vehicles=table_of([render.vehicle(v) for v in world.inventory], "vehicleId"),
        customers=table_of([render.customer(c) for c in world.customers], "customerId"),
        leads=table_of([render.lead(x) for x in world.leads], "leadId"),
        deals=table_of([render.deal(d) for d in world.deals], "dealId"),
        repair_orders=table_of([render.repair_order(r) for r in world.repair_orders], "roId"),
        appointments=table_of([render.appointment(a) for a in world.appointments], "appointmentId"),
        parts=table_of([render.part(p) for p in world.parts], "partId"),
        users=table_of([render.user(e) for e in world.employees], "userId"),
        ar_accounts=table_of([render.account(a) for a in world.accounts], "accountId"),
        payments=table_of([render.payment(p) for p in world.payments], "paymentId"),
    )
