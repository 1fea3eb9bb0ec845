"""Who "the customer" is: the one notion of identity the router and the ACE record rules share.

A startup may send several inquiries, under slightly different spellings of its name. What
competes in Partner Central is the customer, not the inquiry (seed, section IX; DOMAIN.md), so
two inquiries are the **same customer** when any of these match:

- the **normalised company name**: accents and case folded, punctuation dropped, "&" read as
  "and", a leading "The" and trailing legal suffixes (Inc., LLC, Ltd, GmbH, S.A., ...) removed,
  so "Acme Robotics, Inc." and "ACME Robotics LLC" are one customer;
- the website's **registrable domain** (the Public Suffix List's "private suffix": the domain
  a company registers), so ``https://www.acme.io/pricing`` and ``app.acme.io`` are one
  customer, while ``acme.co.uk`` and ``beta.co.uk`` are not; profile pages on shared hosts
  (LinkedIn, GitHub, ...) say nothing about identity and are ignored;
- the 12-digit **AWS account id** on any of their ACE records, where one is known
  (placeholders for greenfield accounts identify nobody).

Any one match is enough: a missed match lets a second partner file a record that AWS rejects
together with the first, which costs far more than asking an admin to look twice.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Final

from publicsuffixlist import PublicSuffixList

LEGAL_SUFFIXES: Final = frozenset(
    {
        "ab", "ag", "aps", "as", "asa", "bhd", "bv", "co", "company", "corp", "corporation",
        "cv", "fz", "fze", "gmbh", "inc", "incorporated", "kft", "kg", "kk", "limited", "llc",
        "llp", "lp", "ltd", "ltda", "mbh", "nv", "oy", "oyj", "plc", "private", "pte", "pty",
        "pvt", "sa", "sac", "sarl", "sas", "sl", "spa", "sro", "srl", "ug", "ulc",
    }
)  # fmt: skip
"""Trailing words that name a legal form, not a company (after dots are removed: "S.A." -> sa)."""

SHARED_HOSTS: Final = frozenset(
    {
        "linkedin.com", "facebook.com", "github.com", "gitlab.com", "google.com", "medium.com",
        "twitter.com", "x.com", "instagram.com", "notion.so", "wixsite.com", "angel.co",
        "wellfound.com", "crunchbase.com", "producthunt.com", "youtube.com",
        "example.com", "example.net", "example.org",
    }
)  # fmt: skip
"""Registrable domains many unrelated startups put in the website field (profile pages), and
the documentation domains of RFC 2606, which identify nobody."""

_ACCOUNT_ID: Final = re.compile(r"[0-9]{12}")
_JOINED: Final = re.compile(r"[.'\u2019]")
_NOT_WORD: Final = re.compile(r"[^0-9a-z]+")
_SCHEME: Final = re.compile(r"^[a-z][a-z0-9+.-]*://")


@lru_cache(maxsize=1)
def _suffixes() -> PublicSuffixList:
    return PublicSuffixList()


def normalised_company_name(name: str) -> str:
    """``"Açme Robotics, Inc."`` -> ``"acme robotics"``; ``""`` when nothing is left."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    plain = _JOINED.sub("", plain.replace("&", " and "))
    words = _NOT_WORD.sub(" ", plain).split()
    if words[:1] == ["the"] and len(words) > 1:
        words = words[1:]
    while len(words) > 1 and words[-1] in LEGAL_SUFFIXES:
        words.pop()
        if len(words) > 1 and words[-1] == "and":  # "Smith & Co." -> "smith"
            words.pop()
    return " ".join(words)


def registrable_domain(website: str) -> str:
    """``"https://www.Acme.co.uk/about"`` -> ``"acme.co.uk"``; ``""`` for no usable host."""
    text = website.strip().lower()
    text = _SCHEME.sub("", text)
    host = re.split(r"[/?#]", text, maxsplit=1)[0]
    host = host.rsplit("@", 1)[-1].split(":", 1)[0].strip(".")
    if not host or "." not in host:
        return ""
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return ""
    domain = _suffixes().privatesuffix(host)
    if domain is None or domain in SHARED_HOSTS:
        return ""
    return str(domain)


def aws_account_key(value: str | None) -> str:
    """A real 12-digit AWS account id, or ``""`` (placeholders identify nobody)."""
    text = (value or "").strip()
    return text if _ACCOUNT_ID.fullmatch(text) else ""


@dataclass(frozen=True)
class CustomerKey:
    """What identifies one inquiry's customer; see the module docstring."""

    name: str
    domain: str
    aws_account_ids: frozenset[str] = field(default_factory=frozenset)


def customer_key(
    company_name: str, website: str, aws_account_ids: frozenset[str] = frozenset()
) -> CustomerKey:
    return CustomerKey(
        normalised_company_name(company_name), registrable_domain(website), aws_account_ids
    )


def match_reason(a: CustomerKey, b: CustomerKey) -> str | None:
    """Why ``a`` and ``b`` are the same customer ("same website domain acme.io"), or None."""
    if a.name and a.name == b.name:
        return f"same company name ({a.name})"
    if a.domain and a.domain == b.domain:
        return f"same website domain {a.domain}"
    shared = sorted(a.aws_account_ids & b.aws_account_ids)
    if shared:
        return f"same AWS account {shared[0]}"
    return None


def same_customer(a: CustomerKey, b: CustomerKey) -> bool:
    return match_reason(a, b) is not None
