"""Page tests with Streamlit's AppTest: every page runs, filters apply, URLs are honoured."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import config

APP = config.ROOT / "app.py"

PAGES = ["pages/overview.py", "pages/map.py", "pages/timeline.py", "pages/explore.py",
         "pages/about.py"]


@pytest.fixture
def app(monkeypatch, data_dir):
    """Return a factory of AppTests over the synthetic tables, with URL parameters set."""
    monkeypatch.setattr(config, "DATA_DIR", data_dir)

    def make(page: str | None = None, **params: str | list[str]) -> AppTest:
        at = AppTest.from_file(str(APP), default_timeout=60)
        for name, value in params.items():
            at.query_params[name] = value
        at.run()
        if page:
            at.switch_page(page)
            at.run()
        assert not at.exception, at.exception
        return at

    return make


def _table(at: AppTest):
    """The first event table on the page (the problems table, if any, comes earlier)."""
    return next(df.value for df in at.dataframe if "event_id" in df.value.columns)


def _ids(at: AppTest) -> list[str]:
    return sorted(_table(at)["event_id"])


def _text(at: AppTest) -> str:
    """The page's Markdown with escapes removed (event text is shown escaped)."""
    return " ".join(m.value for m in at.markdown).replace("\\", "")


def _param(at: AppTest, name: str) -> list[str]:
    value = at.query_params[name]
    return [value] if isinstance(value, str) else list(value)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_on_shipped_data(page, monkeypatch):
    """Test that each page renders the real tables without an exception."""
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    at.switch_page(page)
    at.run()
    assert not at.exception
    assert at.title[0].value


def test_explore_deep_link_filters_the_table(app):
    """Test that /explore?start=..&end=..&kind=strike shows only the matching rows."""
    at = app("pages/explore.py", start="2023-01-10", end="2023-01-20", kind="strike")
    assert _ids(at) == ["STR-0001"]
    assert not at.warning


def test_filters_are_mirrored_back_to_the_url(app):
    """Test that the parsed filters are written to the URL in canonical form."""
    at = app("pages/explore.py", kind=["Strikes", "visit"], oblast="Kyiv Oblast")
    assert _param(at, "kind") == ["strike", "visit"]
    assert _param(at, "oblast") == ["UA-32"]
    assert _ids(at) == ["VIS-0001"]


@pytest.mark.parametrize(("params", "ignored"), [
    ({"start": "yesterday"}, "start"),
    ({"kind": "rumour"}, "kind"),
    ({"oblast": "UA-99"}, "oblast"),
    ({"radius_km": "-5", "near": "Bucha"}, "radius_km"),
    ({"near": "Atlantis"}, "near"),
    ({"event": "<script>"}, "event"),
])
def test_garbage_in_url_falls_back_with_a_notice(app, params, ignored):
    """Test that a bad URL value is reported on the page and the view still renders."""
    at = app("pages/explore.py", **params)
    assert any(f"Ignored {ignored}=" in w.value.replace("\\", "") for w in at.warning)
    assert len(_table(at)) >= 1


def test_event_link_opens_the_detail_view(app):
    """Test that ?event= opens that event with its source as a link."""
    at = app("pages/explore.py", event="STR-0001")
    text = " ".join(m.value for m in at.markdown)
    assert "https://example.org/dnipro" in text
    assert at.subheader[0].value.startswith("Test strike in Dnipro")


def test_unknown_event_is_reported(app):
    """Test that a well-formed but unknown event id gives a message, not a traceback."""
    at = app("pages/explore.py", event="STR-9999")
    assert any("No event STR-9999" in w.value for w in at.warning)


def test_near_bucha_keeps_only_events_within_the_radius(app):
    """Test that ?near=Bucha&radius_km=30 keeps Bucha and drops distant places."""
    at = app("pages/explore.py", near="Bucha", radius_km="30")
    assert _ids(at) == ["STR-0002", "VIS-0001"]  # central Kyiv is 24.6 km from Bucha
    assert "distance_km" in _table(at).columns


def test_near_says_which_place_it_centred_on(app):
    """Test that the sidebar names the place and oblast a typed name resolved to."""
    at = app(None, near="Kharkov")
    assert any("Centred on Kharkiv, Kharkiv Oblast" in c.value for c in at.sidebar.caption)


def test_overview_totals_follow_the_filters(app):
    """Test that the overview's figures are computed over the filtered rows."""
    at = app(None, kind="strike")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Strikes"] == "3" and metrics["Visits"] == "0"
    assert metrics["Killed in strikes"] == "107"


def test_invalid_rows_are_announced(app, data_dir):
    """Test that rejected rows are counted in a notice instead of crashing the page."""
    path = data_dir / "strikes.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("2023-01-14", "2023-13-14"),
                    encoding="utf-8")
    at = app("pages/explore.py")
    assert any("1 invalid event row" in e.label for e in at.expander)
    assert "STR-0001" not in _ids(at)


