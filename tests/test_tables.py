"""Tests for reading and validating the event tables."""

from __future__ import annotations

import os
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest

from dashboard import schema
from dashboard.tables import (
    content_version,
    file_versions,
    load_dataset,
    load_table,
    oblast_boxes,
)
from tests.conftest import SAMPLE_ROWS, write_tables


def test_sample_tables_load_without_problems(data_dir):
    """Test that well-formed tables load whole, with no problems reported."""
    dataset = load_dataset(data_dir)
    assert dataset.problems == ()
    assert len(dataset.events) == sum(len(rows) for rows in SAMPLE_ROWS.values())


def test_unified_frame_has_kind_and_typed_columns(events):
    """Test that the stacked frame carries kind, real dates and nullable integers."""
    assert set(events["kind"]) == set(schema.KINDS)
    assert pd.api.types.is_datetime64_any_dtype(events["date"])
    assert str(events["killed"].dtype) == "Int64"
    dnipro = events.set_index("event_id").loc["STR-0001"]
    assert dnipro["killed"] == 46 and dnipro["lat"] == pytest.approx(48.4666)
    assert pd.isna(events.set_index("event_id").loc["STR-0002", "killed"])


def _with(kind: str, index: int, **changes: str) -> dict[str, list[dict[str, str]]]:
    rows = {k: [dict(r) for r in v] for k, v in SAMPLE_ROWS.items()}
    rows[kind][index].update(changes)
    return rows


@pytest.mark.parametrize(
    ("changes", "column", "fragment"),
    [
        ({"date": "2023-02-30"}, "date", "ISO date"),
        ({"date": "14/01/2023"}, "date", "ISO date"),
        ({"killed": "about 40"}, "killed", "whole number"),
        ({"killed": "-3"}, "killed", "whole number"),
        ({"target_type": "bridge"}, "target_type", "must be one of"),
        ({"lat": "91"}, "lat", "between"),
        ({"lat": ""}, "lat", "given otherwise"),
        ({"geo_precision": "country"}, "lat", "must be empty for a row placed only to a country"),
        ({"source_url": "http://example.org/x"}, "source_url", "https"),
        ({"source_url": "javascript:alert(1)"}, "source_url", "https"),
        ({"other_sources": "https://a.example; ftp://b"}, "other_sources", "https"),
        ({"event_id": "STR-1"}, "event_id", "STR-0001"),
        ({"event_id": "DEP-0009"}, "event_id", "STR-0001"),
        ({"end_date": "2023-01-01"}, "end_date", "before date"),
        ({"admin1_code": ""}, "admin1_code", "required for a place in Ukraine"),
        ({"country": "Ukraine"}, "country", "alpha-2"),
        ({"title": ""}, "title", "required"),
    ],
)
def test_bad_cell_rejects_only_its_row(tmp_path, changes, column, fragment):
    """Test that one bad cell sets its row aside with file, line, column and reason."""
    folder = write_tables(tmp_path, _with("strike", 0, **changes))
    table = load_table(folder / "strikes.csv", "strike")
    assert list(table.frame["event_id"]) == ["STR-0002", "STR-0003"]
    [problem] = [p for p in table.problems if p.column == column]
    assert problem.file == "strikes.csv" and problem.line == 2
    assert fragment in problem.message
    assert table.rejected == 1


def test_duplicate_id_keeps_first_row(tmp_path):
    """Test that a repeated event_id is reported on the later line and the first row kept."""
    folder = write_tables(tmp_path, _with("strike", 2, event_id="STR-0001"))
    table = load_table(folder / "strikes.csv", "strike")
    assert list(table.frame["event_id"]) == ["STR-0001", "STR-0002"]
    assert [(p.line, p.column) for p in table.problems] == [(4, "event_id")]


def test_overlong_quote_is_rejected(tmp_path):
    """Test that a quote over 30 words is refused (quotes must be short)."""
    folder = write_tables(tmp_path, _with("statement", 1, quote=" ".join(["word"] * 31)))
    table = load_table(folder / "statements.csv", "statement")
    assert [p.column for p in table.problems] == ["quote"]


