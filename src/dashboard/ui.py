"""Streamlit glue shared by the frame and the pages: cached loading, filters, safe rendering."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from dashboard import config, export, geo, schema, tables
from dashboard.filters import DEFAULT_RADIUS_KM, RADIUS_RANGE_KM, Filters
from dashboard.oblasts import OBLAST_NAMES

FIRST_DAY = date(2013, 11, 21)  # Euromaidan: the earliest date the ICC's Ukraine situation covers
WIDGETS = {"start": "f_start", "end": "f_end", "kinds": "f_kinds", "oblasts": "f_oblasts",
           "q": "f_q", "near": "f_near", "radius_km": "f_radius", "online": "f_online"}
EVENT_KEY = "event"
NOTICES_KEY = "url_notices"


@st.cache_resource(max_entries=2, show_spinner="Loading events…")
def _load(data_dir: str, versions: tuple) -> tables.Dataset:
    del versions  # part of the cache key only: a changed file is a new entry
    return tables.load_dataset(Path(data_dir))


def dataset() -> tables.Dataset:
    """Return the validated dataset, re-read only when a table file changed."""
    return _load(str(config.DATA_DIR), tables.file_versions(config.DATA_DIR))


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


@st.cache_resource
def place_options() -> list[str]:
    """Names offered by the place picker: Ukrainian places, most populous first."""
    return geo.place_names()


def _init_from_url() -> None:
    """On a session's first run, turn the URL into widget state and remember any notices."""
    params = {name: st.query_params.get_all(name) for name in st.query_params}
    filters, notices = Filters.from_query_params(params)
    state = st.session_state
    state[WIDGETS["start"]] = filters.start
    state[WIDGETS["end"]] = filters.end
    state[WIDGETS["kinds"]] = list(filters.kinds)
    state[WIDGETS["oblasts"]] = list(filters.oblasts)
    state[WIDGETS["q"]] = filters.q
    state[WIDGETS["near"]] = filters.near or None
    state[WIDGETS["radius_km"]] = filters.radius_km
    state[WIDGETS["online"]] = config.ONLINE_GEOCODING
    state[EVENT_KEY] = filters.event
    state[NOTICES_KEY] = notices


def _clear_notices() -> None:
    st.session_state[NOTICES_KEY] = []


def sidebar_filters() -> Filters:
    """Draw the shared filters in the sidebar, mirror them to the URL and return them."""
    state = st.session_state
    if NOTICES_KEY not in state:
        _init_from_url()
    with st.sidebar:
        st.header("Filters")
        left, right = st.columns(2)
        left.date_input("From", key=WIDGETS["start"], min_value=FIRST_DAY,
                        max_value=date.today(), format="YYYY-MM-DD", on_change=_clear_notices)
        right.date_input("To", key=WIDGETS["end"], min_value=FIRST_DAY,
                         max_value=date.today(), format="YYYY-MM-DD", on_change=_clear_notices)
        st.multiselect("Kind", list(schema.KINDS), key=WIDGETS["kinds"],
                       format_func=schema.KIND_LABELS.get, placeholder="All kinds",
                       on_change=_clear_notices)
        st.multiselect("Oblast", list(OBLAST_NAMES), key=WIDGETS["oblasts"],
                       format_func=lambda code: f"{OBLAST_NAMES[code]} ({code})",
                       placeholder="All of Ukraine", on_change=_clear_notices)
        st.text_input("Search text", key=WIDGETS["q"], placeholder="e.g. Kh-22, hospital, Khan",
                      max_chars=200, on_change=_clear_notices)
        st.selectbox("Near a place", place_options(), key=WIDGETS["near"], index=None,
                     accept_new_options=True, placeholder="Type a place: Bucha, Kharkov…",
                     on_change=_clear_notices,
                     help="Any spelling: Kiev, Київ, Artemivsk. Keeps events within the radius.")
        st.number_input("Radius (km)", key=WIDGETS["radius_km"], min_value=RADIUS_RANGE_KM[0],
                        max_value=RADIUS_RANGE_KM[1], step=5.0, format="%.0f",
                        on_change=_clear_notices,
                        disabled=not state.get(WIDGETS["near"]))
        st.toggle("Look up unknown places online", key=WIDGETS["online"],
                  on_change=_clear_notices,
                  help="Ask OpenStreetMap's Nominatim (one request a second, answers cached) "
                       "for a place the offline gazetteer does not know.")
    near = (state[WIDGETS["near"]] or "").strip()
    online = bool(state[WIDGETS["online"]])
    place, message = geo.lookup_place(near, online=online) if near else (None, "")
    if near and place is None:
        where = "online or in the gazetteer" if online else "in the gazetteer"
        state[NOTICES_KEY] = [f"No place called {near!r} {where}; the near filter is off."
                              + (f" ({message})" if online and message else "")]
        near = ""
    elif place is not None:
        st.sidebar.caption(place_caption(place))
    filters = Filters(
        start=state[WIDGETS["start"]], end=state[WIDGETS["end"]],
        kinds=tuple(state[WIDGETS["kinds"]]), oblasts=tuple(state[WIDGETS["oblasts"]]),
        q=state[WIDGETS["q"]].strip(), near=near,
        radius_km=float(state[WIDGETS["radius_km"]] or DEFAULT_RADIUS_KM),
        event=state.get(EVENT_KEY, ""), online=online)
    if filters.start and filters.end and filters.start > filters.end:
        state[NOTICES_KEY] = ["'From' is after 'To': the date filter is off until you fix it."]
        filters = replace(filters, start=None, end=None)
    st.query_params.from_dict({**filters.to_query_params(), **{
        k: st.query_params.get_all(k) for k in VIEW_PARAMS if k in st.query_params}})
    return filters


