"""Browser tests in headless Chromium: what only a real browser can prove.

They start the app with ``streamlit run`` on a free local port and drive Debian's Chromium
through Playwright with the network blocked, so maps must draw from bundled data alone.
"""

from __future__ import annotations

import io
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pandas as pd
import pytest

from dashboard import config
from dashboard.filters import Filters
from dashboard.tables import load_dataset

pytestmark = pytest.mark.browser
CHROMIUM = os.environ.get("DASHBOARD_CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         # No network but loopback: proves the map needs no tiles or CDN.
         "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]
SCREENSHOTS = Path(os.environ.get("DASHBOARD_SCREENSHOTS", config.ROOT / "docs"))
PAGES = {"": "ICC Ukraine events", "map": "Map", "timeline": "Timeline", "explore": "Explore",
         "about": "About this record"}


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


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """Serve the app on the shipped data; yield its base URL."""
    port = _free_port()
    log_path = tmp_path_factory.mktemp("streamlit") / "server.log"
    log = log_path.open("wb")
    env = {**os.environ, "PYTHONPATH": str(config.ROOT / "src")}
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.headless", "true", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none"],
        cwd=config.ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            time.sleep(0.5)
    else:
        process.kill()
        log.close()
        pytest.fail("streamlit did not start: " + log_path.read_text()[-2000:])
    yield base
    process.terminate()
    process.wait(timeout=20)
    log.close()


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
    context = browser.new_context(viewport={"width": 1400, "height": 1000},
                                  accept_downloads=True)
    tab = context.new_page()
    yield tab
    context.close()


def open_app(page, url: str) -> None:
    """Load a URL and wait until Streamlit has finished running the script."""
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector("[data-testid='stMainBlockContainer'] h1", timeout=60_000)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)
    page.wait_for_timeout(500)


def exceptions(page) -> list[str]:
    return page.locator("[data-testid='stException']").all_inner_texts()


@pytest.mark.parametrize(("path", "title"), PAGES.items())
def test_page_renders_without_exception(server, page, path, title):
    """Test that each page loads in Chromium, shows its title and no exception."""
    open_app(page, f"{server}/{path}")
    assert page.locator("h1").first.inner_text().startswith(title)
    assert exceptions(page) == []
    if path in {"", "timeline"}:
        page.wait_for_selector(".js-plotly-plot .main-svg", timeout=30_000)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{path or 'overview'}.png"), full_page=False)


def _expected(query: dict) -> pd.DataFrame:
    filters, notices = Filters.from_query_params({k: [v] if isinstance(v, str) else v
                                                  for k, v in query.items()})
    assert notices == []
    return filters.apply(load_dataset(config.DATA_DIR).events)


def test_explore_link_downloads_exactly_the_filtered_rows(server, page):
    """Test that a filtered /explore link shows the right count and its CSV holds those rows."""
    query = {"start": "2023-01-10", "end": "2023-01-20", "kind": "strike"}
    expected = _expected(query)
    assert len(expected) >= 1
    open_app(page, f"{server}/explore?start=2023-01-10&end=2023-01-20&kind=strike")
    assert page.get_by_text(f"{len(expected):,} of ").first.is_visible()
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


def test_map_draws_ukraine_and_points_offline(server, page):
    """Test that with no network the map paints oblast shapes and event markers."""
    open_app(page, f"{server}/map")
    plot = page.locator(".js-plotly-plot").first
    plot.wait_for(timeout=30_000)
    page.wait_for_timeout(2500)
    png = plot.screenshot()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS / "map.png").write_bytes(png)
    assert _painted_pixels(png, (243, 241, 234), 4) > 50_000, "oblast fill not drawn"
    assert _painted_pixels(png, (213, 94, 0), 30) > 200, "strike markers not drawn"
    assert exceptions(page) == []


def test_choropleth_draws_offline(server, page):
    """Test that the oblast shading paints Ukraine with no network."""
    open_app(page, f"{server}/map")
    page.get_by_text("Oblast shading", exact=True).click()
    page.wait_for_timeout(3000)
    png = page.locator(".js-plotly-plot").first.screenshot()
    (SCREENSHOTS / "choropleth.png").write_bytes(png)
    rgb = _pixels(png)
    reddish = int(((rgb[..., 0] > 180) & (rgb[..., 1] < 200) & (rgb[..., 2] < 170)).sum())
    assert reddish > 20_000, "oblasts not shaded"
    assert exceptions(page) == []


def test_near_link_shows_radius_on_map(server, page):
    """Test that /map?near=Bucha&radius_km=30 keeps its parameters and draws the ring."""
    open_app(page, f"{server}/map?near=Bucha&radius_km=30")
    assert "near=Bucha" in page.url
    page.wait_for_timeout(2500)
    png = page.locator(".js-plotly-plot").first.screenshot()
    (SCREENSHOTS / "map-near-bucha.png").write_bytes(png)
    assert page.get_by_text("within 30 km of Bucha").first.is_visible()
    assert exceptions(page) == []
