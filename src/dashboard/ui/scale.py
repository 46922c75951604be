"""Streamlit glue for the event store: the cached store, the page's selection, paged tables."""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import partial
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import charts, config, display, engine, i18n, tables
from dashboard.filters import Filters
from dashboard.i18n import _

SELECTION_KEY = "_selection"
PAGE_SIZE = 100


def set_versions(folder: Path) -> tuple[tuple[str, float], ...]:
    """Each imported file's modification time: part of the store's cache key."""
    if not folder.is_dir():
        return ()
    return tuple(
        (path.name, path.stat().st_mtime)
        for path in sorted(folder.iterdir())
        if path.suffix in {".json", ".parquet"}
    )


@st.cache_resource(max_entries=2, show_spinner="Loading events…")
def _store(data_dir: str, versions: tuple, import_dir: str, imported: tuple) -> engine.Store:
    del versions, imported  # part of the cache key only
    from dashboard.ui import dataset

    return engine.Store(dataset().events, Path(import_dir))


def store() -> engine.Store:
    """The store of the curated record and every imported set, rebuilt when a file changed."""
    folder = config.IMPORT_DIR
    return _store(
        str(config.DATA_DIR),
        tables.file_versions(config.DATA_DIR),
        str(folder),
        set_versions(folder),
    )


def select(filters: Filters) -> engine.Selection:
    """Select the rows of this run's view and keep the selection for the page."""
    selection = store().select(filters)
    st.session_state[SELECTION_KEY] = selection
    return selection


def selection() -> engine.Selection:
    """The selection :func:`dashboard.ui.page_start` made for this run."""
    return st.session_state[SELECTION_KEY]


def total(filters: Filters) -> int:
    """Rows in the datasets the view shows, before the other filters."""
    return store().total(filters.datasets)


def find_event(selection: engine.Selection, event_id: str) -> pd.Series | None:
    """One event of the chosen datasets by id, as this run's language shows it."""
    row = selection.event(event_id)
    return None if row is None else display.localized(row.to_frame().T).iloc[0]


def large_notice(selection: engine.Selection) -> None:
    """Say why a page shows counts and pages of rows rather than every row."""
    st.info(
        _(
            "{count} events match: charts show counts, the map a density grid and tables "
            "one page at a time. Narrow the filters to see every event drawn."
        ).format(count=i18n.number(selection.count)),
    )


def paged_table(
    selection: engine.Selection,
    columns: list[str],
    key: str,
    order: str = "date DESC, event_id",
    draw: Callable | None = None,
    **options,
) -> pd.DataFrame:
    """Show one page of the selection's rows, with the total and a page number; return it."""
    count = selection.count
    pages = max(1, math.ceil(count / PAGE_SIZE))
    page = 1
    if pages > 1:
        page = int(
            st.number_input(
                _("Page (of {pages})").format(pages=i18n.number(pages)),
                min_value=1,
                max_value=pages,
                value=1,
                step=1,
                key=f"{key}_page",
            )
        )
    twins = [t for c, t in display.UKRAINIAN_TWINS.items() if c in columns and t not in columns]
    extra = (twins + ["admin1_code"] * ("admin1" in columns)) if i18n.language() == "uk" else []
    rows = selection.frame(
        columns + extra, order=order, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
    )
    rows = display.localized(rows)[columns]
    first = (page - 1) * PAGE_SIZE + 1 if count else 0
    st.caption(
        _("Rows {first}–{last} of {count}.").format(
            first=i18n.number(first),
            last=i18n.number(first + len(rows) - 1 if count else 0),
            count=i18n.number(count),
        )
    )
    if draw is None:
        from dashboard.ui.details import event_table as draw
    if "on_select" in options:  # the callback learns which ids this page shows
        options["on_select"] = partial(options["on_select"], key, rows["event_id"].tolist())
    draw(rows, key=key, **options)
    return rows


def count_timeline(selection: engine.Selection, freq: str, *args) -> go.Figure:
    """The timeline of a selection too large to hold, from counts per period in SQL."""
    return charts.timeline_figure(
        selection.frame(["date", "kind"], limit=0),
        freq,
        *args,
        counts=selection.period_counts(freq),
    )


def store_map(selection: engine.Selection, boundaries: dict, **options) -> go.Figure:
    """The map of a selection too large to hold: a density grid above the map's point limit
    (counts per cell in SQL), else its located rows as points."""
    located, *box = selection.extent()
    if located > charts.MAP_POINT_LIMIT:
        size = charts.cell_size(*box)
        grid = (selection.grid(size), size)
        return charts.map_figure(selection.frame(limit=0), boundaries, grid=grid, **options)
    rows = display.localized(selection.frame(extra=["lat IS NOT NULL", "lon IS NOT NULL"]))
    return charts.map_figure(rows, boundaries, **options)
