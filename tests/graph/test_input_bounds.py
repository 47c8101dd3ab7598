"""Filter and write inputs outside sane bounds are refused before any vendor is asked."""

from __future__ import annotations

import datetime

import pytest

from tests.graph.conftest import Api

VEHICLES = """query($d: ID!, $f: InventoryVehicleFilter) { dealership(id: $d) {
  vehicles(filter: $f, first: 1) { totalCount } } }"""
APPOINTMENTS = """query($d: ID!, $f: AppointmentFilter) { dealership(id: $d) {
  appointments(filter: $f) { totalCount } } }"""


@pytest.mark.parametrize(
    ("query", "flt", "argument"),
    [
        (VEHICLES, {"year": -249561}, "filter.year"),
        (VEHICLES, {"year": 3000}, "filter.year"),
        (VEHICLES, {"make": "x" * 101}, "filter.make"),
        (VEHICLES, {"vin": "1" * 500}, "filter.vin"),
        (
            APPOINTMENTS,
            {"startsAfter": "2027-01-02T00:00:00Z", "startsBefore": "2027-01-01T00:00:00Z"},
            "filter.startsBefore",
        ),
        (
            APPOINTMENTS,
            {"startsAfter": "2027-01-01T00:00:00Z", "startsBefore": "2027-01-02T00:00:00"},
            "filter.startsBefore",
        ),
    ],
)
async def test_out_of_range_filters_are_refused_unsent(
    api: Api, query: str, flt: dict[str, object], argument: str
) -> None:
    api.reset_upstream_counts()
    result = await api.query(query, {"d": api.dealership_id("autosoft"), "f": flt})
    (error,) = result["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["argument"] == argument
    assert api.upstream_requests("autosoft") == 0


async def test_a_sane_year_still_filters(api: Api) -> None:
    this_year = datetime.date.today().year
    result = await api.query(
        VEHICLES, {"d": api.dealership_id("autosoft"), "f": {"year": this_year}}
    )
    assert "errors" not in result
    assert result["data"]["dealership"]["vehicles"]["totalCount"] >= 0


async def test_an_appointment_with_a_naive_end_is_a_user_error(api: Api) -> None:
    start = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=3)
    result = await api.query(
        """mutation($i: ScheduleServiceAppointmentInput!) { scheduleServiceAppointment(input: $i) {
             userErrors { field code } } }""",
        {
            "i": {
                "dealershipId": api.dealership_id("autosync"),
                "idempotencyKey": "naive-end",
                "customerId": "Q3VzdG9tZXI6eA",
                "startsAt": start.isoformat(),
                "endsAt": (start + datetime.timedelta(hours=1)).replace(tzinfo=None).isoformat(),
            }
        },
    )
    assert "errors" not in result, result
    errors = result["data"]["scheduleServiceAppointment"]["userErrors"]
    assert {"field": ["endsAt"], "code": "INVALID_VALUE"} in errors
