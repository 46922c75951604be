"""The row-level import report: where rows were set aside and why, first lines then counts."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

FIRST_LINES = 20


@dataclass
class ImportReport:
    """What an import read, kept and set aside.

    Attributes:
        file: Name of the source file, as shown in ``file:line`` locations.
        records: Whether locations count records (JSON, ``file#3`` is the third) rather
            than lines.
        rows_read: Source rows seen.
        rows_kept: Rows written to the set.
        reasons: Rows set aside, per reason.
        limit: How many set-aside rows to list line by line.
        first: The first ``limit`` set-aside rows as ``(line, reason)``.
        kinds: Kept rows per kind.
    """

    file: str
    records: bool = False
    limit: int = FIRST_LINES
    rows_read: int = 0
    rows_kept: int = 0
    reasons: Counter = field(default_factory=Counter)
    first: list[tuple[int, str]] = field(default_factory=list)
    kinds: Counter = field(default_factory=Counter)

    @property
    def rows_set_aside(self) -> int:
        """Rows left out of the set."""
        return sum(self.reasons.values())

    def add(self, lines: np.ndarray, reasons: pd.Series, kinds: pd.Series) -> None:
        """Record one chunk: its line numbers, a reason per row ("" = kept), the kept kinds."""
        aside = reasons.to_numpy() != ""
        self.rows_read += len(reasons)
        self.rows_kept += int((~aside).sum())
        self.kinds.update(kinds[~aside].value_counts().to_dict())
        if aside.any():
            self.reasons.update(reasons[aside].value_counts().to_dict())
            room = self.limit - len(self.first)
            if room > 0:
                index = np.flatnonzero(aside)[:room]
                self.first.extend(
                    zip(lines[index].tolist(), reasons.iloc[index].tolist(), strict=True)
                )

    def lines(self) -> list[str]:
        """Return the report as printable lines."""
        out = [
            f"{self.file}: {self.rows_read:,} rows read, {self.rows_kept:,} kept, "
            f"{self.rows_set_aside:,} set aside"
        ]
        if self.kinds:
            out.append(
                "Kept: " + ", ".join(f"{kind} {n:,}" for kind, n in sorted(self.kinds.items()))
            )
        if self.first:
            out.append(f"First rows set aside (of {self.rows_set_aside:,}):")
            mark = "#" if self.records else ":"
            out += [f"  {self.file}{mark}{line} {reason}" for line, reason in self.first]
        if self.reasons:
            out.append("Set aside per reason:")
            out += [f"  {n:>9,}  {reason}" for reason, n in self.reasons.most_common()]
        return out
