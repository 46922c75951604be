"""Data contract of the shipped tables: what every curated row promises its readers."""

from __future__ import annotations

import os
import re
from datetime import date
from functools import cache
from pathlib import Path

import pandas as pd
import pytest
import shapely
from shapely.geometry import Point, shape

from dashboard import config, geo, schema
from dashboard.tables import load_dataset, read_rows

FIRST_DAY = pd.Timestamp(schema.FIRST_DAY)  # the ICC's Ukraine situation starts with Euromaidan
# Natural Earth's Kyiv city polygon is about twice the real city: the two Kyiv units may swap.
KYIV_UNITS = {"UA-30", "UA-32"}
MINIMUM_ROWS = {"strike": 150, "deportation": 40, "visit": 30, "statement": 60}


@cache
def dataset():
    return load_dataset(config.DATA_DIR)


@cache
def oblast_shapes() -> dict[str, shapely.Geometry]:
    return {f["id"]: shape(f["geometry"]) for f in geo.load_boundaries()["features"]}


def events() -> pd.DataFrame:
    return dataset().events


def test_every_shipped_row_validates():
    """Test that the shipped tables load with no rejected row and no file problem."""
    assert [str(p) for p in dataset().problems] == []


@pytest.mark.parametrize(("kind", "minimum"), MINIMUM_ROWS.items())
def test_each_table_holds_its_promised_minimum(kind, minimum):
    """Test that the record keeps the coverage the curation promised (issue 3)."""
    assert (events()["kind"] == kind).sum() >= minimum


def test_ids_are_unique_and_stable_in_file_order():
    """Test that ids are unique across tables and each file lists them in ascending order."""
    assert events()["event_id"].is_unique
    for kind in schema.KINDS.values():
        text, _, _ = read_rows(config.DATA_DIR / kind.file, schema.table_fields(kind.name))
        assert list(text["event_id"]) == sorted(text["event_id"]), kind.file


def test_sources_are_https_and_distinct_from_other_sources():
    """Test that every source is https and never repeated in its own other_sources."""
    frame = events()
    assert frame["source_url"].str.startswith("https://").all()
    for row in frame.itertuples():
        others = (
            [u.strip() for u in str(row.other_sources).split(";") if u.strip()]
            if pd.notna(row.other_sources)
            else []
        )
        assert all(u.startswith("https://") for u in others), row.event_id
        assert row.source_url not in others, row.event_id


def test_confirmed_share_is_at_least_a_third():
    """Test that at least a third of all rows are confirmed by a second source or a record."""
    assert (events()["verification"] == "confirmed").mean() >= 1 / 3


def test_confirmed_rows_name_a_second_source_or_are_official():
    """Test that 'confirmed' is earned: another source listed, or an official publisher."""
    official = (
        "icc-cpi.int",
        "un.org",
        "ohchr.org",
        "gov.ua",
        "kremlin.ru",
        "president.gov.ua",
        "reliefweb.int",
        "osce.org",
        "coe.int",
        "europa.eu",
    )
    frame = events()
    confirmed = frame[frame["verification"] == "confirmed"]
    unearned = confirmed[
        confirmed["other_sources"].fillna("").eq("")
        & ~confirmed["source_url"].str.contains("|".join(official), regex=True)
    ]
    assert list(unearned["event_id"]) == []


def test_dates_lie_between_the_situation_start_and_today():
    """Test that no event predates the ICC's Ukraine situation or lies in the future."""
    frame = events()
    today = pd.Timestamp(date.today())
    assert frame["date"].between(FIRST_DAY, today).all()
    ends = frame["end_date"].dropna()
    assert (ends <= today).all()


def test_sources_are_not_published_before_the_event():
    """Test that a source's publication date is never before the event it reports."""
    frame = events().dropna(subset=["source_date"])
    early = frame[frame["source_date"] < frame["date"]]
    assert list(early["event_id"]) == []


def test_ukrainian_points_lie_in_their_oblast():
    """Test that each point in Ukraine falls inside (within 3 km of) its oblast's polygon."""
    shapes = oblast_shapes()
    frame = events()
    outside = []
    for row in frame[frame["country"] == "UA"].dropna(subset=["admin1_code"]).itertuples():
        point = Point(row.lon, row.lat)
        codes = KYIV_UNITS if row.admin1_code in KYIV_UNITS else {row.admin1_code}
        if not any(shapes[code].distance(point) < 0.03 for code in codes):
            outside.append(row.event_id)
    assert outside == []


