"""Property tests: any URL parameters parse without raising and round-trip; the CLI never
raises whatever arguments it is given."""

from __future__ import annotations

import contextlib
import io
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from dashboard import config, geo
from dashboard.cli import main
from dashboard.filters import DEFAULT_RADIUS_KM, FILTERS, Filters
from tests.conftest import write_tables

PARAMS = [spec.param for spec in FILTERS]

# Values a real URL or command line might carry, good and bad, next to arbitrary text.
TYPICAL = [
    "2023-03-17",
    "2022-02-24",
    "1900-01-01",
    "2100-01-01",
    "2023-02-30",
    "17.03.2023",
    "strike",
    "Strikes",
    "statement",
    "rumour",
    "UA-32",
    "Kyiv Oblast",
    "Київська",
    "UA-99",
    "Kyiv",
    "Kiev",
    "Київ",
    "Bucha",
    "Artemivsk",
    "Novoselivka",
    "Atlantis",
    "30",
    "0.5",
    "1e2",
    "nan",
    "inf",
    "-5",
    "1",
    "0",
    "yes",
    "off",
    "maybe",
    "STR-0001",
    "dep-0002",
    "<script>",
    "putin-lvova-belova",
    "KOBYLASH-SOKOLOV",
    "nope",
    "",
    " ",
    "[x](https://e.x)",
]
values = st.one_of(
    st.sampled_from(TYPICAL), st.text(max_size=40), st.floats(min_value=1, max_value=1000).map(repr)
)
names = st.one_of(st.sampled_from(PARAMS), st.text(max_size=12))
# The radius and vague flag mean something only with near: offer the three together often.
near_search = st.fixed_dictionaries(
    {},
    optional={
        name: st.lists(values, min_size=1, max_size=2) for name in ("near", "radius_km", "vague")
    },
)
query_params = st.builds(
    lambda free, near: {**free, **near},
    st.dictionaries(names, st.lists(values, min_size=1, max_size=3), max_size=6),
    near_search,
)


@pytest.fixture(scope="module", autouse=True)
def offline(tmp_path_factory):
    """No network whatever the arguments say: Nominatim answers nothing, the cache is private,
    and the CLI's working folder (for -o) is a temporary one."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(config, "ONLINE_GEOCODING", False)
        patch.setattr(config, "CACHE_DIR", tmp_path_factory.mktemp("cache"))
        patch.setattr(geo.lookup, "_nominatim_query", lambda *args: None)
        patch.chdir(tmp_path_factory.mktemp("cwd"))
        yield


def _as_url(params: dict[str, str | list[str]]) -> dict[str, list[str]]:
    """What reading the URL back gives: every name maps to the list of its values."""
    return {
        name: [value] if isinstance(value, str) else list(value) for name, value in params.items()
    }


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(query_params)
def test_any_url_parameters_parse_and_round_trip(params):
    """Test that parsing never raises and the canonical URL parses back to the same filters
    (radius and vague only mean something with near, so they are dropped without it)."""
    filters, notices = Filters.from_query_params(params, online=False)
    assert all(isinstance(notice, str) for notice in notices)
    back, again = Filters.from_query_params(_as_url(filters.to_query_params()), online=False)
    expected = (
        filters if filters.near else replace(filters, radius_km=DEFAULT_RADIUS_KM, vague=False)
    )
    assert again == []
    assert back == expected


@pytest.mark.parametrize("radius", ["30", "12.5", "123.4567891", "1.0000001", "999.99999"])
def test_radius_survives_the_url_round_trip(radius):
    """Test that a radius with many digits is written back to the URL unchanged in value."""
    filters, _ = Filters.from_query_params({"near": ["Bucha"], "radius_km": [radius]}, online=False)
    back, _ = Filters.from_query_params(_as_url(filters.to_query_params()), online=False)
    assert back.radius_km == filters.radius_km == float(radius)


FLAGS = [
    "validate",
    "export",
    "summary",
    "geocode",
    "--kind",
    "--start",
    "--end",
    "--oblast",
    "--q",
    "--near",
    "--radius-km",
    "--vague",
    "--case",
    "-o",
    "--output",
    "--data-dir",
    "--help",
    "-h",
]
arguments = st.lists(
    st.one_of(st.sampled_from(FLAGS), st.sampled_from(TYPICAL), st.text(max_size=20)), max_size=8
)


@pytest.fixture(scope="module")
def sample_dir(tmp_path_factory):
    """A data folder of the synthetic sample tables."""
    return write_tables(tmp_path_factory.mktemp("data") / "data")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(argv=arguments)
@example(argv=["validate", "\n"])  # a line break in an argument once split the error in two
def test_cli_never_raises(sample_dir, argv):
    """Test that random arguments give an exit code (SystemExit only with 0, for --help) and
    that a usage error is exactly one line on stderr."""
    out, err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8"), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(["--data-dir", str(sample_dir), *argv])
        except SystemExit as exit_info:
            assert exit_info.code == 0 and ("--help" in argv or "-h" in argv)
            return
    assert code in (0, 1, 2)
    if code == 2:
        assert err.getvalue().count("\n") == 1 and "error" in err.getvalue()
