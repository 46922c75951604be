"""Text for pages, built without Streamlit: escaping, links, numbers, filter summaries.

Every piece of text that comes from a URL, a widget or a data file reaches a page through
:func:`plain`, which shows it literally (no Markdown, no HTML, no LaTeX) and caps its length.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pandas as pd

from dashboard import geo, i18n, schema
from dashboard.filters import Filters
from dashboard.i18n import _, ngettext
from dashboard.oblasts import OBLAST_NAMES, OBLAST_NAMES_UK

MAX_SHOWN = 300  # characters of one user-supplied value shown on a page
LONG_TEXT = 4000  # characters of a curated description or conduct shown in full
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
    return "—" if value is None or pd.isna(value) else i18n.number(int(value))


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


# Columns shown in Ukrainian when the interface is: each takes its ``_uk`` twin where present.
UKRAINIAN_TWINS = {"title": "title_uk", "description": "description_uk", "place": "place_uk"}
LOCALIZED = (*UKRAINIAN_TWINS, "admin1")
ORIGINAL = "__recorded"  # suffix of the columns keeping the recorded text beside the shown text


def localized(events: pd.DataFrame) -> pd.DataFrame:
    """The rows as this run's language shows them: in Ukrainian, titles, descriptions and
    places from their ``_uk`` columns (the English text stays where a row has none) and oblasts
    by their Ukrainian names; the recorded text is kept in ``<column>__recorded`` so exports
    can restore it. In English the frame is returned as it is."""
    if i18n.language() != "uk" or events.empty:
        return events
    out = events.copy()
    for column, twin in UKRAINIAN_TWINS.items():
        if twin in out and column in out:
            out[column + ORIGINAL] = out[column]
            out[column] = out[twin].fillna(out[column])
    if "admin1_code" in out and "admin1" in out:
        out["admin1" + ORIGINAL] = out["admin1"]
        names = out["admin1_code"].astype("string").map(OBLAST_NAMES_UK).astype("string")
        out["admin1"] = names.fillna(out["admin1"])
    return out


def as_recorded(events: pd.DataFrame) -> pd.DataFrame:
    """The rows with their text columns as the tables hold them, undoing :func:`localized`
    (which keeps the recorded text beside the shown text); other frames are returned as they
    are."""
    kept = [c for c in LOCALIZED if c + ORIGINAL in events]
    restored = events.assign(**{c: events[c + ORIGINAL] for c in kept})
    return restored.drop(columns=[c + ORIGINAL for c in kept])


def untranslated(events: pd.DataFrame) -> int:
    """How many rows the Ukrainian interface shows with an English title (none translated)."""
    return int(events["title_uk"].isna().sum()) if "title_uk" in events else 0


def place_caption(place: geo.Place) -> str:
    """Say which place a name resolved to, and how many others share the name (escaped)."""
    where = ", ".join(part for part in (place.name, place.admin1 or place.country) if part)
    text = _("Centred on {place} ({lat}, {lon}).").format(
        place=plain(where), lat=f"{place.lat:.3f}", lon=f"{place.lon:.3f}"
    )
    if place.source in {"nominatim", "cache"}:
        text += " " + _("Found online in OpenStreetMap (Nominatim).")
    if place.alternatives:
        others = len(place.alternatives)
        text += " " + ngettext(
            "{n} other place shares this name; pick one by typing it with its oblast, "
            "e.g. 'Novoselivka, Donetsk'.",
            "{n} other places share this name; pick one by typing it with its oblast, "
            "e.g. 'Novoselivka, Donetsk'.",
            others,
        ).format(n=others)
    return text


def href(page: str, **params: str) -> str:
    """A link to another page of the app that keeps this run's language.

    >>> href("explore", event="STR-0001")
    '/explore?event=STR-0001'
    """
    if i18n.language() != i18n.DEFAULT:
        params["lang"] = i18n.language()
    return f"/{page}?" + urlencode(params)


def oblast_name(code: str) -> str:
    """An oblast's name in this run's language (the code itself when unknown)."""
    names = OBLAST_NAMES_UK if i18n.language() == "uk" else OBLAST_NAMES
    return names.get(code, code)


def case_title(case) -> str:
    """A case's title in this run's language (its English title when no translation)."""
    return case.in_language(i18n.language()).title


def filter_summary(filters: Filters, shown: int, total: int) -> str:
    """Describe the active filters in one escaped line: '12 of 300 events · strikes · …'."""
    parts = [
        ngettext("{shown} of {total} event", "{shown} of {total} events", total).format(
            shown=i18n.number(shown), total=i18n.number(total)
        )
    ]
    if filters.start or filters.end:
        parts.append(
            _("{start} to {end}").format(start=filters.start or "…", end=filters.end or "…")
        )
    if filters.kinds:
        parts.append(", ".join(schema.kind_label(k).lower() for k in filters.kinds))
    if filters.oblasts:
        parts.append(", ".join(oblast_name(c) for c in filters.oblasts))
    if filters.case:
        parts.append(_("within the scope of {case}").format(case=case_title(filters.case)))
    if filters.q:
        parts.append(_("matching “{text}”").format(text=filters.q))
    if filters.near:
        where = filters.near.query or filters.near.name
        parts.append(
            _("within {km} km of {place}").format(km=f"{filters.radius_km:g}", place=where)
            + (" " + _("(with oblast-level places)") if filters.vague else "")
        )
    return plain(" · ".join(parts), limit=MAX_SHOWN * 3)


def problem_frame(problems: tuple) -> pd.DataFrame:
    """One row per validation problem, for a table."""
    return pd.DataFrame(
        [
            {
                _("file"): p.file,
                _("line"): p.line,
                _("column"): p.column,
                _("problem"): p.message,
                _("value"): p.value,
            }
            for p in problems
        ]
    )
