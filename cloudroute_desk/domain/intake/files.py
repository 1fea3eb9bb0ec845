"""Turning an import file's bytes into raw rows, each with the line it starts on.

Everything that makes a whole file unusable is found here, before any row is stored, and
raised as ``IntakeFileError`` with one sentence the admin can act on: not UTF-8 (with the
line), empty, malformed JSON, JSON that is not a list, a CSV header without the required
columns. Problems of one row (a wrong number of CSV fields, a JSON item that is not an
object) become a ``RawRow`` without values, so the row is reported and the rest go in.
"""

from __future__ import annotations

import csv
import io
import json
import re
from bisect import bisect_left
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import PurePath
from typing import Any

from cloudroute_desk.domain.intake.schema import (
    RawRow,
    RowKind,
    column_key,
    flatten,
    missing_columns,
    unknown_columns,
)

CSV_FIELD_LIMIT = 16 * 1024 * 1024
"""Far above any column limit, so an oversized cell is rejected per row, not per file."""

JSON_ROOT_KEYS: dict[RowKind, str] = {RowKind.INQUIRY: "inquiries", RowKind.PARTNER: "partners"}


class IntakeFileError(Exception):
    """The file as a whole cannot be imported; nothing was written."""


class FileFormat(StrEnum):
    CSV = "csv"
    JSON = "json"


@dataclass(frozen=True, slots=True)
class IntakeFile:
    """A file that passed every file-level check: its row count, and its rows on demand.

    Rows are produced lazily (a CSV is parsed again when they are read), so a large file
    costs its decoded text in memory, not a dictionary per row.
    """

    format: FileFormat
    total: int
    """Rows in the file (blank CSV lines are not rows)."""
    warnings: tuple[str, ...]
    produce: Callable[[], Iterator[RawRow]]

    def rows(self) -> Iterator[RawRow]:
        return self.produce()


class CsvValues(Mapping[str, str]):
    """One CSV record's cells by column name, sharing the header's index with its siblings."""

    __slots__ = ("_cells", "_index")

    def __init__(self, index: Mapping[str, int], cells: list[str]) -> None:
        self._index = index
        self._cells = cells

    def __getitem__(self, key: str) -> str:
        return self._cells[self._index[key]]

    def get(self, key: str, default: Any = None) -> Any:
        position = self._index.get(key)
        return default if position is None else self._cells[position]

    def __iter__(self) -> Iterator[str]:
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)


def detect_format(name: str, text: str) -> FileFormat:
    suffix = PurePath(name).suffix.casefold()
    if suffix == ".json":
        return FileFormat.JSON
    if suffix in (".csv", ".tsv", ".txt"):
        return FileFormat.CSV
    return FileFormat.JSON if text.lstrip()[:1] in ("[", "{") else FileFormat.CSV


