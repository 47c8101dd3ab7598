"""A rooftop's general ledger as Dealertrack keeps it: the chart of accounts journal lines
post to, the departments a line is split by, and the accounting periods that lock.

The chart follows the usual franchise-dealer numbering (1xxx assets, 2xxx liabilities,
3xxx equity, 4xxx sales, 5xxx cost of sales, 6xxx expenses); the page's example posts to
1010 (Cash - Bank) and 2310 (Customer Deposits) in department 10.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sandbox.common.dates import add_months
from sandbox.common.table import Table

Row = dict[str, Any]

DEPARTMENTS = {
    "00": "General",
    "10": "New Vehicles",
    "20": "Used Vehicles",
    "30": "F&I",
    "40": "Service",
    "50": "Parts",
    "60": "Body Shop",
}
# Which side an account's balance normally sits on, by its type.
NORMAL_BALANCE = {
    "asset": "debit",
    "liability": "credit",
    "equity": "credit",
    "income": "credit",
    "cost_of_sales": "debit",
    "expense": "debit",
}
CHART: tuple[tuple[str, str, str], ...] = (
    ("1010", "Cash - Bank", "asset"),
    ("1020", "Cash - Payroll Account", "asset"),
    ("1030", "Petty Cash", "asset"),
    ("1100", "Contracts in Transit", "asset"),
    ("1200", "Accounts Receivable - Customers", "asset"),
    ("1210", "Receivable - Warranty Claims", "asset"),
    ("1220", "Receivable - Factory Incentives", "asset"),
    ("1230", "Receivable - Finance Reserve", "asset"),
    ("1310", "Inventory - New Vehicles", "asset"),
    ("1320", "Inventory - Used Vehicles", "asset"),
    ("1330", "Inventory - Parts", "asset"),
    ("1340", "Work in Process - Labor", "asset"),
    ("1500", "Prepaid Expenses", "asset"),
    ("1710", "Furniture and Equipment", "asset"),
    ("1790", "Accumulated Depreciation", "asset"),
    ("2010", "Accounts Payable - Trade", "liability"),
    ("2110", "Floor Plan Payable - New", "liability"),
    ("2120", "Floor Plan Payable - Used", "liability"),
    ("2210", "Sales Tax Payable", "liability"),
    ("2220", "Title and Registration Fees Payable", "liability"),
    ("2310", "Customer Deposits", "liability"),
    ("2320", "Trade-in Payoffs Payable", "liability"),
    ("2410", "Accrued Payroll", "liability"),
    ("3010", "Capital Stock", "equity"),
    ("3100", "Retained Earnings", "equity"),
    ("4010", "Sales - New Vehicles", "income"),
    ("4020", "Sales - Used Vehicles", "income"),
    ("4110", "F&I Income - Finance Reserve", "income"),
    ("4120", "F&I Income - Service Contracts", "income"),
    ("4130", "F&I Income - GAP", "income"),
    ("4150", "Documentary Fee Income", "income"),
    ("4310", "Sales - Customer Labor", "income"),
    ("4320", "Sales - Warranty Labor", "income"),
    ("4330", "Sales - Internal Labor", "income"),
    ("4410", "Sales - Parts Counter", "income"),
    ("4420", "Sales - Parts Repair Orders", "income"),
    ("5010", "Cost of Sales - New Vehicles", "cost_of_sales"),
    ("5020", "Cost of Sales - Used Vehicles", "cost_of_sales"),
    ("5310", "Cost of Sales - Labor", "cost_of_sales"),
    ("5410", "Cost of Sales - Parts", "cost_of_sales"),
    ("6010", "Salaries - Sales", "expense"),
    ("6020", "Salaries - Service", "expense"),
    ("6110", "Advertising", "expense"),
    ("6210", "Rent", "expense"),
    ("6220", "Utilities", "expense"),
    ("6310", "Policy Adjustments", "expense"),
    ("6410", "Floor Plan Interest", "expense"),
    ("6510", "Bank Charges", "expense"),
)
# Kept on the chart for history, closed to new postings (a bank account the store closed).
INACTIVE: tuple[tuple[str, str, str], ...] = (("1040", "Cash - Former Operating Account", "asset"),)
PERIOD_STATUSES = ("closed", "open", "future")
PERIODS_BACK = 12  # months of closed history the period list shows
PERIODS_AHEAD = 2


def chart_of_accounts(rooftop_id: str) -> Table[str]:
    table: Table[str] = Table()
    for active, accounts in ((True, CHART), (False, INACTIVE)):
        for number, name, kind in accounts:
            table.put(
                number,
                {
                    "accountNumber": number,
                    "name": name,
                    "type": kind,
                    "normalBalance": NORMAL_BALANCE[kind],
                    "active": active,
                    "rooftopId": rooftop_id,
                },
            )
    return table


def month_end(day: date) -> date:
    return add_months(day.replace(day=1), 1) - timedelta(days=1)


def period_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


@dataclass
class PeriodLocks:
    """Which months take postings: every day through ``closed_through`` lies in a closed
    period, and none after ``open_through`` is open yet. Mutable on the sandbox state, so
    a test or demo can close or reopen months."""

    closed_through: date
    open_through: date

    @classmethod
    def around(cls, today: date) -> PeriodLocks:
        """Month-end close done for every month before today's; today's month open."""
        first = today.replace(day=1)
        return cls(closed_through=first - timedelta(days=1), open_through=month_end(today))

    def status(self, day: date) -> str:
        if day <= self.closed_through:
            return "closed"
        return "future" if day > self.open_through else "open"

    def rows(self, today: date, rooftop_id: str) -> Table[str]:
        """The periods around ``today``, newest last."""
        table: Table[str] = Table()
        first = today.replace(day=1)
        for offset in range(-PERIODS_BACK, PERIODS_AHEAD + 1):
            start = add_months(first, offset)
            end = month_end(start)
            table.put(
                period_of(start),
                {
                    "period": period_of(start),
                    "startDate": start,
                    "endDate": end,
                    "status": self.status(start),  # locks are set to whole months
                    "rooftopId": rooftop_id,
                },
            )
        return table
