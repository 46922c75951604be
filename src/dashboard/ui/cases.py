"""Widgets of the figures and the cases: headline numbers with what they count, the
story of how the cases began, and a case's card and statements."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import cases, display, figures
from dashboard.display import metric_number, plain

FIGURE_LABELS = {
    "killed": "Killed in strikes",
    "injured": "Injured in strikes",
    "children_removed": "Children removed",
    "children_returned": "Children returned",
}


def headline_figures(events: pd.DataFrame, names: tuple[str, ...] = ()) -> None:
    """Show the headline figures of ``events`` (only ``names`` when given) with what each
    counts and leaves out."""
    computed = {k: v for k, v in figures.headline(events).items() if not names or k in names}
    for column, (name, figure) in zip(st.columns(len(computed)), computed.items(), strict=True):
        column.metric(FIGURE_LABELS[name], metric_number(figure.value), help=figure.definition)
        column.caption(plain(figures.counted_text(figure)))
    for name, report in figures.largest_reports(events).items():
        what = "children" if name == "children" else "people killed"
        st.caption(
            f"Not added above: the largest figure a report or campaign summary in view "
            f"states is {report.value:,} {what} "
            f"([{plain(report.event_id)}](/explore?event={report.event_id}), "
            f"{plain(report.source_name)}, {report.date})."
        )


FOUNDING_STORY = (
    (
        "STA-0013",
        "7 March 2023: the prosecutor, back from the south, says child deportations "
        "are investigated as a priority",
    ),
    ("VIS-0035", "28 February 2023: his visit to an emptied children's home and to strike sites"),
    (
        "STA-0014",
        "13 March 2023: the report that the court would open two cases, over the "
        "abduction of children and over strikes on power plants; the court declines "
        "to comment",
    ),
    ("STA-0015", "14 March 2023: the Kremlin says it does not recognise the court"),
    ("STA-0017", "17 March 2023: the first warrants, for Putin and Lvova-Belova"),
)


def founding_story(events: pd.DataFrame) -> None:
    """Tell how the cases came to be, each step a link to its event (only those present)."""
    present = set(events["event_id"])
    steps = [
        f"- [{event_id}](/explore?event={event_id}) {plain(text)}"
        for event_id, text in FOUNDING_STORY
        if event_id in present
    ]
    if steps:
        with st.expander("How the cases began", icon=":material/history_edu:"):
            st.markdown("\n".join(steps))


def case_card(case: cases.Case) -> None:
    """Suspects, charges, period, status and source of one case."""
    people = "\n".join(
        f"- **{plain(name)}**, {plain(position)}"
        for name, position in zip(case.suspects, case.positions, strict=True)
    )
    period = (
        f"{case.period_start.isoformat()} to "
        f"{case.period_end.isoformat() if case.period_end else 'an open end'}"
    )
    left, right = st.columns(2)
    left.markdown(f"**Suspects**\n\n{people}")
    right.markdown(
        f"**Alleged crimes**: {plain(case.crimes)} (Rome Statute art. "
        f"{plain(', '.join(case.articles))})\n\n"
        f"**Period named**: {period}\n\n"
        f"**Warrants issued** {case.issued.isoformat()}, made public "
        f"{case.made_public.isoformat()} · **Status**: {plain(case.status)}\n\n"
        f"**Source**: {display.safe_link(case.source_url, case.source_name)}"
    )
    st.markdown(plain(case.conduct))


def case_statements(case: cases.Case, events: pd.DataFrame) -> None:
    """List the statements about a case (the court's, the Kremlin's, others'), as links."""
    about_case = events[events["event_id"].isin(case.related)].sort_values("date")
    if about_case.empty:
        return
    st.subheader("Statements about the case")
    st.markdown(
        "\n".join(
            f"- {row.date.date().isoformat()} [{row.event_id}](/explore?event={row.event_id}) "
            f"{plain(row.title)} ({plain(display.cell(row.speaker))})"
            for row in about_case.itertuples()
        )
    )
