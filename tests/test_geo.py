"""Tests for dashboard.geo: name matching, geocoding, oblast codes (distances: test_distances)."""

from __future__ import annotations

import csv
import io
import logging
from contextlib import contextmanager

import pytest
from geopy.exc import GeocoderServiceError, GeocoderTimedOut, GeocoderUnavailable
from geopy.extra.rate_limiter import RateLimiter
from geopy.location import Location
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard import config, geo
from dashboard.oblasts import OBLAST_ALIASES, OBLAST_NAMES, OBLAST_NAMES_UK


@pytest.fixture(autouse=True)
def no_network(monkeypatch, tmp_path):
    """Make any real Nominatim call fail loudly and keep the geocoding cache in tmp_path."""

    def refuse(*args, **kwargs):
        raise AssertionError("a test tried to reach Nominatim")

    monkeypatch.setattr(geo.lookup, "_nominatim", refuse)
    monkeypatch.setattr(config, "CACHE_DIR", tmp_path / "cache")
    monkeypatch.setattr(config, "ONLINE_GEOCODING", False)


@pytest.fixture
def online_calls(monkeypatch):
    """Replace the Nominatim query with a recorder; set ``.answer`` or ``.error`` to script it."""

    class Recorder:
        def __init__(self):
            self.calls = []
            self.answer = None
            self.error = None

        def __call__(self, name, oblast, country):
            self.calls.append((name, oblast, country))
            if self.error is not None:
                raise self.error
            return self.answer

    recorder = Recorder()
    monkeypatch.setattr(geo.lookup, "_nominatim_query", recorder)
    return recorder


# Names -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("Kiev", "Kyiv"),
        ("Київ", "Kyiv"),
        ("Kharkov", "Kharkiv"),
        ("Харків", "kharkiv"),
        ("Odessa", "Odesa"),
        ("Zaporozhye", "Zaporizhzhia"),
        ("Lugansk", "Luhansk"),
        ("Chernigov", "Chernihiv"),
        ("Krivoy Rog", "Kryvyi Rih"),
        ("Кривой Рог", "Kryvyi Rih"),
        ("Севастополь", "Sevastopol"),
        ("Kam’yanske", "Kam'yanske"),
        ("Kamʼyanske", "Kam`yanske"),
        ("Ivano-Frankivsk", "ivano frankivsk"),
        ("Rzeszów", "RZESZOW"),
        ("Bila  Tserkva", "Bila-Tserkva"),
    ],
)
def test_normalize_folds_spelling_variants_together(left, right):
    """Test that case, apostrophes, separators, accents and transliteration variants fold."""
    assert geo.normalize(left) == geo.normalize(right)


@pytest.mark.parametrize(
    ("left", "right"), [("Kyiv", "Lviv"), ("Odesa", "Kherson"), ("Sumy", "Rivne")]
)
def test_normalize_keeps_different_names_apart(left, right):
    """Test that different places keep different keys."""
    assert geo.normalize(left) != geo.normalize(right)


@pytest.mark.parametrize("text", ["", "   ", "'-’"])
def test_normalize_of_no_letters_is_empty(text):
    """Test that a name without letters or digits has an empty key."""
    assert geo.normalize(text) == ""


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.text(st.sampled_from("Kiev Київ-Zaporizhzhia'’ʼ|\nÓ北京ßǅ̈ .ЁёЪ")) | st.text(),
        max_size=8,
    )
)
def test_normalize_many_is_normalize_of_each(names):
    """Test that the one-pass batch gives each name the key normalize gives it alone, whatever
    the names hold (separators, scripts, combining marks, nothing at all)."""
    assert geo.normalize_many(names) == [geo.normalize(name) for name in names]


# Geocoding ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "name", "admin1_code"),
    [
        ("Kiev", "Kyiv", "UA-30"),
        ("Kyiv", "Kyiv", "UA-30"),
        ("Київ", "Kyiv", "UA-30"),
        ("Киев", "Kyiv", "UA-30"),
        ("Kharkov", "Kharkiv", "UA-63"),
        ("Харьков", "Kharkiv", "UA-63"),
        ("Odessa", "Odesa", "UA-51"),
        ("Odesa", "Odesa", "UA-51"),
        ("Artemivsk", "Bakhmut", "UA-14"),
        ("Artemovsk", "Bakhmut", "UA-14"),
        ("Dnipropetrovsk", "Dnipro", "UA-12"),
        ("Кривой Рог", "Kryvyi Rih", "UA-12"),
        ("Kryvyi Rih", "Kryvyi Rih", "UA-12"),
        ("Sevastopol", "Sevastopol", "UA-40"),
        ("Bucha", "Bucha", "UA-32"),
        ("Mariupol", "Mariupol", "UA-14"),
        ("Zaporozhye", "Zaporizhzhia", "UA-23"),
        ("Nikolaev", "Mykolaiv", "UA-48"),
        ("Kirovograd", "Kropyvnytskyi", "UA-35"),
        ("Lugansk", "Luhansk", "UA-09"),
        ("Yevpatoria", "Yevpatoriya", "UA-43"),
        ("Novohrad-Volynskyi", "Zviahel", "UA-18"),
        ("Yuzhne", "Pivdenne", "UA-51"),
    ],
)
def test_geocode_resolves_ukrainian_spellings(query, name, admin1_code):
    """Test that current, Russian-era, Cyrillic and former names reach the right place."""
    place = geo.geocode(query)
    assert place is not None
    assert (place.name, place.admin1_code, place.country) == (name, admin1_code, "UA")


