"""Service operations and the parts they consume, as a typical US service lane sells them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PartType:
    key: str
    description: str
    brands: tuple[str, ...]
    cost_low: str
    cost_high: str
    markup_pct: tuple[int, int]  # retail price = cost * (1 + pct/100)


@dataclass(frozen=True, slots=True)
class PartNeed:
    part_type: str
    qty_low: int
    qty_high: int


@dataclass(frozen=True, slots=True)
class Operation:
    op_code: str
    job_name: str
    description: str
    tenths_low: int  # labor hours in tenths
    tenths_high: int
    parts: tuple[PartNeed, ...]
    weight: int  # how often it is sold
    concern: str


def _needs(spec: str) -> tuple[PartNeed, ...]:
    """``"oil_filter:1-1,engine_oil:5-8"``."""
    if not spec:
        return ()
    needs = []
    for item in spec.split(","):
        key, qty = item.split(":")
        low, high = qty.split("-")
        needs.append(PartNeed(key, int(low), int(high)))
    return tuple(needs)


# key|description|brands|cost low-high|markup % low-high
_PART_TABLE = """
oil_filter|Oil filter|Motorcraft,ACDelco,Fram,Wix,Mobil 1|3.50-9.00|90-140
engine_oil|Full synthetic 5W-30 oil, 1 qt|Motorcraft,Mobil 1,Castrol,Valvoline|4.20-6.80|60-90
engine_oil_0w20|Full synthetic 0W-20 oil, 1 qt|Mobil 1,Castrol,Valvoline,Pennzoil|4.40-7.10|60-90
air_filter|Engine air filter|Motorcraft,ACDelco,Fram,K&N,Wix|8.00-18.00|80-120
cabin_filter|Cabin air filter|Motorcraft,ACDelco,Fram,Bosch|8.00-16.00|90-130
brake_pads_front|Front brake pads|Wagner,Bosch,Akebono,Motorcraft,ACDelco|28.00-62.00|80-120
brake_pads_rear|Rear brake pads|Wagner,Bosch,Akebono,Motorcraft|24.00-55.00|80-120
rotor_front|Front brake rotor|Wagner,Bosch,Brembo,ACDelco|35.00-90.00|70-100
wiper_blade|Wiper blade, 22 in|Bosch,Trico,Rain-X|7.00-14.00|90-140
battery|Battery, group 48 AGM|Interstate,DieHard,Motorcraft,ACDelco|110.00-190.00|45-70
spark_plug|Iridium spark plug|NGK,Denso,Champion,Motorcraft|6.00-12.50|90-140
serpentine_belt|Serpentine belt|Gates,Dayco,Continental|18.00-42.00|80-120
coolant|Engine coolant, 1 gal|Prestone,Motorcraft,Zerex|9.00-15.00|70-100
atf|Automatic transmission fluid, 1 qt|Motorcraft,Valvoline,Castrol|6.00-10.00|70-100
refrigerant|R-1234yf refrigerant, 1 lb|Honeywell,Chemours|30.00-60.00|80-110
tire|All-season tire 235/65R17|Michelin,Goodyear,Bridgestone,Continental|95.00-165.00|25-40
wheel_bearing|Front wheel hub bearing assembly|Timken,Moog,SKF|60.00-145.00|70-100
brake_fluid|DOT 3 brake fluid, 12 oz|Prestone,Valvoline,Motorcraft|4.00-8.00|90-130
tpms_sensor|TPMS sensor|Schrader,Dorman,Continental|25.00-45.00|90-130
thermostat|Engine thermostat with housing|Stant,Gates,Motorcraft|18.00-48.00|80-120
headlamp_bulb|Headlamp bulb H11|Sylvania,Philips|9.00-22.00|90-140
"""

# op code|job name|line description|labor hours in tenths low-high|weight
#   parts used (type:qty low-high)|customer concern
_OPERATION_TABLE = """
LOF|Oil Change|Lube, oil and filter service|3-5|30
  oil_filter:1-1,engine_oil:5-8|Oil change due
