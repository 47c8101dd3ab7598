"""Receivables: customers' accounts (AR and buy-here-pay-here) and payments."""

from __future__ import annotations

import datetime
from decimal import Decimal

import strawberry

from adapters import models as m
from adapters.base import PaymentFilter
from graph.context import Info
from graph.derived import amount_to_bring_current
from graph.ids import encode_global_id
from graph.kinds import ACCOUNTS, CUSTOMERS, PAYMENTS, REPAIR_ORDERS
from graph.listing import FixedFilter, dealership_list
from graph.pagination import Connection
from graph.sorted_listing import PaymentOrder, ordered_list
from graph.types.convert import build_node, to_graph_value
from graph.types.customer import Customer
from graph.types.enums import AccountKind, AccountStatus, PaymentMethod
from graph.types.node import DealershipObject
from graph.types.registry import node_type
from graph.types.relations import related
from graph.types.service import RepairOrder
from graph.types.values import Installment, PaymentAllocation


@node_type(ACCOUNTS)
@strawberry.federation.type(
    keys=["id"], description="A customer's receivable or buy-here-pay-here account."
)
class Account(DealershipObject):
    account_number: str | None
    kind: AccountKind
    status: AccountStatus
    status_raw: str | None
    opened_on: datetime.date | None
    original_amount: Decimal | None
    balance: Decimal
    payoff_amount: Decimal | None
    apr: Decimal | None
    payment_amount: Decimal | None = strawberry.field(description="The scheduled installment.")
    payment_frequency: str | None
    next_due_date: datetime.date | None
    next_due_amount: Decimal | None
    days_past_due: int
    past_due_amount: Decimal | None
    late_fees_due: Decimal | None = strawberry.field(
        description="Late fees charged and not yet paid (not part of pastDueAmount)."
    )
    amount_to_bring_current: Decimal | None = strawberry.field(
        description="What a payment must be to leave nothing past due: pastDueAmount plus"
        " lateFeesDue (a payment pays late fees first). 0.00 when the account is not past"
        " due; null when the DMS says it is past due without saying by how much."
    )
    last_payment_at: datetime.datetime | None
    schedule: list[Installment]
    updated_at: datetime.datetime | None
    customer_id: strawberry.Private[str | None]

    @classmethod
    def from_model(cls, model: m.Account, dealership_id: str) -> Account:
        # The schedule in due-date order, whatever order the DMS listed it in.
        schedule = tuple(sorted(model.schedule, key=lambda i: i.due_date))
        return build_node(
            cls,
            model,
            dealership_id,
            amount_to_bring_current=amount_to_bring_current(model),
            schedule=to_graph_value(schedule),
        )

    @strawberry.field
    async def customer(self, info: Info) -> Customer | None:
        return await related(info, Customer, CUSTOMERS, self.dealership_id, self.customer_id)

    @strawberry.field(
        description="Payments posted to this account: the payment history, paged; with"
        " orderBy (newest first by default) read whole and ordered here."
    )
    async def payments(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        order_by: PaymentOrder | None = None,
    ) -> Connection[Payment] | None:
        entry = info.context.runtime.dealerships[self.dealership_id]
        only_this = FixedFilter(PaymentFilter(account_id=self.vendor_id))
        if order_by is not None:
            dealership = encode_global_id("Dealership", entry.id, entry.id)
            return await ordered_list(
                info, PAYMENTS, Payment, [dealership], only_this, order_by, first, after
            )
        return await dealership_list(info, entry, PAYMENTS, Payment, only_this, first, after)


@node_type(PAYMENTS)
@strawberry.federation.type(keys=["id"])
class Payment(DealershipObject):
    amount: Decimal
    method: PaymentMethod
    method_raw: str | None
    status: str | None
    received_at: datetime.datetime | None
    receipt_number: str | None
    allocation: PaymentAllocation | None
    reference_id: str | None
    note: str | None
    account_id: strawberry.Private[str | None]
    repair_order_id: strawberry.Private[str | None]
    customer_id: strawberry.Private[str | None]

    @strawberry.field
    async def account(self, info: Info) -> Account | None:
        return await related(info, Account, ACCOUNTS, self.dealership_id, self.account_id)

    @strawberry.field(description="The repair order the payment settles, where there is one.")
    async def repair_order(self, info: Info) -> RepairOrder | None:
        return await related(
            info, RepairOrder, REPAIR_ORDERS, self.dealership_id, self.repair_order_id
        )

    @strawberry.field
    async def customer(self, info: Info) -> Customer | None:
        return await related(info, Customer, CUSTOMERS, self.dealership_id, self.customer_id)
