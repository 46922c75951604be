"""Text for pages, built without Streamlit: escaping, links, numbers, filter summaries.

Every piece of text that comes from a URL, a widget or a data file reaches a page through
:func:`plain`, which shows it literally (no Markdown, no HTML, no LaTeX) and caps its length.
"""

from __future__ import annotations

import re

import pandas as pd

from dashboard import geo, schema
from dashboard.filters import Filters
from dashboard.oblasts import OBLAST_NAMES

MAX_SHOWN = 300  # characters of one user-supplied value shown on a page
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Markdown autolinks bare "https://…", "www.…" and e-mail addresses even when escaped; a word
# joiner (invisible) inside each breaks the autolink and leaves the text as typed.
_AUTOLINK = re.compile(r"(?i)(https?|ftp|www|mailto)(?=[:.])|(?=@)")
_WORD_JOINER = "\u2060"
_HTTP_URL = re.compile(r"https?://[^\s<>()\[\]\"'`\\]+")


def is_missing(value: object) -> bool:
    """True for None, NA and NaN (not for empty strings).

    >>> is_missing(float("nan")), is_missing(""), is_missing(pd.NA)
    (True, False, True)
    """
    if value is None or value is pd.NA:
        return True
    return isinstance(value, float) and value != value


def plain(text: object, limit: int = MAX_SHOWN) -> str:
    """Escape text so Markdown shows it literally, cut to ``limit`` characters.

    Control characters are dropped and missing values become the empty string.

    >>> plain("[x](e.g) $y$")
    '\\\\[x\\\\]\\\\(e\\\\.g\\\\) \\\\$y\\\\$'
    """
    if is_missing(text):
        return ""
    value = _CONTROL.sub("", str(text))
    if len(value) > limit:
        value = value[: limit - 1] + "…"
    value = _AUTOLINK.sub(lambda m: (m.group(1) or "") + _WORD_JOINER, value)
    return _MARKDOWN_SPECIAL.sub(r"\\\1", value)


def safe_link(url: object, label: str | None = None) -> str:
    """Return a Markdown link for an http(s) URL, or the escaped text for anything else.

    >>> safe_link("javascript:alert(1)")
    'javascript\\\\:alert\\\\(1\\\\)'
    >>> safe_link("https://icc-cpi.int/news", "ICC")
    '[ICC](https://icc-cpi.int/news)'
    """
    text = "" if is_missing(url) else str(url).strip()
    if not _HTTP_URL.fullmatch(text):
        return plain(text)
    return f"[{plain(label or text)}]({text})"


def metric_number(value: float | int | None) -> str:
    """Format a count for a metric: thousands separated, an em dash when unknown.

    >>> metric_number(1405), metric_number(None)
    ('1,405', '—')
    """
    return "—" if value is None or pd.isna(value) else f"{int(value):,}"


def cell(value: object) -> str:
    """Show one field of an event as text: blank when missing, dates as ISO, 2.0 as 2.

    >>> cell(pd.Timestamp("2023-03-17")), cell(None), cell(2.5)
    ('2023-03-17', '', '2.5')
    """
    if is_missing(value) or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def for_display(events: pd.DataFrame) -> pd.DataFrame:
    """Blank out missing text so tables show empty cells rather than 'None'."""
    text = [c for c in events.columns if pd.api.types.is_string_dtype(events[c])]
    return events.assign(**{c: events[c].fillna("") for c in text})


def place_caption(place: geo.Place) -> str:
    """Say which place a name resolved to, and how many others share the name (escaped)."""
    where = ", ".join(part for part in (place.name, place.admin1 or place.country) if part)
    text = f"Centred on {plain(where)} ({place.lat:.3f}, {place.lon:.3f})."
    if place.source in {"nominatim", "cache"}:
        text += " Found online in OpenStreetMap (Nominatim)."
    if place.alternatives:
        others = len(place.alternatives)
        text += (
            f" {others} other place{'s' if others > 1 else ''} share this name; "
            "pick one by typing it with its oblast, e.g. 'Novoselivka, Donetsk'."
        )
    return text


def filter_summary(filters: Filters, shown: int, total: int) -> str:
    """Describe the active filters in one escaped line: '12 of 300 events · strikes · …'."""
    parts = [f"{shown:,} of {total:,} events"]
    if filters.start or filters.end:
        parts.append(f"{filters.start or '…'} to {filters.end or '…'}")
    if filters.kinds:
        parts.append(", ".join(schema.KIND_LABELS[k].lower() for k in filters.kinds))
    if filters.oblasts:
        parts.append(", ".join(OBLAST_NAMES.get(c, c) for c in filters.oblasts))
    if filters.case:
        parts.append(f"within the scope of {filters.case.title}")
    if filters.q:
        parts.append(f"matching “{filters.q}”")
    if filters.near:
        where = filters.near.query or filters.near.name
        parts.append(
            f"within {filters.radius_km:g} km of {where}"
            + (" (with oblast-level places)" if filters.vague else "")
        )
    return plain(" · ".join(parts), limit=MAX_SHOWN * 3)


def problem_frame(problems: tuple) -> pd.DataFrame:
    """One row per validation problem, for a table."""
    return pd.DataFrame(
        [
            {
                "file": p.file,
                "line": p.line,
                "column": p.column,
                "problem": p.message,
                "value": p.value,
            }
            for p in problems
        ]
    )