def test_ragged_record_is_reported_with_its_line(tmp_path):
    """Test that a record with too few cells is skipped and named by line, the rest loads."""
    folder = write_tables(tmp_path)
    path = folder / "visits.csv"
    path.write_text(
        path.read_text(encoding="utf-8") + "VIS-0002,2022-05-01,oops\n", encoding="utf-8"
    )
    table = load_table(path, "visit")
    assert len(table.frame) == 1
    assert table.problems[0].line == 3 and "cells" in table.problems[0].message


def test_multiline_cell_keeps_later_line_numbers_right(tmp_path):
    """Test that a quoted cell spanning lines does not shift the line numbers reported after it."""
    rows = _with("strike", 0, description="first line\nsecond line")
    rows["strike"][1]["date"] = "not a date"
    folder = write_tables(tmp_path, rows)
    table = load_table(folder / "strikes.csv", "strike")
    assert [p.line for p in table.problems] == [4]


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("", "is empty"),
        ("event_id,date\nSTR-0001,2023-01-01\n", "lacks columns"),
        (b"\xff\xfe\x00garbage", "UTF-8"),
    ],
)
def test_unreadable_file_is_a_file_problem(tmp_path, content, fragment):
    """Test that an empty, truncated or binary file yields no rows and one clear problem."""
    path = tmp_path / "strikes.csv"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    table = load_table(path, "strike")
    assert table.frame.empty
    assert fragment in table.problems[0].message


def test_missing_file_does_not_stop_other_tables(data_dir):
    """Test that a deleted table is reported while the other tables still load."""
    (data_dir / "visits.csv").unlink()
    dataset = load_dataset(data_dir)
    assert "is missing" in str(dataset.problems[0])
    assert "visit" not in set(dataset.events["kind"])
    assert len(dataset.events) == len(SAMPLE_ROWS["strike"]) + 3


def test_search_text_is_casefolded_and_covers_people(events):
    """Test that the free-text column holds lower-cased titles, places and speakers."""
    row = events.set_index("event_id").loc["STA-0002"]
    assert "dmitry peskov" in row["search_text"] and "москва" in row["search_text"]


def test_versions_change_when_a_file_changes(data_dir):
    """Test that the cache key and the content hash both move when a table is edited."""
    before, version = file_versions(data_dir), content_version(data_dir)
    path = data_dir / "visits.csv"
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    os.utime(path, (1, 1))
    assert file_versions(data_dir) != before
    assert content_version(data_dir) != version


# Regression tests for issue 8: each pins one way a single bad spot used to cost a whole table
# (or crash), or one wrong value that used to be accepted.


def _strikes(folder: Path, rows: dict[str, list[dict[str, str]]] | None = None) -> Path:
    return write_tables(folder, rows) / "strikes.csv"


def _edit(path: Path, old: bytes, new: bytes) -> None:
    data = path.read_bytes()
    assert data.count(old) == 1
    path.write_bytes(data.replace(old, new))


def _load(path: Path, kind: str = "strike") -> tuple[list[str], list[tuple]]:
    """Load one table and return its kept ids and its problems as (line, column, message)."""
    table = load_table(path, kind)
    return (list(table.frame["event_id"]), [(p.line, p.column, p.message) for p in table.problems])


def _kept(path: Path, kind: str = "strike") -> list[str]:
    return _load(path, kind)[0]


def _problems(path: Path, kind: str = "strike") -> list[tuple[int | None, str | None, str]]:
    return _load(path, kind)[1]


def test_invalid_utf8_byte_costs_only_its_row(tmp_path):
    """Test the bug where one invalid UTF-8 byte lost the whole table with a byte offset."""
    path = _strikes(tmp_path)
    _edit(path, b"Test strike in Kyiv", b"Test strike in \xff\xfeKyiv")
    kept, [(line, column, message)] = _load(path)
    assert kept == ["STR-0001", "STR-0003"]
    assert (line, column, message) == (3, "title", "is not valid UTF-8")
    assert load_table(path, "strike").problems[0].value == "Test strike in \ufffd\ufffdKyiv"


