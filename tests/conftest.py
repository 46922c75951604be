"""Shared fixtures: tiny, obviously synthetic event tables written to a temporary data folder."""

from __future__ import annotations

import csv
import gc
import shutil
from functools import cache
from pathlib import Path

import pytest

from dashboard import config, schema
from dashboard.tables import load_dataset

# Synthetic rows for tests only (example.org sources); the shipped tables live in data/.
COMMON = {
    "end_date": "",
    "date_precision": "day",
    "description": "Synthetic test row.",
    "admin1_code": "",
    "admin1": "",
    "country": "UA",
    "geo_precision": "settlement",
    "actor": "Test actor",
    "source_name": "Example",
    "source_date": "",
    "other_sources": "",
    "verification": "reported",
    "tags": "test",
    "scope": "incident",
}

SAMPLE_ROWS: dict[str, list[dict[str, str]]] = {
    "strike": [
        {
            "event_id": "STR-0001",
            "date": "2023-01-14",
            "title": "Test strike in Dnipro",
            "place": "Dnipro",
            "place_uk": "Дніпро",
            "admin1_code": "UA-12",
            "admin1": "Dnipropetrovsk Oblast",
            "lat": "48.4666",
            "lon": "35.0407",
            "source_url": "https://example.org/dnipro",
            "target_type": "residential",
            "weapon": "Kh-22 missile",
            "killed": "46",
            "injured": "80",
        },
        {
            "event_id": "STR-0002",
            "date": "2022-10-10",
            "title": "Test strike in Kyiv",
            "place": "Kyiv",
            "place_uk": "Київ",
            "admin1_code": "UA-30",
            "admin1": "Kyiv",
            "lat": "50.4547",
            "lon": "30.5238",
            "source_url": "https://example.org/kyiv",
            "target_type": "energy",
            "weapon": "",
            "killed": "",
            "injured": "5",
            "tags": "energy;mass-attack",
        },
        {
            "event_id": "STR-0003",
            "date": "2022-04-08",
            "title": "Test strike at a station",
            "place": "Kramatorsk",
            "place_uk": "Краматорськ",
            "admin1_code": "UA-14",
            "admin1": "Donetsk Oblast",
            "lat": "48.7230",
            "lon": "37.5563",
            "source_url": "https://example.org/kramatorsk",
            "target_type": "transport",
            "weapon": '=HYPERLINK("https://evil.example")',
            "killed": "61",
            "injured": "121",
        },
    ],
    "deportation": [
        {
            "event_id": "DEP-0001",
            "date": "2022-11-01",
            "end_date": "2022-11-05",
            "title": "Test removal from Kherson",
            "place": "Kherson",
            "place_uk": "Херсон",
            "admin1_code": "UA-65",
            "admin1": "Kherson Oblast",
            "lat": "46.6354",
            "lon": "32.6169",
            "source_url": "https://example.org/kherson",
            "deportation_type": "removal",
            "children": "48",
            "facility": "Test children's home",
            "destination": "Skadovsk",
            "destination_country": "UA",
            "destination_lat": "46.1167",
            "destination_lon": "32.9167",
        },
    ],
    "visit": [
        {
            "event_id": "VIS-0001",
            "date": "2022-04-13",
            "title": "Test visit to Bucha",
            "place": "Bucha",
            "place_uk": "Буча",
            "admin1_code": "UA-32",
            "admin1": "Kyiv Oblast",
            "lat": "50.5436",
            "lon": "30.2120",
            "source_url": "https://example.org/bucha",
            "visitor": "Karim Khan",
            "organisation": "ICC",
            "purpose": "Crime scene visit",
        },
    ],
    "statement": [
        {
            "event_id": "STA-0001",
            "date": "2023-03-17",
            "title": "Test arrest warrants",
            "place": "The Hague",
            "place_uk": "Гаага",
            "country": "NL",
            "lat": "52.0767",
            "lon": "4.2986",
            "source_url": "https://example.org/warrant",
            "speaker": "Pre-Trial Chamber II",
            "organisation": "ICC",
            "statement_type": "warrant",
            "quote": "",
            "tags": "warrant;milestone",
        },
        {
            "event_id": "STA-0002",
            "date": "2023-03-14",
            "title": "Test rejection",
            "place": "Moscow",
            "place_uk": "Москва",
            "country": "RU",
            "lat": "55.7522",
            "lon": "37.6156",
            "source_url": "https://example.org/peskov",
            "speaker": "Dmitry Peskov",
            "organisation": "Kremlin",
            "statement_type": "rejection",
            "quote": "We do not recognise this court",
        },
    ],
}


