"""People, businesses and places: names, US addresses, phones and e-mails that look real.

Phone numbers use the 555 exchange and e-mail domains are the reserved example.* ones, so
no generated contact detail reaches a real person.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

FIRST_NAMES = tuple(
    """
    James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara
    Richard Susan Joseph Jessica Thomas Sarah Christopher Karen Charles Lisa Daniel Nancy
    Matthew Betty Anthony Sandra Mark Margaret Donald Ashley Steven Kimberly Andrew Emily Paul
    Donna Joshua Michelle Kenneth Carol Kevin Amanda Brian Melissa George Deborah Timothy
    Stephanie Ronald Dorothy Jason Rebecca Edward Sharon Jeffrey Laura Ryan Cynthia Jacob Amy
    Gary Kathleen Nicholas Angela Eric Shirley Jonathan Brenda Stephen Emma Larry Anna Justin
    Pamela Scott Nicole Brandon Samantha Benjamin Katherine Samuel Christine Gregory Debra
    Alexander Rachel Patrick Carolyn Frank Janet Raymond Maria Jack Olivia Dennis Heather Jerry
    Helen Tyler Catherine Aaron Diane Jose Julie Adam Victoria Nathan Joyce Henry Lauren Zachary
    Kelly Douglas Christina Peter Ruth Kyle Joan Noah Virginia Ethan Judith Jeremy Evelyn Walter
    Hannah Christian Andrea Keith Megan Roger Cheryl Terry Jacqueline Austin Madison Sean Teresa
    Gerald Abigail Carl Sophia Harold Martha Dylan Sara Arthur Gloria Lawrence Janice Jordan
    Kathryn Jesse Ann Bryan Isabella Billy Judy Bruce Charlotte Gabriel Julia Joe Grace Logan
    Amber Alan Alice Juan Jean Albert Denise Willie Frances Elijah Danielle Wayne Marilyn Randy
    Natalie Vincent Beverly Mason Diana Roy Brittany Ralph Theresa Bobby Kayla Russell Alexis
    Bradley Doris Philip Lori Eugene Tiffany Ava Dana Kim Dave Luis Carmen Andre Tanya Marcus
    Rosa
    """.split()
)
LAST_NAMES = tuple(
    """
    Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez
    Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris
    Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill
    Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Gomez Phillips
    Evans Turner Diaz Parker Cruz Edwards Collins Reyes Stewart Morris Morales Murphy Cook
    Rogers Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed Kelly Howard Ramos Kim Cox Ward
    Richardson Watson Brooks Chavez Wood James Bennett Gray Mendoza Ruiz Hughes Price Alvarez
    Castillo Sanders Patel Myers Long Ross Foster Jimenez Powell Jenkins Perry Russell Sullivan
    Bell Coleman Butler Henderson Barnes Gonzales Fisher Vasquez Simmons Romero Jordan Patterson
    Alexander Hamilton Graham Reynolds Griffin Wallace Moreno West Cole Hayes Bryant Herrera
    Gibson Ellis Tran Medina Aguilar Stevens Murray Ford Castro Marshall Owens Harrison
    Fernandez McDonald Woods Washington Kennedy Wells Vargas Henry Chen Freeman Webb Tucker
    Guzman Burns Crawford Olson Simpson Porter Hunter Gordon Mendez Silva Shaw Snyder Mason
    Dixon Munoz Hunt Hicks Holmes Palmer Wagner Black Robertson Boyd Rose Stone Salazar Fox
    Warren Mills Meyer Rice Schmidt Garza Daniels Ferguson Nichols Stephens Soto Weaver Ryan
    Gardner Payne Grant Dunn Kowalski Novak Schneider Byrne Mazur
    """.split()
)
STREET_NAMES = tuple(
    """
    Main Oak Maple Cedar Pine Elm Washington Lake Hill Park Walnut Liberty Highland Sunset Ridge
    Church Chestnut Spring Forest Jefferson Franklin Lincoln Market Center Mill Meadow River
    Valley Willow Cherry Smithfield Penn Grant Madison Dogwood Orchard Prospect Summit Woodland
    Fairview
    """.split()
)
STREET_SUFFIXES = ("St", "Ave", "Rd", "Dr", "Ln", "Blvd", "Ct", "Way", "Pl", "Pike")
BUSINESS_TRADES = tuple(
    "Plumbing|Landscaping|Electric|Roofing|HVAC|Construction|Painting|Cleaning Services|"
    "Courier|Catering|Floor Covering|Tree Service".split("|")
)
BUSINESS_SUFFIXES = ("LLC", "Inc.", "Co.", "& Sons", "Group")
EMAIL_DOMAINS = ("example.com", "example.net", "example.org")


@dataclass(frozen=True, slots=True)
class Town:
    city: str
    postal_codes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Metro:
    """A market a store sits in: its towns, area codes, sales tax and local nicknames."""

    name: str
    region: str
    area_codes: tuple[str, ...]
    towns: tuple[Town, ...]
    sales_tax: str  # combined state+local rate, as a decimal string
    nicknames: tuple[str, ...]


def _towns(spec: str) -> tuple[Town, ...]:
    """``"City=15201,15203;Other=15102"`` -> towns."""
    towns = []
    for part in spec.split(";"):
        city, codes = part.split("=")
        towns.append(Town(city, tuple(codes.split(","))))
    return tuple(towns)


METROS: tuple[Metro, ...] = (
    Metro(
        "Pittsburgh",
        "PA",
        ("412", "724", "878"),
        _towns(
            "Pittsburgh=15201,15203,15206,15213,15217,15222,15232;Bethel Park=15102;"
            "Monroeville=15146;Cranberry Township=16066;Mt. Lebanon=15228;McKeesport=15132;"
            "Wexford=15090;Coraopolis=15108"
        ),
        "0.07",
        ("Three Rivers", "Steel City", "Allegheny", "Golden Triangle"),
    ),
    Metro(
        "Canton-Akron",
        "OH",
        ("330", "234"),
        _towns(
            "North Canton=44720;Canton=44702,44708,44714,44718;Massillon=44646;"
            "Akron=44303,44313,44320;Green=44685;Louisville=44641;Uniontown=44685"
        ),
        "0.0675",
        ("Stark County", "Hall of Fame", "Summit"),
    ),
    Metro(
        "Columbus",
        "OH",
        ("614", "380"),
        _towns(
            "Columbus=43201,43206,43214,43229;Dublin=43016,43017;Westerville=43081;"
            "Hilliard=43026;Grove City=43123;Gahanna=43230"
        ),
        "0.08",
        ("Buckeye", "Capital City", "Scioto"),
    ),
    Metro(
        "Charlotte",
        "NC",
        ("704", "980"),
        _towns(
            "Charlotte=28202,28205,28209,28210,28226;Matthews=28105;Huntersville=28078;"
            "Concord=28025,28027;Gastonia=28054;Mooresville=28115"
        ),
        "0.0725",
        ("Queen City", "Carolina", "Piedmont"),
    ),
    Metro(
        "Denver",
        "CO",
        ("303", "720"),
        _towns(
            "Denver=80202,80205,80210,80219;Aurora=80012,80015;Lakewood=80226;"
            "Littleton=80120,80123;Arvada=80002;Westminster=80031"
        ),
        "0.0881",
        ("Mile High", "Front Range", "Rocky Mountain"),
    ),
    Metro(
        "Tampa Bay",
        "FL",
        ("813", "727"),
        _towns(
            "Tampa=33602,33606,33611,33647;Brandon=33510,33511;Clearwater=33755,33765;"
            "St. Petersburg=33701,33704;Largo=33770;Riverview=33569"
        ),
        "0.075",
        ("Bay Area", "Gulf Coast", "Suncoast"),
    ),
)


def person_name(rng: random.Random) -> tuple[str, str]:
    return rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)


def business_name(rng: random.Random, metro: Metro) -> str:
    owner = rng.choice(LAST_NAMES)
    style = rng.randrange(3)
    if style == 0:
        return f"{owner} {rng.choice(BUSINESS_TRADES)} {rng.choice(BUSINESS_SUFFIXES)}"
    if style == 1:
        return f"{rng.choice(metro.towns).city} {rng.choice(BUSINESS_TRADES)}"
    return (
        f"{rng.choice(metro.nicknames)} {rng.choice(BUSINESS_TRADES)} {rng.choice(('LLC', 'Inc.'))}"
    )


@dataclass(frozen=True, slots=True)
class PostalAddress:
    line1: str
    city: str
    region: str
    postal_code: str
    country: str = "US"


def street_address(rng: random.Random, metro: Metro) -> PostalAddress:
    town = rng.choice(metro.towns)
    number = rng.choice((rng.randint(10, 999), rng.randint(100, 9999)))
    street = f"{number} {rng.choice(STREET_NAMES)} {rng.choice(STREET_SUFFIXES)}"
    return PostalAddress(street, town.city, metro.region, rng.choice(town.postal_codes))


def phone_number(rng: random.Random, metro: Metro) -> str:
    """Ten digits: local area code, the 555 exchange, four digits."""
    return f"{rng.choice(metro.area_codes)}555{rng.randrange(10_000):04d}"


def slug(text: str) -> str:
    cleaned = "".join(ch.lower() if ch.isalnum() else " " for ch in text.replace("'", ""))
    return "-".join(cleaned.split())


class EmailFactory:
    """Unique e-mail addresses built from names."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._taken: set[str] = set()

    def personal(self, first: str, last: str) -> str:
        first_l, last_l = slug(first).replace("-", ""), slug(last).replace("-", "")
        patterns = (f"{first_l}.{last_l}", f"{first_l[0]}{last_l}", f"{first_l}{last_l[0]}")
        local = self._rng.choice(patterns)
        return self._unique(local, self._rng.choice(EMAIL_DOMAINS))

    def work(self, first: str, last: str, domain: str) -> str:
        local = f"{slug(first).replace('-', '')}.{slug(last).replace('-', '')}"
        return self._unique(local, domain)

    def business(self, company: str) -> str:
        local = self._rng.choice(("office", "billing", "fleet", "accounts"))
        domain = slug(company).replace("-", "")[:20] + ".example.com"
        return self._unique(local, domain)

    def _unique(self, local: str, domain: str) -> str:
        candidate = f"{local}@{domain}"
        while candidate in self._taken:
            candidate = f"{local}{self._rng.randint(2, 99)}@{domain}"
        self._taken.add(candidate)
        return candidate
