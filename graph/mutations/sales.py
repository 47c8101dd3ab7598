"""Sales writes: leads, customers and deals."""

from __future__ import annotations

import datetime
from decimal import Decimal

import strawberry

from adapters.commands import (
    CustomerDraft,
    DealChanges,
    DealDraft,
    DriversLicense,
    LeadDraft,
    LenderDecision,
    MarketingOptIn,
    Phone,
    WriteOperation,
)
from graph.context import Info
from graph.kinds import CUSTOMERS, DEALS, LEADS
from graph.mutations.checks import Checks, UserError, UserErrorCode, as_decimal, as_int
from graph.mutations.execute import WriteResult, execute_write, load_written
from graph.mutations.inputs import (
    AddressInput,
    ConsentInput,
    ContactInput,
    FeeInput,
    FinanceProductInput,
    TradeInInput,
    VehicleReferenceInput,
)
from graph.types.enums import DealStatus
from graph.types.sales import Customer, Deal, Lead

DEALERSHIP = {"Dealership"}


@strawberry.type(description="What every write answers besides its record.")
class WritePayload:
    user_errors: list[UserError] = strawberry.field(
        description="Problems with the input; when not empty, nothing was written."
    )
    replayed: bool = strawberry.field(
        description="True when this answers an earlier request with the same idempotency key."
    )
    reference_id: str | None = strawberry.field(
        description="The id sent to the DMS with the write (its referenceId where it has one)."
    )

    @staticmethod
    def fields(result: WriteResult) -> dict[str, object]:
        return {
            "user_errors": result.user_errors,
            "replayed": result.replayed,
            "reference_id": result.reference_id,
        }


# --- leads -------------------------------------------------------------------------------


@strawberry.input
class CreateLeadInput:
    dealership_id: strawberry.ID
    idempotency_key: str
    contact: ContactInput
    source: str = strawberry.field(description="Where the lead came from, e.g. website.")
    consent: ConsentInput
    customer_id: strawberry.ID | None = None
    channel: str | None = None
    vehicle_of_interest: VehicleReferenceInput | None = None
    trade_in: TradeInInput | None = None
    notes: str | None = None
    assigned_user_id: strawberry.ID | None = None

    def command(self, c: Checks) -> LeadDraft | None:
        contact = self.contact.canonical(c, ("contact",))
        if contact is not None and contact.email is None and contact.phone is None:
            c.fail(("contact",), UserErrorCode.REQUIRED, "give an e-mail address or a phone")
        consent = self.consent
        # A channel may be used only with the person's stated consent for it.
        if contact is not None and contact.email is not None and consent.email is None:
            c.fail(("consent", "email"), UserErrorCode.MISSING_CONSENT, "state e-mail consent")
        if contact is not None and contact.phone is not None:
            if consent.tcpa is None:
                c.fail(("consent", "tcpa"), UserErrorCode.MISSING_CONSENT, "state TCPA consent")
            if consent.sms is None:
                c.fail(("consent", "sms"), UserErrorCode.MISSING_CONSENT, "state SMS consent")
        source = c.text(("source",), self.source, max_length=80)
        c.required(("source",), source)
        vehicle = (
            self.vehicle_of_interest.canonical(c, ("vehicleOfInterest",))
            if self.vehicle_of_interest
            else None
        )
        trade = self.trade_in.canonical(c, ("tradeIn",)) if self.trade_in else None
        customer_id = c.native_id(("customerId",), self.customer_id, {"Customer"})
        assigned = c.native_id(("assignedUserId",), self.assigned_user_id, {"Employee"})
        if not c.ok or contact is None or source is None:
            return None
        return LeadDraft(
            contact=contact,
            customer_id=customer_id,
            source=source,
            channel=c.text(("channel",), self.channel, max_length=80),
            vehicle_of_interest=vehicle,
            trade_in=trade,
            notes=c.text(("notes",), self.notes, max_length=4000),
            consent=consent.canonical(),
            consent_ip=c.text(("consent", "ip"), consent.ip, max_length=45),
            assigned_user_id=assigned,
        )


@strawberry.type
class CreateLeadPayload(WritePayload):
    lead: Lead | None


# --- customers ---------------------------------------------------------------------------


@strawberry.input
class PhoneInput:
    number: str
    type: str | None = strawberry.field(default=None, description="mobile, home, work...")


@strawberry.input
class DriversLicenseInput:
    number: str
    state: str