@pytest.mark.parametrize(
    ("query", "country"),
    [
        ("Moscow", "RU"),
        ("The Hague", "NL"),
        ("Rostov-on-Don", "RU"),
        ("Anapa", "RU"),
        ("Minsk", "BY"),
        ("Ulaanbaatar", "MN"),
        ("Johannesburg", "ZA"),
    ],
)
def test_geocode_resolves_foreign_places_without_an_oblast(query, country):
    """Test that places abroad resolve to their country with an empty admin1_code."""
    place = geo.geocode(query)
    assert place is not None
    assert (place.country, place.admin1_code) == (country, "")


@pytest.mark.parametrize(
    ("query", "source", "match"),
    [
        ("Kyiv", "gazetteer", "name"),
        ("Kiev", "gazetteer", "alternate"),
        ("Artemivsk", "renaming", "renaming"),
        ("Krivoi Rog", "gazetteer", "fuzzy"),
    ],
)
def test_geocode_reports_how_the_name_matched(query, source, match):
    """Test that Place.source and Place.match say whether a name, renaming or fold matched."""
    place = geo.geocode(query)
    assert place is not None
    assert (place.source, place.match) == (source, match)


def test_geocode_prefers_odesa_over_odessa_texas():
    """Test that "Odessa" gives Odesa UA-51 and lists Odessa, Texas, as an alternative."""
    place = geo.geocode("Odessa")
    assert place is not None and place.admin1_code == "UA-51"
    assert any(alt.admin1_code == "" for alt in place.alternatives)


@pytest.mark.parametrize("oblast", ["UA-53", "Poltava Oblast", "Полтавська область", "Poltava"])
def test_ambiguous_name_resolves_within_given_oblast(oblast):
    """Test that Serhiivka is resolved within the oblast given as a code or a name."""
    place = geo.geocode("Serhiivka", oblast)
    assert place is not None
    assert place.admin1_code == "UA-53"
    assert place.alternatives == ()


def test_ambiguous_name_without_oblast_reports_alternatives():
    """Test that an ambiguous name picks the most populous namesake and lists the others."""
    place = geo.geocode("Serhiivka")
    assert place is not None
    assert len(place.alternatives) >= 5
    assert all(alt.population <= place.population for alt in place.alternatives)
    assert len({alt.admin1_code for alt in place.alternatives}) >= 4


def test_ambiguous_name_message_says_it_is_ambiguous():
    """Test that lookup_place explains an ambiguous choice."""
    place, message = geo.lookup_place("Novoselivka")
    assert place is not None
    assert "ambiguous" in message


def test_name_outside_given_oblast_is_not_guessed():
    """Test that a known place asked for in the wrong oblast gives None and says why."""
    place, message = geo.lookup_place("Kramatorsk", "UA-46")
    assert place is None
    assert "not in Lviv Oblast" in message


@pytest.mark.parametrize("query", ["Qwertyville", "Xyzzy Nowhere", "", "   ", "!!!"])
def test_unknown_name_gives_none(query):
    """Test that unknown or empty names resolve to None."""
    assert geo.geocode(query) is None


def test_name_with_oblast_after_comma_resolves():
    """Test that "Bucha, Kyiv Oblast" uses the part after the comma as the oblast."""
    place = geo.geocode("Bucha, Kyiv Oblast")
    assert place is not None and place.admin1_code == "UA-32"


def test_country_argument_restricts_candidates():
    """Test that country= restricts the search (Odessa in the US is Odessa, Texas)."""
    place = geo.geocode("Odessa", country="US")
    assert place is not None
    assert place.country == "US"


def test_place_has_ukrainian_name():
    """Test that gazetteer places carry their Ukrainian name."""
    place = geo.geocode("Kharkov")
    assert place is not None and place.name_uk == "Харків"


# Online geocoding --------------------------------------------------------------------------


def test_online_geocoder_not_called_unless_enabled(online_calls):
    """Test that Nominatim is never asked while online geocoding is off."""
    assert geo.geocode("Qwertyville") is None
    assert geo.geocode("Krivoi Rog") is not None
    assert online_calls.calls == []