@pytest.mark.parametrize(
    "cell", [b"x" * (128 * 1024 + 1), "\u0416".encode() * 70_000], ids=["ascii", "cyrillic"]
)
def test_oversize_cell_costs_only_its_row(tmp_path, cell):
    """Test the bug where one cell over 128 KB (csv's field limit) lost the whole table."""
    path = _strikes(tmp_path)
    _edit(path, b"Test strike in Kyiv", cell)
    kept, [(line, _, message)] = _load(path)
    assert kept == ["STR-0001", "STR-0003"]
    assert line == 3 and "over 128 KB" in message


def test_binary_bytes_after_the_last_row_cost_only_their_lines(tmp_path):
    """Test the bug where binary junk appended after the last row lost the whole table."""
    path = _strikes(tmp_path)
    path.write_bytes(path.read_bytes() + b'\x00\x89PNG\r\n\x1a\n\xff\xd8,"\xfe\x00,,\n')
    kept, problems = _load(path)
    assert kept == ["STR-0001", "STR-0002", "STR-0003"]
    lines = [line for line, _, _ in problems]
    assert lines and min(lines) >= 5


def test_utf8_byte_order_mark_is_accepted(tmp_path):
    """Test the bug where Excel's UTF-8 BOM hid the first column and lost the whole table."""
    path = _strikes(tmp_path)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    table = load_table(path, "strike")
    assert table.problems == () and len(table.frame) == 3


def test_duplicate_header_column_is_a_clear_file_problem(tmp_path):
    """Test the bug where a repeated header column raised pandas' InvalidIndexError."""
    path = _strikes(tmp_path)
    lines = path.read_bytes().split(b"\n")
    lines = [lines[0] + b",date"] + [line + b",2023-01-01" for line in lines[1:-1]] + [b""]
    path.write_bytes(b"\n".join(lines))
    table = load_table(path, "strike")
    assert table.frame.empty
    [problem] = table.problems
    assert problem.line == 1 and "'date' more than once" in problem.message
    assert "no row was read" in problem.message


def test_repeated_unknown_column_is_ignored(tmp_path):
    """Test that extra columns outside the schema may repeat (e.g. trailing commas)."""
    path = _strikes(tmp_path)
    lines = path.read_bytes().split(b"\n")
    path.write_bytes(
        b"\n".join([lines[0] + b",note,note"] + [line + b",a,b" for line in lines[1:-1]] + [b""])
    )
    assert _kept(path) == ["STR-0001", "STR-0002", "STR-0003"]


@pytest.mark.parametrize("count", ["\u0661\u0662", "\uff11\uff12", "9" * 25, "10000001", "1e3"])
def test_count_that_is_not_a_small_ascii_number_is_rejected(tmp_path, count):
    """Test the bug where non-ASCII digits (passing \\d) or a count beyond int64 raised."""
    path = _strikes(tmp_path, _with("strike", 0, killed=count))
    kept, [(line, column, message)] = _load(path)
    assert kept == ["STR-0002", "STR-0003"]
    assert (line, column) == (2, "killed") and "whole number from 0 to 10,000,000" in message


def test_count_at_the_upper_bound_is_kept(tmp_path):
    """Test that the count bound is inclusive: 10,000,000 loads and types as Int64."""
    path = _strikes(tmp_path, _with("strike", 0, killed="10000000"))
    assert load_table(path, "strike").frame["killed"].tolist()[0] == 10_000_000


@pytest.mark.parametrize("lat", ["4.84666e1", "+48.4666", "\u0664\u0668.4666", "48,4666"])
def test_coordinate_not_written_as_a_plain_decimal_is_rejected(tmp_path, lat):
    """Test the bug where exponents like 4.84666e1 passed as coordinates."""
    path = _strikes(tmp_path, _with("strike", 0, lat=lat))
    [(line, column, message)] = _problems(path)
    assert (line, column) == (2, "lat") and "decimal number" in message


def test_directory_in_place_of_a_table_is_a_file_problem(tmp_path):
    """Test the bug where a table path that is a directory raised IsADirectoryError."""
    folder = write_tables(tmp_path)
    (folder / "visits.csv").unlink()
    (folder / "visits.csv").mkdir()
    dataset = load_dataset(folder)
    [problem] = dataset.problems
    assert problem.file == "visits.csv" and "directory" in problem.message
    assert len(dataset.events) == sum(len(rows) for rows in SAMPLE_ROWS.values()) - 1
    assert content_version(folder)


