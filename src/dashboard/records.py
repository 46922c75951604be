"""Read a CSV table byte by byte: one row per well-formed record, each bad record reported with
its line and skipped, so a broken row never hides the rows around it."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from dashboard import schema
from dashboard.schema import Field

LINE = "line"  # index name of a freshly read table: the row's line number in its file


@dataclass(frozen=True)
class Problem:
    """Why one row (or a whole file) was left out."""

    file: str
    line: int | None
    column: str | None
    message: str
    value: str = ""

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        column = f" [{self.column}]" if self.column else ""
        value = f" (got {self.value!r})" if self.value else ""
        return f"{where}{column} {self.message}{value}"


# One CSV record as the csv module reads it (comma, double quote, a quote special only at the
# start of a cell and doubled inside one): it ends at the first line break outside quotes, and a
# quote left open runs to the end of the text. Possessive repeats keep matching linear.
_CELL = r'(?:"(?:[^"]|"")*+"?[^,\r\n]*|[^,\r\n"][^,\r\n]*|)'
_RECORD = re.compile(rf"{_CELL}(?:,{_CELL})*(?:\r\n|\r|\n|\Z)")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
# Control characters (C0, DEL, C1) other than line breaks, which only multi-line fields may hold.
_CONTROL = re.compile(r"[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# What decoding with "surrogateescape" turns each byte of invalid UTF-8 into.
_NOT_UTF8 = re.compile("[\udc80-\udcff]")
_CSV_ERRORS = {
    "unexpected end of data": "opens a quote that is never closed",
    "',' expected after '\"'": 'has a quote inside a quoted cell that is not doubled ("")',
    "field larger than field limit": f"has a cell over {schema.MAX_CELL_BYTES // 1024} KB",
}


@dataclass(frozen=True)
class _Record:
    """One CSV record: its first line, its cells (None when unreadable) and what is wrong."""

    line: int
    cells: list[str] | None
    reason: str = ""


def _line_breaks(text: str) -> int:
    return text.count("\n") + text.count("\r") - text.count("\r\n")


def _parse(chunk: str) -> tuple[list[str] | None, str]:
    """Split one record's text into cells with the csv module (strict about quotes)."""
    try:
        rows = list(csv.reader(io.StringIO(chunk, newline=""), strict=True))
    except csv.Error as exc:
        known = [m for e, m in _CSV_ERRORS.items() if str(exc).startswith(e)]
        return None, known[0] if known else f"is not a well-formed CSV record ({exc})"
    return (rows[0] if rows else []), ""


def _records(
    text: str, width: int | None, pos: int = 0, line: int = 1
) -> Iterator[tuple[_Record, int, int]]:
    """Yield each non-blank record of ``text`` from offset ``pos`` (on line ``line``), with the
    offset and line number after it.

    A record that cannot be parsed or has a cell count other than ``width``, and spans several
    lines, most likely holds a stray quote that swallowed the lines after it: it is reported at
    its first line and reading resumes on the next line, so it costs no more than itself.
    """
    while pos < len(text):
        chunk = _RECORD.match(text, pos).group()
        cells, reason = _parse(chunk)
        if not reason and width is not None and cells and len(cells) != width:
            reason = f"has {len(cells)} cell{'s' * (len(cells) != 1)}, header has {width}"
        breaks = _line_breaks(chunk)
        inner = breaks - chunk.endswith(("\n", "\r"))
        if reason and inner:
            reason += (
                f" (it runs on to line {line + inner}: is a quote left open? The lines "
                "after it are read again on their own)"
            )
            record = _Record(line, None, reason)
            pos, line = pos + _LINE_BREAK.search(chunk).end(), line + 1
            yield record, pos, line
            continue
        record = _Record(line, cells, reason)
        pos, line = pos + len(chunk), line + breaks
        if reason or any(cell.strip() for cell in cells):
            yield record, pos, line


def read_bytes(path: Path) -> tuple[bytes, str]:
    """Return a file's bytes, or why it cannot be read."""
    try:
        if path.is_dir():
            return b"", "is a directory, not a table file"
        if path.exists() and not path.is_file():
            return b"", "is not a regular file"
        return path.read_bytes(), ""
    except FileNotFoundError:
        return b"", "is missing"
    except PermissionError:
        return b"", "cannot be read (permission denied)"
    except OSError as exc:
        return b"", f"cannot be read ({exc.strerror or exc})"


