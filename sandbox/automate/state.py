"""Auto/Mate's in-memory tenant: one dealership, its logins, and its tables by vendor id.

Tables are mutable (``Table.put``): the write endpoints add to them.
"""

from __future__ import annotations

from dataclasses import dataclass

from sandbox.automate.render import AutoMateRenderer
from sandbox.common.ids import HexIds
from sandbox.common.table import Table, table_of
from sandbox.options import SandboxOptions
from sandbox.supergood.tenant import DealershipTenant, dealership_tenant, dealership_world

GROUP = "automate"
# As the page's session example lists them; parts belong to fixed operations ("service").
ALL_ENTITLEMENTS = ("inventory", "sales", "service", "accounting")
SERVICE_ENTITLEMENTS = ("service",)


@dataclass
class AutoMateState(DealershipTenant):
    vehicles: Table[str]
    customers: Table[str]
    deals: Table[str]
    repair_orders: Table[str]
    appointments: Table[str]
    parts: Table[str]
    users: Table[str]
    receivables: Table[str]
    receipts: Table[str]


def build_state(options: SandboxOptions) -> AutoMateState:
    world = dealership_world(options, GROUP)
    render = AutoMateRenderer(
        world, HexIds(f"{options.seed}:{GROUP}"), seed=options.seed, today=options.today
    )
    tenant = dealership_tenant(
        options,
        GROUP,
        world,
        render.user_id,
        entitlements=ALL_ENTITLEMENTS,
        service_entitlements=SERVICE_ENTITLEMENTS,
    )
    return AutoMateState(
        **tenant.tenant_fields(),
        vehicles=table_of(map(render.vehicle, world.inventory), "vehicleId"),
        customers=table_of(map(render.customer, world.customers), "customerId"),
        deals=table_of(map(render.deal, world.deals), "dealId"),
        repair_orders=table_of(map(render.repair_order, world.repair_orders), "repairOrderId"),
        appointments=table_of(map(render.appointment, world.appointments), "appointmentId"),
        parts=table_of(map(render.part, world.parts), "partId"),
        users=table_of(map(render.user, world.employees), "userId"),
        receivables=table_of(map(render.receivable, world.accounts), "accountId"),
        receipts=table_of(map(render.receipt, world.payments), "receiptId"),
    )
