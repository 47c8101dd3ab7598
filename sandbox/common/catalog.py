"""Makes, models and trims on US lots, with plausible MSRP ranges and real WMI prefixes."""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal

from sandbox.common.money import price_point


@dataclass(frozen=True, slots=True)
class ModelSpec:
    make: str
    model: str
    wmi: str
    body_styles: tuple[str, ...]
    trims: tuple[str, ...]
    msrp_low: int  # base trim, current model year
    msrp_high: int  # top trim, current model year
    engines: tuple[str, ...]
    drivetrains: tuple[str, ...]
    transmission: str = "Automatic"
    first_year: int = 2012


# make|model|WMI|MSRP low-high|transmission|first model year
#   body styles|trims
#   engines|drivetrains
_MODEL_TABLE = """
Ford|F-150|1FT|38000-78000|Automatic|2012
  Crew Cab,SuperCab,Regular Cab|XL,XLT,Lariat,King Ranch,Platinum
  2.7L V6,3.5L V6,5.0L V8,3.5L V6 Hybrid|4WD,RWD
Ford|Escape|1FM|30000-42000|Automatic|2012
  SUV|Active,ST-Line,ST-Line Elite,Platinum
  1.5L I3,2.0L I4,2.5L I4 Hybrid|FWD,AWD
Ford|Explorer|1FM|40000-58000|Automatic|2012
  SUV|Active,ST-Line,Platinum,ST
  2.3L I4,3.0L V6|RWD,4WD
Ford|Bronco Sport|3FM|31000-40000|Automatic|2021
  SUV|Big Bend,Outer Banks,Badlands
  1.5L I3,2.0L I4|4WD
Ford|Mustang|1FA|32000-62000|Automatic|2012
  Coupe,Convertible|EcoBoost,EcoBoost Premium,GT,Dark Horse
  2.3L I4,5.0L V8|RWD
Ford|Maverick|3FT|25000-38000|Automatic|2022
  Crew Cab|XL,XLT,Lariat
  2.5L I4 Hybrid,2.0L I4|FWD,AWD
Chevrolet|Silverado 1500|1GC|38000-70000|Automatic|2012
  Crew Cab,Double Cab,Regular Cab|WT,Custom,LT,RST,LTZ,High Country
  2.7L I4,5.3L V8,6.2L V8,3.0L I6 Diesel|4WD,RWD
Chevrolet|Equinox|3GN|28000-36000|Automatic|2012
  SUV|LS,LT,RS,Activ
  1.5L I4|FWD,AWD
Chevrolet|Tahoe|1GN|58000-80000|Automatic|2012
  SUV|LS,LT,Z71,RST,Premier,High Country
  5.3L V8,6.2L V8,3.0L I6 Diesel|4WD,RWD
Chevrolet|Malibu|1G1|26000-30000|Automatic|2012
  Sedan|LS,RS,LT,2LT
  1.5L I4|FWD
Chevrolet|Traverse|1GN|39000-56000|Automatic|2012
  SUV|LS,LT,Z71,RS
  2.5L I4,3.6L V6|FWD,AWD
Chevrolet|Colorado|1GC|31000-48000|Automatic|2015
  Crew Cab|WT,LT,Trail Boss,Z71,ZR2
  2.7L I4,3.6L V6|4WD,RWD
Toyota|Camry|4T1|28000-38000|Automatic|2012
  Sedan|LE,SE,XLE,XSE
  2.5L I4,2.5L I4 Hybrid|FWD,AWD
Toyota|Corolla|5YF|22500-29000|CVT|2012
  Sedan,Hatchback|LE,SE,XSE
  2.0L I4,1.8L I4 Hybrid|FWD
Toyota|RAV4|2T3|29000-42000|Automatic|2012
  SUV|LE,XLE,XLE Premium,Adventure,Limited
  2.5L I4,2.5L I4 Hybrid|FWD,AWD
Toyota|Highlander|5TD|40000-55000|Automatic|2012
  SUV|LE,XLE,Limited,Platinum
  2.4L I4,2.5L I4 Hybrid|FWD,AWD
Toyota|Tacoma|3TM|32000-52000|Automatic|2012
  Double Cab,Access Cab|SR,SR5,TRD Sport,TRD Off-Road,Limited
  2.4L I4,3.5L V6|4WD,RWD
Toyota|Tundra|5TF|42000-70000|Automatic|2012
  CrewMax,Double Cab|SR,SR5,Limited,Platinum,1794 Edition
  3.4L V6,5.7L V8|4WD,RWD
Honda|Civic|2HG|24500-31000|CVT|2012
  Sedan,Hatchback|LX,Sport,EX,Touring
  2.0L I4,1.5L I4|FWD
Honda|Accord|1HG|28500-39000|CVT|2012
  Sedan|LX,SE,Sport Hybrid,EX-L Hybrid,Touring Hybrid
  1.5L I4,2.0L I4 Hybrid|FWD
Honda|CR-V|7FA|30500-41000|CVT|2012
  SUV|LX,EX,EX-L,Sport Hybrid,Sport Touring Hybrid
  1.5L I4,2.0L I4 Hybrid|FWD,AWD
Honda|Pilot|5FN|40000-54000|Automatic|2012
  SUV|Sport,EX-L,TrailSport,Elite
  3.5L V6|FWD,AWD
Honda|Odyssey|5FN|39000-52000|Automatic|2012
  Minivan|EX,EX-L,Sport,Elite
  3.5L V6|FWD
Nissan|Altima|1N4|27000-34000|CVT|2012
  Sedan|S,SV,SR,SL
  2.5L I4|FWD,AWD
Nissan|Rogue|5N1|29000-40000|CVT|2012
  SUV|S,SV,SL,Platinum
  1.5L I3,2.5L I4|FWD,AWD
Nissan|Frontier|1N6|31000-42000|Automatic|2012
  Crew Cab,King Cab|S,SV,PRO-4X
  3.8L V6|4WD,RWD
Jeep|Wrangler|1C4|32000-55000|Automatic|2012
  SUV|Sport,Willys,Sahara,Rubicon
  3.6L V6,2.0L I4|4WD
Jeep|Grand Cherokee|1C4|40000-68000|Automatic|2012
  SUV|Laredo,Limited,Overland,Summit
  3.6L V6,5.7L V8|4WD,RWD
Jeep|Compass|3C4|28000-36000|Automatic|2012
  SUV|Sport,Latitude,Limited,Trailhawk
  2.0L I4|4WD
Ram|1500|1C6|40000-72000|Automatic|2012
  Crew Cab,Quad Cab|Tradesman,Big Horn,Laramie,Rebel,Limited
  3.6L V6,5.7L V8,3.0L I6|4WD,RWD
Subaru|Outback|4S4|29000-42000|CVT|2012
  Wagon|Base,Premium,Onyx Edition,Limited,Touring
  2.5L H4,2.4L H4|AWD
Subaru|Forester|JF2|28000-38000|CVT|2012
  SUV|Base,Premium,Sport,Limited,Touring
  2.5L H4|AWD
Subaru|Crosstrek|JF2|25000-32000|CVT|2013
  SUV|Base,Premium,Sport,Limited
  2.0L H4,2.5L H4|AWD
Hyundai|Elantra|5NP|21500-28000|Automatic|2012
  Sedan|SE,SEL,Limited,N Line
  2.0L I4,1.6L I4 Hybrid|FWD
Hyundai|Tucson|5NM|28000-38000|Automatic|2012
  SUV|SE,SEL,N Line,Limited
  2.5L I4,1.6L I4 Hybrid|FWD,AWD
Hyundai|Santa Fe|5NM|33000-47000|Automatic|2012
  SUV|SE,SEL,XRT,Limited,Calligraphy
  2.5L I4,1.6L I4 Hybrid|FWD,AWD
Kia|Sportage|KND|28000-38000|Automatic|2012
  SUV|LX,EX,X-Line,SX Prestige
  2.5L I4,1.6L I4 Hybrid|FWD,AWD
Kia|Telluride|5XY|37000-53000|Automatic|2020
  SUV|LX,S,EX,SX,SX Prestige
  3.8L V6|FWD,AWD
GMC|Sierra 1500|3GT|40000-75000|Automatic|2012
  Crew Cab,Double Cab|Pro,SLE,Elevation,AT4,Denali
  2.7L I4,5.3L V8,6.2L V8|4WD,RWD
BMW|3 Series|WBA|45000-60000|Automatic|2012
  Sedan|330i,330i xDrive,M340i
  2.0L I4,3.0L I6|RWD,AWD
BMW|X5|5UX|66000-90000|Automatic|2012
  SUV|sDrive40i,xDrive40i,xDrive50e,M60i
  3.0L I6,4.4L V8,3.0L I6 Plug-In Hybrid|RWD,AWD
Mazda|CX-5|JM3|29000-40000|Automatic|2013
  SUV|2.5 S,2.5 S Select,2.5 S Premium,2.5 Turbo Signature
  2.5L I4|AWD
Mazda|Mazda3|JM1|24000-34000|Automatic|2012
  Sedan,Hatchback|2.5 S,2.5 S Select,2.5 S Premium,2.5 Turbo
  2.5L I4|FWD,AWD
Tesla|Model 3|5YJ|40000-55000|Single-Speed|2017
  Sedan|RWD,Long Range,Performance
  Electric|RWD,AWD
Tesla|Model Y|7SA|45000-52000|Single-Speed|2020
  SUV|RWD,Long Range,Performance
  Electric|RWD,AWD
"""


