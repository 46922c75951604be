"""Tests for the headline figures: what is added, what is counted once, what is left out."""

from __future__ import annotations

import json

import pytest

from dashboard import about, figures
from dashboard.tables import load_dataset
from tests.conftest import SAMPLE_ROWS, write_tables


def _strike(n: int, scope: str, killed: str, injured: str, **extra: str) -> dict[str, str]:
    return {
        "event_id": f"STR-{n:04d}",
        "date": f"2023-02-{n:02d}",
        "title": f"Strike {n}",
        "place": "Dnipro",
        "place_uk": "Дніпро",
        "admin1_code": "UA-12",
        "admin1": "Dnipropetrovsk Oblast",
        "lat": "48.4666",
        "lon": "35.0407",
        "source_url": f"https://example.org/str{n}",
        "target_type": "residential",
        "killed": killed,
        "injured": injured,
        "scope": scope,
        **extra,
    }


def _deportation(
    n: int, scope: str, kind: str, children: str, related: str = "", **extra: str
) -> dict[str, str]:
    return {
        "event_id": f"DEP-{n:04d}",
        "date": f"2023-03-{n:02d}",
        "title": f"Removal {n}",
        "place": "Kherson",
        "place_uk": "Херсон",
        "admin1_code": "UA-65",
        "admin1": "Kherson Oblast",
        "lat": "46.6354",
        "lon": "32.6169",
        "source_url": f"https://example.org/dep{n}",
        "deportation_type": kind,
        "children": children,
        "scope": scope,
        "related": related,
        **extra,
    }


# Worked by hand:
# killed   = STR-1 10 + STR-3 3 = 13 (STR-2 unknown; series 500 and report 1000 left out)
# injured  = STR-1 20 + STR-2 5 = 25 (STR-3 unknown)
# removed  = group {DEP-1 30, DEP-2 45, DEP-3 40} once by 45 + DEP-4 7 + DEP-6 6 = 58
#            (a plain sum would be 128; DEP-5 unknown; returns, series 2000, report 19546 out)
# returned = group {DEP-7 8, DEP-8 5} once by 8 + DEP-11 3 = 11
ROWS = {
    "strike": [
        _strike(1, "incident", "10", "20"),
        _strike(2, "incident", "", "5"),
        _strike(3, "incident", "3", ""),
        _strike(4, "series", "500", "900"),
        _strike(5, "report", "1000", "", source_name="Test Monitoring Mission"),
    ],
    "deportation": [
        _deportation(1, "incident", "removal", "30", "DEP-0002"),
        _deportation(2, "incident", "removal", "45"),
        _deportation(3, "incident", "camp", "40", "DEP-0001"),  # joins the group transitively
        _deportation(4, "incident", "adoption", "7"),
        _deportation(5, "incident", "removal", ""),
        _deportation(6, "incident", "removal", "6", "DEP-0009"),  # linked to a series only
        _deportation(7, "incident", "return", "8", "DEP-0001;DEP-0008"),
        _deportation(8, "incident", "return", "5"),
        _deportation(9, "series", "removal", "2000"),
        _deportation(10, "report", "removal", "19546", source_name="Test Children Registry"),
        _deportation(11, "incident", "return", "3"),
    ],
    "visit": SAMPLE_ROWS["visit"],
    "statement": SAMPLE_ROWS["statement"],
}


@pytest.fixture(scope="module")
def _mixed(tmp_path_factory):
    """The overlap fixture above, loaded like the shipped data once per module."""
    dataset = load_dataset(write_tables(tmp_path_factory.mktemp("mixed") / "data", ROWS))
    assert not dataset.problems, dataset.problems
    return dataset.events


@pytest.fixture
def mixed(_mixed):
    """The unified frame of the overlap fixture (a copy of this test's own)."""
    return _mixed.copy(deep=True)


@pytest.mark.parametrize(
    ("name", "value", "rows", "excluded", "unknown"),
    [
        ("killed", 13, 2, 2, 1),
        ("injured", 25, 2, 2, 1),
        ("children_removed", 58, 5, 5, 1),
        ("children_returned", 11, 3, 8, 0),
    ],
)
def test_headline_counts_incidents_once(mixed, name, value, rows, excluded, unknown):
    """Test each figure's value and its counted, left-out and unknown row counts."""
    figure = figures.headline(mixed)[name]
    assert (figure.value, figure.rows, figure.excluded, figure.unknown) == (
        value,
        rows,
        excluded,
        unknown,
    )
    assert figure.definition == figures.DEFINITIONS[name]


def test_overlap_group_is_never_summed(mixed):
    """Test that two rows about the same children count as the larger, not their sum."""
    pair = mixed[mixed["event_id"].isin(["DEP-0001", "DEP-0002"])]
    assert figures.headline(pair)["children_removed"].value == 45
    unlinked = pair.assign(related="")
    assert figures.headline(unlinked)["children_removed"].value == 75