def place_caption(place: geo.Place) -> str:
    """Say which place a name resolved to, and how many others share the name."""
    where = ", ".join(part for part in (place.name, place.admin1 or place.country) if part)
    text = f"Centred on {where} ({place.lat:.3f}, {place.lon:.3f})."
    if place.source in {"nominatim", "cache"}:
        text += " Found online in OpenStreetMap (Nominatim)."
    if place.alternatives:
        others = len(place.alternatives)
        text += (f" {others} other place{'s' if others > 1 else ''} share this name; "
                 "pick one by typing it with its oblast, e.g. 'Novoselivka, Donetsk'.")
    return text


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
        st.warning(notice, icon="⚠️")
    if data.problems:
        with st.expander(f"⚠️ {data.rejected} invalid event row(s) not displayed — why"):
            st.dataframe(problem_frame(data.problems), hide_index=True, width="stretch")


def problem_frame(problems: tuple[tables.Problem, ...]) -> pd.DataFrame:
    return pd.DataFrame([{"file": p.file, "line": p.line, "column": p.column,
                          "problem": p.message, "value": p.value} for p in problems])


def view_url(page: str, filters: Filters) -> str:
    """Return the absolute URL of this view when the browser told us, else a relative one."""
    query = urlencode(filters.to_query_params(), doseq=True)
    base = ""
    url = getattr(st.context, "url", None)
    if url:
        match = re.match(r"(https?://[^/]+)", url)
        base = match.group(1) if match else ""
    return f"{base}/{page}" + (f"?{query}" if query else "")


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def plain(text: object) -> str:
    """Escape Markdown so event text shows literally (never as HTML, links or formatting).

    >>> plain("<b>x</b> [y](javascript:z)")
    '\\\\<b\\\\>x\\\\</b\\\\> \\\\[y\\\\]\\\\(javascript\\\\:z\\\\)'
    """
    if text is None or (isinstance(text, float) and pd.isna(text)) or text is pd.NA:
        return ""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))


def safe_link(url: object, label: str | None = None) -> str:
    """Return a Markdown link for an http(s) URL, or the escaped text for anything else."""
    text = "" if url is None or url is pd.NA else str(url).strip()
    if not re.fullmatch(r"https?://[^\s<>()\[\]]+", text):
        return plain(text)
    return f"[{plain(label or text)}]({text})"


def metric_number(value: float | int | None) -> str:
    return "—" if value is None or pd.isna(value) else f"{int(value):,}"


def for_display(events: pd.DataFrame) -> pd.DataFrame:
    """Blank out missing text so tables show empty cells rather than 'None'."""
    text = [c for c in events.columns if pd.api.types.is_string_dtype(events[c])]
    return events.assign(**{c: events[c].fillna("") for c in text})


def event_table_config() -> dict:
    """Column settings shared by every event table: clickable sources, readable dates."""
    return {
        "event_id": st.column_config.TextColumn("Event", width="small"),
        "date": st.column_config.DateColumn("Date", format="YYYY-MM-DD"),
        "end_date": st.column_config.DateColumn("Until", format="YYYY-MM-DD"),
        "source_date": st.column_config.DateColumn("Published", format="YYYY-MM-DD"),
        "source_url": st.column_config.LinkColumn("Source", validate=r"^https?://",
                                                  display_text=r"https?://(?:www\.)?([^/]+)"),
        "kind": st.column_config.TextColumn("Kind"),
        "place": st.column_config.TextColumn("Place"),
        "admin1": st.column_config.TextColumn("Oblast"),
        "geo_precision": st.column_config.TextColumn("Located to"),
        "actor": st.column_config.TextColumn("Actor"),
        "verification": st.column_config.TextColumn("Verification"),
        "title": st.column_config.TextColumn("Title", width="large"),
        "distance_km": st.column_config.NumberColumn("Distance (km)", format="%.1f"),
        "killed": st.column_config.NumberColumn("Killed", format="%d"),
        "injured": st.column_config.NumberColumn("Injured", format="%d"),
        "children": st.column_config.NumberColumn("Children", format="%d"),
    }