def _parse_models(table: str) -> tuple[ModelSpec, ...]:
    lines = [line.strip() for line in table.strip().splitlines()]
    specs = []
    for i in range(0, len(lines), 3):
        make, model, wmi, prices, transmission, first_year = lines[i].split("|")
        bodies, trims = lines[i + 1].split("|")
        engines, drives = lines[i + 2].split("|")
        low, high = prices.split("-")
        specs.append(
            ModelSpec(
                make=make,
                model=model,
                wmi=wmi,
                body_styles=tuple(bodies.split(",")),
                trims=tuple(trims.split(",")),
                msrp_low=int(low),
                msrp_high=int(high),
                engines=tuple(engines.split(",")),
                drivetrains=tuple(drives.split(",")),
                transmission=transmission,
                first_year=int(first_year),
            )
        )
    return tuple(specs)


MODELS: tuple[ModelSpec, ...] = _parse_models(_MODEL_TABLE)

MAKES: tuple[str, ...] = tuple(dict.fromkeys(m.make for m in MODELS))
# Makes a franchised store sells new (Tesla sells direct).
FRANCHISE_MAKES: tuple[str, ...] = tuple(m for m in MAKES if m != "Tesla")

EXTERIOR_COLORS = (
    "Oxford White",
    "Summit White",
    "Agate Black",
    "Midnight Black Metallic",
    "Magnetic Gray",
    "Iconic Silver Metallic",
    "Celestial Silver",
    "Atlas Blue Metallic",
    "Rapid Red Metallic",
    "Ruby Flare Pearl",
    "Carbonized Gray",
    "Lunar Rock",
    "Crystal Black Pearl",
    "Platinum White Pearl",
    "Velocity Blue",
    "Cactus Green",
)
INTERIOR_COLORS = ("Black", "Ebony", "Gray", "Light Gray", "Medium Stone", "Tan", "Saddle Brown")


