"""Compare this app with a naive Streamlit+Plotly app on the same imported rows, side by side.

For each size (default 10k, 100k and 1M events) a synthetic ACLED-layout file (every row a
strike on civilians, so every row is kept) is written and imported with
``python -m dashboard import``'s code in a fresh process (seconds, peak memory). Then, each in a
fresh process of its own:

- **this app**: ``app.py`` with ``?dataset=curated&dataset=<set>`` under
  ``streamlit.testing.v1.AppTest``. Cold start is the first run (store built, Overview drawn).
  For every page: open it, then change a filter (Oblast: Kharkiv) and time that rerun.
  (AppTest runs a switched-to page without the frame, so the filter change is made where the
  frame's sidebar leaves it: the ``filters`` value in session state.)
- **naive app**: every imported row read with pandas, filtered in pandas, and every raw row
  sent to the browser through ``px.histogram`` + ``px.scatter_map``, with the same Oblast
  change.

Bytes sent per rerun are the sum of ``ByteSize()`` of every element proto the run produced
(the ``Delta`` payloads Streamlit serialises into ``ForwardMsg``s for the browser; plotly
figures travel as JSON inside them, tables as Arrow bytes). Peak memory is the process's
``ru_maxrss``. Times are wall-clock on whatever machine runs this; medians of ``--repeat``.

    .venv/bin/python scripts/bench_scale.py [--sizes 10000,100000,1000000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGES = ("overview", "map", "timeline", "cases", "explore", "about")
NAIVE_APP = """
import os
import pandas as pd
import plotly.express as px
import streamlit as st

@st.cache_data
def load():
    return pd.read_parquet(os.environ["NAIVE_PARQUET"])

events = load()
codes = sorted(events["admin1_code"].dropna().unique())
oblasts = st.sidebar.multiselect("Oblast", codes, key="oblast")
shown = events[events["admin1_code"].isin(oblasts)] if oblasts else events
st.write(f"{len(shown):,} events")
st.plotly_chart(px.histogram(shown, x="date", color="kind"))
st.plotly_chart(px.scatter_map(shown, lat="lat", lon="lon", hover_name="title", zoom=4))
"""


def sent_bytes(at) -> int:
    """Sum of the serialised size of every element proto in the app's last run."""
    total = 0

    def walk(node) -> None:
        nonlocal total
        proto = getattr(node, "proto", None)
        if proto is not None and hasattr(proto, "ByteSize"):
            total += proto.ByteSize()
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return total


def timed_run(at) -> float:
    started = time.perf_counter()
    at.run()
    if at.exception:
        raise RuntimeError(at.exception[0].value)
    return (time.perf_counter() - started) * 1000


def measure_app(set_dir: Path, name: str, repeat: int) -> dict:
    """Cold start and per-page reruns of this app (run in a child process)."""
    os.environ["DASHBOARD_IMPORT_DIR"] = str(set_dir)
    from streamlit.testing.v1 import AppTest

    started = time.perf_counter()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.query_params["dataset"] = ["curated", name]
    timed_run(at)
    result = {"cold_s": time.perf_counter() - started, "pages": {}}
    everything = at.session_state["filters"]
    for page in PAGES:
        times, sizes = [], []
        for _ in range(repeat):
            at.switch_page(f"pages/{page}.py")
            at.session_state["filters"] = everything
            timed_run(at)
            at.session_state["filters"] = replace(everything, oblasts=("UA-63",))
            times.append(timed_run(at))
            sizes.append(sent_bytes(at))
        result["pages"][page] = (statistics.median(times), max(sizes))
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def measure_naive(parquet: Path, repeat: int) -> dict:
    """Cold start and the filter rerun of the naive app (run in a child process)."""
    os.environ["NAIVE_PARQUET"] = str(parquet)
    from streamlit.testing.v1 import AppTest

    started = time.perf_counter()
    at = AppTest.from_string(NAIVE_APP, default_timeout=600)
    timed_run(at)
    result = {"cold_s": time.perf_counter() - started}
    times, sizes = [], []
    for _ in range(repeat):
        at.multiselect(key="oblast").set_value([])
        timed_run(at)
        at.multiselect(key="oblast").set_value(["UA-63"])
        times.append(timed_run(at))
        sizes.append(sent_bytes(at))
    result["rerun"] = (statistics.median(times), max(sizes))
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def child(args: list[str]) -> None:
    role, *rest = args
    if role == "app":
        figures = measure_app(Path(rest[0]), rest[1], int(rest[2]))
    else:
        figures = measure_naive(Path(rest[0]), int(rest[1]))
    print(json.dumps(figures))


def run_child(*args: str) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--child", *args], capture_output=True, text=True, check=False
    )
    if done.returncode:
        raise SystemExit(f"child {args[0]} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def bench(rows: int, folder: Path, repeat: int) -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    import bench_import

    bench_import.TEMPLATES = bench_import.TEMPLATES[:2]  # civilian strikes: every row kept
    path = folder / f"acled-{rows}.csv"
    bench_import.write_file(path, rows)
    sets = folder / f"sets-{rows}"
    imported = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "bench_import.py"),
            "--child",
            str(path),
            str(sets),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    done = json.loads(imported.stdout.strip().splitlines()[-1])
    path.unlink()
    name = path.stem
    app = run_child("app", str(sets), name, str(repeat))
    naive = run_child("naive", str(sets / f"{name}.parquet"), str(repeat))
    print(f"\n## {rows:,} imported events (+ the curated record)")
    print(f"import: {done['seconds']:.1f} s, peak {done['peak_mb']:.0f} MB")
    print("| | cold start | peak memory | rerun ms (Oblast change) | sent per rerun |")
    print("|---|---|---|---|---|")
    naive_ms, naive_bytes = naive["rerun"]
    print(
        f"| naive app | {naive['cold_s']:.1f} s | {naive['peak_mb']:.0f} MB | "
        f"{naive_ms:.0f} | {naive_bytes / 1e6:.2f} MB |"
    )
    for page, (ms, size) in app["pages"].items():
        cold = f"{app['cold_s']:.1f} s" if page == PAGES[0] else ""
        peak = f"{app['peak_mb']:.0f} MB" if page == PAGES[0] else ""
        print(
            f"| this app: {page} | {cold} | {peak} | {ms:.0f} ({naive_ms / ms:.1f}x faster) | "
            f"{size / 1e6:.2f} MB |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    with tempfile.TemporaryDirectory(prefix="bench_scale_") as folder:
        for size in (int(s) for s in args.sizes.split(",")):
            bench(size, Path(folder), args.repeat)
            sys.stdout.flush()


if __name__ == "__main__":
    main()
