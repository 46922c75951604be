"""Streamlit glue shared by the frame and the pages: cached loading, filters, safe rendering."""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from dashboard import about, config, display, engine, export, geo, i18n, tables
from dashboard.display import (
    case_title,
    filter_summary,
    href,
    oblast_name,
    plain,
    problem_frame,
)
from dashboard.filters import FILTERS, Filters
from dashboard.i18n import _
from dashboard.schema import kind_label
from dashboard.ui.cards import case_card, case_statements, founding_story, headline_figures
from dashboard.ui.details import event_detail, event_table
from dashboard.ui.scale import (
    count_timeline,
    find_event,
    large_notice,
    paged_table,
    select,
    selection,
    store,
    store_map,
    total,
)
from dashboard.ui.sidebar import (
    EVENT_KEY,
    NOTICES_KEY,
    VIEW_PARAMS,
    sidebar_filters,
    widget_key,
)

__all__ = [  # used by the pages through ui
    "case_card",
    "case_statements",
    "case_title",
    "event_detail",
    "event_table",
    "filter_summary",
    "find_event",
    "href",
    "kind_label",
    "oblast_name",
    "founding_story",
    "headline_figures",
    "large_notice",
    "paged_table",
    "plain",
    "problem_frame",
    "selection",
    "sidebar_filters",
    "store",
    "store_map",
    "count_timeline",
    "total",
]

logger = logging.getLogger(__name__)


@st.cache_resource(max_entries=2, show_spinner=False)
def _load(data_dir: str, versions: tuple) -> tables.Dataset:
    del versions  # part of the cache key only: a changed file is a new entry
    return tables.load_dataset(Path(data_dir))


def dataset() -> tables.Dataset:
    """Return the validated dataset, re-read only when a table file changed."""
    return _load(str(config.DATA_DIR), tables.file_versions(config.DATA_DIR))


@st.cache_resource(max_entries=4)
def _localized(data_dir: str, versions: tuple, lang: str) -> tables.Dataset:
    i18n.set_language(lang)
    data = _load(data_dir, versions)
    return replace(data, events=display.localized(data.events))


def localized_dataset() -> tables.Dataset:
    """The dataset as this run's language shows it (see :func:`display.localized`)."""
    if i18n.language() == i18n.DEFAULT:
        return dataset()
    return _localized(str(config.DATA_DIR), tables.file_versions(config.DATA_DIR), i18n.language())


@st.cache_resource
def boundaries() -> dict:
    """Return the bundled oblast boundaries (GeoJSON), read once per process."""
    return geo.load_boundaries()


@st.cache_resource(max_entries=2)
def _content_version(data_dir: str, versions: tuple) -> str:
    del versions  # part of the cache key only
    return tables.content_version(Path(data_dir))


def data_version() -> str:
    """Return the short content hash that citations name, recomputed when a table changes."""
    return _content_version(str(config.DATA_DIR), tables.file_versions(config.DATA_DIR))


def open_event(event_id: str) -> None:
    """Open one event in the detail view (and in the URL); an empty id closes it."""
    st.session_state[EVENT_KEY] = event_id
    if not event_id:
        for key in [k for k in st.session_state if str(k).startswith("table_")]:
            del st.session_state[key]


def open_selected(table_key: str, event_ids: list[str]) -> None:
    """Open the event whose row was just selected in the table stored under ``table_key``."""
    rows = st.session_state[table_key].selection.rows
    if rows:
        open_event(event_ids[rows[0]])


def show_notices(data: tables.Dataset) -> None:
    """Tell the user about URL values that were ignored and rows that were left out."""
    for notice in st.session_state.get(NOTICES_KEY, []):
        st.warning(plain(notice), icon="⚠️")
    if data.problems:
        label = i18n.ngettext(
            "{n} invalid event row not displayed — why",
            "{n} invalid event rows not displayed — why",
            data.rejected,
        ).format(n=data.rejected)
        with st.expander(f"⚠️ {label}"):
            st.dataframe(problem_frame(data.problems), hide_index=True, width="stretch")


