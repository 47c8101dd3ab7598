"""The last column of docs/field-coverage.md: vendor field names where they differ from the
canonical name, and why a field stays empty. Keyed by ``Model.field.path``."""

from __future__ import annotations

SOURCES: dict[str, str] = {
    # --- inventory ------------------------------------------------------------------------
    "InventoryVehicle.id": "AutoSoft, Auto/Mate, Dealertrack, DealerCenter `vehicleId`",
    "InventoryVehicle.status": "normalized from `status` (Auto/Mate `retail_sold`, "
    "Dealertrack `sold`/`wholesaled`, DealerCenter `pending`...); raw kept in `status_raw`",
    "InventoryVehicle.condition": "AutoSoft `type`; Auto/Mate, Dealertrack `condition` "
    "(`cpo`/`certified` -> CERTIFIED); DealerCenter does not say new or used",
    "InventoryVehicle.condition_raw": "as `condition`",
    "InventoryVehicle.mileage": "Auto/Mate `odometer.value`; others `mileage`",
    "InventoryVehicle.mileage_unit": "Auto/Mate `odometer.unit`; others miles by contract",
    "InventoryVehicle.exterior_color": "DealerCenter `color.exterior`",
    "InventoryVehicle.interior_color": "DealerCenter `color.interior`",
    "InventoryVehicle.drivetrain": "AutoSoft `drivetrain`; Auto/Mate `driveType`; not on the "
    "Dealertrack and DealerCenter pages",
    "InventoryVehicle.msrp": "Dealertrack `pricing.msrp`; Auto/Mate `msrp` with 0 read as "
    "none on file; DealerCenter has no MSRP",
    "InventoryVehicle.asking_price": "AutoSoft `askingPrice`; Auto/Mate `listPrice`; "
    "Dealertrack `pricing.askingPrice`; DealerCenter `price`",
    "InventoryVehicle.internet_price": "Dealertrack `pricing.internetPrice` only",
    "InventoryVehicle.sale_price": "Auto/Mate `salePrice` only",
    "InventoryVehicle.cost": "Dealertrack `pricing.cost`; others `cost`",
    "InventoryVehicle.book_values.source": "keys of Dealertrack/DealerCenter `bookValues` "
    "(kbb, nada, blackBook)",
    "InventoryVehicle.book_values.amount": "values of `bookValues`",
    "InventoryVehicle.location_id": "AutoSoft `locationId` only",
    "InventoryVehicle.lot_id": "Auto/Mate `lot.lotId`; DealerCenter `lotId`",
    "InventoryVehicle.lot_name": "Auto/Mate `lot.name`; Dealertrack `lotLocation`; "
    "DealerCenter from its lot list",
    "InventoryVehicle.photos.primary": "Dealertrack `photos[].primary`; DealerCenter the "
    "first by `position`",
    "InventoryVehicle.photos.position": "DealerCenter `photos[].position`; Dealertrack the "
    "order given",
    "InventoryVehicle.options": "Dealertrack `options` only",
    "InventoryVehicle.acquired_on": "Auto/Mate `acquisitionDate`; Dealertrack, "
    "DealerCenter `acquiredAt`; not on the AutoSoft page",
    "InventoryVehicle.acquisition_source": "DealerCenter `source` only",
    "InventoryVehicle.is_wholesale": "Auto/Mate `isWholesale` only",
    "InventoryVehicle.days_in_stock": "Auto/Mate `agingDays` only",
    # --- customers ------------------------------------------------------------------------
    "Customer.id": "Supergood family `customerId`; AutoSync `id`",
    "Customer.is_business": "AutoSync `is_business`; Auto/Mate `customerType` fleet; "
    "others `customerType`",
    "Customer.email": "Auto/Mate `emails[0]`",
    "Customer.phone": "Auto/Mate the mobile entry of `phones`, else the first",
    "Customer.address.line1": "AutoSync `address.street`",
    "Customer.address.region": "AutoSync `address.state`",
    "Customer.address.postal_code": "AutoSync `address.zip`",
    "Customer.address.country": "AutoSync addresses carry no country",
    "Customer.reference_id": "Auto/Mate `externalId` only",
    "Customer.consent.tcpa": "Auto/Mate `marketingOptIn.phone`",
    "Customer.consent.email": "Auto/Mate `marketingOptIn.email`",
    "Customer.consent.sms": "Auto/Mate `marketingOptIn.sms`",
    # --- leads ----------------------------------------------------------------------------
    "Lead.id": "`leadId`",
    "Lead.consent.tcpa": "AutoSoft `consent.tcpA`; DealerCenter `tcpaConsent.granted`",
    "Lead.consent.captured_at": "DealerCenter `tcpaConsent.timestamp`",
    "Lead.consent.ip_address": "DealerCenter `tcpaConsent.ip`",
    "Lead.vehicle_of_interest.vehicle_id": "DealerCenter `vehicleInterestId`",
    "Lead.vehicle_of_interest.vin": "AutoSoft `vehicleOfInterest.vin`",
    "Lead.notes": "DealerCenter `message`",
    # --- deals ----------------------------------------------------------------------------
    "Deal.id": "`dealId`",
    "Deal.buyer_id": "AutoSoft `buyer.customerId`; Dealertrack `customer.customerId`",
    "Deal.sale_type": "AutoSoft `saleType`; Auto/Mate, DealerCenter `dealType`; not on the "
    "Dealertrack page",
    "Deal.pricing.selling_price": "AutoSoft `pricing.sellingPrice`; Auto/Mate "
    "`pricing.salePrice`; Dealertrack `figures.salePrice`; DealerCenter `salePrice`",
    "Deal.pricing.tax_rate": "a fraction; Auto/Mate `taxes.ratePercent` / 100",
    "Deal.pricing.cash_down": "Auto/Mate `finance.cashDown`; Dealertrack "
    "`figures.cashDown`; DealerCenter `downPayment`",
    "Deal.trade_ins.allowance": "AutoSoft `pricing.tradeAllowance`; Dealertrack "
    "`figures.tradeIn.value`; DealerCenter `tradeIn.allowance`; Auto/Mate gives only ACV",
    "Deal.trade_ins.actual_cash_value": "Auto/Mate `tradeIn.acv` only",
    "Deal.financing.apr": "Auto/Mate `finance.aprPercent`; others `apr`",
    "Deal.financing.monthly_payment": "AutoSoft `paymentOptions.monthly`; DealerCenter "
    "`paymentEstimate.monthly`",
    "Deal.financing.lender_status": "Dealertrack `lenderStatus`; DealerCenter "
    "`creditApplication.status`",
    "Deal.financing.credit_application_id": "DealerCenter `creditApplication.applicationId`",
    "Deal.financing.approved_apr": "Dealertrack `lenderDecision.approvedApr` only",
    # --- service --------------------------------------------------------------------------
    "ServiceVehicle.id": "AutoSync `id`; vendors that only embed the vehicle: its VIN",
    "RepairOrder.id": "Supergood family `roId`; AutoSync `id`",
    "RepairOrder.ro_number": "AutoSync `work_order_number`",
    "RepairOrder.status": "AutoSoft `posted`, Dealertrack `closed`, AutoSync `invoiced` -> "
    "CLOSED; raw kept in `status_raw`",
    "RepairOrder.advisor_id": "Dealertrack `advisor.userId`; AutoSync `service_writer.id`",
    "RepairOrder.technician_ids": "AutoSync the work order's lead `technician` and each "
    "job's `technician_id`",
    "RepairOrder.labor_lines.hours": "Dealertrack `soldHours`",
    "RepairOrder.part_lines.quantity": "`qty`; AutoSync `quantity`",
    "RepairOrder.totals.grand_total": "`totals.grandTotal`; AutoSync `total`",
    "RepairOrder.totals.subtotal": "computed as grand total - tax where not given",
    "RepairOrder.lines_included": "false on AutoSync list rows; the graph then reads the detail",
    "RepairOrder.closed_at": "not on the Dealertrack page",
    "ServiceAppointment.starts_at": "`scheduledAt`; Auto/Mate `appointmentTime`; AutoSync "
    "`start_time`",
    "ServiceAppointment.ends_at": "start + `durationMinutes`; AutoSync `end_time`",
    "ServiceAppointment.op_codes": "AutoSync has no op codes on appointments",
    "Part.quantity_on_hand": "AutoSoft `onHand`; Auto/Mate `quantityOnHand`; AutoSync `quantity`",
    "Part.bin": "Auto/Mate `binLocation`; AutoSync `location`",
    "Part.vendor": "Auto/Mate `manufacturer`; AutoSync `brand`",
    "Employee.id": "Supergood family `userId`; AutoSync `id`",
    "Employee.role": "normalized (`service_writer` -> SERVICE_ADVISOR...); raw in `role_raw`",
    "Employee.active": "AutoSync `status`; Auto/Mate `isActive`",
    # --- receivables ----------------------------------------------------------------------
    "Account.kind": "RECEIVABLE for AutoSoft and Auto/Mate AR, BHPH for DealerCenter",
    "Account.schedule.due_date": "DealerCenter amortization schedule only",
    "Account.payoff_amount": "DealerCenter `payoff`; AR accounts carry no payoff",
    "Account.apr": "DealerCenter loans only; AR accounts bear no interest",
    "Account.late_fees_due": "DealerCenter only",
    "Payment.received_at": "AutoSoft `receivedAt`; DealerCenter `postedAt`; AutoSync `created_at`",
    "Payment.allocation.principal": "DealerCenter `allocation.principal` only",
    "Payment.repair_order_id": "AutoSync `work_order_id`; other vendors post to accounts",
}