def test_map_page_offers_choropleth(app):
    """Test that switching the map to oblast shading draws the choropleth and writes the
    choice to the URL."""
    at = app("pages/map.py")
    at.segmented_control(key="view_map_widget").set_value("oblasts").run()
    assert not at.exception
    at.radio(key="view_shade_widget").set_value("killed").run()
    assert not at.exception
    assert _param(at, "map") == ["oblasts"] and _param(at, "shade") == ["killed"]
    assert "People killed by oblast: 107 in 2 oblasts; most in Donetsk Oblast (61)" in _text(at)


def test_map_link_restores_oblast_shading(app):
    """Test that /map?map=oblasts&shade=killed opens the shading by people killed, and the
    filters written back to the URL keep both parameters."""
    at = app("pages/map.py", map="oblasts", shade="killed", kind="strike")
    assert at.segmented_control(key="view_map_widget").value == "oblasts"
    assert at.radio(key="view_shade_widget").value == "killed"
    assert _param(at, "map") == ["oblasts"] and _param(at, "shade") == ["killed"]
    assert _param(at, "kind") == ["strike"]


@pytest.mark.parametrize(("param", "value"), [("map", "globe"), ("period", "decade")])
def test_bad_view_value_falls_back_with_a_notice(app, param, value):
    """Test that an unknown map mode or timeline step shows the default and says so."""
    page = "pages/map.py" if param == "map" else "pages/timeline.py"
    at = app(page, **{param: value})
    assert any(f"Ignored {param}='{value}'" in w.value for w in at.warning)
    assert param not in at.query_params


def test_timeline_link_restores_the_step(app):
    """Test that /timeline?period=quarter bins by quarter and keeps the parameter."""
    at = app("pages/timeline.py", period="quarter")
    assert at.segmented_control(key="view_period_widget").value == "quarter"
    assert _param(at, "period") == ["quarter"]
    assert "most in 2023 Q1 (3)" in _text(at)


def test_timeline_with_no_statements_in_view(app):
    """Test that a day with no statement renders (regression: KeyError 'date' in
    charts.legal_milestones on /timeline?start=2023-01-01&end=2023-01-01)."""
    at = app("pages/timeline.py", start="2023-01-14", end="2023-01-14")
    assert "No legal milestones" in _text(at)
    at = app("pages/timeline.py", start="2023-01-01", end="2023-01-01")
    assert any("No events match" in i.value for i in at.info)


def test_timeline_lists_milestones_with_links(app):
    """Test that the milestones under the chart link to their events in Explore."""
    at = app("pages/timeline.py")
    assert any("(/explore?event=STA-0001)" in m.value for m in at.markdown)


def test_map_shows_an_opened_event(app):
    """Test that /map?event=ID shows that event's record under the map."""
    at = app("pages/map.py", event="DEP-0001")
    assert at.subheader[0].value.startswith("Test removal from Kherson")


def test_empty_map_says_so(app):
    """Test that a search matching nothing still renders the map page with a sentence."""
    at = app("pages/map.py", q="nothingmatches")
    assert "map shows Ukraine only" in _text(at)


def test_explore_cites_the_view_and_data_version(app, data_dir):
    """Test that the citation names the filtered view's URL, row count and content hash."""
    from dashboard.tables import content_version

    at = app("pages/explore.py", kind="strike")
    citation = at.code[0].value
    assert "/explore?kind=strike" in citation and "3 events" in citation
    assert content_version(data_dir) in citation


@pytest.mark.parametrize("online", [False, True])
def test_online_setting_lets_near_find_places_the_gazetteer_lacks(app, monkeypatch, tmp_path,
                                                                   online):
    """Test that a name the gazetteer lacks is asked of Nominatim (stubbed) only when the
    online setting is on, and that the answer then centres the near filter."""
    from dashboard import geo

    asked = []

    def nominatim(name, oblast, country):
        asked.append(name)
        return {"name": "Hostomel Airport", "lat": 50.603, "lon": 30.192,
                "admin1_code": "UA-32", "country": "UA"}

    monkeypatch.setattr(geo.lookup, "_nominatim_query", nominatim)
    monkeypatch.setattr(config, "CACHE_DIR", tmp_path / "cache")
    monkeypatch.setattr(config, "ONLINE_GEOCODING", online)
    at = app(None, near="Antonov Airport Hostomel")
    assert at.toggle(key="f_online").value is online
    metrics = {m.label: m.value for m in at.metric}
    if online:
        assert asked and set(asked) == {"Antonov Airport Hostomel"}
        assert (metrics["Strikes"], metrics["Visits"], metrics["Statements"]) == ("1", "1", "0")
        assert any("Found online" in c.value for c in at.sidebar.caption)
    else:
        assert asked == []
        assert any("Ignored near=" in w.value for w in at.warning)
        assert metrics["Statements"] == "2"
