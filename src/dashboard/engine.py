"""The event store: the curated record and every imported set in one DuckDB table.

Filters and aggregates run in SQL, so a page never holds a million rows as a pandas frame:
:func:`where` turns :class:`~dashboard.filters.Filters` into a WHERE clause that keeps exactly the
rows :meth:`Filters.apply` keeps (a property test holds the two together), and a
:class:`Selection` answers what pages show: a count, counts per kind, period, oblast or map
cell, one page of rows, or every row when there are few (:data:`FRAME_LIMIT`).

The curated CSVs stay the source of truth: they are read and validated by
:func:`dashboard.tables.load_dataset` as before and copied into the store; imported sets are read
from their Parquet files.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from dashboard import figures, geo, schema, search
from dashboard.filters import CURATED, VAGUE_PRECISIONS, Filters
from dashboard.importers import store as sets

# A selection with at most this many rows is handed to pages as a pandas frame (every chart
# and table works as for the curated record); above it pages draw aggregates and pages of rows.
FRAME_LIMIT = 20_000
RECENT_ROWS = 50_000  # rows of recent answers a store keeps for the next rerun (Store.rows)
EXTRA = ("dataset", "source_id", "source_event_type")
SEARCH = ("search_text", "search_keys")
FIGURES = ("killed", "injured")  # the strike figures added up in SQL
COLUMNS = schema.unified_columns() + EXTRA + SEARCH
ORDER = "date, event_id, dataset"
ROW_KEY_STEP = 1 << 40  # row_key = set number * this + the row's number in its file
_TYPES = {f.name: f.dtype for f in schema.all_fields()}
_SQL_TYPES = {"date": "DATE", "int": "BIGINT", "float": "DOUBLE"}


def _sql_type(column: str) -> str:
    return _SQL_TYPES.get(_TYPES.get(column, "text"), "VARCHAR")


def _select_list(available: set[str]) -> str:
    """Cast every store column (NULL where a source lacks it) to its one SQL type."""
    return ", ".join(
        f"CAST({_quote(c) if c in available else 'NULL'} AS {_sql_type(c)}) AS {_quote(c)}"
        for c in COLUMNS
    )


def _literal(text: str) -> str:
    """``text`` inside a SQL string literal."""
    return text.replace("'", "''")


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# How DuckDB's Arrow results become the curated frame's dtypes (``tables.typed``): every store
# column has one SQL type (``_select_list``), so the Arrow types are known.
_ARROW_DTYPES = {pa.string(): pd.StringDtype(), pa.int64(): pd.Int64Dtype()}


def typed_frame(rows: pa.Table) -> pd.DataFrame:
    """Give rows read from the store the dtypes of the curated frame (see ``tables.typed``).

    Converted by Arrow in one pass, twice as fast as ``.df()`` and a cast per column.
    """
    frame = rows.to_pandas(types_mapper=_ARROW_DTYPES.get, date_as_object=False)
    for column in frame.columns:
        if frame[column].dtype.kind == "M":
            frame[column] = frame[column].astype("datetime64[us]")
    if "kind" in frame:
        frame["kind"] = pd.Categorical(frame["kind"].astype(object), categories=list(schema.KINDS))
    return frame


@dataclass
class Clause:
    """A WHERE clause with its parameters, and the rows of a radius search (if any)."""

    sql: str
    params: list = field(default_factory=list)
    near: pd.DataFrame | None = None


def _in(column: str, values: tuple) -> tuple[str, list]:
    return f"{column} IN ({', '.join('?' * len(values))})", list(values)


def _text_clause(query: str) -> tuple[list[str], list]:
    """Every word found literally, as another name of the place it names, or as a folded key:
    the SQL twin of :func:`dashboard.search.matches` over the same search columns."""
    clauses, params = [], []
    for word in search.words(query):
        names = search._place_names(word)
        literal = names or (word,)
        keys = sorted(set().union(*(search._token_keys(text) for text in (word, *names))))
        parts = ["contains(search_text, ?)"] * len(literal)
        parts += ["contains(search_keys, ?)"] * len(keys)
        clauses.append("(" + " OR ".join(parts) + ")")
        params += list(literal) + [f" {k} " for k in keys]
    return clauses, params


def where(filters: Filters, alias: str = "") -> tuple[list[str], list]:
    """The clauses (ANDed) and parameters of every filter but ``near``."""
    clauses, params = [], []

    def add(sql: str, values: list | None = None) -> None:
        clauses.append(sql)
        params.extend(values or [])

    add(*_in("dataset", filters.datasets or (CURATED,)))
    if filters.start is not None:
        add("coalesce(end_date, date) >= ?", [filters.start])
    if filters.end is not None:
        add("date <= ?", [filters.end])
    if filters.kinds:
        add(*_in("kind", filters.kinds))
    if filters.oblasts:
        add(*_in("admin1_code", filters.oblasts))
    case = filters.case
    if case is not None:
        from dashboard.cases import TYPE_COLUMN

        add("kind = ?", [case.scope_kind])
        if case.scope_types:
            add(*_in(_quote(TYPE_COLUMN[case.scope_kind]), tuple(case.scope_types)))
        else:
            add("FALSE")
        add("date >= ?", [case.scope_start])
        if case.scope_end is not None:
            add("date <= ?", [case.scope_end])
        add("country = ?", [case.scope_country])
    if filters.q:
        text, values = _text_clause(filters.q)
        for sql in text:
            add(sql)
        params.extend(values)
    if filters.near is not None and not filters.vague:
        add(f"coalesce(geo_precision, '') NOT IN ({', '.join('?' * len(VAGUE_PRECISIONS))})")
        params.extend(VAGUE_PRECISIONS)
    return clauses, params


class Store:
    """One in-process DuckDB database answering for every event row the app can show.

    ``events`` is a view: the curated rows (and any set imported before search columns were
    stored) in a table, and each imported set read from its Parquet file where it lies, so a
    cold start reads no imported row (DuckDB scans the files per query, reading only the
    columns and row groups a query needs). ``row_key`` numbers every row across the view.
    """

    def __init__(self, curated: pd.DataFrame, folder: Path | None = None):
        self._lock = threading.Lock()
        self._recent: OrderedDict[tuple, pd.DataFrame] = OrderedDict()
        self._con = duckdb.connect(":memory:")
        self._con.execute("SET enable_object_cache = true")  # Parquet metadata read once
        frame = curated.assign(dataset=CURATED, source_id=curated["event_id"])
        if "search_text" not in frame:
            frame[list(SEARCH)] = search.search_columns(frame)
        self._con.execute(f"CREATE TABLE stored AS SELECT {_select_list(set())} LIMIT 0")
        self._insert(frame)
        self.sets = sets.list_sets(folder)
        parts = ["SELECT *, rowid AS row_key FROM stored"]
        for number, manifest in enumerate(self.sets, start=1):
            path = sets.parquet_path(manifest["name"], folder)
            parts += self._add_set(path, number)
        self._con.execute(f"CREATE VIEW events AS {' UNION ALL '.join(parts)}")
        self.totals = dict(
            self._con.execute("SELECT dataset, count(*) FROM events GROUP BY 1").fetchall()
        )

    def _insert(self, frame: pd.DataFrame) -> None:
        """Copy rows held in pandas into the stored table."""
        frame = frame.assign(kind=frame["kind"].astype(str))
        self._con.register("new_rows", frame)
        self._con.execute(
            f"INSERT INTO stored SELECT {_select_list(set(frame.columns))} FROM new_rows"
        )
        self._con.unregister("new_rows")

    def _add_set(self, path: Path, number: int) -> list[str]:
        """The view's part reading one imported set (none when its rows went to the table)."""
        available = {
            row[0]
            for row in self._con.execute(
                "SELECT name FROM parquet_schema(?)", [str(path)]
            ).fetchall()
        }
        if available >= set(SEARCH):
            source = f"read_parquet('{_literal(path.as_posix())}', file_row_number = true)"
            key = f"{number} * {ROW_KEY_STEP} + file_row_number AS row_key"
            return [f"SELECT {_select_list(available)}, {key} FROM {source}"]
        # A set imported before search columns were stored: fold its words once, here.
        frame = sets.read_set(path.stem, path.parent)
        frame[list(SEARCH)] = search.search_columns(frame)
        self._insert(frame)
        return []

    def query(self, sql: str, params: list | None = None, frames: dict | None = None, arrow=False):
        """Run one query on a cursor of its own; return the result as a frame (or as an Arrow
        table: see :func:`typed_frame`)."""
        with self._lock:
            cursor = self._con.cursor()
        for name, frame in (frames or {}).items():
            cursor.register(name, frame)
        try:
            if arrow:
                return cursor.sql(sql, params=params or None).to_arrow_table()
            return cursor.execute(sql, params or []).df()
        finally:
            cursor.close()

    def rows(self, sql: str, params: list, frames: dict | None = None) -> pd.DataFrame:
        """The rows of one query, with the curated dtypes (:func:`typed_frame`).

        The latest answers are kept, up to :data:`RECENT_ROWS` rows in all: every rerun of a
        page asks again for the rows it drew, and a store never changes once built. A query
        joined to a radius search's rows (``frames``) always runs.
        """
        if frames:
            return typed_frame(self.query(sql, params, frames, arrow=True))
        key = (sql, tuple(params))
        with self._lock:
            found = self._recent.get(key)
            if found is not None:
                self._recent.move_to_end(key)
        if found is None:
            found = typed_frame(self.query(sql, params, arrow=True))
            with self._lock:
                self._recent[key] = found
                held = sum(len(frame) for frame in self._recent.values())
                while held > RECENT_ROWS and len(self._recent) > 1:
                    held -= len(self._recent.popitem(last=False)[1])
        return found.copy(deep=False)  # a caller may add columns; copy-on-write keeps the rest

    def total(self, datasets: tuple[str, ...] = ()) -> int:
        """Rows in the chosen datasets (the curated record when none is chosen)."""
        return sum(self.totals.get(name, 0) for name in datasets or (CURATED,))

    def select(self, filters: Filters) -> Selection:
        """Return the rows passing ``filters``, as a lazy selection."""
        clauses, params = where(filters)
        near = None
        if filters.near is not None:
            near = self._near(filters, clauses, params)
        return Selection(self, clauses, params, near)

    def _near(self, filters: Filters, clauses: list[str], params: list) -> pd.DataFrame:
        """Rows within the radius, with their distance: candidates inside a box that holds the
        circle are fetched from SQL, then measured exactly as :func:`geo.within_radius` does."""
        place, radius = filters.near, filters.radius_km
        dlat = radius / 110.0 + 0.01
        widest = min(abs(place.lat) + dlat, 89.9)
        dlon = min(radius / (110.0 * np.cos(np.radians(widest))) + 0.01, 180.0)
        box = ["lat BETWEEN ? AND ?"]
        values = [place.lat - dlat, place.lat + dlat]
        if place.lon - dlon > -180 and place.lon + dlon < 180:
            box.append("lon BETWEEN ? AND ?")
            values += [place.lon - dlon, place.lon + dlon]
        sql = " AND ".join([*clauses, *box])
        found = self.query(
            f"SELECT row_key AS rid, lat, lon FROM events WHERE {sql}", params + values
        )
        inside = geo.within_radius(found, place.lat, place.lon, radius)
        kept = geo.with_distance_km(found.loc[inside], place.lat, place.lon)
        return kept[["rid", "distance_km"]].reset_index(drop=True)


