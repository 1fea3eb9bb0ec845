"""Reading import files: what refuses a whole file, and where each row starts."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from cloudroute_desk.domain.intake.files import (
    FileFormat,
    IntakeFileError,
    detect_format,
    read_intake,
)
from cloudroute_desk.domain.intake.schema import INQUIRY_REQUIRED, RowKind, parse_inquiry

HEADER = ",".join(INQUIRY_REQUIRED)
ROW = "Lumen,https://lumen.example.com,seed,US-East,fintech,AI-heavy,Build,2026-11-24T09:00:00"


def read_csv(text: str, data: bytes | None = None) -> list[tuple[int, object]]:
    intake = read_intake(data if data is not None else text.encode(), "x.csv", RowKind.INQUIRY)
    return [(row.line, row.values) for row in intake.rows()]


def test_latin1_bytes_refuse_the_file_naming_the_line() -> None:
    data = f"{HEADER}\n{ROW}\n{ROW.replace('Lumen', 'Café')}\n".encode("latin-1")
    with pytest.raises(IntakeFileError, match=r"not UTF-8 at line 3 \(byte 0xE9\)"):
        read_intake(data, "x.csv", RowKind.INQUIRY)


def test_utf16_is_refused_with_advice() -> None:
    data = f"{HEADER}\n{ROW}\n".encode("utf-16")
    with pytest.raises(IntakeFileError, match="UTF-16; save it as UTF-8"):
        read_intake(data, "x.csv", RowKind.INQUIRY)


def test_byte_order_mark_is_accepted() -> None:
    rows = read_csv("", data=f"\ufeff{HEADER}\r\n{ROW}\r\n".encode())
    assert len(rows) == 1
    assert rows[0][0] == 2


@pytest.mark.parametrize("data", [b"", b"   \n\n", b"\xef\xbb\xbf"])
def test_empty_file_is_refused(data: bytes) -> None:
    with pytest.raises(IntakeFileError, match="empty"):
        read_intake(data, "x.csv", RowKind.INQUIRY)


def test_header_only_has_no_rows() -> None:
    assert read_csv(HEADER + "\n") == []


def test_missing_required_columns_refuse_the_file() -> None:
    header = HEADER.replace(",region", "").replace(",vertical", "")
    with pytest.raises(IntakeFileError, match="lacks required columns: region, vertical"):
        read_csv(f"{header}\n")


def test_repeated_header_columns_refuse_the_file() -> None:
    with pytest.raises(IntakeFileError, match="twice: region"):
        read_csv(f"{HEADER},Region\n")


def test_extra_columns_are_ignored_with_a_warning() -> None:
    intake = read_intake(
        f"{HEADER},notes,utm_source\n{ROW},hi,ad\n".encode(), "x.csv", RowKind.INQUIRY
    )
    assert intake.warnings == ("ignored unknown columns: notes, utm_source",)
    parsed = parse_inquiry(next(intake.rows()), datetime(2026, 11, 26))
    assert parsed.ok, parsed.errors


def test_line_numbers_follow_blank_lines_and_quoted_newlines() -> None:
    multi = ROW.replace("Lumen", '"Lumen\nAnalytics"')
    rows = read_csv(f"{HEADER}\n{ROW}\n\n{multi}\n{ROW}\n")
    assert [line for line, _ in rows] == [2, 4, 6]


def test_wrong_field_count_is_a_row_problem() -> None:
    intake = read_intake(f"{HEADER}\n{ROW},extra\n{ROW}\n".encode(), "x.csv", RowKind.INQUIRY)
    rows = list(intake.rows())
    assert intake.total == 2
    assert rows[0].values is None
    assert rows[0].problem == "has 9 fields; the header has 8"
    assert rows[1].values is not None


def test_semicolon_delimited_csv_is_recognised() -> None:
    text = HEADER.replace(",", ";") + "\n" + ROW.replace(",", ";") + "\n"
    rows = read_csv(text)
    assert rows[0][1] is not None
    assert rows[0][1]["region"] == "US-East"  # type: ignore[index]


def test_cells_over_the_csv_module_default_limit_reach_row_validation() -> None:
    rows = read_csv(f"{HEADER}\n{ROW.replace('Lumen', 'x' * 300_000)}\n")
    assert len(rows[0][1]["company_name"]) == 300_000  # type: ignore[index]


def test_json_list_items_know_their_lines() -> None:
    text = '[\n  {"company_name": "A"},\n\n  {"company_name": "B"},\n  7\n]'
    rows = list(read_intake(text.encode(), "x.json", RowKind.INQUIRY).rows())
    assert [row.line for row in rows] == [2, 4, 5]
    assert rows[2].values is None
    assert rows[2].problem == "is a number, not an object"


def test_json_object_with_a_named_list() -> None:
    text = json.dumps({"meta": {"x": [1, 2]}, "inquiries": [{"company_name": "A"}]}, indent=1)
    rows = list(read_intake(text.encode(), "x.json", RowKind.INQUIRY).rows())
    assert len(rows) == 1
    assert rows[0].line == text.splitlines().index("  {") + 1


@pytest.mark.parametrize("text", ['{"company_name": "A"}', '"hello"', "42", "null"])
def test_json_that_is_not_a_list_is_refused(text: str) -> None:
    with pytest.raises(IntakeFileError, match="must be a list of objects"):
        read_intake(text.encode(), "x.json", RowKind.INQUIRY)


@pytest.mark.parametrize(
    ("text", "where"),
    [('[{"a": 1},\n {"b": }]', "line 2"), ("[{", "line 1"), ('[{"a": 1}] trailing', "line 1")],
)
def test_malformed_json_is_refused_with_its_position(text: str, where: str) -> None:
    with pytest.raises(IntakeFileError, match=f"not valid JSON at {where}"):
        read_intake(text.encode(), "x.json", RowKind.INQUIRY)


def test_deeply_nested_json_is_refused() -> None:
    with pytest.raises(IntakeFileError):
        read_intake(b"[" * 100_000 + b"]" * 100_000, "x.json", RowKind.INQUIRY)


def test_json_unknown_keys_warn_and_unpaired_surrogates_survive_to_validation() -> None:
    text = '[{"company_name": "A\\ud800", "favourite_colour": "blue"}]'
    intake = read_intake(text.encode(), "x.json", RowKind.INQUIRY)
    assert intake.warnings == ("ignored unknown columns: favourite_colour",)
    values = next(intake.rows()).values
    assert values is not None and values["company_name"] == "A\ud800"


def test_format_detection() -> None:
    assert detect_format("a.JSON", "") is FileFormat.JSON
    assert detect_format("a.csv", "[") is FileFormat.CSV
    assert detect_format("export", "  [{}]") is FileFormat.JSON
    assert detect_format("export", "company_name,website") is FileFormat.CSV
