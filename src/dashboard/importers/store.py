"""Imported sets on disk: one Parquet file and one manifest (JSON) per set, in ``IMPORT_DIR``.

A set is written chunk by chunk to a temporary file that replaces the old one only when the
import finished, so a failed import never leaves half a set behind.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from dashboard import config, search
from dashboard.importers.common import COLUMNS, column_type

NAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
_ARROW_TYPES = {"date": pa.date32(), "int": pa.int64(), "float": pa.float64()}
# The search columns (``search.search_columns``) are folded once, at import, so a text search
# over a large set runs in SQL without re-reading every row's words.
SEARCH_COLUMNS = ("search_text", "search_keys")
ARROW_SCHEMA = pa.schema(
    [(name, _ARROW_TYPES.get(column_type(name), pa.string())) for name in COLUMNS]
    + [(name, pa.string()) for name in SEARCH_COLUMNS]
)


def set_name(text: str) -> str:
    """Turn a file stem or a user's name into a set name: lower case, letters, digits, - and _.

    >>> set_name("ACLED Ukraine 2024.csv")
    'acled-ukraine-2024-csv'
    """
    name = re.sub(r"[^a-z0-9_-]+", "-", text.lower()).strip("-_")[:64]
    return name or "imported"


def parquet_path(name: str, folder: Path | None = None) -> Path:
    """Return where the set called ``name`` is stored."""
    return (folder or config.IMPORT_DIR) / f"{name}.parquet"


def manifest_path(name: str, folder: Path | None = None) -> Path:
    """Return where the manifest of the set called ``name`` is stored."""
    return (folder or config.IMPORT_DIR) / f"{name}.json"


def to_arrow(frame: pd.DataFrame) -> pa.Table:
    """Convert an imported-set frame to an Arrow table with the fixed set schema."""
    if not set(SEARCH_COLUMNS) <= set(frame.columns):
        frame = frame.assign(**search.search_columns(frame))
    arrays = []
    for field in ARROW_SCHEMA:
        column = frame[field.name]
        if field.type == pa.date32():
            arrays.append(
                pa.array(column.to_numpy(dtype="datetime64[D]"), type=pa.date32(), from_pandas=True)
            )
        else:
            arrays.append(pa.array(column, type=field.type, from_pandas=True))
    return pa.Table.from_arrays(arrays, schema=ARROW_SCHEMA)


class SetWriter:
    """Write one set's chunks to Parquet; :meth:`commit` puts the file in place."""

    def __init__(self, name: str, folder: Path | None = None):
        self.path = parquet_path(name, folder)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._partial = self.path.with_suffix(".parquet.partial")
        self._writer = pq.ParquetWriter(self._partial, ARROW_SCHEMA, compression="zstd")

    def write(self, frame: pd.DataFrame) -> None:
        """Append kept rows."""
        if len(frame):
            self._writer.write_table(to_arrow(frame))

    def commit(self) -> Path:
        """Close the file and move it to its final name."""
        self._writer.close()
        os.replace(self._partial, self.path)
        return self.path

    def abort(self) -> None:
        """Close and remove the partial file."""
        self._writer.close()
        self._partial.unlink(missing_ok=True)


def write_manifest(name: str, manifest: dict[str, Any], folder: Path | None = None) -> Path:
    """Write the set's manifest next to its Parquet file."""
    path = manifest_path(name, folder)
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def list_sets(folder: Path | None = None) -> list[dict[str, Any]]:
    """Return the manifests of every complete set in the folder, by name."""
    folder = folder or config.IMPORT_DIR
    if not folder.is_dir():
        return []
    return [
        json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(folder.glob("*.json"))
        if path.with_suffix(".parquet").is_file()
    ]


def read_set(
    name: str, folder: Path | None = None, columns: list[str] | None = None
) -> pd.DataFrame:
    """Read a set into a frame with the dtypes of the curated events (dates as datetimes)."""
    table = pq.read_table(parquet_path(name, folder), columns=columns)
    frame = table.to_pandas(
        types_mapper={pa.int64(): pd.Int64Dtype(), pa.string(): pd.StringDtype()}.get
    )
    for column in frame.columns:
        if column_type(column) == "date":
            frame[column] = pd.to_datetime(frame[column])
    return frame