@strawberry.input
class MarketingOptInInput:
    email: bool | None = None
    sms: bool | None = None
    phone: bool | None = None


@strawberry.input(
    description="Creates a customer, or updates the one the DMS matches: by customerId, by "
    "externalId, or by name and contact details, as the DMS supports."
)
class UpsertCustomerInput:
    dealership_id: strawberry.ID
    idempotency_key: str
    first_name: str
    last_name: str
    customer_id: strawberry.ID | None = None
    external_id: str | None = None
    customer_type: str | None = strawberry.field(default=None, description="retail, fleet...")
    company_name: str | None = None
    emails: list[str] | None = None
    phones: list[PhoneInput] | None = None
    address: AddressInput | None = None
    drivers_license: DriversLicenseInput | None = None
    date_of_birth: datetime.date | None = None
    marketing_opt_in: MarketingOptInInput | None = None
    source: str | None = None
    notes: str | None = None

    def command(self, c: Checks) -> CustomerDraft | None:
        first = c.text(("firstName",), self.first_name, max_length=100)
        last = c.text(("lastName",), self.last_name, max_length=100)
        c.required(("firstName",), first)
        c.required(("lastName",), last)
        emails = tuple(e.strip() for e in self.emails or ())
        for i, email in enumerate(emails):
            if "@" not in email:
                c.fail(("emails", str(i)), UserErrorCode.INVALID_VALUE, "not an e-mail address")
        phones = tuple(Phone(number=p.number.strip(), type=p.type) for p in self.phones or ())
        for i, phone in enumerate(phones):
            if sum(ch.isdigit() for ch in phone.number) < 7:
                c.fail(("phones", str(i), "number"), UserErrorCode.INVALID_VALUE, "not a phone")
        customer_id = c.native_id(("customerId",), self.customer_id, {"Customer"})
        if not c.ok or first is None or last is None:
            return None
        license_ = self.drivers_license
        opt_in = self.marketing_opt_in
        return CustomerDraft(
            customer_id=customer_id,
            external_id=c.text(("externalId",), self.external_id, max_length=100),
            customer_type=c.text(("customerType",), self.customer_type, max_length=40),
            first_name=first,
            last_name=last,
            company_name=c.text(("companyName",), self.company_name),
            emails=emails,
            phones=phones,
            address=self.address.canonical(c, ("address",)) if self.address else None,
            drivers_license=DriversLicense(number=license_.number, state=license_.state)
            if license_
            else None,
            date_of_birth=self.date_of_birth,
            marketing_opt_in=MarketingOptIn(email=opt_in.email, sms=opt_in.sms, phone=opt_in.phone)
            if opt_in
            else None,
            source=c.text(("source",), self.source, max_length=80),
            notes=c.text(("notes",), self.notes, max_length=4000),
        )


@strawberry.type
class UpsertCustomerPayload(WritePayload):
    customer: Customer | None
    matched_by: str | None = strawberry.field(
        description="How the DMS found an existing record (externalId, name_contact), or "
        "null when it created one."
    )


# --- deals -------------------------------------------------------------------------------


@strawberry.input
class DealPricingInput:
    selling_price: Decimal
    discounts: Decimal | None = None
    rebates: Decimal | None = None
    doc_fee: Decimal | None = None
    cash_down: Decimal | None = None
    tax_rate: Decimal | None = strawberry.field(default=None, description="0.07 is 7%.")
    tax_basis: str | None = None
    tax_amount: Decimal | None = None
    fees: list[FeeInput] | None = None


@strawberry.input
class DealFinancingInput:
    term_months: int | None = None
    apr: Decimal | None = strawberry.field(default=None, description="5.99 is 5.99%.")
    lender_preferences: list[str] | None = None
    products: list[FinanceProductInput] | None = None


