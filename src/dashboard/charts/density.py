"""The map's density grid: above a few thousand located events the map draws one marker per
square cell, coloured by how many events it holds, instead of one marker per place.

Each cell marker carries ``customdata[1] = "cell:ROW:COL:SIZE"`` (and no event ids), so a box or
lasso drawn on the grid names the cells it caught (:func:`selected_cells`) and the page lists
the events inside them.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard import i18n
from dashboard.i18n import _, ngettext

# Above this many located events the map draws the density grid instead of points.
MAP_POINT_LIMIT = 3000
# Cells across the widest side of the events' box, and the cell sizes allowed (degrees).
CELLS_ACROSS = 60
CELL_SIZES = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0)
_CELL = re.compile(r"cell:(-?[0-9]+):(-?[0-9]+):([0-9.]+)")


def cell_size(south: float, north: float, west: float, east: float) -> float:
    """The smallest allowed cell giving at most :data:`CELLS_ACROSS` cells across the box.

    >>> cell_size(44.4, 52.4, 22.1, 40.2)
    0.2
    """
    if any(math.isnan(v) for v in (south, north, west, east)):
        return CELL_SIZES[-1]
    squeeze = math.cos(math.radians(max(abs(south), abs(north))))
    span = max(north - south, (east - west) * squeeze)
    for size in CELL_SIZES:
        if span / size <= CELLS_ACROSS:
            return size
    return CELL_SIZES[-1]


def grid_counts(events: pd.DataFrame, size: float) -> pd.DataFrame:
    """Located events per cell: ``row``, ``col``, ``count`` and the cell's centre
    ``lat``/``lon`` (the pandas twin of ``engine.Selection.grid``)."""
    located = events.dropna(subset=["lat", "lon"])
    rows = np.floor(located["lat"].to_numpy(dtype=float) / size).astype("int64")
    cols = np.floor(located["lon"].to_numpy(dtype=float) / size).astype("int64")
    counts = (
        pd.DataFrame({"row": rows, "col": cols})
        .groupby(["row", "col"])
        .size()
        .rename("count")
        .reset_index()
    )
    return counts.assign(lat=(counts["row"] + 0.5) * size, lon=(counts["col"] + 0.5) * size)


def add_grid(fig: go.Figure, grid: pd.DataFrame, size: float) -> None:
    """Draw the cells as one marker trace coloured by the (log) count, hover giving it."""
    counts = grid["count"].to_numpy(dtype="int64")
    keys = [f"cell:{r}:{c}:{size:g}" for r, c in zip(grid["row"], grid["col"], strict=True)]
    # Many cells hold the same count: word each count once.
    values, where = np.unique(counts, return_inverse=True)
    texts = np.array(
        [
            ngettext("{count} event in this cell", "{count} events in this cell", int(n)).format(
                count=i18n.number(int(n))
            )
            for n in values
        ],
        dtype=object,
    )
    hover = texts[where.reshape(-1)].tolist() if len(values) else []
    fig.add_trace(
        go.Scattermap(
            lat=grid["lat"].to_numpy(),
            lon=grid["lon"].to_numpy(),
            mode="markers",
            name=_("Events per cell"),
            marker={
                "size": 9,
                "color": np.log10(np.maximum(counts, 1)),
                "colorscale": "YlOrRd",
                "opacity": 0.85,
                "colorbar": {
                    "title": {"text": _("events")},
                    "tickvals": [0, 1, 2, 3, 4, 5],
                    "ticktext": ["1", "10", "100", "1k", "10k", "100k"],
                    "thickness": 12,
                },
            },
            customdata=np.column_stack([np.full(len(keys), ""), np.array(keys, dtype=str)])
            if keys
            else None,
            hovertemplate="%{text}<extra></extra>",
            text=hover,
            showlegend=False,
        )
    )


def selected_cells(selection: dict | None) -> tuple[list[tuple[int, int]], float | None]:
    """The grid cells a box or lasso caught, and their size (None when no cell was caught)."""
    cells, size = [], None
    for point in (selection or {}).get("points", []):
        data = point.get("customdata") or []
        match = _CELL.fullmatch(str(data[1])) if len(data) > 1 else None
        if match:
            cells.append((int(match[1]), int(match[2])))
            size = float(match[3])
    return cells, size


def in_cells(events: pd.DataFrame, cells: list[tuple[int, int]], size: float) -> pd.Series:
    """Mask of the events inside the given cells."""
    rows = np.floor(events["lat"].to_numpy(dtype=float) / size)
    cols = np.floor(events["lon"].to_numpy(dtype=float) / size)
    wanted = set(cells)
    return pd.Series(
        [(r, c) in wanted for r, c in zip(rows, cols, strict=True)], index=events.index, dtype=bool
    )
