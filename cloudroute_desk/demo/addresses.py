"""Where demo companies are based: a city per phone area code, with its country, state and a
few of its postal codes in the format Partner Central checks (``domain/ace/address``).

The business contact's number says where the company sits (``vocab.PHONE_FORMATS``), so the
address agrees with the phone and the region, and multi-country regions (EU, MENA, APAC) get
a real country rather than a blank one.
"""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class City:
    country_code: str
    """ISO 3166 alpha-2, as the API's CountryCode enum spells it."""
    state: str
    """A US state as Partner Central spells it; empty elsewhere (sent for US customers only)."""
    name: str
    postal_codes: tuple[str, ...]
    """Empty for a country without postal codes."""


CITY_BY_PHONE_PREFIX: dict[str, City] = {
    "+1212": City("US", "New York", "New York", ("10001", "10011", "10016", "10018")),
    "+1646": City("US", "New York", "New York", ("10003", "10013", "10036")),
    "+1617": City("US", "Massachusetts", "Boston", ("02110", "02116", "02210")),
    "+1305": City("US", "Florida", "Miami", ("33130", "33131", "33137")),
    "+1202": City("US", "Dist. of Columbia", "Washington", ("20001", "20005", "20036")),
    "+1415": City("US", "California", "San Francisco", ("94103", "94105", "94107")),
    "+1650": City("US", "California", "Palo Alto", ("94301", "94303", "94304")),
    "+1206": City("US", "Washington", "Seattle", ("98101", "98104", "98109")),
    "+1310": City("US", "California", "Los Angeles", ("90025", "90045", "90066")),
    "+1503": City("US", "Oregon", "Portland", ("97204", "97209", "97214")),
    "+4420": City("GB", "", "London", ("EC2A 4NE", "N1 7GU", "SE1 9SG", "W1T 3JH")),
    "+447": City("GB", "", "London", ("EC1V 9BD", "E1 6AN", "WC2H 9JQ")),
    "+44161": City("GB", "", "Manchester", ("M1 1AE", "M3 3HF", "M4 5JD")),
    "+4930": City("DE", "", "Berlin", ("10115", "10178", "10997")),
    "+3120": City("NL", "", "Amsterdam", ("1012 AB", "1016 DK", "1017 CE")),
    "+331": City("FR", "", "Paris", ("75002", "75010", "75011")),
    "+3902": City("IT", "", "Milan", ("20121", "20124", "20154")),
    "+468": City("SE", "", "Stockholm", ("111 22", "113 56", "118 27")),
    "+9714": City("AE", "", "Dubai", ()),
    "+97150": City("AE", "", "Dubai", ()),
    "+96611": City("SA", "", "Riyadh", ("12211-3456", "12241-7311", "11564-2201")),
    "+9180": City("IN", "", "Bengaluru", ("560001", "560034", "560103")),
    "+9198": City("IN", "", "Chennai", ("600002", "600017", "600113")),
    "+9122": City("IN", "", "Mumbai", ("400001", "400051", "400076")),
    "+656": City("SG", "", "Singapore", ("018956", "048616", "138522")),
    "+612": City("AU", "", "Sydney", ("2000", "2009", "2010")),
    "+813": City("JP", "", "Tokyo", ("100-0005", "150-0002", "106-0032")),
    "+852": City("HK", "", "Hong Kong", ()),
    "+55119": City("BR", "", "Sao Paulo", ("01310-100", "04538-132", "05425-070")),
    "+55219": City("BR", "", "Rio de Janeiro", ("20040-020", "22250-040", "22410-003")),
}  # fmt: skip
"""One city for every prefix of ``vocab.PHONE_FORMATS`` (a test keeps the two in step)."""

_PREFIX_LENGTHS = tuple(sorted({len(prefix) for prefix in CITY_BY_PHONE_PREFIX}, reverse=True))


def city_for(phone: str) -> City:
    """The city of the area code ``phone`` starts with (a demo number always has one)."""
    for length in _PREFIX_LENGTHS:
        city = CITY_BY_PHONE_PREFIX.get(phone[:length])
        if city is not None:
            return city
    raise ValueError(f"no demo city for the phone number {phone!r}")


def address(rng: random.Random, phone: str) -> dict[str, str]:
    """The phone's city as the form's ``customer`` address fields (empty ones left out, as a
    sparse form stores them; the street is optional in Partner Central and left out too)."""
    city = city_for(phone)
    fields = {"country_code": city.country_code, "city": city.name}
    if city.postal_codes:
        fields["postal_code"] = rng.choice(city.postal_codes)
    if city.state:
        fields["state_or_region"] = city.state
    return fields
