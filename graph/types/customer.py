"""A customer of the dealership: the buyer of deals, the owner of serviced vehicles."""

from __future__ import annotations

import datetime
from typing import ClassVar

import strawberry

from graph.kinds import CUSTOMERS
from graph.types.node import DealershipObject
from graph.types.registry import node_type
from graph.types.values import Address, Consent


@node_type(CUSTOMERS)
@strawberry.federation.type(keys=["id"])
class Customer(DealershipObject):
    first_name: str | None
    last_name: str | None
    company_name: str | None
    is_business: bool
    email: str | None
    phone: str | None
    address: Address | None
    external_id: str | None = strawberry.field(
        description="The id an integration gave this customer (its upsert key), where kept."
    )
    consent: Consent | None = strawberry.field(description="Marketing contact opt-ins on file.")
    created_at: datetime.datetime | None
    updated_at: datetime.datetime | None
    display_name: str = strawberry.field(description="Company name or first and last name.")
    renamed_from: ClassVar[dict[str, str]] = {"external_id": "reference_id"}
