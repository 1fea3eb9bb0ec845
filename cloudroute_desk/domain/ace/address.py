"""Postal codes per country, as Partner Central checks them on submission.

AWS publishes two lists keyed by country *name*: the 59 countries without postal codes (the
field must then be empty) and 149 per-country formats written as masks ("99999 OR
99999-9999"). ``resources/ace/CountryNameCodes.csv`` maps those names onto the API's
CountryCode values; the masks are turned into regexes once, on first use.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Final


@dataclass(frozen=True, slots=True)
class PostalRule:
    country_name: str
    pattern: re.Pattern[str] | None
    """None for a country without postal codes."""
    message: str


# Masks whose letters are not a simple "A = any letter" code; written out by hand.
_SPECIAL_PATTERNS: Final[dict[str, str]] = {
    "Netherlands": r"\d{4} ?[A-Z]{2}",
    "Bermuda": r"[A-Z]{2} ?(\d{2}|[A-Z]{2})",
    "Ireland": r"[A-Z]\d[0-9W] ?[0-9A-Z]{4}",
    "Great Britain": r"[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}",
    "United Kingdom": r"[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}",
}
# Two CSV rows name the same code (Great Britain and United Kingdom); the UK row wins.
_PREFERRED_NAME: Final[dict[str, str]] = {"GB": "United Kingdom"}


def _read(name: str) -> list[list[str]]:
    text = (files("cloudroute_desk.resources") / "ace" / name).read_text(encoding="utf-8-sig")
    return list(csv.reader(io.StringIO(text)))[1:]


def mask_to_regex(mask: str) -> str:
    """``99999 OR 99999-9999`` -> ``\\d{5}|\\d{5}-\\d{4}``. In a mask made only of 9s, 9 is any
    digit; once other digits appear (``97133``, ``986NN``) digits are literal and N is any
    digit. A is any letter; other letters and separators are literal."""
    alternatives = re.split(r"\s+OR\s+", mask.strip(), flags=re.IGNORECASE)
    out: list[str] = []
    for alternative in alternatives:
        literal_digits = re.search(r"[0-8]", alternative) is not None
        parts: list[str] = []
        for char in alternative:
            if char == "N" or (char == "9" and not literal_digits):
                parts.append(r"\d")
            elif char == "A":
                parts.append("[A-Z]")
            else:
                parts.append(re.escape(char))
        out.append("".join(parts))
    return "|".join(out)


@cache
def postal_rules() -> dict[str, PostalRule]:
    """CountryCode -> rule, for the countries AWS publishes a rule for."""
    code_by_name = {name: code for name, code in _read("CountryNameCodes.csv")}
    rules: dict[str, PostalRule] = {}
    for (name,) in (row[:1] for row in _read("CountriesWithoutPostalCode.csv") if row):
        code = code_by_name.get(name)
        if code is not None:
            message = f"{name} has no postal codes; leave the postal code empty."
            rules[code] = PostalRule(name, None, message)
    for name, message in (row[:2] for row in _read("PostalCodeValidations.csv") if len(row) >= 2):
        code = code_by_name.get(name)
        if code is None or _PREFERRED_NAME.get(code, name) != name:
            continue
        mask = message.rsplit("must be in ", 1)[-1].removesuffix(".").removesuffix(" format")
        regex = _SPECIAL_PATTERNS.get(name) or mask_to_regex(mask)
        rules[code] = PostalRule(name, re.compile(regex, re.IGNORECASE), message)
    return rules


def postal_code_problem(country_code: str, postal_code: str) -> str | None:
    """Why ``postal_code`` is wrong for the country, or None. Countries without a published
    format accept any non-empty code up to the API's 20 characters (checked elsewhere)."""
    rule = postal_rules().get(country_code)
    value = postal_code.strip()
    if rule is None:
        return None if value else "Postal code is required."
    if rule.pattern is None:
        return rule.message if value else None
    if not value:
        return f"Postal code is required for {rule.country_name}."
    if len(value) > 20 or rule.pattern.fullmatch(value) is None:
        return rule.message
    return None


def has_postal_codes(country_code: str) -> bool:
    rule = postal_rules().get(country_code)
    return rule is None or rule.pattern is not None
