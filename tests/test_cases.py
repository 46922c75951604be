"""Tests for the ICC cases table: loading, validation per row, scope masks, CLI export."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from dashboard import config, schema
from dashboard.cases import Case, load_cases
from dashboard.cli import main
from dashboard.tables import load_dataset
from tests.conftest import write_tables

SHIPPED = config.DATA_DIR / schema.CASES_FILE
IDS = ["putin-lvova-belova", "kobylash-sokolov", "shoigu-gerasimov"]


def _shipped_rows() -> tuple[list[str], list[dict[str, str]]]:
    with SHIPPED.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def _write(path: Path, columns: list[str], rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_shipped_cases_load_without_problems():
    """Test that data/cases.csv gives the three warrant sets and no problem."""
    loaded, problems = load_cases(SHIPPED)
    assert [c.case_id for c in loaded] == IDS
    assert problems == ()
    assert all(len(c.suspects) == len(c.positions) == 2 for c in loaded)


def _bad_date(row):
    row["issued"] = "2023-13-17"


def _bad_type(row):
    row["scope_types"] = "energy;spaceport"


def _positions(row):
    row["positions"] = row["positions"].split(";")[0]


def _bad_kind(row):
    row["scope_kind"] = "visit"


@pytest.mark.parametrize(
    ("broken", "spoil", "column"),
    [
        (0, _bad_date, "issued"),
        (1, _bad_type, "scope_types"),
        (2, _positions, "positions"),
        (1, _bad_kind, "scope_kind"),
    ],
)
def test_a_bad_row_is_left_out_with_its_line(tmp_path, broken, spoil, column):
    """Test that one broken row is dropped with a file:line problem and the others load."""
    columns, rows = _shipped_rows()
    spoil(rows[broken])
    loaded, problems = load_cases(_write(tmp_path / "cases.csv", columns, rows))
    assert [c.case_id for c in loaded] == [i for n, i in enumerate(IDS) if n != broken]
    assert problems and {p.line for p in problems} == {broken + 2}
    assert column in {p.column for p in problems}
    assert str(problems[0]).startswith(f"cases.csv:{broken + 2} ")


def test_duplicate_id_leaves_out_the_later_row(tmp_path):
    """Test that a repeated case id drops the second row only."""
    columns, rows = _shipped_rows()
    rows[2]["case_id"] = rows[0]["case_id"]
    loaded, problems = load_cases(_write(tmp_path / "cases.csv", columns, rows))
    assert [c.case_id for c in loaded] == IDS[:2]
    assert [(p.line, p.column) for p in problems] == [(4, "case_id")]


def test_missing_column_is_a_file_problem(tmp_path):
    """Test that a table lacking a column loads no case and names the column at line 1."""
    columns, rows = _shipped_rows()
    columns.remove("scope_kind")
    loaded, problems = load_cases(_write(tmp_path / "cases.csv", columns, rows))
    assert loaded == ()
    assert len(problems) == 1 and problems[0].line == 1 and "scope_kind" in problems[0].message


def test_missing_file_is_a_problem_not_an_error(tmp_path):
    """Test that an absent cases.csv gives no cases and one 'is missing' problem."""
    loaded, problems = load_cases(tmp_path / "cases.csv")
    assert loaded == () and [str(p) for p in problems] == ["cases.csv is missing"]


ENERGY = Case(
    case_id="test-energy",
    title="Test",
    suspects=("A",),
    positions=("B",),
    crimes="",
    articles=(),
    conduct="",
    period_start=date(2022, 10, 10),
    period_end=date(2023, 3, 9),
    issued=date(2024, 3, 5),
    made_public=date(2024, 3, 5),
    status="",
    scope_kind="strike",
    scope_types=("energy",),
    scope_start=date(2022, 10, 10),
    scope_end=date(2023, 3, 9),
    scope_country="UA",
    source_name="",
    source_url="",
    other_sources=(),
    related=(),
)
CHILDREN = replace(
    ENERGY,
    scope_kind="deportation",
    scope_types=("removal", "camp"),
    scope_start=date(2022, 2, 24),
    scope_end=None,
)


def _strike(n: int, day: str, target: str, **extra: str) -> dict[str, str]:
    return {
        "event_id": f"STR-{n:04d}",
        "date": day,
        "title": f"Strike {n}",
        "place": "Kyiv",
        "place_uk": "Київ",
        "admin1_code": "UA-30",
        "admin1": "Kyiv",
        "lat": "50.45",
        "lon": "30.52",
        "source_url": f"https://example.org/s{n}",
        "target_type": target,
        **extra,
    }


def _removal(n: int, day: str, kind: str) -> dict[str, str]:
    return {
        "event_id": f"DEP-{n:04d}",
        "date": day,
        "title": f"Removal {n}",
        "place": "Kherson",
        "place_uk": "Херсон",
        "admin1_code": "UA-65",
        "admin1": "Kherson Oblast",
        "lat": "46.63",
        "lon": "32.61",
        "source_url": f"https://example.org/d{n}",
        "deportation_type": kind,
    }


SCOPED = {
    "strike": [
        _strike(1, "2022-10-10", "energy"),  # first day of the window: in
        _strike(2, "2023-03-09", "energy"),  # last day: in
        _strike(3, "2023-03-10", "energy"),  # a day late
        _strike(4, "2022-10-09", "energy"),  # a day early
        _strike(5, "2022-11-01", "residential"),  # other target type
        _strike(6, "2022-10-01", "energy", end_date="2022-10-20"),  # began before the window
        _strike(
            7,
            "2022-11-01",
            "energy",
            country="RU",
            admin1_code="",
            admin1="",
            place="Belgorod",
            place_uk="Бєлгород",
            lat="50.6",
            lon="36.6",
        ),  # not in UA
    ],
    "deportation": [
        _removal(1, "2022-02-24", "removal"),  # in
        _removal(2, "2024-06-01", "camp"),  # in: the window is open-ended
        _removal(3, "2022-02-23", "removal"),  # before
        _removal(4, "2023-01-01", "return"),  # a return is not a removal
        _removal(5, "2023-01-01", "adoption"),  # type not in this test case's scope
    ],
}


@pytest.fixture(scope="module")
def scoped(tmp_path_factory):
    """Events around the edges of the two test scopes."""
    dataset = load_dataset(write_tables(tmp_path_factory.mktemp("cases") / "data", SCOPED))
    assert not dataset.problems, dataset.problems
    return dataset.events


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        (ENERGY, ["STR-0001", "STR-0002"]),
        (CHILDREN, ["DEP-0001", "DEP-0002"]),
    ],
)
def test_mask_keeps_kind_types_window_and_country(scoped, case, expected):
    """Test that a case's scope keeps only its kind, types, date window and country."""
    assert sorted(scoped.loc[case.mask(scoped), "event_id"]) == expected