def link_params(filters: Filters) -> dict:
    """URL parameters of a link to another view: the filters and the language."""
    lang = i18n.language()
    return filters.to_query_params() | ({"lang": lang} if lang != i18n.DEFAULT else {})


def language_choice() -> str:
    """Draw the language switch at the top of the sidebar, keep it in the URL, and use it."""
    with st.sidebar:
        lang = view_choice(
            "lang",
            list(i18n.LANGUAGES),
            i18n.DEFAULT,
            st.segmented_control,
            "Language · Мова",
            format_func=i18n.LANGUAGES.get,
            label_visibility="collapsed",
        )
    lang = i18n.set_language(lang)
    if st.session_state.get(_DRAWN_IN, lang) != lang:
        _relabel_choices()
    st.session_state[_DRAWN_IN] = lang
    return lang


_DRAWN_IN = "drawn_in_language"


def _relabel_choices() -> None:
    """Set again the value of every widget whose choices are labelled in the interface language.

    Streamlit keeps a choice by its label, so after a language switch the old label would match
    no choice (and come back as a stray value); set from the kept value, the widget labels it
    anew. Runs before any of those widgets is drawn in this run.
    """
    state = st.session_state
    keys = [widget_key(spec) for spec in FILTERS if spec.widget in {"multiselect", "select"}]
    keys += [_view_keys(param)[1] for param in VIEW_PARAMS if param != "lang"]
    for key in keys:
        if key in state:
            state[key] = state[key]


def view_url(page: str, filters: Filters) -> str:
    """Return the absolute URL of this view when the browser told us, else a relative one."""
    query = urlencode(link_params(filters), doseq=True)
    base = ""
    url = getattr(st.context, "url", None)
    if url:
        match = re.match(r"(https?://[^/]+)", url)
        base = match.group(1) if match else ""
    return f"{base}/{page}" + (f"?{query}" if query else "")


def view_label(name: str, filters: Filters) -> str:
    """A short label of a view for file names: 'strikes kind strike start 2023-01-10'."""
    params = filters.without_event().to_query_params()
    return " ".join(
        [name] + [f"{k} {' '.join(v) if isinstance(v, list) else v}" for k, v in params.items()]
    )


def download_buttons(events, label: str, key: str, view: str) -> None:
    """Offer exactly ``events`` (a frame, or a store selection read only on click) as CSV
    (UTF-8 with BOM) and as a ZIP with the data dictionary and a citation; files are named
    after the view and the data version and built on click."""
    version = data_version()
    stem = export.file_stem(label, version)
    if isinstance(events, engine.Selection):
        rows, size = events.frame, events.count
    else:
        rows, size = (lambda: display.as_recorded(events)), len(events)
    cite = export.citation(view, version, date.today(), size)
    left, right = st.columns(2)
    left.download_button(
        _("Download CSV"),
        lambda: export.to_csv_bytes(rows()),
        file_name=f"{stem}.csv",
        mime="text/csv",
        key=key,
        icon="⬇",
        on_click="ignore",
    )
    right.download_button(
        _("Download ZIP (CSV, dictionary, citation)"),
        lambda: export.to_zip_bytes(rows(), stem, cite, about.dictionary_frame()),
        file_name=f"{stem}.zip",
        mime="application/zip",
        key=f"{key}_zip",
        icon="⬇",
        on_click="ignore",
    )


