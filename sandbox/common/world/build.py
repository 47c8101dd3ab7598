"""Assemble one store's world from its profile, the seed and the scale."""

from __future__ import annotations

from datetime import date

from sandbox.common.dates import Timeline
from sandbox.common.people import EmailFactory
from sandbox.common.rng import scaled, stream
from sandbox.common.vin import VinFactory
from sandbox.common.world.appraisal import appraise
from sandbox.common.world.identity import make_store_info
from sandbox.common.world.models import StoreWorld
from sandbox.common.world.people_gen import generate_customers, generate_employees
from sandbox.common.world.profile import StoreProfile
from sandbox.common.world.receivables import (
    generate_accounts,
    generate_bhph_accounts,
    generate_repair_order_payments,
    number_payments,
)
from sandbox.common.world.sales import generate_inventory_and_deals, generate_leads
from sandbox.common.world.service import (
    Odometer,
    delivered_cars,
    generate_appointments,
    generate_owned_vehicles,
    generate_parts,
    generate_repair_orders,
)


def build_world(
    *,
    seed: int,
    group: str,
    index: int,
    profile: StoreProfile,
    scale: float,
    today: date,
) -> StoreWorld:
    """``group`` names the vendor (stores of one group share a market); ``index`` the store."""
    timeline = Timeline(today)
    group_key = f"{seed}:{group}"
    key = f"{group_key}:{index}"
    store = make_store_info(group_key, index, profile, timeline)
    emails = EmailFactory(stream(key, "emails"))
    vins = VinFactory(stream(key, "vins"))

    employees = generate_employees(
        stream(key, "employees"),
        scaled(profile.employees, scale, minimum=len(profile.roles)),
        profile.roles,
        store,
        timeline,
        emails,
    )
    customers = generate_customers(
        stream(key, "customers"), scaled(profile.customers, scale), store, timeline, emails
    )
    inventory, deals = [], []
    if profile.inventory:
        n_vehicles = scaled(profile.inventory, scale)
        inventory, deals = generate_inventory_and_deals(
            stream(key, "sales"),
            store,
            timeline,
            vins,
            n_vehicles,
            min(scaled(profile.deals, scale), n_vehicles),
            customers,
            employees,
            profile.sales,
        )
        appraise(stream(key, "appraisal"), inventory)
    leads = []
    if profile.leads and inventory:
        leads = generate_leads(
            stream(key, "leads"), timeline, vins, scaled(profile.leads, scale), customers, inventory
        )
    odometer = Odometer()
    owned = generate_owned_vehicles(
        stream(key, "owned"),
        timeline,
        vins,
        scaled(profile.owned_vehicles, scale),
        customers,
        delivered_cars(deals, inventory),
        odometer,
    )
    parts = generate_parts(stream(key, "parts"), timeline, scaled(profile.parts, scale))
    orders = generate_repair_orders(
        stream(key, "repair_orders"),
        store,
        timeline,
        scaled(profile.repair_orders, scale),
        profile.ro_statuses,
        profile.ro_tax_on_fees,
        owned,
        employees,
        parts,
        odometer,
    )
    appointments = generate_appointments(
        stream(key, "appointments"),
        timeline,
        scaled(profile.appointments, scale),
        profile.appointment_statuses,
        owned,
        employees,
    )
    accounts, payment_drafts = [], []
    if profile.accounts:
        accounts, payment_drafts = generate_accounts(
            stream(key, "accounts"), timeline, scaled(profile.accounts, scale), customers
        )
    if profile.sales.bhph_share and deals:
        loans, loan_payments = generate_bhph_accounts(
            stream(key, "bhph"), timeline, deals, first_id=len(accounts) + 1
        )
        accounts += loans
        payment_drafts += loan_payments
    if profile.ro_payments:
        payment_drafts += generate_repair_order_payments(
            stream(key, "ro_payments"), timeline, orders
        )
    return StoreWorld(
        store=store,
        employees=employees,
        customers=customers,
        inventory=inventory,
        deals=deals,
        leads=leads,
        owned_vehicles=owned,
        parts=parts,
        repair_orders=orders,
        appointments=appointments,
        accounts=accounts,
        payments=number_payments(payment_drafts),
    )