def test_admin1_names_match_their_codes():
    """Test that the English oblast name is the one the schema gives for the code."""
    from dashboard.oblasts import OBLAST_NAMES

    frame = events().dropna(subset=["admin1_code"])
    wrong = frame[frame["admin1"] != frame["admin1_code"].map(OBLAST_NAMES)]
    assert list(wrong["event_id"]) == []


def test_every_place_has_a_ukrainian_name():
    """Test that place_uk is filled and written in Cyrillic."""
    frame = events()
    assert frame["place_uk"].str.contains(r"[А-Яа-яІіЇїЄєҐґ]", regex=True).all()


def test_strike_counts_are_never_negative_and_kinds_keep_their_columns():
    """Test kind-specific rules: strikes have targets, deportations types, statements speakers."""
    frame = events()
    strikes = frame[frame["kind"] == "strike"]
    assert strikes["target_type"].isin(schema.STRIKE_TARGETS).all()
    assert (strikes[["killed", "injured"]].fillna(0) >= 0).all().all()
    deportations = frame[frame["kind"] == "deportation"]
    assert deportations["deportation_type"].isin(schema.DEPORTATION_TYPES).all()
    statements = frame[frame["kind"] == "statement"]
    assert statements["speaker"].notna().all()
    quotes = statements["quote"].dropna()
    assert (quotes.str.split().str.len() <= schema.QUOTE_MAX_WORDS).all()
    non_strikes = frame[frame["kind"] != "strike"]
    assert non_strikes["killed"].isna().all() and non_strikes["target_type"].isna().all()


def test_founding_story_is_in_the_record():
    """Test that every event of the 13 March 2023 founding story has its row."""
    frame = events().set_index("event_id")

    def has(kind: str, day: str, *words: str) -> bool:
        rows = frame[(frame["kind"] == kind) & (frame["date"] == pd.Timestamp(day))]
        return any(all(w in text for w in words) for text in rows["search_text"])

    assert has("strike", "2023-01-14", "dnipro")
    assert has("statement", "2022-03-02", "investigation")
    assert has("visit", "2022-04-13", "bucha", "khan")
    assert (frame[(frame["kind"] == "visit")]["end_date"] == pd.Timestamp("2023-03-07")).any()
    assert has("statement", "2023-03-07", "spoils of war")
    assert has("statement", "2023-03-13", "comment")
    assert has("statement", "2023-03-14", "peskov")
    assert has("statement", "2023-03-17", "putin", "lvova-belova", "warrant")


def related_ids() -> dict[str, list[str]]:
    """Map every event id to the ids its ``related`` column lists, in file order."""
    frame = events()
    return {
        row.event_id: (
            []
            if pd.isna(row.related)
            else [i.strip() for i in str(row.related).split(";") if i.strip()]
        )
        for row in frame.itertuples()
    }


def test_related_ids_exist_and_every_relation_is_mutual():
    """Test that each related id names a shipped row and that row lists this one back."""
    links = related_ids()
    unknown = sorted({i for ids in links.values() for i in ids} - set(links))
    one_way = sorted(
        (a, b) for a, ids in links.items() for b in ids if b in links and a not in links[b]
    )
    assert unknown == [] and one_way == []
    assert sum(map(len, links.values())) > 0


def test_no_row_relates_to_itself_or_repeats_an_id():
    """Test that a row never lists its own id and never lists the same id twice."""
    links = related_ids()
    assert [a for a, ids in links.items() if a in ids] == []
    assert [a for a, ids in links.items() if len(ids) != len(set(ids))] == []


def test_ids_named_in_a_description_are_related_rows():
    """Test that a row pointing to another row in its text (e.g. 'counted under STR-0055')
    also relates to it, so the app can show the pair."""
    links = related_ids()
    frame = events()
    missing = [
        (row.event_id, named)
        for row in frame.itertuples()
        for named in re.findall(r"\b(?:STR|DEP|VIS|STA)-\d{4}\b", row.description)
        if named != row.event_id and named not in links[row.event_id]
    ]
    assert missing == []


