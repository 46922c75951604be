"""Property-based tests: whatever bytes a table file holds, loading never raises, keeps every
good row and reports each bad one at its true line."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from dashboard import schema
from dashboard.records import LINE, _records
from dashboard.tables import failures, load_dataset, table_schema, unmet
from tests.conftest import COMMON, SAMPLE_ROWS

FAST = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Printable text without control characters: what a curator may type in any text cell.
TEXT = st.text(st.characters(exclude_categories=["Cc", "Cs"]), min_size=1, max_size=30).filter(
    lambda s: s.strip()
)
CONTROLS = st.characters(categories=["Cc"]).filter(lambda c: c not in "\r\n")
# Numbers and dates as text, right or wrong: signs, exponents, non-ASCII digits, huge values.
NUMBERS = st.one_of(
    st.integers(-(10**30), 10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.text("0123456789-+.eE \u0661\u0662\uff11", min_size=1, max_size=14),
    st.dates().map(str),
    st.dates().map(lambda d: f"{d.year}-{d.month}-{d.day}"),
)
BAD_BYTES = st.binary(min_size=1, max_size=24)


def _quoted(cell: bytes) -> bytes:
    return b'"' + cell.replace(b'"', b'""') + b'"'


def _line_breaks(data: bytes) -> int:
    """Count lines the way editors do: CRLF, CR and LF each end one."""
    return data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n")


def _good_row(kind: str, number: int, title: str, description: str) -> dict[str, str]:
    prefix = schema.KINDS[kind].prefix
    row = {**COMMON, **SAMPLE_ROWS[kind][0]}
    row.update(event_id=f"{prefix}-{number:04d}", title=title, description=description)
    row["related"] = row["title_uk"] = row["description_uk"] = ""
    return row


@st.composite
def table_files(draw):
    """A table file of good rows among bad records, as bytes, with what it should load."""
    kind = draw(st.sampled_from(list(schema.KINDS)))
    columns = list(schema.table_columns(kind))
    header = draw(st.permutations(columns)) + draw(
        st.lists(st.sampled_from(["note", ""]), max_size=2)
    )
    end = draw(st.sampled_from([b"\n", b"\r\n"]))
    goods = [
        _good_row(kind, 1000 + i, draw(TEXT), draw(TEXT | TEXT.map(lambda t: t + "\n" + t)))
        for i in range(draw(st.integers(1, 4)))
    ]
    records: list[tuple[str, bytes]] = [
        (row["event_id"], b",".join(_quoted(row.get(c, "").encode()) for c in header))
        for row in goods
    ]
    for i in range(draw(st.integers(0, 5))):
        row = {c: v.encode() for c, v in _good_row(kind, 5000 + i, "Bad", "Bad").items()}
        column = draw(st.sampled_from([c for c in columns if c != "event_id"]))
        how = draw(st.sampled_from(["bytes", "control", "number", "cells", "junk"]))
        if how == "bytes":
            row[column] = draw(BAD_BYTES)
        elif how == "control":
            row[column] = (draw(TEXT) + draw(CONTROLS) + draw(TEXT)).encode()
        elif how == "number":
            row[column] = draw(NUMBERS).encode()
        cells = [_quoted(row.get(c, b"")) for c in header]
        if how == "cells":
            cells = cells[:-1] if draw(st.booleans()) else cells + [b"extra"]
        junk = draw(BAD_BYTES).translate(None, b'"\r\n')
        records.append(("bad", junk if how == "junk" else b",".join(cells)))
    records = draw(st.permutations(records))
    data = b",".join(c.encode() for c in header) + end
    good_lines, bad_lines = {}, []
    for what, record in records:
        if what == "bad":
            bad_lines.append(1 + _line_breaks(data))
        else:
            good_lines[what] = 1 + _line_breaks(data)
        data += record + end
    tail = draw(st.binary(max_size=40))  # anything at all after the last row, quotes included
    bom = draw(st.booleans())
    return (
        kind,
        (b"\xef\xbb\xbf" if bom else b"") + data + tail,
        goods,
        good_lines,
        bad_lines,
        1 + _line_breaks(data),
    )


@settings(FAST, max_examples=10)
@given(table_files())
def test_loading_keeps_every_good_row_and_points_at_bad_lines(case):
    """Test that a file mixing good rows, bad bytes and junk never raises, keeps every good row
    at its line and reports problems only at bad records or in the junk after the last row."""
    kind, data, goods, good_lines, bad_lines, tail_line = case
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / schema.KINDS[kind].file).write_bytes(data)
        dataset = load_dataset(Path(folder))
    [table] = [t for t in dataset.tables if t.kind == kind]
    kept = table.frame
    assert {r["event_id"] for r in goods} <= set(kept["event_id"])
    by_id = kept.reset_index().set_index("event_id")
    assert {r["event_id"]: by_id.at[r["event_id"], "line"] for r in goods} == good_lines
    assert [by_id.at[r["event_id"], "title"] for r in goods] == [r["title"].strip() for r in goods]
    for problem in table.problems:
        assert problem.line in bad_lines or problem.line >= tail_line, str(problem)
    assert not kept["title"].str.contains(r"[\x00-\x1f\x7f-\x9f]", regex=True).any()


@settings(FAST, max_examples=10)
@given(
    st.permutations(schema.table_columns("visit")),
    st.sampled_from(schema.table_columns("visit")),
    st.integers(0, 3),
)
def test_repeated_header_column_is_named_and_never_raises(order, repeated, where):
    """Test that any header with a repeated column yields one file problem naming it."""
    header = list(order)
    header.insert(where, repeated)
    row = {**COMMON, **SAMPLE_ROWS["visit"][0]}
    body = io.StringIO()
    csv.writer(body).writerows([header, [row.get(c, "") for c in header]])
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "visits.csv").write_text(body.getvalue(), encoding="utf-8")
        dataset = load_dataset(Path(folder))
    [problem] = [p for p in dataset.problems if p.file == "visits.csv"]
    assert problem.line == 1 and repr(repeated) in problem.message
    assert dataset.events.empty


@settings(max_examples=300, deadline=None)
@given(st.text('ab ,"\r\n', max_size=60))
def test_records_split_where_the_csv_module_splits_them(text):
    """Test that on any text the csv module reads cleanly, the loader's record splitter finds
    the same records starting on the same lines."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    expected, line = [], 1
    try:
        for record in reader:
            if any(cell.strip() for cell in record):
                expected.append((line, record))
            line = reader.line_num + 1
    except csv.Error:
        return
    assert [(r.line, r.cells) for r, _, _ in _records(text, None)] == expected