@pytest.mark.parametrize(
    ("make", "fragment"),
    [
        (os.mkfifo, "not a regular file"),
        (lambda path: path.symlink_to(path), "cannot be read"),
    ],
)
def test_unreadable_path_is_a_file_problem(tmp_path, make, fragment):
    """Test that a pipe (which would block a read) or a symlink loop is reported, not raised."""
    path = tmp_path / "strikes.csv"
    make(path)
    table = load_table(path, "strike")
    assert table.frame.empty and fragment in table.problems[0].message


@pytest.mark.parametrize(
    "day",
    [
        "2023-1-5",
        "0001-01-01",
        "2013-11-20",
        "\u0662023-01-05",
        (date.today() + timedelta(days=1)).isoformat(),
    ],
)
def test_date_outside_the_strict_format_or_period_is_rejected(tmp_path, day):
    """Test the bug where unpadded, year-1 or future dates were accepted."""
    path = _strikes(tmp_path, _with("strike", 0, date=day))
    [(line, column, message)] = _problems(path)
    assert (line, column) == (2, "date") and "from 2013-11-21 to today" in message


def test_first_day_of_the_period_and_today_are_kept(tmp_path):
    """Test that the covered period includes both its ends."""
    rows = _with("strike", 0, date=schema.FIRST_DAY.isoformat())
    rows["strike"][1]["date"] = date.today().isoformat()
    assert len(_kept(_strikes(tmp_path, rows))) == 3


@pytest.mark.parametrize(
    ("changes", "column"),
    [
        ({"admin1_code": "UA-99"}, "admin1_code"),
        ({"admin1_code": "UA-1"}, "admin1_code"),
        ({"country": "XX"}, "country"),
        ({"country": "ua"}, "country"),
    ],
)
def test_code_that_is_not_on_its_iso_list_is_rejected(tmp_path, changes, column):
    """Test the bug where UA-99 (any UA-dd) and any two capitals passed as ISO codes."""
    path = _strikes(tmp_path, _with("strike", 0, **changes))
    kept, problems = _load(path)
    assert column in {c for _, c, _ in problems}
    assert kept == ["STR-0002", "STR-0003"]


def test_destination_country_must_be_an_iso_code(tmp_path):
    """Test that a deportation's destination country is checked like country."""
    path = write_tables(tmp_path, _with("deportation", 0, destination_country="Russia"))
    [(line, column, message)] = _problems(path / "deportations.csv", "deportation")
    assert (line, column) == (2, "destination_country") and "alpha-2" in message


@pytest.mark.parametrize("event_id", ["STR-\u0661\u0662\u0663\u0664", "STR-\uff11234", "STR-123"])
def test_id_with_non_ascii_or_too_few_digits_is_rejected(tmp_path, event_id):
    """Test the bug where ids with non-ASCII digits (STR-١٢٣٤) were accepted."""
    path = _strikes(tmp_path, _with("strike", 0, event_id=event_id))
    assert [(line, column) for line, column, _ in _problems(path)] == [(2, "event_id")]


def test_id_with_more_than_four_digits_is_kept(tmp_path):
    """Test that a kind is not capped at 9,999 rows: STR-12345 is a valid id."""
    assert "STR-12345" in _kept(_strikes(tmp_path, _with("strike", 0, event_id="STR-12345")))


@pytest.mark.parametrize(
    ("column", "text", "shown"),
    [
        ("title", "Test\x00strike", "U+0000"),
        ("place", "Dni\x1bpro", "U+001B"),
        ("actor", "Test\tactor", "U+0009"),
        ("weapon", "Kh\x85-22", "U+0085"),
        ("description_uk", "\u041e\u043f\u0438\u0441\x7f", "U+007F"),
        ("title", "Two\nlines", "line break"),
    ],
)
def test_control_character_in_text_is_rejected(tmp_path, column, text, shown):
    """Test the bug where NUL and other control characters in text cells were accepted."""
    path = _strikes(tmp_path, _with("strike", 0, **{column: text}))
    [(line, where, message)] = _problems(path)
    assert (line, where) == (2, column) and shown in message