@dataclass
class Selection:
    """The rows a view shows, kept in the store until a page asks for something."""

    store: Store
    clauses: list[str]
    params: list
    near: pd.DataFrame | None = None
    _count: int | None = None

    def _from(self) -> tuple[str, dict]:
        """The FROM clause (joined to the radius search's distances) and its frames."""
        if self.near is None:
            return "events", {}
        return "events JOIN near_rows ON events.row_key = near_rows.rid", {"near_rows": self.near}

    def _statement(self, select: str, tail: str, extra: list[str], params: list):
        """The query of ``select`` over the selection: its SQL, parameters and frames."""
        source, frames = self._from()
        condition = " AND ".join([*self.clauses, *extra]) or "TRUE"
        sql = f"SELECT {select} FROM {source} WHERE {condition} {tail}"
        return sql, self.params + list(params), frames

    def sql(self, select: str, tail: str = "", extra: list[str] = (), params: list = ()):
        return self.store.query(*self._statement(select, tail, extra, params))

    @property
    def count(self) -> int:
        """How many rows pass."""
        if self._count is None:
            self._count = int(self.sql("count(*) AS n").iloc[0, 0])
        return self._count

    @property
    def large(self) -> bool:
        """Too many rows to hand to a page as one frame."""
        return self.count > FRAME_LIMIT

    def _columns(self, columns: list[str] | None) -> str:
        names = [c for c in (columns or COLUMNS) if c not in SEARCH or columns]
        listed = [f"events.{_quote(c)}" for c in names if c != "distance_km"]
        if self.near is not None and (columns is None or "distance_km" in columns):
            listed.append("near_rows.distance_km")
        return ", ".join(listed)

    def frame(
        self,
        columns: list[str] | None = None,
        order: str = ORDER,
        limit: int | None = None,
        offset: int = 0,
        extra: list[str] = (),
        params: list = (),
    ) -> pd.DataFrame:
        """Rows as a frame with the curated dtypes (in ``order``; one page with ``limit``)."""
        tail = f"ORDER BY {order}"
        if limit is not None:
            tail += f" LIMIT {int(limit)} OFFSET {int(offset)}"
        return self.store.rows(*self._statement(self._columns(columns), tail, extra, params))

    def counts(self, column: str) -> pd.Series:
        """Rows per value of ``column`` (missing values left out)."""
        found = self.sql(
            f"{_quote(column)} AS value, count(*) AS n",
            f"AND {_quote(column)} IS NOT NULL GROUP BY 1",
        )
        return pd.Series(found["n"].to_numpy(), index=found["value"].astype(str), dtype="int64")

    def period_counts(self, freq: str) -> pd.DataFrame:
        """Rows per period start and kind, zero-filled like ``charts.counts_by_period``."""
        found = self.sql(
            f"date_trunc('{freq}', date) AS period, kind, count(*) AS count",
            "GROUP BY 1, 2",
        )
        if found.empty:
            return found.astype({"count": int})
        table = found.pivot_table(index="period", columns="kind", values="count", fill_value=0)
        if freq == "week":
            index = pd.date_range(table.index.min(), table.index.max(), freq="7D")
        else:
            step = {"month": "MS", "quarter": "QS", "year": "YS"}[freq]
            index = pd.date_range(table.index.min(), table.index.max(), freq=step)
        table = table.reindex(index=index, columns=list(schema.KINDS), fill_value=0)
        table.index.name, table.columns.name = "period", "kind"
        counts = table.stack().rename("count").reset_index()
        counts["count"] = counts["count"].astype(int)
        return counts

    def oblast_summary(self, codes: list[str]) -> pd.DataFrame:
        """Events, people killed and children per oblast (as ``charts.oblast_summary``)."""
        found = self.sql(
            "admin1_code, count(*) AS events, coalesce(sum(killed), 0) AS killed, "
            "coalesce(sum(children), 0) AS children",
            "AND admin1_code IS NOT NULL GROUP BY 1",
        ).set_index("admin1_code")
        summary = found.reindex(codes).fillna(0).astype("int64")
        summary.index.name = "admin1_code"
        return summary.reset_index()

    def headline(self) -> dict[str, figures.Figure]:
        """:func:`figures.headline` of the selection: strikes added up in SQL, deportations
        (grouped through ``related``, so read as rows) by ``figures`` itself."""
        incident = "kind = 'strike' AND scope = 'incident'"
        totals = self.sql(
            "count(*) FILTER (WHERE kind = 'strike') AS strikes, "
            f"count(*) FILTER (WHERE {incident}) AS incidents, "
            + ", ".join(
                f"count({c}) FILTER (WHERE {incident}) AS {c}_rows, "
                f"sum({c}) FILTER (WHERE {incident}) AS {c}"
                for c in FIGURES
            )
        ).iloc[0]
        deportations = self.frame(
            list(figures.COUNTED),
            extra=["kind = 'deportation'"],
        )
        found = figures.headline(deportations)
        for column in FIGURES:
            counted = int(totals[f"{column}_rows"])
            found[column] = figures.Figure(
                int(totals[column]) if counted else None,
                counted,
                int(totals["strikes"] - totals["incidents"]),
                int(totals["incidents"]) - counted,
                figures.DEFINITIONS[column],
            )
        return found

    def largest_reports(self) -> dict[str, figures.ReportFigure]:
        """:func:`figures.largest_reports` of the selection (one row per figure from SQL)."""
        rows = [
            self.frame(
                [*figures.COUNTED, *figures.REPORTED],
                order=f"{column} DESC, {ORDER}",
                limit=1,
                extra=["scope IN ('report', 'series')", "kind = ?", f"{column} IS NOT NULL"],
                params=[kind],
            )
            for column, kind in (("children", "deportation"), ("killed", "strike"))
        ]
        rows = [row for row in rows if not row.empty]
        return figures.largest_reports(pd.concat(rows, ignore_index=True)) if rows else {}

    def grid(self, cell_deg: float) -> pd.DataFrame:
        """Located rows per square map cell of ``cell_deg`` degrees: the cell's indices, its
        centre and how many events it holds."""
        size = float(cell_deg)
        return self.sql(
            f"CAST(floor(lat / {size}) AS BIGINT) AS row, "
            f"CAST(floor(lon / {size}) AS BIGINT) AS col, count(*) AS count",
            "AND lat IS NOT NULL AND lon IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2",
        ).assign(
            lat=lambda g: (g["row"] + 0.5) * size,
            lon=lambda g: (g["col"] + 0.5) * size,
        )

    def extent(self) -> tuple[int, float, float, float, float]:
        """How many rows have a point, and the box holding them (south, north, west, east)."""
        found = self.sql(
            "count(*) AS n, min(lat), max(lat), min(lon), max(lon)",
            extra=["lat IS NOT NULL", "lon IS NOT NULL"],
        )
        n, *box = found.iloc[0].tolist()
        return int(n), *(float(v) if n else float("nan") for v in box)

    def in_cells(self, cells: list[tuple[int, int]], cell_deg: float) -> Selection:
        """The rows inside the given map cells (a box or lasso drawn on the density grid)."""
        if not cells:
            return Selection(self.store, [*self.clauses, "FALSE"], self.params, self.near)
        size = float(cell_deg)
        pairs = ", ".join(f"({int(r)}, {int(c)})" for r, c in cells)
        clause = (
            f"(CAST(floor(lat / {size}) AS BIGINT), CAST(floor(lon / {size}) AS BIGINT)) "
            f"IN ({pairs})"
        )
        return Selection(self.store, [*self.clauses, clause], self.params, self.near)

    def where_kind(self, kind: str, count: int | None = None) -> Selection:
        """The rows of one kind (``count``, when known, saves counting them again)."""
        return Selection(
            self.store, [*self.clauses, "kind = ?"], [*self.params, kind], self.near, count
        )

    def event(self, event_id: str) -> pd.Series | None:
        """One row by id, among the chosen datasets whatever the other filters."""
        found = self.store.rows(
            f"SELECT * EXCLUDE (search_text, search_keys, row_key) FROM events "
            f"WHERE {self.clauses[0]} AND event_id = ? LIMIT 1",
            [*self.params[: self.clauses[0].count("?")], event_id],
        )
        return None if found.empty else found.iloc[0]
