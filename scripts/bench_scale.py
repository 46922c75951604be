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

While working on one page, ``--sets DIR`` reuses a folder an earlier run imported (kept with
``--keep DIR``: the import of a million rows takes a while), ``--pages cases,map`` times only
those pages and ``--no-naive`` leaves out the naive app. ``--profile FILE`` writes a cProfile
of this app's timed reruns.
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


def measure_app(
    set_dir: Path, name: str, repeat: int, pages: tuple[str, ...] = PAGES, profile: str = ""
) -> dict:
    """Cold start and per-page reruns of this app (run in a child process)."""
    os.environ["DASHBOARD_IMPORT_DIR"] = str(set_dir)
    from streamlit.testing.v1 import AppTest

    from dashboard import engine

    engine.RECENT_ROWS = 0  # time reruns that query the store anew, not its kept answers

    profiler = None
    if profile:  # the script runs in a thread of its own: profile that thread's runs
        import cProfile

        from streamlit.runtime.scriptrunner import script_runner

        profiler = cProfile.Profile()
        run_script = script_runner.ScriptRunner._run_script

        def profiled(self, rerun_data):
            if not profiling:
                return run_script(self, rerun_data)
            return profiler.runcall(run_script, self, rerun_data)

        script_runner.ScriptRunner._run_script = profiled
    profiling = False

    started = time.perf_counter()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.query_params["dataset"] = ["curated", name]
    timed_run(at)
    result = {"cold_s": time.perf_counter() - started, "pages": {}}
    everything = at.session_state["filters"]
    for page in pages:
        times, sizes = [], []
        for _ in range(repeat):
            at.switch_page(f"pages/{page}.py")
            at.session_state["filters"] = everything
            timed_run(at)
            at.session_state["filters"] = replace(everything, oblasts=("UA-63",))
            profiling = bool(profiler)
            times.append(timed_run(at))
            profiling = False
            sizes.append(sent_bytes(at))
        result["pages"][page] = (statistics.median(times), max(sizes))
    if profiler:
        profiler.dump_stats(profile)
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
        pages = tuple(rest[3].split(",")) if len(rest) > 3 else PAGES
        figures = measure_app(Path(rest[0]), rest[1], int(rest[2]), pages, *rest[4:])
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


def import_set(rows: int, folder: Path) -> tuple[Path, str, dict | None]:
    """Write and import the synthetic file of ``rows`` events (or reuse an earlier import)."""
    sets = folder / f"sets-{rows}"
    name = f"acled-{rows}"
    if (sets / f"{name}.parquet").exists():
        return sets, name, None
    sys.path.insert(0, str(ROOT / "scripts"))
    import bench_import

    bench_import.TEMPLATES = bench_import.TEMPLATES[:2]  # civilian strikes: every row kept
    path = folder / f"{name}.csv"
    bench_import.write_file(path, rows)
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
    path.unlink()
    return sets, name, json.loads(imported.stdout.strip().splitlines()[-1])


def bench(rows: int, folder: Path, args: argparse.Namespace) -> None:
    sets, name, done = import_set(rows, folder)
    repeat = str(args.repeat)
    app = run_child(
        "app", str(sets), name, repeat, args.pages, *[args.profile] * bool(args.profile)
    )
    naive = None if args.no_naive else run_child("naive", str(sets / f"{name}.parquet"), repeat)
    print(f"\n## {rows:,} imported events (+ the curated record)")
    if done:
        print(f"import: {done['seconds']:.1f} s, peak {done['peak_mb']:.0f} MB")
    else:
        print(f"import: reused {sets}")
    print("| | cold start | peak memory | rerun ms (Oblast change) | sent per rerun |")
    print("|---|---|---|---|---|")
    naive_ms = None
    if naive:
        naive_ms, naive_bytes = naive["rerun"]
        print(
            f"| naive app | {naive['cold_s']:.1f} s | {naive['peak_mb']:.0f} MB | "
            f"{naive_ms:.0f} | {naive_bytes / 1e6:.2f} MB |"
        )
    for index, (page, (ms, size)) in enumerate(app["pages"].items()):
        cold = f"{app['cold_s']:.1f} s" if index == 0 else ""
        peak = f"{app['peak_mb']:.0f} MB" if index == 0 else ""
        ratio = f" ({naive_ms / ms:.1f}x faster)" if naive_ms else ""
        print(f"| this app: {page} | {cold} | {peak} | {ms:.0f}{ratio} | {size / 1e6:.2f} MB |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pages", default=",".join(PAGES), help="pages to time, comma-separated")
    parser.add_argument("--no-naive", action="store_true", help="leave out the naive app")
    parser.add_argument(
        "--sets", type=Path, help="folder of earlier imports (sets-<rows>/) to reuse"
    )
    parser.add_argument("--keep", type=Path, help="import into this folder and keep it")
    parser.add_argument("--profile", default="", help="write a cProfile of the timed reruns")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    folder = args.sets or args.keep
    if folder:
        folder.mkdir(parents=True, exist_ok=True)
        for size in sizes:
            bench(size, folder, args)
            sys.stdout.flush()
        return
    with tempfile.TemporaryDirectory(prefix="bench_scale_") as temporary:
        for size in sizes:
            bench(size, Path(temporary), args)
            sys.stdout.flush()


if __name__ == "__main__":
    main()