def test_line_breaks_in_descriptions_are_kept(tmp_path):
    """Test that descriptions (and only they) may span lines, with Windows line ends too."""
    rows = _with("strike", 0, description="First\r\nsecond", description_uk="\u041f\n\u0414")
    assert len(_kept(_strikes(tmp_path, rows))) == 3


@pytest.mark.parametrize("kind", ["strike", "statement"])
def test_zero_zero_coordinates_are_rejected(tmp_path, kind):
    """Test the bug where 0,0 (null island) was accepted as a place, in Ukraine or not."""
    folder = write_tables(tmp_path, _with(kind, 0, lat="0", lon="0.0"))
    table = load_table(folder / schema.KINDS[kind].file, kind)
    assert any(p.line == 2 and p.column == "lat" and "0,0" in p.message for p in table.problems)
    assert len(table.frame) == len(SAMPLE_ROWS[kind]) - 1


def test_deportation_destination_at_zero_zero_is_rejected(tmp_path):
    """Test that a destination of 0,0 is refused like a place of 0,0."""
    folder = write_tables(
        tmp_path, _with("deportation", 0, destination_lat="0", destination_lon="0")
    )
    assert [c for _, c, _ in _problems(folder / "deportations.csv", "deportation")] == [
        "destination_lat"
    ]


def test_point_far_from_its_oblast_is_rejected(tmp_path):
    """Test the bug where a point far from its oblast (Lviv's coordinates for Dnipro) passed."""
    path = _strikes(tmp_path, _with("strike", 0, lat="49.8397", lon="24.0297"))
    [(line, column, message)] = _problems(path)
    assert (line, column) == (2, "lat") and "outside the oblast" in message


def test_point_just_beyond_its_oblast_box_is_kept(tmp_path):
    """Test the margin: a point 0.4 degrees beyond the oblast's bounding box still loads."""
    west, south, east, north = oblast_boxes()["UA-12"]
    near = _with("strike", 0, lat=f"{north + 0.4:.4f}", lon=f"{east + 0.4:.4f}")
    assert len(_kept(_strikes(tmp_path / "near", near))) == 3
    far = _with("strike", 0, lat=f"{north + 0.6:.4f}", lon=f"{east:.4f}")
    assert len(_kept(_strikes(tmp_path / "far", far))) == 2


def test_oblast_boxes_come_from_the_bundled_boundaries():
    """Test that every oblast has a box and Kyiv city's box lies inside Kyiv Oblast's."""
    boxes = oblast_boxes()
    assert len(boxes) == 27
    city, oblast = boxes["UA-30"], boxes["UA-32"]
    assert oblast[0] < city[0] < city[2] < oblast[2] and oblast[1] < city[1] < city[3] < oblast[3]


def test_unclosed_quote_costs_only_its_own_row(tmp_path):
    """Test that a quote left open reports its line and the rows it swallowed still load."""
    path = _strikes(tmp_path)
    _edit(path, b",Test strike in Dnipro,", b',"Test strike in Dnipro,')
    kept, [(line, _, message)] = _load(path)
    assert kept == ["STR-0002", "STR-0003"]
    assert line == 2 and "quote left open" in message


def test_undoubled_quote_inside_a_quoted_cell_is_rejected(tmp_path):
    """Test that 'He said "no"' inside quotes is reported instead of silently garbled."""
    path = _strikes(tmp_path, _with("strike", 1, title='Said "no", then left'))
    _edit(path, b'"Said ""no"", then left"', b'"Said "no", then left"')
    [(line, _, message)] = _problems(path)
    assert line == 3 and "not doubled" in message


def test_line_numbers_stay_true_with_crlf_and_multiline_cells(tmp_path):
    """Test that Windows line ends and a cell spanning lines keep reported lines right."""
    rows = _with("strike", 0, description="one\ntwo\nthree")
    rows["strike"][2]["date"] = "2023-13-01"
    path = _strikes(tmp_path, rows)
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    assert [line for line, _, _ in _problems(path)] == [6]
