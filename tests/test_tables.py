"""Tests for reading and validating the event tables."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard import schema
from dashboard.tables import content_version, file_versions, load_dataset, load_table
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
    import os

    os.utime(path, (1, 1))
    assert file_versions(data_dir) != before
    assert content_version(data_dir) != version
