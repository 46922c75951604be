"""The shared filters in the sidebar: drawn from the filter registry, read from and written to
the URL, validated once into :class:`~dashboard.filters.Filters`."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import streamlit as st

from dashboard import cases, config, display, geo, schema
from dashboard.filters import (
    CURATED,
    FILTERS,
    FIRST_DAY,
    MAX_QUERY_LENGTH,
    RADIUS_RANGE_KM,
    Filters,
    FilterSpec,
    Rejected,
)
from dashboard.i18n import _

EVENT_KEY = "event"

NOTICES_KEY = "url_notices"

ONLINE_KEY = "f_online"

# Per-page view state kept in the URL beside the filters (map mode, shading, timeline step).
VIEW_PARAMS = ("map", "shade", "period", "lang")


@st.cache_resource
def place_options() -> list[str]:
    """Names offered by the place picker: Ukrainian places, most populous first."""
    return geo.place_names()


def _widget_value(spec: FilterSpec, value: object) -> object:
    """The sidebar widget's state for a filter value."""
    if spec.many:
        return list(value)
    if spec.widget == "place":
        return (value.query or value.name) if value else None
    if spec.widget == "select":
        return spec.dump(value)[0] if value else None
    return value


def _init_from_url() -> None:
    """On a session's first run, turn the URL into widget state and remember any notices."""
    state = st.session_state
    state[ONLINE_KEY] = config.ONLINE_GEOCODING
    params = {name: st.query_params.get_all(name) for name in st.query_params}
    filters, notices = Filters.from_query_params(params, online=state[ONLINE_KEY])
    for spec in FILTERS:
        state[widget_key(spec)] = _widget_value(spec, getattr(filters, spec.field))
    state[NOTICES_KEY] = notices


def _clear_notices() -> None:
    st.session_state[NOTICES_KEY] = []


def widget_key(spec: FilterSpec) -> str:
    """Session-state key of a filter's widget (``event`` is kept under ``EVENT_KEY``)."""
    return EVENT_KEY if spec.field == "event" else f"f_{spec.field}"


def _draw(spec: FilterSpec, disabled: bool) -> None:
    """Draw one filter's widget as its spec declares."""
    key, label = widget_key(spec), _(spec.label)
    common = {"on_change": _clear_notices, "help": _(spec.help) if spec.help else None}
    if spec.widget == "date":
        st.date_input(
            label,
            key=key,
            min_value=FIRST_DAY,
            max_value=date.today(),
            format="YYYY-MM-DD",
            **common,
        )
    elif spec.widget == "multiselect":
        st.multiselect(
            label,
            spec.options(),
            key=key,
            format_func=lambda value: option_label(spec, value),
            placeholder=_("All"),
            **common,
        )
    elif spec.widget == "select":
        st.selectbox(
            label,
            spec.options(),
            key=key,
            index=None,
            format_func=lambda value: option_label(spec, value),
            placeholder=_("Any"),
            **common,
        )
    elif spec.widget == "text":
        st.text_input(
            label,
            key=key,
            max_chars=MAX_QUERY_LENGTH,
            placeholder=_("e.g. Kh-22, hospital, Khan"),
            **common,
        )
    elif spec.widget == "place":
        st.selectbox(
            label,
            place_options(),
            key=key,
            index=None,
            accept_new_options=True,
            placeholder=_("Type a place: Bucha, Kharkov…"),
            **common,
        )
    elif spec.widget == "number":
        st.number_input(
            label,
            key=key,
            min_value=RADIUS_RANGE_KM[0],
            max_value=RADIUS_RANGE_KM[1],
            step=5.0,
            format="%.0f",
            disabled=disabled,
            **common,
        )
    elif spec.widget == "checkbox":
        st.checkbox(label, key=key, disabled=disabled, **common)


def _from_widgets() -> tuple[Filters, list[str]]:
    """Validate the widgets' values into filters, once, at the edge (``near`` is geocoded here)."""
    state, values, notices = st.session_state, {}, []
    for spec in FILTERS:
        value = state.get(widget_key(spec))
        if value in (None, "", []):
            continue
        if spec.widget in {"text", "place", "select"} or spec.field == "event":
            try:
                value = spec.parse(str(value), state.get(ONLINE_KEY))
            except Rejected as why:
                notices.append(
                    _("{label}: {value} ignored, {why}.").format(
                        label=_(spec.label), value=repr(str(value)[:60]), why=why
                    )
                )
                continue
        values[spec.field] = tuple(value) if spec.many else value
    filters = Filters(**values)
    if filters.start and filters.end and filters.start > filters.end:
        notices.append(_("'From' is after 'To': the date filter is off until you fix it."))
        filters = replace(filters, start=None, end=None)
    return filters, notices


def sidebar_filters() -> Filters:
    """Draw the shared filters in the sidebar, mirror them to the URL and return them."""
    state = st.session_state
    if NOTICES_KEY not in state:
        _init_from_url()
    with st.sidebar:
        st.header(_("Filters"))
        for spec in FILTERS:
            needs = state.get(f"f_{spec.needs}") if spec.needs else True
            _draw(spec, disabled=not needs)
        st.toggle(
            _("Look up unknown places online"),
            key=ONLINE_KEY,
            on_change=_clear_notices,
            help=_(
                "Ask OpenStreetMap's Nominatim (one request a second, answers cached) "
                "for a place the offline gazetteer does not know."
            ),
        )
    filters, notices = _from_widgets()
    if notices:
        state[NOTICES_KEY] = notices
    if filters.near is not None:
        st.sidebar.caption(display.place_caption(filters.near))
    kept = {name: st.query_params.get_all(name) for name in VIEW_PARAMS if name in st.query_params}
    st.query_params.from_dict({**filters.to_query_params(), **kept})
    return filters


def option_label(spec: FilterSpec, value: str) -> str:
    """How a filter's choice reads in the sidebar, in this run's language."""
    if spec.field == "kinds":
        return schema.kind_label(value)
    if spec.field == "oblasts":
        return f"{display.oblast_name(value)} ({value})"
    if spec.field == "case":
        case = cases.case_by_id(value)
        return display.case_title(case) if case else value
    if spec.field == "datasets":
        return _("Curated record") if value == CURATED else _("Imported: {name}").format(name=value)
    return spec.option_label(value) if spec.option_label else value
