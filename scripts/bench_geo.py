"""Time the offline gazetteer and the vectorised distances.

Run from the repository root::

    .venv/bin/python scripts/bench_geo.py [--lookups 400] [--points 100000]

Prints the gazetteer's cold load time (target < 1 s), the mean and 95th percentile time per
lookup over a few hundred names (target < 5 ms), and the time to compute distances to 100,000
points. Each run is a fresh process, so the load is really cold (files in the OS cache aside).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import numpy as np  # noqa: E402

from dashboard import geo  # noqa: E402

# Spellings people type, plus misses; the rest of the sample is drawn from the gazetteer.
FIXED_NAMES = [
    "Kiev", "Kyiv", "Київ", "Киев", "Kharkov", "Харьков", "Odessa", "Artemivsk", "Dnipropetrovsk",
    "Кривой Рог", "Sevastopol", "Bucha", "Mariupol", "Zaporozhye", "Nikolaev", "Kirovograd",
    "Lugansk", "Novoselivka", "Serhiivka", "Moscow", "The Hague", "Krivoi Rog", "Qwertyville",
]  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lookups", type=int, default=400, help="names to look up")
    parser.add_argument("--points", type=int, default=100_000, help="points for distances")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    started = time.perf_counter()
    gazetteer = geo.load_gazetteer()
    load_s = time.perf_counter() - started
    print(f"gazetteer cold load: {load_s:.3f} s for {len(gazetteer.rows):,} places (target < 1 s)")

    rng = random.Random(args.seed)
    sample = [row.name for row in rng.sample(gazetteer.rows, max(0, args.lookups - 23))]
    names = (FIXED_NAMES + sample)[: args.lookups]
    geo.oblast_code("UA-32")  # builds the small oblast index outside the timed loop
    timings = []
    for name in names:
        started = time.perf_counter()
        geo.geocode(name, online=False)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    p95 = timings[int(0.95 * (len(timings) - 1))]
    print(
        f"lookup: mean {statistics.fmean(timings):.3f} ms, p95 {p95:.3f} ms, "
        f"max {timings[-1]:.3f} ms over {len(names)} names (target < 5 ms)"
    )

    generator = np.random.default_rng(args.seed)
    lat = generator.uniform(44, 53, args.points)
    lon = generator.uniform(22, 41, args.points)
    lat[:: max(1, args.points // 100)] = np.nan  # missing coordinates are part of real data
    geo.distances_km(lat[:10], lon[:10], 50.45, 30.52)
    runs = []
    for _ in range(5):
        started = time.perf_counter()
        geo.distances_km(lat, lon, 50.45, 30.52)
        runs.append(time.perf_counter() - started)
    print(f"distances_km: {min(runs) * 1000:.1f} ms for {args.points:,} points (best of 5)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
