"""The DuckDB store: SQL filters agree with Filters.apply, imported sets join the dataset filter,
large selections page, and the map turns into a density grid above its point limit."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from conftest import APP_PAGES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from dashboard import cases, charts, config, engine, geo, schema
from dashboard.filters import Filters
from dashboard.importers import import_file
from dashboard.importers.store import list_sets
from dashboard.oblasts import OBLAST_NAMES

ACLED_CSV = Path(__file__).parent / "fixtures" / "import" / "acled.csv"
WORDS = ["kyiv", "Kiev", "hospital", "Khan", "children", "warrant", "Artemivsk", "zzzz", "energy"]
PLACES = ["Kharkiv", "Kyiv", "Odesa", "Bucha", "Kherson"]


@pytest.fixture(scope="module")
def curated(_shipped_dataset) -> pd.DataFrame:
    return _shipped_dataset.events.copy(deep=True)


@pytest.fixture(scope="module")
def store(curated, tmp_path_factory) -> engine.Store:
    return engine.Store(curated, tmp_path_factory.mktemp("no_sets"))


@st.composite
def filters(draw) -> Filters:
    """Any mix of the filters, over values the shipped record holds."""
    start = draw(st.none() | st.dates(date(2014, 1, 1), date(2025, 12, 31)))
    end = draw(st.none() | st.dates(start or date(2014, 1, 1), date(2026, 1, 1)))
    near = draw(st.none() | st.sampled_from(PLACES))
    return Filters(
        start=start,
        end=end,
        kinds=tuple(draw(st.sets(st.sampled_from(list(schema.KINDS)), max_size=2))),
        oblasts=tuple(draw(st.sets(st.sampled_from(list(OBLAST_NAMES)), max_size=3))),
        q=" ".join(draw(st.lists(st.sampled_from(WORDS), max_size=2))),
        near=geo.lookup_place(near)[0] if near else None,
        radius_km=draw(st.sampled_from([5.0, 30.0, 150.0, 800.0])),
        vague=draw(st.booleans()),
        case=draw(st.none() | st.sampled_from(cases.all_cases())),
    )


# Each draw runs one filter mix in SQL and in pandas over the shipped record (~30 ms).
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(chosen=filters())
def test_sql_filters_agree_with_pandas(store, curated, chosen):
    """Test that the store keeps exactly the rows Filters.apply keeps, in the same order,
    with the same distances."""
    expected = chosen.apply(curated)
    found = store.select(chosen).frame()
    assert found["event_id"].tolist() == expected["event_id"].tolist()
    assert store.select(chosen).count == len(expected)
    if chosen.near is not None:
        assert found["distance_km"].tolist() == expected["distance_km"].tolist()


def test_store_rows_match_the_curated_frame(store, curated):
    """Test that rows read back from the store have the curated frame's values and dtypes."""
    found = store.select(Filters()).frame()
    columns = [c for c in curated.columns if not c.startswith("search_")]
    pd.testing.assert_frame_equal(found[columns], curated[columns].reset_index(drop=True))


def test_sql_aggregates_agree_with_pandas(store, curated):
    """Test that counts per period and per oblast from SQL equal the pandas charts' counts."""
    selection = store.select(Filters())
    sql = selection.period_counts("month")
    pandas = charts.counts_by_period(curated, "month")
    merged = pandas.merge(sql, on=["period", "kind"], how="outer").fillna(0)
    assert (merged["count_x"] == merged["count_y"]).all()
    codes = list(OBLAST_NAMES)
    pd.testing.assert_frame_equal(
        selection.oblast_summary(codes), charts.oblast_summary(curated, codes)
    )


@pytest.fixture(scope="module")
def import_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("sets")
    import_file(ACLED_CSV, name="acled-test", folder=folder)
    return folder


@pytest.fixture
def app(monkeypatch, import_dir):
    monkeypatch.setattr(config, "IMPORT_DIR", import_dir)

    def make(page: str | None = None, **params) -> AppTest:
        at = AppTest.from_file(str(config.ROOT / "app.py"), default_timeout=60)
        for name, value in params.items():
            at.query_params[name] = value
        if page and page != "pages/overview.py":
            at.switch_page(page)  # before the first run: the app opens on it, as a link does
        at.run()
        assert not at.exception, at.exception
        return at

    return make


def _kept(import_dir: Path) -> int:
    return list_sets(import_dir)[0]["rows_kept"]


