"""Browser tests in headless Chromium: what only a real browser can prove.

They start the app with ``streamlit run`` on a free local port and drive Debian's Chromium
through Playwright with the network blocked, so maps must draw from bundled data alone.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pandas as pd
import pytest

from dashboard import config
from dashboard.filters import Filters
from dashboard.tables import load_dataset

pytestmark = pytest.mark.browser
CHROMIUM = os.environ.get("DASHBOARD_CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # No network but loopback: proves the map needs no tiles or CDN.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
# Screenshots go to a temporary folder unless DASHBOARD_SCREENSHOTS names one (`make screenshots`
# refreshes the README's pictures in docs/).
SCREENSHOTS_ENV = os.environ.get("DASHBOARD_SCREENSHOTS")
PAGES = {
    "": "ICC Ukraine events",
    "map": "Map",
    "timeline": "Timeline",
    "explore": "Explore",
    "about": "About this record",
}


def _browser_available() -> bool:
    return Path(CHROMIUM).exists() or shutil.which("chromium") is not None


if not _browser_available():
    if os.environ.get("DASHBOARD_REQUIRE_BROWSER"):
        raise RuntimeError(f"Browser tests are required but {CHROMIUM} is missing")
    pytest.skip(f"Chromium not found at {CHROMIUM}; CI installs it", allow_module_level=True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_app(log_path: Path):
    """Serve the app on the shipped data on a free port; yield its base URL."""
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(config.ROOT / "src")}
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                "app.py",
                "--server.port",
                str(port),
                "--server.headless",
                "true",
                "--browser.gatherUsageStats",
                "false",
                "--server.fileWatcherType",
                "none",
            ],
            cwd=config.ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while not _healthy(base):
                if time.monotonic() > deadline or process.poll() is not None:
                    pytest.fail("streamlit did not start: " + log_path.read_text()[-2000:])
                time.sleep(0.5)
            yield base
        finally:
            process.terminate()
            process.wait(timeout=20)


def _healthy(base: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """One app server shared by the module's tests."""
    with running_app(tmp_path_factory.mktemp("streamlit") / "server.log") as base:
        yield base