# Cells that pass or fail the cell and row checks: codes, dates, numbers, URLs, ids, places.
CELLS = st.sampled_from(
    [
        *("", "UA", "RU", "NL", "XX", "ua", "UA-12", "UA-30", "UA-99", "UA-12 "),
        *("2023-01-14", "2022-01-01", "2023-02-30", "2023-13-01", "2013-11-20", "2999-01-01"),
        *("0", "0.0", "46", "10000001", "48.4666", "35.0407", "45.0", "22.5", "91", "1e3", "١٢"),
        *("https://example.org/x", "http://example.org", "https://a.example; https://b.example"),
        *("residential", "removal", "warrant", "day", "country", "admin1", "incident"),
        *("STR-0001", "STR-0002", "DEP-0001", "VIS-001", "STA-0002", "Kyiv", "Київ"),
        " ".join(["word"] * 31),
    ]
)
# Columns the cross-column rules read: edited more often, so each rule gets broken.
ROW_COLUMNS = ["event_id", "date", "end_date", "country", "admin1_code", "geo_precision", "lat"]
ROW_COLUMNS += ["lon", "destination_lat", "destination_lon", "quote"]


@st.composite
def edited_tables(draw):
    """A kind and the text frame of its sample rows (three copies) with a few cells changed."""
    kind = draw(st.sampled_from(list(schema.KINDS)))
    columns = list(schema.table_columns(kind))
    rows = [{**COMMON, **row} for row in SAMPLE_ROWS[kind]] * 3
    frame = pd.DataFrame(
        [[row.get(c, "") for c in columns] for row in rows],
        columns=columns,
        dtype=str,
        index=pd.Index(range(2, 2 + len(rows)), name=LINE, dtype=int),
    )
    prefix = schema.KINDS[kind].prefix
    frame["event_id"] = [f"{prefix}-{n:04d}" for n in range(1, len(frame) + 1)]
    for _ in range(draw(st.integers(0, 4))):
        line = draw(st.sampled_from(list(frame.index)[:2]))
        column = draw(st.sampled_from(columns) | st.sampled_from(ROW_COLUMNS))
        if column in columns:
            frame.at[line, column] = draw(st.just("") | CELLS | NUMBERS | TEXT)
    return kind, frame


