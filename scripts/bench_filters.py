"""Print how long loading, filtering and exporting take, on the shipped data and scaled up.

Run with ``make bench``. Figures depend on the machine; the design's goals are a load under a
second and a filter change well under 100 ms at tens of thousands of rows.
"""

from __future__ import annotations

import statistics
import time
from datetime import date

import pandas as pd

from dashboard import config
from dashboard.charts import counts_by_period, oblast_summary
from dashboard.export import to_csv_bytes
from dashboard.filters import Filters
from dashboard.oblasts import OBLAST_NAMES
from dashboard.tables import load_dataset

VIEWS = {
    "everything": Filters(),
    "strikes 2023": Filters(date(2023, 1, 1), date(2023, 12, 31), ("strike",)),
    "two oblasts": Filters(oblasts=("UA-63", "UA-14")),
    "text 'missile'": Filters(q="missile"),
    "near Bucha 30 km": Filters(near="Bucha", radius_km=30),
}


def timed(function, repeat: int = 20) -> tuple[float, object]:
    """Return the median milliseconds of ``repeat`` calls and the last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), result


def main() -> None:
    start = time.perf_counter()
    dataset = load_dataset(config.DATA_DIR)
    print(
        f"load and validate 4 tables: {(time.perf_counter() - start) * 1000:8.1f} ms "
        f"({len(dataset.events)} events)"
    )
    Filters(near="Bucha").apply(dataset.events)  # warm the gazetteer once, as the app does
    for factor in (1, 100):
        events = pd.concat([dataset.events] * factor, ignore_index=True)
        print(f"\n{len(events):,} rows")
        for name, filters in VIEWS.items():
            ms, kept = timed(lambda f=filters, e=events: f.apply(e), 5 if factor > 1 else 20)
            print(f"  filter {name:<18} {ms:8.2f} ms  -> {len(kept):,} rows")
        ms, _ = timed(lambda e=events: counts_by_period(e, "month"), 5)
        print(f"  monthly counts            {ms:8.2f} ms")
        ms, _ = timed(lambda e=events: oblast_summary(e, list(OBLAST_NAMES)), 5)
        print(f"  oblast summary            {ms:8.2f} ms")
        ms, data = timed(lambda e=events: to_csv_bytes(e), 3)
        print(f"  CSV export                {ms:8.2f} ms  ({len(data) / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