def _header_problem(header: list[str], expected: tuple[str, ...]) -> str:
    """Say what is wrong with a header: not UTF-8, a missing or a repeated column ("" if fine)."""
    if any(_NOT_UTF8.search(cell) for cell in header):
        return "has a header that is not valid UTF-8 (save the file as UTF-8)"
    missing = [c for c in expected if c not in header]
    if missing:
        return "lacks columns: " + ", ".join(missing)
    for column in expected:
        places = [str(i + 1) for i, cell in enumerate(header) if cell == column]
        if len(places) > 1:
            return (
                f"has column {column!r} more than once in its header (columns "
                f"{' and '.join(places)}), so no row was read"
            )
    return ""


def _cell_problems(
    file: str, record: _Record, fields: list[tuple[int, Field]], clean: bool
) -> list[Problem]:
    """Check that each cell is valid UTF-8, at most 128 KB, and free of control characters
    (line breaks are allowed in multi-line fields)."""
    text = "".join(record.cells)
    big = len(text) * 4 > schema.MAX_CELL_BYTES
    if clean and not big and "\n" not in text and "\r" not in text and not _CONTROL.search(text):
        return []
    problems = []
    for index, f in fields:
        cell = record.cells[index]
        inside = cell.strip()
        control = _CONTROL.search(inside)
        if not clean and _NOT_UTF8.search(cell):
            shown = cell.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
            problems.append(Problem(file, record.line, f.name, "is not valid UTF-8", shown[:80]))
        elif big and len(cell.encode("utf-8")) > schema.MAX_CELL_BYTES:
            problems.append(
                Problem(
                    file,
                    record.line,
                    f.name,
                    f"is over {schema.MAX_CELL_BYTES // 1024} KB",
                    cell[:80],
                )
            )
        elif control:
            problems.append(
                Problem(
                    file,
                    record.line,
                    f.name,
                    f"holds a control character (U+{ord(control[0]):04X})",
                    inside[:80],
                )
            )
        elif not f.multiline and ("\n" in inside or "\r" in inside):
            problems.append(
                Problem(
                    file,
                    record.line,
                    f.name,
                    "holds a line break (only descriptions may)",
                    inside[:80],
                )
            )
    return problems


def read_rows(path: Path, fields: tuple[Field, ...]) -> tuple[pd.DataFrame, list[Problem], int]:
    """Read a table of ``fields`` as text, one row per well-formed CSV record, indexed by line
    number (an event table's fields are ``schema.table_fields(kind)``).

    The file is read as bytes and checked record by record: a record that has the wrong number
    of cells, or a cell that is not valid UTF-8, is over 128 KB or holds a control character, is
    reported with its line and skipped. A UTF-8 byte order mark is allowed. A missing, repeated
    or unreadable header, or a path that is not a readable file, is a file-level problem and
    yields no rows. Cells are stripped of surrounding white space.
    """
    name = path.name
    data, unreadable = read_bytes(path)
    if unreadable:
        return _empty(fields), [Problem(name, None, None, unreadable)], 0
    try:
        text, clean = data.decode("utf-8"), True
    except UnicodeDecodeError:
        text, clean = data.decode("utf-8", "surrogateescape"), False
    text = text.removeprefix("\ufeff")
    first = next(_records(text, None), None)
    if first is None:
        return _empty(fields), [Problem(name, None, None, "is empty")], 0
    head, pos, line = first
    header = [cell.strip() for cell in head.cells or []]
    wrong = (
        f"has a header that {head.reason}"
        if head.reason
        else _header_problem(header, tuple(f.name for f in fields))
    )
    if wrong:
        return _empty(fields), [Problem(name, head.line, None, wrong)], 0
    positions = [(header.index(f.name), f) for f in fields]
    rows, lines, problems, count = [], [], [], 0
    for record, _, _ in _records(text, len(header), pos, line):
        count += 1
        bad = (
            [Problem(name, record.line, None, record.reason)]
            if record.reason
            else _cell_problems(name, record, positions, clean)
        )
        if bad:
            problems.extend(bad)
            continue
        rows.append([record.cells[i].strip() for i, _ in positions])
        lines.append(record.line)
    frame = pd.DataFrame(
        rows,
        columns=[f.name for f in fields],
        dtype=str,
        index=pd.Index(lines, name=LINE, dtype=int),
    )
    return frame, problems, count


def _empty(fields: tuple[Field, ...]) -> pd.DataFrame:
    return pd.DataFrame(
        columns=[f.name for f in fields],
        dtype=str,
        index=pd.Index([], name=LINE, dtype=int),
    )