def decode(data: bytes) -> str:
    """UTF-8 (with or without a byte-order mark), or a refusal naming the first bad line."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise IntakeFileError("the file is UTF-16; save it as UTF-8 and import it again")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise IntakeFileError(
            f"the file is not UTF-8 at line {line} (byte 0x{data[error.start]:02X}); "
            "save it as UTF-8 and import it again"
        ) from None


def read_intake(
    data: bytes, name: str, kind: RowKind, file_format: FileFormat | None = None
) -> IntakeFile:
    text = decode(data)
    if not text.strip():
        raise IntakeFileError("the file is empty")
    file_format = file_format or detect_format(name, text)
    if file_format is FileFormat.JSON:
        return _read_json(text, kind)
    return _read_csv(text, kind)


# ---- CSV -------------------------------------------------------------------------------------


def _delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: (counts[d], d == ","))


def _records(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """(first line, cells) for each CSV record; a quoted cell may span lines."""
    if csv.field_size_limit() < CSV_FIELD_LIMIT:
        csv.field_size_limit(CSV_FIELD_LIMIT)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    start = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise IntakeFileError(
                f"the CSV is malformed at line {reader.line_num}: {error}"
            ) from None
        yield start, cells
        start = reader.line_num + 1


def _blank(cells: list[str]) -> bool:
    return all(not cell.strip() for cell in cells)


def _skip_to_header(records: Iterator[tuple[int, list[str]]]) -> list[str] | None:
    for _line, cells in records:
        if not _blank(cells):
            return [column_key(cell) for cell in cells]
    return None


def _read_csv(text: str, kind: RowKind) -> IntakeFile:
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    delimiter = _delimiter(first_line)
    records = _records(text, delimiter)
    header = _skip_to_header(records)
    if header is None:
        raise IntakeFileError("the file is empty")
    named = [name for name in header if name]
    repeated = sorted({name for name in named if named.count(name) > 1})
    if repeated:
        raise IntakeFileError(f"the header names these columns twice: {', '.join(repeated)}")
    missing = missing_columns(kind, set(named))
    if missing:
        raise IntakeFileError(
            f"the header lacks required columns: {', '.join(missing)} "
            f"(is this really a file of {JSON_ROOT_KEYS[kind]}?)"
        )
    warnings = _column_warnings(kind, set(named), unnamed=len(header) - len(named))
    # A full pass now, so a malformed record near the end refuses the file before any write.
    total = sum(1 for _line, cells in records if not _blank(cells))
    index = {name: position for position, name in enumerate(header) if name}
    width = len(header)

    def produce() -> Iterator[RawRow]:
        records = _records(text, delimiter)
        _skip_to_header(records)
        for line, cells in records:
            if _blank(cells):
                continue
            if len(cells) != width:
                yield RawRow(line, None, f"has {len(cells)} fields; the header has {width}")
            else:
                yield RawRow(line, CsvValues(index, cells))

    return IntakeFile(FileFormat.CSV, total, warnings, produce)


def _column_warnings(kind: RowKind, present: set[str], unnamed: int = 0) -> tuple[str, ...]:
    warnings: list[str] = []
    unknown = unknown_columns(kind, present)
    if unknown:
        warnings.append(f"ignored unknown columns: {', '.join(unknown)}")
    if unnamed:
        warnings.append(f"ignored {unnamed} column(s) without a name")
    return tuple(warnings)


# ---- JSON ------------------------------------------------------------------------------------

_WHITESPACE = re.compile(r"[ \t\n\r]*")


def _read_json(text: str, kind: RowKind) -> IntakeFile:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise IntakeFileError(
            f"the file is not valid JSON at line {error.lineno}, column {error.colno}: {error.msg}"
        ) from None
    except RecursionError:
        raise IntakeFileError("the JSON is nested too deeply to be an import file") from None
    root_key = JSON_ROOT_KEYS[kind]
    if isinstance(document, list):
        items, key = document, None
    elif isinstance(document, dict) and isinstance(document.get(root_key), list):
        items, key = document[root_key], root_key
    else:
        raise IntakeFileError(
            f'the JSON must be a list of objects or {{"{root_key}": [...]}}, '
            f"not {_describe(document)}"
        )
    lines = _item_lines(text, key, len(items))
    present: set[str] = set()
    for item in items:
        if isinstance(item, dict):
            present.update(flatten(item))

    def produce() -> Iterator[RawRow]:
        for line, item in zip(lines, items, strict=True):
            if isinstance(item, dict):
                yield RawRow(line, flatten(item))
            else:
                yield RawRow(line, None, f"is {_describe(item)}, not an object")

    return IntakeFile(FileFormat.JSON, len(items), _column_warnings(kind, present), produce)


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        return "an object without that list"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a string"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    return "a number"


def _item_lines(text: str, key: str | None, count: int) -> list[int]:
    """The line each array item starts on (json.loads has already proven the text valid)."""
    newlines = [match.start() for match in re.finditer("\n", text)]
    decoder = json.JSONDecoder()

    def skip(position: int) -> int:
        match = _WHITESPACE.match(text, position)
        assert match is not None
        return match.end()

    position = skip(0)
    if key is not None:
        position += 1  # past "{"
        while True:
            name, position = decoder.raw_decode(text, skip(position))
            position = skip(skip(position) + 1)  # past ":"
            if name == key:
                break
            _value, position = decoder.raw_decode(text, position)
            position = skip(position) + 1  # past ","
    position = skip(position + 1)  # past "["
    starts: list[int] = []
    while text[position] != "]":
        starts.append(position)
        _item, position = decoder.raw_decode(text, position)
        position = skip(position)
        if text[position] == ",":
            position = skip(position + 1)
    if len(starts) != count:
        # A repeated root key: json.loads kept the last one; number the items instead.
        return list(range(1, count + 1))
    return [bisect_left(newlines, start) + 1 for start in starts]