def test_dataset_filter_from_url_adds_an_imported_set(app, import_dir, shipped_events):
    """Test that ?dataset=curated&dataset=acled-test shows both, and the default only curated."""
    curated = len(shipped_events)
    at = app()
    assert at.session_state["filters"].datasets == ()
    assert any(f"{curated:,}" in m.value for m in at.markdown)
    at = app(dataset=["curated", "acled-test"])
    assert at.session_state["filters"].datasets == ("curated", "acled-test")
    assert at.multiselect(key="f_datasets").value == ["curated", "acled-test"]
    shown = f"{curated + _kept(import_dir):,}"
    assert any(shown in m.value for m in at.markdown)


def test_unknown_dataset_in_url_falls_back_with_a_notice(app):
    """Test that an unknown dataset name is ignored and reported, not a traceback."""
    at = app(dataset="nope")
    assert at.session_state["filters"].datasets == ()
    assert any("dataset='nope'" in w.value for w in at.warning)


@pytest.mark.parametrize("page", APP_PAGES)
def test_pages_run_with_an_imported_set(app, page):
    """Test that every page runs on the curated record mixed with an imported set."""
    app(page, dataset=["curated", "acled-test"])


def test_imported_event_detail_names_its_dataset(app, import_dir):
    """Test that an imported event's detail says which set it comes from and its source id."""
    rows = engine.Store(pd.DataFrame(columns=list(schema.unified_columns())), import_dir)
    row = rows.select(Filters(datasets=("acled-test",))).frame(limit=1).iloc[0]
    at = app("pages/explore.py", dataset="acled-test", event=row["event_id"])
    text = " ".join(i.value for i in at.info)
    assert "acled\\-test" in text and str(row["source_id"]) in text


def test_paged_table_shows_the_right_rows_and_total(app, monkeypatch, shipped_events):
    """Test that Explore's table pages: the total is named and page 2 holds the next rows."""
    monkeypatch.setattr("dashboard.ui.scale.PAGE_SIZE", 50)
    at = app("pages/explore.py")
    expected = shipped_events.sort_values(["date", "event_id"], ascending=[False, True])["event_id"]
    total = len(expected)
    assert any(f"Rows 1–50 of {total:,}" in c.value for c in at.caption)
    at.number_input(key="table_all_page").set_value(2).run()
    shown = next(d.value for d in at.dataframe if "event_id" in d.value.columns)
    assert shown["event_id"].tolist() == expected.iloc[50:100].tolist()


def test_map_switches_to_a_density_grid_above_the_point_limit(curated):
    """Test that above the limit the map draws cells with counts, and points below it."""
    located = curated.dropna(subset=["lat", "lon"])
    grid = charts.map_figure(curated, {"type": "FeatureCollection", "features": []}, point_limit=10)
    cells = [t for t in grid.data if t.name == "Events per cell"]
    assert len(cells) == 1 and not [t for t in grid.data if t.name == "Strikes"]
    assert sum(int(t.split()[0].replace(",", "")) for t in cells[0].text) == len(located)
    points = charts.map_figure(curated, {"type": "FeatureCollection", "features": []})
    assert not [t for t in points.data if t.name == "Events per cell"]


def test_box_on_the_grid_selects_the_events_in_its_cells(store, curated):
    """Test that the cells a box caught select exactly the events inside them."""
    size = 0.5
    grid = store.select(Filters()).grid(size)
    top = grid.sort_values("count").iloc[-2:]
    selection = {
        "points": [
            {"customdata": ["", f"cell:{r}:{c}:{size:g}"]}
            for r, c in zip(top["row"], top["col"], strict=True)
        ]
    }
    cells, found_size = charts.selected_cells(selection)
    assert found_size == size
    inside = store.select(Filters()).in_cells(cells, size)
    assert inside.count == int(top["count"].sum())
    mask = charts.in_cells(curated, cells, size)
    assert sorted(inside.frame()["event_id"]) == sorted(curated.loc[mask, "event_id"])


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(chosen=filters())
def test_sql_headline_figures_agree_with_pandas(store, curated, chosen):
    """Test that the figures added up in SQL (strikes) and from the store's deportation rows
    equal figures.headline and figures.largest_reports on the same filtered rows."""
    from dashboard import figures

    expected = chosen.apply(curated)
    selection = store.select(chosen)
    assert selection.headline() == figures.headline(expected)
    assert selection.largest_reports() == figures.largest_reports(expected)