def _leave_legacy_multipage_mode() -> None:
    """Rerun through the frame when Streamlit ran a page file on its own.

    A server whose first visitor opens a deep link (``/map``) runs ``pages/map.py`` directly,
    because a ``pages/`` folder starts Streamlit in its legacy multipage mode until some run
    calls ``st.navigation`` (streamlit/streamlit#10276). Without the frame there are no
    filters and the URL is ignored, so switch the process to ``st.navigation`` and rerun, once.
    A page run on its own with no frame to return to (a test opening the page file) goes on
    with default filters.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if not PagesManager.uses_pages_directory:
        return
    if st.session_state.get(_LEGACY_RERUN_KEY):
        st.error(_("This page could not load the app's filters. Open the app's home page."))
        st.stop()
    st.session_state[_LEGACY_RERUN_KEY] = True
    PagesManager.uses_pages_directory = False
    st.rerun()


_LEGACY_RERUN_KEY = "left_legacy_multipage_mode"


def page_start(title: str, intro: str = "") -> tuple[tables.Dataset, Filters, pd.DataFrame | None]:
    """Title a page, show notices, and return the dataset, the filters and the filtered rows
    (None when too many to hold: :func:`selection` then answers in SQL).

    ``title`` and ``intro`` are English catalog strings (marked with ``N_``), translated here
    once the page knows its language.
    """
    if "filters" not in st.session_state:
        _leave_legacy_multipage_mode()
    # The frame chose the language; a page run on its own (a test) takes it from the session.
    i18n.set_language(st.session_state.get(_view_keys("lang")[0]))
    st.title(_(title))
    if intro:
        st.caption(_(intro))
    data = localized_dataset()
    filters: Filters = st.session_state.get("filters") or Filters()
    show_notices(data)
    chosen = select(filters)
    # A large selection stays in the store: the page draws aggregates and pages of rows.
    events = None if chosen.large else display.localized(chosen.frame())
    missing = display.untranslated(events) if events is not None else 0
    if missing and i18n.language() == "uk":
        st.caption(
            i18n.ngettext(
                "{n} event in this view has no Ukrainian title yet and is shown in English.",
                "{n} events in this view have no Ukrainian title yet and are shown in English.",
                missing,
            ).format(n=i18n.number(missing))
        )
    return data, filters, events


def guarded(step):
    """Run one step of a page; if it fails, log the traceback on the server and show a plain
    message instead (Streamlit's own rerun and stop signals pass through)."""
    try:
        return step()
    except Exception:
        logger.exception("page %s failed", st.session_state.get("page_path", "?"))
        st.error(
            _(
                "Something went wrong while drawing this view. The error was logged. Try "
                "clearing the filters in the sidebar, or open the Overview."
            ),
            icon="⚠️",
        )
        return None


def view_choice(
    param: str,
    options: list[str],
    default: str,
    widget=st.segmented_control,
    label: str = "",
    **kwargs,
) -> str:
    """Draw a widget choosing one of ``options``, restored from and mirrored to ``?param=``.

    On the session's first use the URL value is read (a bad one falls back to ``default`` with
    a notice); the choice is kept in session state, so it survives visits to other pages,
    and written back to the URL (left out when it is the default).

    Args:
        param: URL parameter, one of :data:`VIEW_PARAMS`.
        options: Allowed values, as written in the URL.
        default: Value when the URL has none.
        widget: A Streamlit widget taking ``(label, options, key=...)``.
        label: The widget's label.
        **kwargs: More widget arguments (``format_func``, ``horizontal``...).
    """
    state = st.session_state
    kept, shown = _view_keys(param)
    if kept not in state:
        raw = st.query_params.get(param)
        state[kept] = default
        if raw is not None and raw in options:
            state[kept] = raw
        elif raw is not None:
            notice = _("Ignored {param}={value}: not one of {options}; showing {default}.").format(
                param=param, value=repr(raw[:60]), options=", ".join(options), default=default
            )
            state[NOTICES_KEY] = [*state.get(NOTICES_KEY, []), notice]
            st.warning(plain(notice), icon="⚠️")
    if shown not in state:
        state[shown] = state[kept]
    value = widget(
        label,
        options,
        key=shown,
        on_change=_keep_view_choice,
        args=(kept, shown, options),
        **kwargs,
    )
    value = value if value in options else state[kept]
    state[kept] = value
    if value == default:
        st.query_params.pop(param, None)
    else:
        st.query_params[param] = value
    return value


def _view_keys(param: str) -> tuple[str, str]:
    """Session-state keys of a view choice: the value kept across pages, and its widget."""
    return f"view_{param}", f"view_{param}_widget"


def _keep_view_choice(kept: str, shown: str, options: list[str]) -> None:
    """Undo a click that deselects a segmented control: a view always shows something."""
    if st.session_state[shown] not in options:
        st.session_state[shown] = st.session_state[kept]
