"""The finding ``rule`` ids are a documented contract (docs/ace-records.md, "Rules"): every id
the validator can emit is in that table, and the table lists no id the validator lacks."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RULE_SOURCES = [
    ROOT / "cloudroute_desk/domain/ace/rules.py",
    ROOT / "cloudroute_desk/domain/ace/submission_rules.py",
    ROOT / "cloudroute_desk/domain/ace/stage_rules.py",
    ROOT / "cloudroute_desk/domain/ace/address.py",
]


def _emitted() -> set[str]:
    ids: set[str] = set()
    for path in RULE_SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("error", "warning")
                and len(node.args) >= 2
            ):
                rule = node.args[1]
                assert isinstance(rule, ast.Constant), (
                    f"{path.name}:{node.lineno}: rule id not literal"
                )
                ids.add(str(rule.value))
    return ids | {"text"}


def _documented() -> set[str]:
    text = (ROOT / "docs/ace-records.md").read_text(encoding="utf-8")
    table = text.split("## Rules (rule id → what it checks)", 1)[1].split("\n## ", 1)[0]
    ids: set[str] = set()
    for line in table.splitlines():
        if not line.startswith("| `"):
            continue
        previous = ""
        for token in re.findall(r"`([^`]+)`", line.split("|")[1]):
            rule = previous.rsplit(".", 1)[0] + token if token.startswith(".") else token
            ids.add(rule)
            previous = rule
    return ids


def test_every_emitted_rule_id_is_documented_and_vice_versa() -> None:
    emitted, documented = _emitted(), _documented() - {"api.<code>"}
    assert emitted - documented == set(), "undocumented rule ids"
    assert documented - emitted == set(), "documented ids the validator never emits"