def test_cases_page_draws_a_large_scope_from_the_store(app, monkeypatch, shipped_events):
    """Test that a case whose scope is too large to hold shows its figures, a map and its
    events one page at a time, with the same killed total as the pandas figures."""
    from dashboard import figures

    monkeypatch.setattr(engine, "FRAME_LIMIT", 5)
    monkeypatch.setattr("dashboard.ui.scale.PAGE_SIZE", 3)
    at = app("pages/cases.py")
    curated = shipped_events
    case = next(c for c in cases.all_cases() if c.scope_kind == "strike")
    in_scope = curated[case.mask(curated)]
    assert len(in_scope) > 5
    killed = figures.headline(in_scope)["killed"].value
    assert any(m.value == f"{killed:,}" for m in at.metric)
    assert any(f"Rows 1–3 of {len(in_scope):,}" in c.value for c in at.caption)
    assert at.get("plotly_chart")


@pytest.mark.parametrize(("radius", "some"), [(100.0, True), (30.0, False)])
def test_near_search_over_a_set_read_in_place(import_dir, radius, some):
    """Test that a radius search over a set the store reads from its Parquet file keeps the
    rows and distances Filters.apply keeps on the same set read with pandas."""
    from dashboard.importers.store import read_set

    rows = read_set("acled-test", import_dir)
    store = engine.Store(pd.DataFrame(columns=list(schema.unified_columns())), import_dir)
    kharkiv = geo.lookup_place("Kharkiv")[0]  # ~60 km from the set's events
    chosen = Filters(datasets=("acled-test",), near=kharkiv, radius_km=radius)
    expected = chosen.apply(rows)
    found = store.select(chosen).frame()
    assert (len(expected) > 0) == some
    assert found["event_id"].tolist() == expected["event_id"].tolist()
    assert found["distance_km"].tolist() == expected["distance_km"].tolist()


def test_long_map_and_case_tables_page(app, monkeypatch, curated):
    """Test that the Map's and the Cases' tables page (same order as the full table) once they
    are as long as the map's grid limit, rather than sending every row."""
    monkeypatch.setattr(charts, "MAP_POINT_LIMIT", 5)
    monkeypatch.setattr("dashboard.ui.scale.PAGE_SIZE", 3)
    at = app("pages/map.py")
    assert any(f"Rows 1–3 of {len(curated):,}" in c.value for c in at.caption)
    shown = next(d.value for d in at.dataframe if "event_id" in d.value.columns)
    expected = curated.sort_values("date", kind="stable")["event_id"].head(3)
    assert shown["event_id"].tolist() == expected.tolist()
    at = app("pages/cases.py")
    assert any(c.value.startswith("Rows 1–3 of") for c in at.caption)


def test_repeated_query_is_answered_alike_and_a_callers_change_stays_its_own(store, curated):
    """Test that the rows kept for the next rerun are the same rows, and that a page changing
    the frame it got (a value, a new column) does not change what the next caller gets."""
    chosen = Filters(kinds=("strike",))
    first = store.select(chosen).frame()
    expected = first.copy(deep=True)
    first.loc[0, "title"] = "changed by a page"
    first["added"] = 1
    again = store.select(chosen).frame()
    pd.testing.assert_frame_equal(again, expected)
    assert again["event_id"].tolist() == chosen.apply(curated)["event_id"].tolist()


def test_kept_answers_stay_within_their_row_budget(curated, tmp_path, monkeypatch):
    """Test that a store keeps at most RECENT_ROWS rows of earlier answers (the latest first)
    and still answers every query right once older answers are dropped."""
    monkeypatch.setattr(engine, "RECENT_ROWS", 300)
    fresh = engine.Store(curated, tmp_path)
    for kind in schema.KINDS:
        found = fresh.select(Filters(kinds=(kind,))).frame()
        assert len(found) == (curated["kind"] == kind).sum()
    assert sum(len(frame) for frame in fresh._recent.values()) <= 300
    newest = fresh.select(Filters(kinds=(list(schema.KINDS)[-1],))).frame()
    assert newest["kind"].eq(list(schema.KINDS)[-1]).all()


def test_map_of_a_large_view_with_few_located_rows_draws_and_describes_them(app, monkeypatch):
    """Test that a view too large to hold, whose located rows are few enough for points, gets
    its points and the sentence describing them (not an error in place of the sentence)."""
    monkeypatch.setattr(engine, "FRAME_LIMIT", 5)
    at = app("pages/map.py")
    assert not at.error, [e.value for e in at.error]
    assert any(" drawn at " in m.value for m in at.markdown)
