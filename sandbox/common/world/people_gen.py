"""Staff and customers."""

from __future__ import annotations

import random

from sandbox.common.dates import Timeline
from sandbox.common.people import (
    EmailFactory,
    business_name,
    person_name,
    phone_number,
    street_address,
)
from sandbox.common.rng import chance, spread
from sandbox.common.world.models import Customer, Employee, Role, StoreInfo


def generate_employees(
    rng: random.Random,
    n: int,
    roles: tuple[tuple[Role, int], ...],
    store: StoreInfo,
    timeline: Timeline,
    emails: EmailFactory,
) -> list[Employee]:
    drafts = []
    seen_role: set[Role] = set()
    for role in spread(rng, n, roles):
        first, last = person_name(rng)
        # The first of each role stays active so every role has someone on duty.
        active = role not in seen_role or chance(rng, 0.9)
        seen_role.add(role)
        hired = timeline.days_ago(rng, 30, 3200)
        drafts.append((hired, first, last, role, active))
    drafts.sort(key=lambda d: d[0])
    return [
        Employee(
            id=i,
            first_name=first,
            last_name=last,
            email=emails.work(first, last, store.email_domain),
            role=role,
            active=active,
            hired_at=hired,
        )
        for i, (hired, first, last, role, active) in enumerate(drafts, start=1)
    ]


def generate_customers(
    rng: random.Random, n: int, store: StoreInfo, timeline: Timeline, emails: EmailFactory
) -> list[Customer]:
    drafts = []
    for _ in range(n):
        first, last = person_name(rng)
        company = business_name(rng, store.metro) if chance(rng, 0.08) else None
        email = emails.business(company) if company else emails.personal(first, last)
        # Older customers are rarer: a square skews creation towards recent years.
        days = 1 + int(2400 * rng.random() ** 1.6)
        created = timeline.days_ago(rng, days, days)
        updated = created
        if chance(rng, 0.6):
            updated = timeline.between(rng, created, timeline.latest)
        drafts.append((created, first, last, company, email, updated))
    drafts.sort(key=lambda d: d[0])
    return [
        Customer(
            id=i,
            first_name=first,
            last_name=last,
            company_name=company,
            email=email,
            phone=phone_number(rng, store.metro),
            address=street_address(rng, store.metro),
            created_at=created,
            updated_at=updated,
        )
        for i, (created, first, last, company, email, updated) in enumerate(drafts, start=1)
    ]