@pytest.fixture
def fresh_server(tmp_path):
    """A server no browser has visited yet, as after a restart: the next link is its first."""
    with running_app(tmp_path / "server.log") as base:
        yield base


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    """Folder the tests save their screenshots in."""
    folder = Path(SCREENSHOTS_ENV) if SCREENSHOTS_ENV else tmp_path_factory.mktemp("shots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def browser():
    """A headless Chromium shared by the module's tests."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh page of 1400 x 1000 that accepts downloads."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    tab = context.new_page()
    yield tab
    context.close()


def open_app(page, url: str) -> None:
    """Load a URL and wait until Streamlit has finished running the script."""
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector("[data-testid='stMainBlockContainer'] h1", timeout=60_000)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000
    )
    page.wait_for_timeout(500)


def exceptions(page) -> list[str]:
    return page.locator("[data-testid='stException']").all_inner_texts()


@pytest.mark.parametrize(("path", "title"), PAGES.items())
def test_page_renders_without_exception(server, page, shots, path, title):
    """Test that each page loads in Chromium, shows its title and no exception."""
    open_app(page, f"{server}/{path}")
    assert page.locator("h1").first.inner_text().startswith(title)
    assert exceptions(page) == []
    if path == "":
        page.wait_for_selector(".js-plotly-plot .main-svg", timeout=30_000)
        page.screenshot(path=str(shots / "overview.png"), full_page=False)


# Data pieces set aside when measuring a page's language: addresses, event ids, ISO codes.
_DATA = re.compile(r"https?://\S+|\b[A-Z]{3}-[0-9]{4}\b|\bUA-[0-9]{2}\b")


@pytest.mark.parametrize("path", [*PAGES, "cases"])
def test_every_page_reads_in_ukrainian(server, page, shots, path):
    """Test that with ?lang=uk each page, as Chromium draws it, is Ukrainian: at least 85% of
    the letters in the page and sidebar are Cyrillic once addresses and ids are set aside, and
    the navigation keeps the language."""
    open_app(page, f"{server}/{path}?lang=uk")
    for _ in range(2):  # a busy server may start the run late: wait until it settled twice
        page.wait_for_function(
            "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000
        )
        page.wait_for_timeout(1000)
    assert exceptions(page) == []
    text = _DATA.sub(" ", page.locator("[data-testid='stApp']").inner_text())
    letters = [c for c in text if c.isalpha()]
    cyrillic = sum("\u0400" <= c <= "\u04ff" for c in letters) / max(len(letters), 1)
    assert cyrillic >= 0.85, (round(cyrillic, 3), text[:1500])
    page.screenshot(path=str(shots / f"{path or 'overview'}-uk.png"), full_page=False)
    assert "lang=uk" in page.url


def test_switching_language_keeps_the_view(server, page):
    """Test that switching English <-> Ukrainian keeps the chosen filters and view (choices are
    labelled in the interface language, so a stale label must not become a filter value)."""
    open_app(page, f"{server}/map?lang=uk&kind=strike&oblast=UA-32&map=oblasts")
    for label, title in (("English", "Map"), ("Українська", "Мапа")):
        page.get_by_text(label, exact=True).click()
        page.wait_for_function(
            f"() => document.querySelector('h1') && document.querySelector('h1').innerText"
            f".startsWith({title!r})",
            timeout=60_000,
        )
        page.wait_for_function(
            "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000
        )
        page.wait_for_timeout(1000)
        query = parse_qs(urlparse(page.url).query)
        assert (query["kind"], query["oblast"], query["map"]) == (
            ["strike"],
            ["UA-32"],
            ["oblasts"],
        )
    assert exceptions(page) == []


def _expected(query: dict) -> pd.DataFrame:
    filters, notices = Filters.from_query_params(
        {k: [v] if isinstance(v, str) else v for k, v in query.items()}
    )
    assert notices == []
    return filters.apply(load_dataset(config.DATA_DIR).events)


def test_explore_link_downloads_exactly_the_filtered_rows(fresh_server, page, shots):
    """Test that a filtered /explore link, as a server's first request, shows the right count
    and its CSV holds exactly those rows (regression: a pages/ folder made Streamlit run the
    page without the frame, ignoring the URL, streamlit/streamlit#10276)."""
    server = fresh_server
    query = {"start": "2023-01-10", "end": "2023-01-20", "kind": "strike"}
    expected = _expected(query)
    assert len(expected) >= 1
    open_app(page, f"{server}/explore?start=2023-01-10&end=2023-01-20&kind=strike")
    total = len(load_dataset(config.DATA_DIR).events)
    assert page.get_by_text(f"{len(expected):,} of {total:,} events").first.is_visible()
    assert page.get_by_role("heading", name="Filters").is_visible()
    with page.expect_download() as info:
        page.get_by_role("button", name="Download CSV").first.click()
    frame = pd.read_csv(io.BytesIO(Path(info.value.path()).read_bytes()), dtype=str)
    assert sorted(frame["event_id"]) == sorted(expected["event_id"])
    assert set(frame["kind"]) == {"strike"}
    assert "kind=strike" in page.url and "start=2023-01-10" in page.url


def _pixels(png: bytes):
    import numpy as np
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)


def _painted_pixels(png: bytes, colour: tuple[int, int, int], tolerance: int = 40) -> int:
    """Count pixels within ``tolerance`` of ``colour`` on every channel."""
    import numpy as np

    return int((np.abs(_pixels(png) - np.array(colour)) < tolerance).all(axis=2).sum())


def map_png(page, path: Path | None = None) -> bytes:
    """Wait for the page's first chart to draw and return its screenshot (saved to ``path``)."""
    plot = page.locator(".js-plotly-plot").first
    plot.wait_for(timeout=30_000)
    page.wait_for_timeout(2500)
    png = plot.screenshot()
    if path is not None:
        path.write_bytes(png)
    return png


# Colours of the map's context (dashboard.basemap, charts.UKRAINE_FILL over the land colour).
UKRAINE = (249, 247, 239)
LAND = (242, 240, 233)
SEA = (201, 220, 234)


def test_map_draws_ukraine_and_points_offline(server, page, shots):
    """Test that with no network the map paints the sea, neighbouring countries, Ukraine's
    oblasts and event markers."""
    open_app(page, f"{server}/map")
    png = map_png(page, shots / "map.png")
    assert _painted_pixels(png, UKRAINE, 3) > 50_000, "oblast fill not drawn"
    assert _painted_pixels(png, LAND, 3) > 50_000, "neighbouring countries not drawn"
    assert _painted_pixels(png, SEA, 6) > 10_000, "sea not drawn"
    assert _painted_pixels(png, (213, 94, 0), 30) > 200, "strike markers not drawn"
    assert exceptions(page) == []


def test_map_link_restores_oblast_shading(server, page, shots):
    """Test that /map?map=oblasts&shade=killed opens the shading by people killed, keeps both
    parameters in the URL, and that switching back to points drops them."""
    open_app(page, f"{server}/map?map=oblasts&shade=killed")
    png = map_png(page, shots / "choropleth.png")
    rgb = _pixels(png)
    # Orange to dark red: red well above blue (the land, sea and plain oblasts are not).
    reddish = int(((rgb[..., 0] > 120) & (rgb[..., 0] - rgb[..., 2] > 50)).sum())
    assert reddish > 20_000, "oblasts not shaded"
    assert page.get_by_role("radio", name="People killed").is_checked()
    assert "map=oblasts" in page.url and "shade=killed" in page.url
    page.get_by_text("Points", exact=True).click()
    page.wait_for_function("() => !location.search.includes('map=oblasts')", timeout=30_000)
    assert exceptions(page) == []


def test_empty_view_still_draws_ukraine(server, page, shots):
    """Test that a search matching nothing shows Ukraine and a message, not blank axes."""
    open_app(page, f"{server}/map?q=nothingmatches")
    png = map_png(page, shots / "map-empty.png")
    assert _painted_pixels(png, UKRAINE, 3) > 50_000, "Ukraine not drawn"
    assert page.get_by_text("No events with a place match these filters.").is_visible()
    assert page.locator(".js-plotly-plot .xtick").count() == 0, "bare axes drawn"
    assert exceptions(page) == []


def test_deportation_routes_reach_destinations_abroad(server, page, shots):
    """Test that /map?kind=deportation draws route lines and zooms out to their ends."""
    open_app(page, f"{server}/map?kind=deportation")
    png = map_png(page, shots / "map-deportation-routes.png")
    assert _painted_pixels(png, (0, 114, 178), 40) > 1_500, "routes not drawn"
    zoom = page.evaluate("() => document.querySelector('.js-plotly-plot')._fullLayout.map.zoom")
    assert zoom < 4.6, "view not widened to the destinations"
    assert page.get_by_text("leading abroad").first.is_visible()
    assert exceptions(page) == []


def test_click_on_a_point_opens_its_event(server, page, shots):
    """Test that clicking the one marker of /map?q=STR-0043 opens that event's record under
    the map and puts it in the URL (a click selects; it does not need a box)."""
    open_app(page, f"{server}/map?q=STR-0043")
    map_png(page)
    plot = page.locator(".js-plotly-plot").first
    point = page.evaluate(
        "() => document.querySelector('.js-plotly-plot')._fullLayout.map"
        "._subplot.map.project([28.46871, 49.2322])"
    )
    box = plot.bounding_box()
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    heading = page.get_by_role("heading", name="Kalibr missiles strike central Vinnytsia")
    heading.wait_for(timeout=30_000)
    assert "event=STR-0043" in page.url
    assert page.get_by_text("Map selection:").count() == 0
    page.get_by_role("button", name="Close event").click()
    heading.wait_for(state="detached", timeout=30_000)
    assert exceptions(page) == []


def test_timeline_opens_on_the_war_years_with_a_range_slider(server, page, shots):
    """Test that /timeline starts its x axis in 2022, not 2014, and draws a range slider."""
    open_app(page, f"{server}/timeline")
    map_png(page)
    start = page.evaluate(
        "() => document.querySelector('.js-plotly-plot')._fullLayout.xaxis.range[0]"
    )
    assert str(start) >= "2021-12", start
    assert page.locator(".js-plotly-plot .rangeslider-container").count() == 1
    page.screenshot(path=str(shots / "timeline.png"), full_page=False)
    assert exceptions(page) == []


def test_near_link_shows_radius_on_map(server, page, shots):
    """Test that /map?near=Bucha&radius_km=30 keeps its parameters and draws the ring."""
    open_app(page, f"{server}/map?near=Bucha&radius_km=30")
    assert "near=Bucha" in page.url
    png = map_png(page, shots / "map-near-bucha.png")
    assert _painted_pixels(png, (34, 34, 34), 20) > 300, "radius ring not drawn"
    assert page.get_by_text("within 30 km of Bucha").first.is_visible()
    assert exceptions(page) == []


def test_box_selection_narrows_the_table_and_can_be_cleared(server, page, shots):
    """Test that a box (picked in the toolbar) dragged over eastern Ukraine lists only those
    events, until cleared."""
    open_app(page, f"{server}/map")
    map_png(page)
    plot = page.locator(".js-plotly-plot").first
    plot.hover()
    plot.locator(".modebar-btn[data-title='Box Select']").click()
    box = plot.bounding_box()
    # The east of the map (Kharkiv, Donetsk) at the default view: right third, upper middle.
    x0, y0 = box["x"] + box["width"] * 0.62, box["y"] + box["height"] * 0.25
    x1, y1 = box["x"] + box["width"] * 0.85, box["y"] + box["height"] * 0.6
    page.mouse.move(x0, y0)
    page.mouse.down()
    page.mouse.move((x0 + x1) / 2, (y0 + y1) / 2, steps=5)
    page.mouse.move(x1, y1, steps=5)
    page.mouse.up()
    notice = page.get_by_text("Map selection:")
    notice.wait_for(timeout=30_000)
    selected = int(notice.inner_text().split("Map selection:")[1].split("event")[0])
    total = len(load_dataset(config.DATA_DIR).events)
    assert 0 < selected < total
    page.screenshot(path=str(shots / "map-selection.png"), full_page=True)
    page.get_by_role("button", name="Clear selection").click()
    notice.wait_for(state="detached", timeout=30_000)
    assert exceptions(page) == []
