"""How JSON columns are written: one compact spelling for the ORM, SQLite's ``executemany``
and PostgreSQL's ``COPY`` alike (no spaces after separators: a million demo records' forms
are about 5 % smaller, and every path stores the same text)."""

from __future__ import annotations

import json
from typing import Any

_ENCODER = json.JSONEncoder(separators=(",", ":"))
"""One encoder for every value: ``json.dumps`` with a separator builds a new one per call."""


def json_text(value: Any) -> str:
    return _ENCODER.encode(value)