def test_kherson_drone_campaign_summary_is_a_series():
    """Test that the nine-month Kherson drone campaign row is not counted as one attack."""
    frame = events().set_index("event_id")
    assert frame.loc["STR-0233", "scope"] == "series"


def test_aggregate_child_figures_are_reports():
    """Test that findings adding up many removals (Yale lab studies, the Rostov guardianship
    tally) are report rows, whose figures headline totals never add."""
    deportations = events()[events()["kind"] == "deportation"]
    text = deportations["search_text"]
    yale = deportations[text.str.contains("yale", regex=False)]
    rostov = deportations[
        text.str.contains("rostov", regex=False)
        & text.str.contains("guardianship", regex=False)
        & deportations["children"].fillna(0).gt(1000)
    ]
    assert len(yale) >= 2 and len(rostov) >= 1
    assert set(yale["scope"]) == {"report"} and set(rostov["scope"]) == {"report"}


def test_report_deportations_stay_out_of_overlap_groups():
    """Test that no report row is related to another deportation row, so an overlap group's
    largest figure is always a count of specific children."""
    frame = events().set_index("event_id")
    links = related_ids()
    kinds = frame["kind"].astype(str)
    reports = frame.index[(kinds == "deportation") & (frame["scope"] == "report")]
    assert len(reports) > 0
    linked = [(a, b) for a in reports for b in links[a] if kinds[b] == "deportation"]
    assert linked == []


def test_places_known_only_to_a_country_have_no_coordinates():
    """Test that rows placed only in a country carry no point (the map must not pin them)."""
    frame = events()
    country = frame[frame["geo_precision"] == "country"]
    assert len(country) > 0
    assert country["lat"].isna().all() and country["lon"].isna().all()


REFERENCE = os.environ.get("DASHBOARD_REFERENCE_DIR")
needs_reference = pytest.mark.skipif(
    not REFERENCE, reason="DASHBOARD_REFERENCE_DIR is not set (point it at shared/reference)"
)


@pytest.mark.reference
@needs_reference
def test_every_massive_attack_of_the_energy_campaign_has_a_row():
    """Test that each day the Air Force logged 50+ launches from October 2022 to March 2023
    (the campaign behind the ICC's 2024 warrants) has an energy strike within a day."""
    daily = pd.read_csv(Path(REFERENCE) / "missile-attacks" / "missile_attacks_daily.csv")
    daily["day"] = pd.to_datetime(
        daily["time_start"], format="%Y-%m-%d %H:%M", errors="coerce"
    ).dt.normalize()
    launched = daily.groupby("day")["launched"].sum()
    massive = launched[
        (launched.index >= "2022-10-10") & (launched.index <= "2023-03-09") & (launched >= 50)
    ].index
    energy = events()[(events()["kind"] == "strike") & (events()["target_type"] == "energy")]
    days = set(energy["date"])
    missing = [
        d.date().isoformat()
        for d in massive
        if not days & {d - pd.Timedelta(days=1), d, d + pd.Timedelta(days=1)}
    ]
    assert len(massive) >= 5 and missing == []


@pytest.mark.reference
@needs_reference
def test_kh22_strikes_match_logged_kh22_launches():
    """Test that strikes attributed to a Kh-22 fall on days the Air Force logged X-22 launches."""
    daily = pd.read_csv(Path(REFERENCE) / "missile-attacks" / "missile_attacks_daily.csv")
    starts = pd.to_datetime(daily["time_start"], format="%Y-%m-%d %H:%M", errors="coerce")
    ends = pd.to_datetime(daily["time_end"], format="%Y-%m-%d %H:%M", errors="coerce")
    x22 = daily["model"].fillna("").str.contains("X-22")
    logged = set(starts[x22].dt.normalize()) | set(ends[x22].dt.normalize())
    strikes = events()[events()["weapon"].fillna("").str.contains("Kh-22")]
    covered = strikes[strikes["date"] >= starts.min()]
    assert len(covered) >= 1
    assert [r.event_id for r in covered.itertuples() if r.date not in logged] == []
