"""Time and measure importing a large ACLED-layout CSV (default one million rows).

Writes a synthetic file into a temporary folder (rows resampled from a few templates with
test places and shifted dates), imports it in a fresh process and prints seconds, rows per
second and peak memory (``resource.getrusage``) of that process.

    .venv/bin/python scripts/bench_import.py [--rows 1000000] [--keep]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from dashboard.importers import acled

# (event_type, sub_event_type, civilian_targeting, actor2, inter2, disorder_type)
TEMPLATES = (
    (
        "Explosions/Remote violence",
        "Shelling/artillery/missile attack",
        "Civilian targeting",
        "Civilians (Testland)",
        "7",
        "Political violence",
    ),
    (
        "Explosions/Remote violence",
        "Air/drone strike",
        "",
        "Civilians (Testland)",
        "7",
        "Political violence",
    ),
    (
        "Explosions/Remote violence",
        "Shelling/artillery/missile attack",
        "",
        "Test Forces Beta",
        "1",
        "Political violence",
    ),
    ("Battles", "Armed clash", "", "Test Forces Beta", "1", "Political violence"),
    ("Protests", "Peaceful protest", "", "", "", "Demonstrations"),
    ("Strategic developments", "Disrupted weapons use", "", "", "", "Strategic developments"),
)
ADMIN1 = (
    "Kharkiv",
    "Donetsk",
    "Zaporizhia",
    "Kherson",
    "Dnipropetrovsk",
    "Kyiv",
    "Odesa",
    "Sumy",
    "Mykolaiv",
    "Luhansk",
    "Chernihiv",
    "Lviv",
)
CHUNK = 100_000


def write_file(path: Path, rows: int, seed: int = 7) -> None:
    """Write ``rows`` synthetic ACLED rows in chunks (bounded memory while generating)."""
    rng = np.random.default_rng(seed)
    first_day = np.datetime64("2023-01-01")
    with path.open("w", encoding="utf-8", newline="") as handle:
        for start in range(0, rows, CHUNK):
            n = min(CHUNK, rows - start)
            pick = rng.integers(0, len(TEMPLATES), n)
            template = np.array(TEMPLATES, dtype=object)[pick]
            days = first_day + rng.integers(0, 900, n).astype("timedelta64[D]")
            frame = pd.DataFrame(
                {
                    "event_id_cnty": [f"TST{i}" for i in range(start + 1, start + n + 1)],
                    "event_date": days.astype(str),
                    "year": "2023",
                    "time_precision": rng.integers(1, 4, n).astype(str),
                    "disorder_type": template[:, 5],
                    "event_type": template[:, 0],
                    "sub_event_type": template[:, 1],
                    "actor1": "Test Forces Alpha",
                    "assoc_actor_1": "",
                    "inter1": "8",
                    "actor2": template[:, 3],
                    "assoc_actor_2": "",
                    "inter2": template[:, 4],
                    "interaction": "",
                    "civilian_targeting": template[:, 2],
                    "iso": "804",
                    "region": "Europe",
                    "country": "Ukraine",
                    "admin1": np.array(ADMIN1)[rng.integers(0, len(ADMIN1), n)],
                    "admin2": "Test District",
                    "admin3": "",
                    "location": "Testivka",
                    "latitude": np.round(rng.uniform(45.5, 52.0, n), 4),
                    "longitude": np.round(rng.uniform(23.0, 40.0, n), 4),
                    "geo_precision": rng.integers(1, 4, n).astype(str),
                    "source": "Test Gazette",
                    "source_scale": "National",
                    "notes": "Synthetic benchmark row resampled from a template.",
                    "fatalities": rng.integers(0, 5, n).astype(str),
                    "tags": "",
                    "timestamp": "4070908800",
                },
                columns=list(acled.COLUMNS),
            )
            frame.to_csv(handle, index=False, header=start == 0, lineterminator="\n")


def child(path: Path, folder: Path) -> None:
    """Import in this process and print the figures as JSON."""
    from dashboard.importers import import_file

    started = time.perf_counter()
    result = import_file(path, folder=folder, replace=True)
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "seconds": seconds,
                "peak_mb": peak_mb,
                "rows_read": result.report.rows_read,
                "rows_kept": result.report.rows_kept,
                "parquet_mb": result.parquet.stat().st_size / 1e6,
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--child", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    folder = Path(tempfile.mkdtemp(prefix="bench_import_"))
    path = folder / "acled_bench.csv"
    started = time.perf_counter()
    write_file(path, args.rows)
    print(
        f"wrote {args.rows:,} rows, {path.stat().st_size / 1e6:.0f} MB, in "
        f"{time.perf_counter() - started:.1f} s"
    )
    run = subprocess.run(
        [sys.executable, __file__, "--child", str(path), str(folder / "sets")],
        capture_output=True,
        text=True,
        check=True,
    )
    figures = json.loads(run.stdout.strip().splitlines()[-1])
    print(
        f"import: {figures['seconds']:.1f} s ({figures['rows_read'] / figures['seconds']:,.0f} "
        f"rows/s), peak memory {figures['peak_mb']:.0f} MB, kept {figures['rows_kept']:,}, "
        f"Parquet {figures['parquet_mb']:.1f} MB"
    )
    if args.keep:
        print(f"files kept in {folder}")
    else:
        for item in sorted(folder.rglob("*"), reverse=True):
            item.rmdir() if item.is_dir() else item.unlink()
        folder.rmdir()


if __name__ == "__main__":
    main()
