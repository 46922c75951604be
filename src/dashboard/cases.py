"""The ICC's Ukraine cases: what each set of warrants covers, and the events within its scope.

"Within scope" means an event matches the warrant's public description by kind, type, date and
place (for example an energy strike between 10 October 2022 and 9 March 2023). It does not mean
the court has charged that incident: the warrants' full contents are sealed.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from dashboard import config, schema
from dashboard.i18n import N_, _
from dashboard.tables import Problem, cell_checks, failures, read_rows

TYPE_COLUMN = {"strike": "target_type", "deportation": "deportation_type"}

SCOPE_NOTE = N_(
    "“Within scope” means the event matches the warrant's public description by "
    "kind, type, date and place. It does not mean the court has charged that incident."
)


def _split(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(";") if part.strip())


@dataclass(frozen=True)
class Case:
    """One ICC case (a set of arrest warrants) and the rule selecting events within its scope."""

    case_id: str
    title: str
    suspects: tuple[str, ...]
    positions: tuple[str, ...]
    crimes: str
    articles: tuple[str, ...]
    conduct: str
    period_start: date
    period_end: date | None
    issued: date
    made_public: date
    status: str
    scope_kind: str
    scope_types: tuple[str, ...]
    scope_start: date
    scope_end: date | None
    scope_country: str
    source_name: str
    source_url: str
    other_sources: tuple[str, ...]
    related: tuple[str, ...]
    # The Ukrainian text of the fields above, by field name (empty when not translated).
    ukrainian: dict[str, str | tuple[str, ...]] = field(default_factory=dict, compare=False)

    def in_language(self, lang: str) -> Case:
        """This case with its text in ``lang`` where the curators translated it."""
        if lang != "uk":
            return self
        return replace(self, **{name: value for name, value in self.ukrainian.items() if value})

    def mask(self, events: pd.DataFrame) -> pd.Series:
        """Rows of ``events`` within this case's scope: the event starts inside the window, so
        a year-long tally that began before the conduct the warrant names is not counted in."""
        mask = events["kind"].astype(str).eq(self.scope_kind)
        mask &= events[TYPE_COLUMN[self.scope_kind]].isin(self.scope_types).fillna(False)
        mask &= events["date"] >= pd.Timestamp(self.scope_start)
        if self.scope_end is not None:
            mask &= events["date"] <= pd.Timestamp(self.scope_end)
        mask &= events["country"].eq(self.scope_country).fillna(False)
        return mask.astype(bool)

    def scope_text(self) -> str:
        """The scope rule in words, e.g. 'strikes on energy infrastructure, ...'."""
        kind = schema.kind_label(self.scope_kind).lower()
        types = ", ".join(self.scope_types)
        until = self.scope_end.isoformat() if self.scope_end else _("today")
        return _("{kind} ({types}) in {country} from {start} to {end}").format(
            kind=kind,
            types=types,
            country=self.scope_country,
            start=self.scope_start.isoformat(),
            end=until,
        )


def _day(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


def _case(row: dict[str, str]) -> Case:
    return Case(
        case_id=row["case_id"],
        title=row["title"],
        suspects=_split(row["suspects"]),
        positions=_split(row["positions"]),
        crimes=row["crimes"],
        articles=_split(row["articles"]),
        conduct=row["conduct"],
        period_start=date.fromisoformat(row["period_start"]),
        period_end=_day(row["period_end"]),
        issued=date.fromisoformat(row["issued"]),
        made_public=date.fromisoformat(row["made_public"]),
        status=row["status"],
        scope_kind=row["scope_kind"],
        scope_types=_split(row["scope_types"]),
        scope_start=date.fromisoformat(row["scope_start"]),
        scope_end=_day(row["scope_end"]),
        scope_country=row["scope_country"],
        source_name=row["source_name"],
        source_url=row["source_url"],
        other_sources=_split(row["other_sources"]),
        related=_split(row["related"]),
        ukrainian={
            "title": row["title_uk"],
            "suspects": _split(row["suspects_uk"]),
            "positions": _split(row["positions_uk"]),
            "crimes": row["crimes_uk"],
            "conduct": row["conduct_uk"],
            "status": row["status_uk"],
        },
    )


def _rules(frame: pd.DataFrame) -> list[tuple[str, str, pd.Series]]:
    """Cross-column rules: (column blamed, message, True for good rows)."""
    kinds = frame["scope_kind"]
    allowed = {"strike": set(schema.STRIKE_TARGETS), "deportation": set(schema.DEPORTATION_TYPES)}
    types_ok = [
        set(_split(t)) <= allowed.get(k, set()) and bool(_split(t))
        for k, t in zip(kinds, frame["scope_types"], strict=True)
    ]
    return [
        (
            "case_id",
            "must be lower-case words joined by '-'",
            frame["case_id"].str.fullmatch(r"[a-z]+(-[a-z]+)*"),
        ),
        ("case_id", "repeats an earlier row's id", ~frame["case_id"].duplicated()),
        (
            "scope_types",
            "must be target types (strikes) or deportation types",
            pd.Series(types_ok, index=frame.index),
        ),
        (
            "positions",
            "needs one position per suspect",
            frame["suspects"].map(lambda s: len(_split(s)))
            == frame["positions"].map(lambda s: len(_split(s))),
        ),
    ]


def load_cases(path: Path) -> tuple[tuple[Case, ...], tuple[Problem, ...]]:
    """Read and validate the cases table; a bad row is left out with its reasons."""
    name = path.name
    frame, problems, _ = read_rows(path, schema.CASE_FIELDS)
    if frame.empty:
        return (), tuple(problems)
    table = pa.DataFrameSchema(
        {f.name: pa.Column(str, checks=cell_checks(f)) for f in schema.CASE_FIELDS}
    )
    problems += failures(frame, table, name)
    for column, message, good in _rules(frame):
        for line in frame.index[~good.fillna(False).astype(bool)]:
            problems.append(Problem(name, int(line), column, message, frame.at[line, column]))
    bad = {p.line for p in problems}
    kept = tuple(_case(row) for line, row in frame.iterrows() if line not in bad)
    return kept, tuple(sorted(problems, key=lambda p: (p.line or 0, p.column or "")))


@functools.lru_cache(maxsize=4)
def _cached(path: str, mtime: float) -> tuple[tuple[Case, ...], tuple[Problem, ...]]:
    del mtime  # part of the cache key only
    return load_cases(Path(path))


def all_cases(data_dir: Path | None = None) -> tuple[Case, ...]:
    """The valid cases of ``data_dir`` (default: the configured data folder), cached by file."""
    path = Path(data_dir or config.DATA_DIR) / schema.CASES_FILE
    mtime = path.stat().st_mtime if path.exists() else 0.0
    return _cached(str(path), mtime)[0]


def case_by_id(case_id: str, data_dir: Path | None = None) -> Case | None:
    """The case with this id, or None."""
    return next((c for c in all_cases(data_dir) if c.case_id == case_id), None)


def cases_of(events: pd.DataFrame, event_id: str, data_dir: Path | None = None) -> list[Case]:
    """The cases whose scope holds the event ``event_id`` of ``events``."""
    row = events[events["event_id"] == event_id]
    return [case for case in all_cases(data_dir) if case.mask(row).any()]