@strawberry.input
class CreateDealInput:
    dealership_id: strawberry.ID
    idempotency_key: str
    vehicle: VehicleReferenceInput
    pricing: DealPricingInput
    buyer_id: strawberry.ID | None = None
    buyer: ContactInput | None = None
    co_buyer_id: strawberry.ID | None = None
    sale_type: str | None = None
    trade_ins: list[TradeInInput] | None = None
    financing: DealFinancingInput | None = None
    salesperson_id: strawberry.ID | None = None
    submit_credit_application: bool = False
    status: DealStatus | None = None

    def command(self, c: Checks) -> DealDraft | None:
        if (self.buyer_id is None) == (self.buyer is None):
            c.fail(("buyerId",), UserErrorCode.REQUIRED, "give exactly one of buyerId, buyer")
        buyer_id = c.native_id(("buyerId",), self.buyer_id, {"Customer"})
        buyer = self.buyer.canonical(c, ("buyer",)) if self.buyer else None
        co_buyer = c.native_id(("coBuyerId",), self.co_buyer_id, {"Customer"})
        vehicle = self.vehicle.canonical(c, ("vehicle",))
        p = self.pricing
        path = ("pricing",)
        selling = c.money((*path, "sellingPrice"), p.selling_price)
        tax_rate = c.number((*path, "taxRate"), p.tax_rate, Decimal(0), Decimal("0.25"))
        fees = [f.canonical(c, (*path, "fees", str(i))) for i, f in enumerate(p.fees or ())]
        trades = [t.canonical(c, ("tradeIns", str(i))) for i, t in enumerate(self.trade_ins or ())]
        f = self.financing or DealFinancingInput()
        term = c.number(("financing", "termMonths"), f.term_months, 1, 120)
        apr = c.number(("financing", "apr"), f.apr, Decimal(0), Decimal(40))
        products = [
            x.canonical(c, ("financing", "products", str(i)))
            for i, x in enumerate(f.products or ())
        ]
        salesperson = c.native_id(("salespersonId",), self.salesperson_id, {"Employee"})
        draft_fields = {
            "discounts": c.money((*path, "discounts"), p.discounts),
            "rebates": c.money((*path, "rebates"), p.rebates),
            "doc_fee": c.money((*path, "docFee"), p.doc_fee),
            "cash_down": c.money((*path, "cashDown"), p.cash_down),
            "tax_amount": c.money((*path, "taxAmount"), p.tax_amount),
        }
        if not c.ok or vehicle is None or selling is None:
            return None
        return DealDraft(
            buyer_id=buyer_id,
            buyer=buyer,
            co_buyer_id=co_buyer,
            vehicle=vehicle,
            sale_type=c.text(("saleType",), self.sale_type, max_length=40),
            selling_price=selling,
            tax_rate=as_decimal(tax_rate),
            tax_basis=c.text((*path, "taxBasis"), p.tax_basis, max_length=60),
            fees=tuple(x for x in fees if x is not None),
            trade_ins=tuple(trades),
            term_months=as_int(term),
            apr=as_decimal(apr),
            lender_preferences=tuple(f.lender_preferences or ()),
            products=tuple(x for x in products if x is not None),
            salesperson_id=salesperson,
            submit_credit_application=self.submit_credit_application,
            status=self.status,
            **draft_fields,
        )


@strawberry.type
class PaymentEstimate:
    monthly: Decimal
    term_months: int | None
    apr: Decimal | None


@strawberry.type
class CreditApplication:
    id: str
    status: str


@strawberry.type
class DealWritePayload(WritePayload):
    deal: Deal | None
    payment_estimate: PaymentEstimate | None = strawberry.field(
        description="The monthly payment the DMS computed, where it returns one."
    )
    lender_status: str | None
    credit_application: CreditApplication | None


@strawberry.input
class LenderDecisionInput:
    lender_id: str
    decision: str = strawberry.field(description="approved, declined, countered, conditioned.")
    approved_apr: Decimal | None = None


@strawberry.input
class UpdateDealInput:
    deal_id: strawberry.ID
    idempotency_key: str
    status: DealStatus | None = None
    lender_decision: LenderDecisionInput | None = None
    selling_price: Decimal | None = None
    cash_down: Decimal | None = None
    rebates: Decimal | None = None
    term_months: int | None = None
    apr: Decimal | None = None

    def command(self, c: Checks) -> DealChanges | None:
        decision = self.lender_decision
        approved_apr = (
            c.number(("lenderDecision", "approvedApr"), decision.approved_apr, 0, 40)
            if decision
            else None
        )
        changes = DealChanges(
            status=self.status,
            lender_decision=LenderDecision(
                lender_id=decision.lender_id,
                decision=decision.decision,
                approved_apr=as_decimal(approved_apr),
            )
            if decision
            else None,
            selling_price=c.money(("sellingPrice",), self.selling_price),
            cash_down=c.money(("cashDown",), self.cash_down),
            rebates=c.money(("rebates",), self.rebates),
            term_months=as_int(c.number(("termMonths",), self.term_months, 1, 120)),
            apr=as_decimal(c.number(("apr",), self.apr, 0, 40)),
        )
        if changes == DealChanges():
            c.fail((), UserErrorCode.REQUIRED, "give at least one change")
        return changes if c.ok else None