def write_tables(folder: Path, rows: dict[str, list[dict[str, str]]] | None = None) -> Path:
    """Write the four tables (``rows`` per kind, default the samples) as CSV into ``folder``."""
    rows = SAMPLE_ROWS if rows is None else rows
    folder.mkdir(parents=True, exist_ok=True)
    for name, kind in schema.KINDS.items():
        columns = schema.table_columns(name)
        with (folder / kind.file).open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
            writer.writeheader()
            for row in rows.get(name, []):
                writer.writerow({c: {**COMMON, **row}.get(c, "") for c in columns})
    return folder


def pytest_collection_finish(session: pytest.Session) -> None:
    """Keep the garbage collector off the objects every test shares.

    By the end of collection the libraries, the test modules and their parameters are loaded
    and live until the end; frozen, they are no longer traversed by every full collection.
    Pandas and Plotly allocate containers by the hundred thousand, so the youngest generation
    is collected after 10,000 allocations instead of 700: the same cycles are freed, in
    about a third as many passes (measured: 1.2 s of CPU instead of 2.5 s per run).
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)


@pytest.fixture(scope="session", autouse=True)
def _streamlit_setup_once():
    """Scan for Streamlit components and compile each page script once per session, not per
    AppTest.

    Every new AppTest reads the metadata of every installed distribution (about 0.06 s of CPU)
    to find custom components, and parses and compiles app.py and its page with a script cache
    of its own; neither the installed packages nor the scripts change during a test session.
    """
    from streamlit.components.v2 import manifest_scanner
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache

    shared = ScriptCache()
    compile_once = ScriptCache.get_bytecode
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            manifest_scanner,
            "scan_component_manifests",
            cache(manifest_scanner.scan_component_manifests),
        )
        patch.setattr(ScriptCache, "get_bytecode", lambda _, path: compile_once(shared, path))
        yield


@pytest.fixture(scope="session", autouse=True)
def _load_each_table_set_once():
    """Validate each distinct set of table files once per session, wherever the app or the
    command line loads it (a fresh copy of the sample folder included).

    Loading is a function of the four files' bytes alone, so a set already loaded is handed
    back (its event frame copied: a caller may change it). Tests of loading itself import
    ``load_dataset`` directly and always run it; a folder with a missing, unreadable or
    non-file table is always loaded afresh.
    """
    from dashboard import cli, tables

    loaded: dict[tuple, tables.Dataset] = {}
    load = tables.load_dataset

    def load_once(data_dir: Path) -> tables.Dataset:
        try:
            key = tuple(
                (kind.file, (Path(data_dir) / kind.file).read_bytes())
                for kind in schema.KINDS.values()
            )
        except OSError:
            return load(data_dir)
        if key not in loaded:
            loaded[key] = load(data_dir)
        dataset = loaded[key]
        return tables.Dataset(dataset.events.copy(deep=True), dataset.tables)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tables, "load_dataset", load_once)
        patch.setattr(cli, "load_dataset", load_once)
        yield


@pytest.fixture(scope="session")
def _sample_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample tables, written once per test session (never modified: tests get copies)."""
    return write_tables(tmp_path_factory.mktemp("sample") / "data")


@pytest.fixture(scope="session")
def _sample_events(_sample_dir: Path):
    """The sample tables loaded and validated once per session."""
    return load_dataset(_sample_dir).events


# Every page of the app, as AppTest names them: a new page is covered where tests use this.
APP_PAGES = tuple(f"pages/{path.name}" for path in sorted((config.ROOT / "pages").glob("*.py")))


@pytest.fixture(scope="session")
def _shipped_dataset():
    """The shipped tables (data/) loaded and validated once per session."""
    return load_dataset(config.DATA_DIR)


@pytest.fixture
def shipped_events(_shipped_dataset):
    """The shipped record's unified frame (a copy of this test's own)."""
    return _shipped_dataset.events.copy(deep=True)


@pytest.fixture
def data_dir(tmp_path: Path, _sample_dir: Path) -> Path:
    """A data folder of this test's own holding the synthetic sample tables."""
    return Path(shutil.copytree(_sample_dir, tmp_path / "data"))


@pytest.fixture
def events(_sample_events):
    """The unified frame of the sample tables (a copy of this test's own)."""
    return _sample_events.copy(deep=True)