def fuel_type(engine: str) -> str:
    if "Plug-In" in engine:
        return "Plug-In Hybrid"
    for word in ("Electric", "Hybrid", "Diesel"):
        if word in engine:
            return word
    return "Gasoline"


def models_for(make: str) -> tuple[ModelSpec, ...]:
    return tuple(m for m in MODELS if m.make == make)


def trim_msrp(
    rng: random.Random, spec: ModelSpec, trim: str, year: int, current_year: int
) -> Decimal:
    """MSRP of a trim in a model year: spread across the range, about 3% lower per year back."""
    index = spec.trims.index(trim)
    steps = max(1, len(spec.trims) - 1)
    base = spec.msrp_low + (spec.msrp_high - spec.msrp_low) * index // steps
    jitter = rng.randint(-150, 150) * base // 10_000  # +-1.5%
    age = max(0, current_year - year)
    price = (base + jitter) * (1000 - 30 * age) // 1000
    return price_point(Decimal(price))


@dataclass(frozen=True, slots=True)
class Build:
    """One concrete vehicle configuration."""

    spec: ModelSpec
    year: int
    trim: str
    body_style: str
    engine: str
    drivetrain: str
    exterior_color: str
    interior_color: str

    @property
    def fuel_type(self) -> str:
        return fuel_type(self.engine)


def random_build(rng: random.Random, spec: ModelSpec, year: int) -> Build:
    return Build(
        spec=spec,
        year=year,
        trim=rng.choice(spec.trims),
        body_style=rng.choice(spec.body_styles),
        engine=rng.choice(spec.engines),
        drivetrain=rng.choice(spec.drivetrains),
        exterior_color=rng.choice(EXTERIOR_COLORS),
        interior_color=rng.choice(INTERIOR_COLORS),
    )