# Where CreateDealInput nests what DealDraft keeps flat.
DEAL_INPUT_PATHS: dict[str, list[str]] = {
    **{
        name: ["pricing", _camel]
        for name, _camel in (
            ("selling_price", "sellingPrice"),
            ("discounts", "discounts"),
            ("rebates", "rebates"),
            ("doc_fee", "docFee"),
            ("cash_down", "cashDown"),
            ("tax_rate", "taxRate"),
            ("tax_basis", "taxBasis"),
            ("tax_amount", "taxAmount"),
            ("fees", "fees"),
        )
    },
    **{
        name: ["financing", _camel]
        for name, _camel in (
            ("term_months", "termMonths"),
            ("apr", "apr"),
            ("lender_preferences", "lenderPreferences"),
            ("products", "products"),
        )
    },
}


def _deal_payload(result: WriteResult, deal: Deal | None) -> DealWritePayload:
    outcome = result.outcome
    estimate = outcome.payment_estimate if outcome else None
    credit = outcome.credit_application if outcome else None
    return DealWritePayload(
        **WritePayload.fields(result),  # type: ignore[arg-type]
        deal=deal,
        payment_estimate=PaymentEstimate(
            monthly=estimate.monthly, term_months=estimate.term_months, apr=estimate.apr
        )
        if estimate
        else None,
        lender_status=outcome.lender_status if outcome else None,
        credit_application=CreditApplication(id=credit.id, status=credit.status)
        if credit
        else None,
    )


@strawberry.type
class SalesMutations:
    @strawberry.mutation(description="Push a lead (e.g. from a website) into the DMS.")
    async def create_lead(self, info: Info, input: CreateLeadInput) -> CreateLeadPayload:
        result = await execute_write(
            info,
            operation=WriteOperation.CREATE_LEAD,
            target_id=input.dealership_id,
            target_types=DEALERSHIP,
            idempotency_key=input.idempotency_key,
            build=input.command,
            send=lambda a, s, cmd, ref: a.create_lead(s, cmd, ref),
        )
        lead = await load_written(info, LEADS, result)
        return CreateLeadPayload(**WritePayload.fields(result), lead=lead)  # type: ignore[arg-type]

    @strawberry.mutation(description="Create a customer or update the one the DMS matches.")
    async def upsert_customer(
        self, info: Info, input: UpsertCustomerInput
    ) -> UpsertCustomerPayload:
        result = await execute_write(
            info,
            operation=WriteOperation.UPSERT_CUSTOMER,
            target_id=input.dealership_id,
            target_types=DEALERSHIP,
            idempotency_key=input.idempotency_key,
            build=input.command,
            send=lambda a, s, cmd, ref: a.upsert_customer(s, cmd, ref),
        )
        customer = await load_written(info, CUSTOMERS, result)
        return UpsertCustomerPayload(
            **WritePayload.fields(result),  # type: ignore[arg-type]
            customer=customer,
            matched_by=result.outcome.matched_by if result.outcome else None,
        )

    @strawberry.mutation(description="Create a deal (draft, quote or pencil) in the DMS.")
    async def create_deal(self, info: Info, input: CreateDealInput) -> DealWritePayload:
        result = await execute_write(
            info,
            operation=WriteOperation.CREATE_DEAL,
            target_id=input.dealership_id,
            target_types=DEALERSHIP,
            idempotency_key=input.idempotency_key,
            build=input.command,
            send=lambda a, s, cmd, ref: a.create_deal(s, cmd, ref),
            field_paths=DEAL_INPUT_PATHS,
        )
        return _deal_payload(result, await load_written(info, DEALS, result))

    @strawberry.mutation(description="Advance a deal, record a lender decision or change figures.")
    async def update_deal(self, info: Info, input: UpdateDealInput) -> DealWritePayload:
        deal_id: list[str] = []

        def build(c: Checks) -> DealChanges | None:
            native = c.native_id(("dealId",), input.deal_id, {"Deal"})
            if native is not None:
                deal_id.append(native)
            return input.command(c)

        result = await execute_write(
            info,
            operation=WriteOperation.UPDATE_DEAL,
            target_id=input.deal_id,
            target_types={"Deal"},
            idempotency_key=input.idempotency_key,
            build=build,
            send=lambda a, s, cmd, ref: a.update_deal(s, deal_id[0], cmd, ref),
        )
        return _deal_payload(result, await load_written(info, DEALS, result))
