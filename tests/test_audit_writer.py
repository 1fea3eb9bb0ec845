"""Audit rows have one writer: ``db/audit.add_audit_event``, called by every use-case.

(The demo generator's bulk loader copies a whole generated history, audit rows included, in
one COPY per table; it writes no row for an action.)
"""

from __future__ import annotations

import re
from pathlib import Path

import cloudroute_desk

PACKAGE = Path(cloudroute_desk.__file__).parent
WRITES_AUDIT = re.compile(r"insert\(\s*(AuditEventRow|_AUDIT|audit_events)\b")


def test_only_db_audit_inserts_audit_rows() -> None:
    writers = sorted(
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if "migrations" not in path.parts and WRITES_AUDIT.search(path.read_text("utf-8"))
    )
    assert writers == ["db/audit.py"]
