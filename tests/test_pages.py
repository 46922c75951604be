"""Page tests with Streamlit's AppTest: every page runs, filters apply, URLs are honoured."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import config

APP = config.ROOT / "app.py"

PAGES = [
    "pages/overview.py",
    "pages/map.py",
    "pages/timeline.py",
    "pages/explore.py",
    "pages/about.py",
]


@pytest.fixture
def app(monkeypatch, request, _sample_dir):
    """Return a factory of AppTests over the synthetic tables, with URL parameters set.

    The pages read the session's shared sample folder, so the app's cached load is reused from
    test to test; a test that asks for ``data_dir`` (to edit it) gets its own copy instead.
    """
    shared = "data_dir" not in request.fixturenames
    monkeypatch.setattr(
        config, "DATA_DIR", _sample_dir if shared else request.getfixturevalue("data_dir")
    )

    def make(page: str | None = None, **params: str | list[str]) -> AppTest:
        at = AppTest.from_file(str(APP), default_timeout=60)
        for name, value in params.items():
            at.query_params[name] = value
        _open(at, page)
        assert not at.exception, at.exception
        return at

    return make


def _open(at: AppTest, page: str | None) -> None:
    """Run the app on ``page`` (None: the default page) the way a link to it opens it.

    The first run goes straight to the page, as a browser opening /explore?... does: each
    page's url_path is its file's name, which is what AppTest matches before a first run.
    """
    if page and page != "pages/overview.py":
        at.switch_page(page)
    at.run()
    expected = "" if page in (None, "pages/overview.py") else Path(page).stem
    assert at.session_state["page_path"] == expected, "the app opened another page"


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
    _open(at, page)
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


@pytest.mark.parametrize(
    ("params", "ignored"),
    [
        ({"start": "yesterday"}, "start"),
        ({"kind": "rumour"}, "kind"),
        ({"oblast": "UA-99"}, "oblast"),
        ({"radius_km": "-5", "near": "Bucha"}, "radius_km"),
        ({"near": "Atlantis"}, "near"),
        ({"event": "<script>"}, "event"),
    ],
)
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
    path.write_text(
        path.read_text(encoding="utf-8").replace("2023-01-14", "2023-13-14"), encoding="utf-8"
    )
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
def test_online_setting_lets_near_find_places_the_gazetteer_lacks(
    app, monkeypatch, tmp_path, online
):
    """Test that a name the gazetteer lacks is asked of Nominatim (stubbed) only when the
    online setting is on, and that the answer then centres the near filter."""
    from dashboard import geo

    asked = []

    def nominatim(name, oblast, country):
        asked.append(name)
        return {
            "name": "Hostomel Airport",
            "lat": 50.603,
            "lon": 30.192,
            "admin1_code": "UA-32",
            "country": "UA",
        }

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


# --- URL hardening regressions ---------------------------------------------------------------

ALL_PAGES = [*PAGES, "pages/cases.py"]
TEXT_ELEMENTS = (
    "title",
    "header",
    "subheader",
    "markdown",
    "caption",
    "info",
    "warning",
    "error",
    "success",
    "text",
    "code",
)
HOSTILE_HOSTS = ("https://evil.example", "https://e.example")


def _texts(at: AppTest) -> list[str]:
    """The values of every text element on the page, sidebar included."""
    return [str(element.value) for kind in TEXT_ELEMENTS for element in getattr(at, kind)]


def _unescape(text: str) -> str:
    """What Markdown shows for backslash-escaped text (word joiners are invisible)."""
    import re

    return re.sub(r"\\(.)", r"\1", text).replace("\u2060", "")


def _hostile_links(text: str) -> list[str]:
    """Markdown link or image targets pointing at the hostile hosts (an unescaped '](')."""
    found = []
    for host in HOSTILE_HOSTS:
        start = 0
        while (i := text.find(f"]({host}", start)) != -1:
            if i == 0 or text[i - 1] != "\\":
                found.append(text[max(0, i - 20) : i + 40])
            start = i + 1
    return found


@pytest.mark.parametrize("page", ALL_PAGES)
def test_dates_outside_the_period_fall_back_with_a_notice(app, page):
    """Test that start=1900-01-01 and end=2100-01-01 are ignored with notices, no exception."""
    at = app(page, start="1900-01-01", end="2100-01-01")
    notices = " ".join(_unescape(w.value) for w in at.warning)
    assert "Ignored start='1900-01-01'" in notices and "Ignored end='2100-01-01'" in notices
    assert at.title[0].value


@pytest.mark.parametrize("page", ALL_PAGES)
def test_url_values_never_become_links(app, page):
    """Test that Markdown links and images typed into URL parameters render as plain text."""
    at = app(
        page,
        q="[click](https://evil.example/phish)",
        oblast="[x](https://e.example)",
        kind="![t](https://evil.example/t.png)",
        near="[n](https://evil.example/n)",
    )
    texts = _texts(at)
    assert [link for text in texts for link in _hostile_links(text)] == []
    shown = " ".join(_unescape(text) for text in texts)
    assert "Ignored oblast='[x](https://e.example)'" in shown
    assert "Ignored kind='![t](https://evil.example/t.png)'" in shown


@pytest.mark.parametrize(
    "page", ["pages/overview.py", "pages/explore.py", "pages/timeline.py", "pages/map.py"]
)
def test_filter_summary_is_escaped_once(app, page):
    """Test that the filter summary shows '2023-01-01' and the query as typed: escaped once,
    so no stray backslash is visible."""
    at = app(page, start="2023-01-01", q="Kyiv-1")
    shown = [_unescape(t) for t in _texts(at) if "events · " in t]
    assert shown and all("2023-01-01" in t and "“Kyiv-1”" in t for t in shown), shown


def test_timeline_without_statements_in_view(app):
    """Test that a one-day view with no statements (no milestones) renders the timeline."""
    at = app("pages/timeline.py", start="2023-01-01", end="2023-01-01")
    assert not at.warning
    assert any("No events match" in i.value for i in at.info)


def test_timeline_page_opened_directly(monkeypatch, data_dir):
    """Test that pages/timeline.py run without the frame (no filters in session) still works."""
    monkeypatch.setattr(config, "DATA_DIR", data_dir)
    at = AppTest.from_file(str(config.ROOT / "pages" / "timeline.py"), default_timeout=60)
    at.run()
    assert not at.exception
    assert at.title[0].value == "Timeline"


def _shipped_cases_page(**params: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    for name, value in params.items():
        at.query_params[name] = value
    _open(at, "pages/cases.py")
    assert not at.exception, at.exception
    return at


def test_cases_page_names_the_suspects_of_the_chosen_case():
    """Test that ?case=kobylash-sokolov on the shipped data shows that case with each of its
    suspects as data/cases.csv spells them, and no other case's section."""
    from dashboard.cases import load_cases
    from dashboard.schema import CASES_FILE

    loaded, _ = load_cases(config.DATA_DIR / CASES_FILE)
    chosen = next(c for c in loaded if c.case_id == "kobylash-sokolov")
    at = _shipped_cases_page(case="kobylash-sokolov")
    shown = " ".join(_unescape(t) for t in _texts(at))
    assert chosen.suspects and all(suspect in shown for suspect in chosen.suspects)
    assert [_unescape(h.value) for h in at.main.header] == [chosen.title]


def test_cases_page_names_every_suspect_without_a_case_filter():
    """Test that the Cases page on the shipped data names every suspect in data/cases.csv."""
    from dashboard.cases import load_cases
    from dashboard.schema import CASES_FILE

    loaded, _ = load_cases(config.DATA_DIR / CASES_FILE)
    at = _shipped_cases_page()
    shown = " ".join(_unescape(t) for t in _texts(at))
    suspects = [s for case in loaded for s in case.suspects]
    assert len(suspects) == 6 and all(suspect in shown for suspect in suspects)


def test_unknown_case_in_url_gives_a_notice(app):
    """Test that ?case=nope is ignored with a notice on the Cases page."""
    at = app("pages/cases.py", case="nope")
    assert any("Ignored case='nope'" in _unescape(w.value) for w in at.warning)


def test_event_detail_shows_the_whole_description(shipped_events):
    """Test that an opened event shows its full description, not the first 300 characters
    (a limit meant for values typed into a URL)."""
    events = shipped_events
    long = events[events["description"].str.len() > 600].iloc[0]
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params["event"] = long["event_id"]
    at.run()
    at.switch_page("pages/explore.py")
    at.run()
    assert str(long["description"])[-60:] in _text(at)