def event_detail(row: pd.Series) -> None:
    """Show every field of one event with its sources as links."""
    kind = schema.KINDS[str(row["kind"])]
    st.subheader(plain(row["title"]))
    when = row["date"].date().isoformat()
    if pd.notna(row["end_date"]):
        when += f" to {row['end_date'].date().isoformat()}"
    st.caption(f"{plain(row['event_id'])} · {kind.label[:-1]} · {when} · "
               f"{plain(row['place'])} ({plain(row['place_uk'])}) · {plain(row['verification'])}")
    st.markdown(plain(row["description"]))
    if kind.name == "statement" and pd.notna(row["quote"]) and str(row["quote"]):
        st.markdown(f"> “{plain(row['quote'])}” — {plain(row['speaker'])}")
    sources = [safe_link(row["source_url"], str(row["source_name"]))]
    others = "" if pd.isna(row["other_sources"]) else str(row["other_sources"])
    sources += [safe_link(url.strip()) for url in others.split(";") if url.strip()]
    st.markdown("**Sources**\n\n" + "\n".join(f"- {s}" for s in sources))
    fields = [f for f in schema.table_fields(kind.name)
              if f.name not in {"title", "description", "source_url", "other_sources"}]
    shown = pd.DataFrame({"field": [f.name for f in fields],
                          "value": [_cell(row[f.name]) for f in fields]})
    st.dataframe(shown, hide_index=True, width="stretch")


def _cell(value: object) -> str:
    if value is None or value is pd.NA or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def download_button(events: pd.DataFrame, name: str, key: str) -> None:
    """Offer exactly ``events`` as a CSV file."""
    st.download_button("Download CSV", export.to_csv_bytes(events), file_name=name,
                       mime="text/csv", key=key, icon=":material/download:",
                       on_click="ignore")


def _leave_legacy_multipage_mode() -> None:
    """Rerun through the frame when Streamlit ran a page file on its own.

    A server whose first visitor opens a deep link (``/map``) runs ``pages/map.py`` directly,
    because a ``pages/`` folder starts Streamlit in its legacy multipage mode until some run
    calls ``st.navigation`` (streamlit/streamlit#10276). Without the frame there are no
    filters and the URL is ignored, so switch the process to ``st.navigation`` and rerun.
    """
    from streamlit.runtime.pages_manager import PagesManager

    PagesManager.uses_pages_directory = False
    st.rerun()


def page_start(title: str, intro: str = "") -> tuple[tables.Dataset, Filters, pd.DataFrame]:
    """Title a page, show notices, and return the dataset, the filters and the filtered rows."""
    if "filters" not in st.session_state:
        _leave_legacy_multipage_mode()
    st.title(title)
    if intro:
        st.caption(intro)
    data = dataset()
    filters: Filters = st.session_state.get("filters") or Filters()
    show_notices(data)
    events = filters.apply(data.events)
    return data, filters, events


def filter_summary(filters: Filters, shown: int, total: int) -> str:
    """Describe the active filters in one line, e.g. '12 of 300 events · strikes · near Bucha'."""
    parts = [f"{shown:,} of {total:,} events"]
    if filters.start or filters.end:
        parts.append(f"{filters.start or '…'} to {filters.end or '…'}")
    if filters.kinds:
        parts.append(", ".join(schema.KIND_LABELS[k].lower() for k in filters.kinds))
    if filters.oblasts:
        parts.append(", ".join(OBLAST_NAMES.get(c, c) for c in filters.oblasts))
    if filters.q:
        parts.append(f"matching “{filters.q}”")
    if filters.near:
        parts.append(f"within {filters.radius_km:g} km of {filters.near}")
    return " · ".join(parts)


# Page view choices in the URL (map mode, shading metric, timeline step): not filters, so they
# live beside them; sidebar_filters keeps these keys when it rewrites the URL.
VIEW_PARAMS = ("map", "shade", "period")


def view_choice(param: str, options: list[str], default: str, widget=st.segmented_control,
                label: str = "", **kwargs) -> str:
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
    kept, shown = f"view_{param}", f"view_{param}_widget"
    if kept not in state:
        raw = st.query_params.get(param)
        state[kept] = default
        if raw is not None and raw in options:
            state[kept] = raw
        elif raw is not None:
            notice = (f"Ignored {param}={raw[:60]!r}: not one of {', '.join(options)}; "
                      f"showing {default}.")
            state[NOTICES_KEY] = [*state.get(NOTICES_KEY, []), notice]
            st.warning(notice, icon="⚠️")
    if shown not in state:
        state[shown] = state[kept]
    value = widget(label, options, key=shown, on_change=_keep_view_choice,
                   args=(kept, shown, options), **kwargs)
    value = value if value in options else state[kept]
    state[kept] = value
    if value == default:
        st.query_params.pop(param, None)
    else:
        st.query_params[param] = value
    return value


def _keep_view_choice(kept: str, shown: str, options: list[str]) -> None:
    """Undo a click that deselects a segmented control: a view always shows something."""
    if st.session_state[shown] not in options:
        st.session_state[shown] = st.session_state[kept]