def test_group_member_out_of_view_leaves_the_other_counted(mixed):
    """Test that filtering away the largest row of a group counts the remaining rows' largest."""
    view = mixed[mixed["event_id"].isin(["DEP-0001", "DEP-0003"])]
    assert figures.headline(view)["children_removed"].value == 40


def test_no_rows_of_a_kind_gives_no_value(mixed):
    """Test that a view without strikes or deportations shows unknown figures, not zero."""
    visits = mixed[mixed["kind"] == "visit"]
    for figure in figures.headline(visits).values():
        assert (figure.value, figure.rows, figure.excluded, figure.unknown) == (None, 0, 0, 0)


def test_only_reports_in_view_leaves_killed_unknown(mixed):
    """Test that a view of a series and a report states no killed figure (nothing added)."""
    summaries = mixed[mixed["event_id"].isin(["STR-0004", "STR-0005"])]
    killed = figures.headline(summaries)["killed"]
    assert (killed.value, killed.rows, killed.excluded) == (None, 0, 2)


@pytest.mark.parametrize(
    ("column", "event_id", "value", "source_name"),
    [
        ("killed", "STR-0005", 1000, "Test Monitoring Mission"),
        ("children", "DEP-0010", 19546, "Test Children Registry"),
    ],
)
def test_largest_reports_names_the_biggest_report(mixed, column, event_id, value, source_name):
    """Test that the largest report figure is quoted with its row, date and source."""
    report = figures.largest_reports(mixed)[column]
    n = int(event_id[-2:])
    expected_date = f"2023-02-{n:02d}" if column == "killed" else f"2023-03-{n:02d}"
    assert (report.event_id, report.value, report.source_name, report.date) == (
        event_id,
        value,
        source_name,
        expected_date,
    )
    assert report.source_url == f"https://example.org/{event_id[:3].lower()}{n}"


def test_largest_reports_empty_without_reports(mixed):
    """Test that a view of incidents only quotes no report figure."""
    assert figures.largest_reports(mixed[mixed["scope"] == "incident"]) == {}


def test_summary_json_shape(mixed):
    """Test the summary's keys, per-kind counts and figure fields, and that it is JSON."""
    result = json.loads(json.dumps(figures.summary(mixed)))
    assert set(result) == {"events", "by_kind", "figures", "largest_reports"}
    assert result["events"] == 5 + 11 + 1 + 2
    assert result["by_kind"] == {"strike": 5, "deportation": 11, "visit": 1, "statement": 2}
    assert set(result["figures"]) == {"killed", "injured", "children_removed", "children_returned"}
    for figure in result["figures"].values():
        assert set(figure) == {"value", "rows", "excluded", "unknown", "definition"}
    assert result["figures"]["children_removed"]["value"] == 58
    assert set(result["largest_reports"]) == {"killed", "children"}
    assert result["largest_reports"]["children"]["source_url"] == "https://example.org/dep10"


@pytest.mark.parametrize(
    ("figure", "text"),
    [
        (figures.Figure(1, 1, 0, 0, ""), "from 1 row"),
        (
            figures.Figure(9, 1200, 2, 3, ""),
            "from 1,200 rows; 3 with no figure; 2 rows left out by definition",
        ),
    ],
)
def test_counted_text(figure, text):
    """Test that the counted-rows caption is singular/plural and skips zero parts."""
    assert figures.counted_text(figure) == text


@pytest.fixture
def shipped(shipped_events):
    """The shipped events (data/)."""
    return shipped_events


def test_shipped_killed_is_the_sum_of_strike_incidents(shipped):
    """Test that the shipped summary's killed equals the sum over strike incident rows."""
    strikes = shipped[(shipped["kind"] == "strike") & (shipped["scope"] == "incident")]
    expected = sum(int(v) for v in strikes["killed"].dropna())
    assert figures.summary(shipped)["figures"]["killed"]["value"] == expected


def test_shipped_children_removed_never_exceeds_the_plain_sum(shipped):
    """Test that shipped children removed lies between the largest row and the plain sum."""
    rows = shipped[
        (shipped["kind"] == "deportation")
        & (shipped["scope"] == "incident")
        & (shipped["deportation_type"] != "return")
    ]
    known = [int(v) for v in rows["children"].dropna()]
    value = figures.summary(shipped)["figures"]["children_removed"]["value"]
    assert max(known) <= value <= sum(known)


def test_coverage_counts_each_event_once_per_kind_and_year_with_totals(events):
    """Test that About's coverage table counts the sample rows by kind and year, with a total
    row and column that add them up."""
    table = about.coverage(events)
    assert table.to_dict("index") == {
        "Deportations": {"2022": 1, "2023": 0, "Total": 1},
        "Statements": {"2022": 0, "2023": 2, "Total": 2},
        "Strikes": {"2022": 2, "2023": 1, "Total": 3},
        "Visits": {"2022": 1, "2023": 0, "Total": 1},
        "Total": {"2022": 4, "2023": 3, "Total": 7},
    }
    assert about.coverage(events.iloc[0:0]).empty
