"""Tests for CSV extracts and citations."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date

import pandas as pd
import pytest

from dashboard import schema
from dashboard.export import (
    citation,
    export_columns,
    file_stem,
    neutralise,
    to_csv_bytes,
    to_zip_bytes,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+33 1", "'+33 1"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Kyiv", "Kyiv"),
        ("", ""),
    ],
)
def test_neutralise_prefixes_formula_starts(value, expected):
    """Test that only cells a spreadsheet would evaluate get an apostrophe."""
    assert neutralise(pd.Series([value, None])).tolist() == [expected, pd.NA]


def test_csv_holds_every_row_and_neutralised_text(events):
    """Test that the extract has one line per event and no live formula."""
    frame = pd.read_csv(io.BytesIO(to_csv_bytes(events)), dtype=str, keep_default_na=False)
    assert sorted(frame["event_id"]) == sorted(events["event_id"])
    weapon = frame.set_index("event_id").loc["STR-0003", "weapon"]
    assert weapon.startswith("'=HYPERLINK")


def test_csv_columns_are_common_kind_then_kind_specific(events):
    """Test that exports use the schema's unified column order."""
    header = next(csv.reader(io.StringIO(to_csv_bytes(events).decode("utf-8-sig"))))
    assert header == list(schema.unified_columns())
    assert header[: len(schema.COMMON_COLUMNS) + 1] == [*schema.COMMON_COLUMNS, "kind"]
    assert {"target_type", "children", "visitor", "quote", "destination_lon"} <= set(header)


def test_csv_dates_are_iso_and_counts_whole(events):
    """Test that dates come out as YYYY-MM-DD and integer counts without '.0'."""
    frame = pd.read_csv(io.BytesIO(to_csv_bytes(events)), dtype=str, keep_default_na=False)
    row = frame.set_index("event_id").loc["STR-0001"]
    assert row["date"] == "2023-01-14" and row["killed"] == "46"
    assert frame.set_index("event_id").loc["STR-0002", "killed"] == ""


def test_distance_column_is_exported_last_when_present(events):
    """Test that a near-filtered frame exports its distances."""
    with_distance = events.assign(distance_km=1.5)
    assert export_columns(with_distance)[-1] == "distance_km"
    assert "distance_km" not in export_columns(events)


def test_empty_selection_exports_a_header_only():
    """Test that no rows still gives a valid CSV with the full header."""
    empty = pd.DataFrame(columns=list(schema.unified_columns()))
    empty["date"] = pd.to_datetime(empty["date"])
    empty["end_date"] = pd.to_datetime(empty["end_date"])
    empty["source_date"] = pd.to_datetime(empty["source_date"])
    assert to_csv_bytes(empty).decode("utf-8-sig").strip().split(",")[0] == '"event_id"'


def test_citation_names_view_version_date_and_count():
    """Test that a citation carries everything needed to find the same rows again."""
    text = citation("https://host/explore?kind=strike", "abc123", date(2026, 1, 2), 1)
    assert "https://host/explore?kind=strike" in text and "abc123" in text
    assert "2026-01-02" in text and "1 event," in text


def test_csv_starts_with_a_byte_order_mark_and_keeps_cyrillic(events):
    """Test that downloads open in Excel as UTF-8 (BOM first) with Cyrillic intact."""
    data = to_csv_bytes(events)
    assert data.startswith(b"\xef\xbb\xbf")
    assert "Дніпро" in data.decode("utf-8-sig")


def test_every_text_cell_is_quoted_so_no_separator_makes_a_formula(events):
    """Regression: a ';=cmd' cell was written unquoted, live in a ';'-separated spreadsheet."""
    planted = events.assign(
        title=events["title"].mask(events["event_id"] == "STR-0002", ";=cmd|' /C calc'!A0")
    )
    text = to_csv_bytes(planted).decode("utf-8-sig")
    assert "\";=cmd|' /C calc'!A0\"" in text
    for line in text.splitlines()[1:]:
        assert line.startswith('"')  # event_id, the first column, is text and quoted
    assert '"=HYPERLINK' not in text


def test_zip_holds_csv_dictionary_and_citation(events):
    """Test that the ZIP download bundles the extract, the dictionary and CITATION.txt."""
    dictionary = pd.DataFrame({"column": ["event_id"], "meaning": ["Stable id"]})
    data = to_zip_bytes(events, "icc-ukraine-events-abc", "Cite me, 6 events", dictionary)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert sorted(archive.namelist()) == [
            "CITATION.txt",
            "data-dictionary.csv",
            "icc-ukraine-events-abc.csv",
        ]
        assert archive.read("CITATION.txt").decode() == "Cite me, 6 events\n"
        rows = pd.read_csv(io.BytesIO(archive.read("icc-ukraine-events-abc.csv")))
        assert len(rows) == len(events)


def test_file_stem_names_view_and_version():
    """Test that a download's name carries a slug of the view and the data version."""
    stem = file_stem("Strikes · Kyiv Oblast", "0123abcd")
    assert stem == "icc-ukraine-strikes-kyiv-oblast-0123abcd"
    assert file_stem("«»", "v1") == "icc-ukraine-events-v1"
