"""Postal codes per country from AWS's two published lists."""

from __future__ import annotations

import pytest

from cloudroute_desk.domain.ace import api_model as ace_api_model
from cloudroute_desk.domain.ace.address import mask_to_regex, postal_code_problem, postal_rules


def test_every_published_country_has_a_rule_under_an_api_country_code() -> None:
    rules = postal_rules()
    # The files name 59 countries without codes and 149 formats; Great Britain and United
    # Kingdom share GB, and Serbia and Montenegro has no code of its own any more.
    assert set(rules) <= set(ace_api_model.enum_values("CountryCode"))
    assert sum(1 for rule in rules.values() if rule.pattern is None) == 59
    assert len(rules) == 206


@pytest.mark.parametrize(
    ("mask", "regex"),
    [
        ("99999 OR 99999-9999", r"\d\d\d\d\d|\d\d\d\d\d\-\d\d\d\d"),
        ("97133", "97133"),
        ("986NN", r"986\d\d"),
        ("KB9999", r"KB\d\d\d\d"),
        ("A9A 9A9 or A9A9A9", r"[A-Z]\d[A-Z]\ \d[A-Z]\d|[A-Z]\d[A-Z]\d[A-Z]\d"),
    ],
)
def test_masks_become_regexes(mask: str, regex: str) -> None:
    assert mask_to_regex(mask) == regex


@pytest.mark.parametrize(
    ("country", "code"),
    [
        ("US", "94105"),
        ("US", "94105-1234"),
        ("GB", "SW1A 1AA"),
        ("GB", "m1 1ae"),
        ("NL", "1234AB"),
        ("CA", "K1A 0B1"),
        ("IE", "D02 X285"),
        ("JP", "100-0001"),
        ("BR", "01310-100"),
        ("SE", "SE-12345"),
        ("BL", "97133"),
        ("SM", "47891"),
        ("BO", ""),
        ("AE", ""),
        ("DE", "10115"),
    ],
)
def test_good_postal_codes(country: str, code: str) -> None:
    assert postal_code_problem(country, code) is None


@pytest.mark.parametrize(
    ("country", "code", "message"),
    [
        ("US", "9410", "United States postal code must be in 99999 OR 99999-9999 format"),
        ("US", "", "Postal code is required for United States"),
        ("GB", "12345", "United Kingdom postal code"),
        ("BL", "97134", "97133 format"),
        ("BO", "0000", "Bolivia has no postal codes"),
        ("DE", "1011", "Germany postal code must be in 99999 format"),
        ("US", "9" * 100_000, "United States"),
    ],
)
def test_bad_postal_codes(country: str, code: str, message: str) -> None:
    problem = postal_code_problem(country, code)
    assert problem is not None and message in problem
