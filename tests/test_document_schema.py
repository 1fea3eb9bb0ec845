"""docs/ace-record.schema.json is the schema of what ``validate`` reads; it must not drift."""

from __future__ import annotations

import json
from pathlib import Path

from cloudroute_desk.domain.ace.document import json_schema

SCHEMA = Path(__file__).resolve().parents[1] / "docs" / "ace-record.schema.json"


def test_the_published_schema_is_the_models_schema() -> None:
    assert json.loads(SCHEMA.read_text(encoding="utf-8")) == json_schema(), (
        "regenerate docs/ace-record.schema.json from domain/ace/document.json_schema()"
    )
