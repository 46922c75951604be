"""Paths and settings, defined once for the app, the CLI, the scripts and the tests."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = Path(os.environ.get("DASHBOARD_DATA_DIR", ROOT / "data"))
GEO_DIR = ROOT / "data" / "geo"
OBLASTS_GEOJSON = GEO_DIR / "oblasts.geojson"
GAZETTEER_CSV = GEO_DIR / "gazetteer.csv"
RENAMINGS_CSV = GEO_DIR / "renamings.csv"
CACHE_DIR = Path(os.environ.get("DASHBOARD_CACHE_DIR", ROOT / ".cache"))
# Sets imported with `python -m dashboard import` (Parquet + manifest); git-ignored, never curated.
IMPORT_DIR = Path(os.environ.get("DASHBOARD_IMPORT_DIR", ROOT / "data" / "imported"))

# Online geocoding (Nominatim) is opt-in: the app and the CLI work offline by default.
ONLINE_GEOCODING = os.environ.get("DASHBOARD_ONLINE_GEOCODING", "").lower() in {"1", "true", "yes"}
USER_AGENT = "ukraine-icc-dashboard/0.1 (ICC Ukraine events research dashboard)"
