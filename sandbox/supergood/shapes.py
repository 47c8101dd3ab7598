"""JSON shapes the Supergood pages share across vendors (the customer address object)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sandbox.common.people import PostalAddress
from sandbox.common.world.models import Customer, Employee, Part


def address_row(a: PostalAddress) -> dict[str, Any]:
    """``{"line1", "city", "region", "postalCode", "country"}`` as on the AutoSoft and
    Auto/Mate pages."""
    return {
        "line1": a.line1,
        "city": a.city,
        "region": a.region,
        "postalCode": a.postal_code,
        "country": a.country,
    }


def customer_row(customer_id: str, c: Customer, phone: str) -> dict[str, Any]:
    """A customer as AutoSoft and DealerCenter list it (each formats the phone its way)."""
    return {
        "customerId": customer_id,
        "firstName": c.first_name,
        "lastName": c.last_name,
        "companyName": c.company_name,
        "customerType": "business" if c.is_business else "retail",
        "email": c.email,
        "phone": phone,
        "address": address_row(c.address),
        "createdAt": c.created_at,
        "updatedAt": c.updated_at,
    }


def new_customer_row(customer_id: str, person: dict[str, Any], now: datetime) -> dict[str, Any]:
    """A retail customer a write creates from a person's ``firstName``, ``lastName``,
    ``email``, ``phone`` and ``address``, in ``customer_row``'s shape."""
    return {
        "customerId": customer_id,
        "firstName": person["firstName"],
        "lastName": person["lastName"],
        "companyName": None,
        "customerType": "retail",
        "email": person["email"],
        "phone": person["phone"],
        "address": person["address"],
        "createdAt": now,
        "updatedAt": now,
    }


def user_row(user_id: str, e: Employee, role: str) -> dict[str, Any]:
    """A user as AutoSoft and DealerCenter list it (each names the roles its way)."""
    return {
        "userId": user_id,
        "firstName": e.first_name,
        "lastName": e.last_name,
        "name": e.full_name,
        "email": e.email,
        "role": role,
        "active": e.active,
    }


def part_row(part_id: str, p: Part) -> dict[str, Any]:
    """A part as AutoSoft and Dealertrack list it."""
    return {
        "partId": part_id,
        "partNumber": p.part_number,
        "description": p.description,
        "onHand": p.on_hand,
        "cost": p.cost,
        "price": p.price,
        "bin": p.bin,
        "vendor": p.brand,
        "reorderPoint": p.reorder_point,
        "updatedAt": p.updated_at,
    }