LOF0W|Oil Change|Synthetic oil and filter service (0W-20)|3-5|14
  oil_filter:1-1,engine_oil_0w20:4-6|Oil change due
TIRROT|Tire Rotation|Rotate tires and set pressures|4-6|18
  |Tire rotation
MPI|Inspection|Multi-point inspection|2-3|12
  |Courtesy inspection
BRKINS|Brake Inspection|Brake inspection|5-5|8
  |Brakes squeaking
BRKFR|Brake Service|Replace front brake pads and rotors|15-22|9
  brake_pads_front:1-1,rotor_front:2-2|Grinding noise when braking
BRKRR|Rear Brakes|Replace rear brake pads|12-16|5
  brake_pads_rear:1-1|Brakes squeaking
BATT|Battery Replacement|Test charging system and replace battery|3-5|6
  battery:1-1|Slow crank in the morning
CABFLT|Cabin Filter|Replace cabin air filter|2-3|8
  cabin_filter:1-1|Musty smell from vents
ENGFLT|Engine Air Filter|Replace engine air filter|2-3|8
  air_filter:1-1|Recommended maintenance
ALIGN|Alignment|Four-wheel alignment|10-12|6
  |Pulls to the right
DIAG|Diagnosis|Check engine light diagnosis|10-15|7
  |Check engine light on
COOL|Coolant Service|Cooling system flush and fill|10-13|4
  coolant:2-2|Coolant service due
TRANS|Transmission Service|Transmission fluid exchange|10-15|4
  atf:6-10|Rough shifting
SPARK|Tune-Up|Replace spark plugs|12-25|3
  spark_plug:4-8|Engine misfire
BELT|Drive Belt|Replace serpentine belt|6-10|3
  serpentine_belt:1-1|Squeal at startup
ACSVC|A/C Service|A/C performance check and recharge|10-12|4
  refrigerant:1-2|A/C blowing warm
WIPER|Wiper Blades|Replace wiper blades|1-2|5
  wiper_blade:2-2|Wipers streaking
TIRES|Tires|Mount and balance four tires|10-14|4
  tire:4-4,tpms_sensor:0-1|Tires worn
HUB|Wheel Bearing|Replace front wheel hub bearing|15-25|2
  wheel_bearing:1-1|Humming noise at speed
BRKFL|Brake Fluid|Brake fluid flush|8-10|3
  brake_fluid:2-3|Brake fluid service due
TSTAT|Thermostat|Replace engine thermostat|10-18|2
  thermostat:1-1,coolant:1-1|Temperature gauge high
BULB|Headlamp|Replace headlamp bulb|2-4|3
  headlamp_bulb:1-1|Headlight out
"""


def _pair(text: str, sep: str = "-") -> tuple[str, str]:
    low, high = text.split(sep)
    return low, high


def _parse_parts(table: str) -> tuple[PartType, ...]:
    types = []
    for line in table.strip().splitlines():
        key, description, brands, costs, markup = line.split("|")
        cost_low, cost_high = _pair(costs)
        pct_low, pct_high = _pair(markup)
        types.append(
            PartType(
                key,
                description,
                tuple(brands.split(",")),
                cost_low,
                cost_high,
                (int(pct_low), int(pct_high)),
            )
        )
    return tuple(types)


def _parse_operations(table: str) -> tuple[Operation, ...]:
    lines = [line.strip() for line in table.strip().splitlines()]
    ops = []
    for i in range(0, len(lines), 2):
        code, job_name, description, tenths, weight = lines[i].split("|")
        needs, concern = lines[i + 1].split("|")
        low, high = _pair(tenths)
        ops.append(
            Operation(
                code,
                job_name,
                description,
                int(low),
                int(high),
                _needs(needs),
                int(weight),
                concern,
            )
        )
    return tuple(ops)


PART_TYPES: tuple[PartType, ...] = _parse_parts(_PART_TABLE)
OPERATIONS: tuple[Operation, ...] = _parse_operations(_OPERATION_TABLE)

PART_TYPES_BY_KEY = {p.key: p for p in PART_TYPES}
OPERATIONS_BY_CODE = {o.op_code: o for o in OPERATIONS}
