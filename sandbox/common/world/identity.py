"""Who the store is: name, market, tax and labor rates."""

from __future__ import annotations

from decimal import Decimal

from sandbox.common.catalog import FRANCHISE_MAKES
from sandbox.common.dates import Timeline
from sandbox.common.money import money
from sandbox.common.people import LAST_NAMES, METROS, phone_number, slug, street_address
from sandbox.common.rng import stream
from sandbox.common.world.models import StoreInfo
from sandbox.common.world.profile import StoreProfile

_SHOP_PATTERNS = (
    "{last}'s Auto Care",
    "{town} Auto Repair",
    "{nick} Automotive",
    "Precision Auto Works",
    "{last} & Sons Garage",
    "{town} Tire & Service",
    "{nick} Car Care",
    "Main Street Garage",
)
_LOT_PATTERNS = (
    "{nick} Auto Sales",
    "{last} Motors",
    "{town} Car Credit",
    "Drive Now Auto",
    "{last} Auto Mart",
    "{nick} Auto Credit",
    "{town} Used Cars",
    "Easy Ride Motors",
)


def make_store_info(
    group_key: str, index: int, profile: StoreProfile, timeline: Timeline
) -> StoreInfo:
    """Stores of one vendor share a market and get distinct names (``index`` picks one)."""
    group = stream(group_key, "identity")
    metro = group.choice(METROS)
    rng = stream(group_key, "identity", index)
    if profile.kind == "dealership":
        makes = list(FRANCHISE_MAKES)
        group.shuffle(makes)
        nicknames = list(metro.nicknames)
        group.shuffle(nicknames)
        make = makes[index % len(makes)]
        name = f"{nicknames[index % len(nicknames)]} {make}"
    else:
        make = None
        patterns = list(_LOT_PATTERNS if profile.kind == "independent" else _SHOP_PATTERNS)
        group.shuffle(patterns)
        name = patterns[index % len(patterns)].format(
            last=rng.choice(LAST_NAMES),
            town=rng.choice(metro.towns).city,
            nick=rng.choice(metro.nicknames),
        )
    store_slug = slug(name)
    low, high = profile.labor_rate_range
    return StoreInfo(
        name=name,
        slug=store_slug,
        metro=metro,
        address=street_address(rng, metro),
        phone=phone_number(rng, metro),
        opened_at=timeline.days_ago(rng, 700, 2600),
        location_count=rng.choice((1, 1, 2)),
        franchise_make=make,
        tax_rate=Decimal(metro.sales_tax),
        labor_rate=money(rng.randrange(low, high + 1, 5)),
        doc_fee=money(rng.choice((299, 349, 389, 449, 499))),
        email_domain=f"{store_slug.replace('-', '')[:24]}.example.com",
    )