def _all_pass(frame: pd.DataFrame, table: pa.DataFrameSchema) -> bool:
    return unmet(frame, table) is None


@settings(FAST, max_examples=10)  # three in four fail: each runs pandera's whole schema
@given(edited_tables())
def test_quick_pass_agrees_with_pandera(case):
    """Test that the direct run of the checks lets a table skip pandera exactly when pandera's
    own validation passes it, and that pandera, given only the checks that failed, names the
    same problems as with the whole schema."""
    kind, frame = case
    whole = failures(frame, table_schema(kind), "t.csv")
    event("passes" if not whole else "fails")
    failing = unmet(frame, table_schema(kind))
    assert (failing is None) is (whole == [])
    if failing is not None:
        assert failures(frame, failing, "t.csv") == whole


def _stand_in(table: pa.DataFrameSchema) -> tuple[pa.DataFrameSchema, dict[str, int | None]]:
    """A schema of ``table``'s shape whose checks all pass but the one numbered by the returned
    state's ``"failing"`` (None: none fails)."""
    state: dict[str, int | None] = {"failing": None}
    numbers = iter(range(10**6))

    def check() -> pa.Check:
        number = next(numbers)
        return pa.Check(lambda data: pd.Series(state["failing"] != number, index=data.index))

    columns = {
        name: pa.Column(None, checks=[check() for _ in c.checks])
        for name, c in table.columns.items()
    }
    return pa.DataFrameSchema(columns, checks=[check() for _ in table.checks]), state


@pytest.mark.parametrize("kind", list(schema.KINDS))
def test_quick_pass_fails_when_any_one_check_fails(kind):
    """Test that the quick pass consults every cell and row check: a table passes when all of
    them hold, and not when any single one fails."""
    columns = list(schema.table_columns(kind))
    frame = pd.DataFrame([[""] * len(columns)], columns=columns, dtype=str)
    table = table_schema(kind)
    count = len(table.checks) + sum(len(c.checks) for c in table.columns.values())
    assert count > len(columns)
    stand_in, state = _stand_in(table)
    assert _all_pass(frame, stand_in)
    passed = []
    for number in range(count):
        state["failing"] = number
        if _all_pass(frame, stand_in):
            passed.append(number)
    assert passed == []


def test_quick_pass_leaves_missing_columns_and_cells_to_pandera():
    """Test that a table lacking a column, or with a missing cell, never takes the quick pass."""
    columns = list(schema.table_columns("visit"))
    frame = pd.DataFrame([[""] * len(columns)], columns=columns, dtype=str)
    always, _ = _stand_in(table_schema("visit"))
    assert _all_pass(frame, always)
    assert not _all_pass(frame.drop(columns="place"), always)
    frame.loc[0, "place"] = None
    assert not _all_pass(frame, always)