def _export(capsys, case_id: str) -> pd.DataFrame:
    code = main(["export", "--case", case_id])
    out = capsys.readouterr().out
    assert code == 0
    return pd.read_csv(io.StringIO(out), dtype=str, keep_default_na=False)


def test_shipped_putin_case_exports_only_deportations_since_the_invasion(capsys):
    """Test that --case putin-lvova-belova exports 40+ deportation rows, none a return or
    dated before 24 February 2022."""
    frame = _export(capsys, "putin-lvova-belova")
    assert len(frame) >= 40
    assert set(frame["kind"]) == {"deportation"}
    assert (frame["date"] >= "2022-02-24").all()
    assert "return" not in set(frame["deportation_type"])
    assert set(frame["country"]) == {"UA"}


@pytest.mark.parametrize("case_id", ["kobylash-sokolov", "shoigu-gerasimov"])
def test_shipped_energy_cases_export_only_energy_strikes_in_the_window(capsys, case_id):
    """Test that the two energy cases export 25+ energy strikes dated 2022-10-10..2023-03-09."""
    frame = _export(capsys, case_id)
    assert len(frame) >= 25
    assert set(frame["kind"]) == {"strike"} and set(frame["target_type"]) == {"energy"}
    assert frame["date"].between("2022-10-10", "2023-03-09").all()


def test_unknown_case_is_a_one_line_error(capsys):
    """Test that an unknown case id exits 2 with one line on stderr and nothing on stdout."""
    code = main(["export", "--case", "nope"])
    out, err = capsys.readouterr()
    assert code == 2 and out == "" and err.count("\n") == 1 and "case" in err