def test_online_geocoder_not_called_for_exact_offline_match(online_calls):
    """Test that an exact gazetteer answer needs no online lookup even when enabled."""
    place = geo.geocode("Kyiv", online=True)
    assert place is not None and place.source == "gazetteer"
    assert online_calls.calls == []


def test_online_geocoder_used_and_cached_when_enabled(online_calls, monkeypatch):
    """Test that config.ONLINE_GEOCODING enables Nominatim for misses and caches on disk."""
    monkeypatch.setattr(config, "ONLINE_GEOCODING", True)
    online_calls.answer = {
        "name": "Qwertyville",
        "lat": 48.5,
        "lon": 35.0,
        "admin1_code": "UA-12",
        "country": "UA",
    }
    first = geo.geocode("Qwertyville")
    second = geo.geocode("Qwertyville")
    assert first is not None and first.source == "nominatim"
    assert second is not None and second.source == "cache"
    assert (second.lat, second.lon) == (48.5, 35.0)
    assert len(online_calls.calls) == 1
    assert (config.CACHE_DIR / "nominatim.json").exists()


@contextmanager
def _logged(name: str):
    """Collect the records logged under ``name`` (pytest's logging plugin is off: see
    pyproject.toml)."""
    records: list[logging.LogRecord] = []
    handler = logging.Handler(logging.DEBUG)
    handler.emit = records.append
    logger = logging.getLogger(name)
    logger.addHandler(handler)
    try:
        yield records
    finally:
        logger.removeHandler(handler)


@pytest.mark.parametrize(
    "error",
    [
        GeocoderUnavailable("no network"),
        GeocoderTimedOut("slow"),
        GeocoderServiceError("HTTP 503"),
        OSError("network is unreachable"),
    ],
)
def test_online_failure_falls_back_to_offline(online_calls, error):
    """Test that a raised geopy or network error is logged and the offline answer returned."""
    online_calls.error = error
    with _logged("dashboard.geo") as records:
        fuzzy, message = geo.lookup_place("Krivoi Rog", online=True)
        missing = geo.geocode("Qwertyville", online=True)
    assert fuzzy is not None and fuzzy.name == "Kryvyi Rih" and fuzzy.source == "gazetteer"
    assert "online geocoding" in message and "failed" in message
    assert missing is None
    assert any(r.levelno >= logging.WARNING and "failed" in r.getMessage() for r in records)
    assert len(online_calls.calls) == 2


# geopy integration -------------------------------------------------------------------------


def test_offline_gazetteer_returns_geopy_location():
    """Test that OfflineGazetteer.geocode returns a geopy Location with the place in raw."""
    location = geo.OfflineGazetteer().geocode("Kiev")
    assert isinstance(location, Location)
    assert location.latitude == pytest.approx(50.45, abs=0.05)
    assert location.raw["admin1_code"] == "UA-30"
    assert "Kyiv" in location.address


def test_offline_gazetteer_lists_all_candidates_and_misses():
    """Test exactly_one=False (all candidates, best first) and None for unknown names."""
    coder = geo.OfflineGazetteer()
    locations = coder.geocode("Serhiivka", exactly_one=False)
    assert isinstance(locations, list) and len(locations) >= 6
    assert all(isinstance(location, Location) for location in locations)
    assert coder.geocode("Qwertyville") is None


def test_offline_gazetteer_plugs_into_geopy_rate_limiter():
    """Test that geopy's RateLimiter can wrap the offline geocoder like any other."""
    geocode = RateLimiter(geo.OfflineGazetteer().geocode, min_delay_seconds=0)
    assert geocode("Bucha").raw["admin1_code"] == "UA-32"


# Oblast codes ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("UA-32", "UA-32"),
        ("ua-32", "UA-32"),
        ("UA32", "UA-32"),
        ("Kyiv Oblast", "UA-32"),
        ("Kiev Oblast", "UA-32"),
        ("Київська область", "UA-32"),
        ("Киевская область", "UA-32"),
        ("Kyiv", "UA-30"),
        ("Odessa", "UA-51"),
        ("Odesa Oblast", "UA-51"),
        ("Kharkov region", "UA-63"),
        ("Crimea", "UA-43"),
        ("Autonomous Republic of Crimea", "UA-43"),
        ("Sevastopol", "UA-40"),
        ("Zaporozhye Oblast", "UA-23"),
        ("Transcarpathia", "UA-21"),
        ("Dnipropetrovsk Oblast", "UA-12"),
        ("Ivano-Frankivsk Oblast", "UA-26"),
    ],
)
def test_oblast_code_resolves_codes_and_names(text, code):
    """Test that codes and English, Ukrainian and Russian oblast names resolve to ISO codes."""
    assert geo.oblast_code(text) == code


