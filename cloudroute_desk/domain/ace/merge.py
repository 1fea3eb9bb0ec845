"""Three-way merge of a record's form, field by field, against the version an edit started from.

``base`` is the form as the server held it when the offline copy was taken, ``mine`` the form
after the offline edits, ``theirs`` the form on the server now. A field only one side changed
takes that side's value; a field both changed to the same value takes it; a field both changed
differently is a conflict (the admin decides). Nested objects (the customer, the project) merge
field by field; lists (contacts, spend lines) are one value each: their items have no identity
to merge by. No clock takes part: only the values and the server's version numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

_MISSING = object()


@dataclass(frozen=True, slots=True)
class MergeResult:
    merged: dict[str, Any]
    """Every field merged; a conflicting field holds ``mine`` (the admin's pending choice)."""
    conflicts: tuple[str, ...]
    """Dotted paths both sides changed differently, in form order."""
    theirs_changed: tuple[str, ...]
    """Dotted paths only the server side changed (kept, no question asked)."""


def merge3(base: dict[str, Any], mine: dict[str, Any], theirs: dict[str, Any]) -> MergeResult:
    conflicts: list[str] = []
    theirs_changed: list[str] = []
    merged = _merge(base, mine, theirs, "", conflicts, theirs_changed)
    assert isinstance(merged, dict)
    return MergeResult(merged, tuple(conflicts), tuple(theirs_changed))


def _merge(
    base: Any, mine: Any, theirs: Any, path: str, conflicts: list[str], theirs_changed: list[str]
) -> Any:
    if mine == theirs:
        return mine
    if mine == base:
        theirs_changed.append(path)
        return theirs
    if theirs == base:
        return mine
    if isinstance(mine, dict) and isinstance(theirs, dict):
        base_dict = base if isinstance(base, dict) else {}
        out: dict[str, Any] = {}
        for key in [*mine, *(k for k in theirs if k not in mine)]:
            value = _merge(
                base_dict.get(key, _MISSING),
                mine.get(key, _MISSING),
                theirs.get(key, _MISSING),
                f"{path}.{key}" if path else key,
                conflicts,
                theirs_changed,
            )
            if value is not _MISSING:
                out[key] = value
        return out
    conflicts.append(path)
    return mine


def resolve(result: MergeResult, theirs: dict[str, Any], keep_mine: bool) -> dict[str, Any]:
    """The form to save once the admin chose: the merge with every conflicting field taken
    from mine (``keep_mine``) or from theirs."""
    if keep_mine:
        return result.merged
    out: dict[str, Any] = _copy(result.merged)
    for path in result.conflicts:
        _set(out, path, _get(theirs, path))
    return out


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    return value


def _get(data: dict[str, Any], path: str) -> Any:
    value: Any = data
    for key in path.split("."):
        if not isinstance(value, dict) or key not in value:
            return _MISSING
        value = value[key]
    return value


def _set(data: dict[str, Any], path: str, value: Any) -> None:
    keys = path.split(".")
    target = data
    for key in keys[:-1]:
        target = target.setdefault(key, {})
    if value is _MISSING:
        target.pop(keys[-1], None)
    else:
        target[keys[-1]] = value