@pytest.mark.parametrize("text", [None, "", "UA-99", "UA-1", "Atlantis", "Moscow Oblast"])
def test_oblast_code_rejects_non_oblasts(text):
    """Test that invalid codes and non-oblast names give None."""
    assert geo.oblast_code(text) is None


@pytest.mark.parametrize(
    ("code", "name"),
    [(code, name) for code, name in OBLAST_NAMES.items()]
    + [(code, name) for code, name in OBLAST_NAMES_UK.items()]
    + [(code, alias) for code, aliases in OBLAST_ALIASES.items() for alias in aliases],
)
def test_every_oblast_name_and_alias_resolves_to_its_own_code(code, name):
    """Test that no alias collides with another unit's name after normalisation."""
    assert geo.oblast_code(name) == code


# locate_events script ----------------------------------------------------------------------

LOCATE_INPUT = '''\
event_id,title,place,place_uk,admin1_code,country,lat,lon,geo_precision,destination,destination_country,destination_lat,destination_lon
STR-0001,"Strike, ""quoted""",Bucha,,UA-32,UA,,,settlement,,,,
STR-0002,"two
lines",Kherson Oblast,,UA-65,UA,,,admin1,,,,
STR-0003,x,Novoselivka,,,UA,,,settlement,,,,
STR-0004,x,Site by the river,,UA-63,UA,,,exact,,,,
STR-0005,x,Serhiivka,,UA-51,UA,50.0,25.0,settlement,,,,
DEP-0001,x,Kherson,Херсон,UA-65,UA,46.6,32.6,settlement,Anapa,RU,,
DEP-0002,x,Kherson,,UA-65,UA,46.6,32.6,settlement,Camp somewhere,RU,,
'''  # noqa: E501


def test_locate_events_fills_only_empty_cells(tmp_path, capsys):
    """Test that locate_events fills empty coordinates and names and leaves other cells alone."""
    from scripts import locate_events

    path = tmp_path / "events.csv"
    path.write_text(LOCATE_INPUT, encoding="utf-8", newline="")
    report = locate_events.locate_file(path)
    before = list(csv.reader(io.StringIO(LOCATE_INPUT)))
    after = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    header = before[0]
    changed = {
        (row[0], header[i])
        for row_before, row in zip(before[1:], after[1:], strict=True)
        for i, (old, new) in enumerate(zip(row_before, row, strict=True))
        if old != new
    }
    assert changed == {
        ("STR-0001", "lat"),
        ("STR-0001", "lon"),
        ("STR-0001", "place_uk"),
        ("STR-0002", "lat"),
        ("STR-0002", "lon"),
        ("STR-0002", "place_uk"),
        ("DEP-0001", "destination_lat"),
        ("DEP-0001", "destination_lon"),
        ("DEP-0002", "place_uk"),
    }
    rows = {row[0]: dict(zip(header, row, strict=True)) for row in after[1:]}
    assert rows["STR-0001"]["place_uk"] == "Буча"
    assert rows["STR-0002"]["place_uk"] == "Херсонська область"
    assert float(rows["DEP-0001"]["destination_lat"]) == pytest.approx(44.89, abs=0.05)
    assert len(report.problems) == 3  # ambiguous Novoselivka, exact site, unknown camp
    # Untouched rows are written back byte for byte.
    written = path.read_text(encoding="utf-8")
    assert "STR-0005,x,Serhiivka,,UA-51,UA,50.0,25.0,settlement,,,,\n" in written
    assert '"two\nlines"' in written and '"Strike, ""quoted"""' in written


def test_locate_events_dry_run_writes_nothing(tmp_path):
    """Test that --dry-run leaves the file untouched."""
    from scripts import locate_events

    path = tmp_path / "events.csv"
    path.write_text(LOCATE_INPUT, encoding="utf-8", newline="")
    assert locate_events.main([str(path), "--dry-run"]) == 0
    assert path.read_text(encoding="utf-8") == LOCATE_INPUT


# Helpers for the UI ------------------------------------------------------------------------


def test_place_names_are_distinct_and_most_populous_first():
    """Test that place_names lists Ukrainian names once each, Kyiv first."""
    names = geo.place_names()
    assert names[:3] == ["Kyiv", "Kharkiv", "Odesa"]
    assert len(names) == len(set(names)) > 4000
    assert "Moscow" not in names
    assert geo.place_names("RU", limit=1) == ["Moscow"]


def test_load_boundaries_returns_a_fresh_feature_collection():
    """Test that load_boundaries returns the 27 units, a new dict each call."""
    first, second = geo.load_boundaries(), geo.load_boundaries()
    assert first["type"] == "FeatureCollection" and len(first["features"]) == 27
    assert first == second and first is not second
