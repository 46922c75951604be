"""Widgets of the figures and the cases: headline numbers with what they count, the
story of how the cases began, and a case's card and statements."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from dashboard import cases, display, engine, figures, i18n
from dashboard.display import LONG_TEXT, href, metric_number, plain
from dashboard.i18n import N_, _

FIGURE_LABELS = {
    "killed": N_("Killed in strikes"),
    "injured": N_("Injured in strikes"),
    "children_removed": N_("Children removed"),
    "children_returned": N_("Children returned"),
}


def headline_figures(events, names: tuple[str, ...] = ()) -> None:
    """Show the headline figures of ``events`` (a frame, or a store selection added up in SQL;
    only ``names`` when given) with what each counts and leaves out."""
    in_store = isinstance(events, engine.Selection)
    found = events.headline() if in_store else figures.headline(events)
    computed = {k: v for k, v in found.items() if not names or k in names}
    for column, (name, figure) in zip(st.columns(len(computed)), computed.items(), strict=True):
        column.metric(
            _(FIGURE_LABELS[name]), metric_number(figure.value), help=_(figure.definition)
        )
        column.caption(plain(figures.counted_text(figure)))
    reports = events.largest_reports() if in_store else figures.largest_reports(events)
    for name, report in reports.items():
        text = (
            _(
                "Not added above: the largest figure a report or campaign summary in view "
                "states is {value} children"
            )
            if name == "children"
            else _(
                "Not added above: the largest figure a report or campaign summary in view "
                "states is {value} people killed"
            )
        )
        st.caption(
            plain(text.format(value=i18n.number(report.value)))
            + f" ([{plain(report.event_id)}]({href('explore', event=report.event_id)}), "
            f"{plain(report.source_name)}, {i18n.day(date.fromisoformat(report.date))})."
        )


FOUNDING_STORY = (
    (
        "STA-0013",
        N_(
            "7 March 2023: the prosecutor, back from the south, says child deportations "
            "are investigated as a priority"
        ),
    ),
    (
        "VIS-0035",
        N_("28 February 2023: his visit to an emptied children's home and to strike sites"),
    ),
    (
        "STA-0014",
        N_(
            "13 March 2023: the report that the court would open two cases, over the "
            "abduction of children and over strikes on power plants; the court declines "
            "to comment"
        ),
    ),
    ("STA-0015", N_("14 March 2023: the Kremlin says it does not recognise the court")),
    ("STA-0017", N_("17 March 2023: the first warrants, for Putin and Lvova-Belova")),
)


def founding_story(events: pd.DataFrame) -> None:
    """Tell how the cases came to be, each step a link to its event (only those present)."""
    present = set(events["event_id"])
    steps = [
        f"- [{event_id}]({href('explore', event=event_id)}) {plain(_(text))}"
        for event_id, text in FOUNDING_STORY
        if event_id in present
    ]
    if steps:
        with st.expander(_("How the cases began")):
            st.markdown("\n".join(steps))


def case_card(case: cases.Case) -> None:
    """Suspects, charges, period, status and source of one case, in this run's language."""
    case = case.in_language(i18n.language())
    people = "\n".join(
        f"- **{plain(name)}**, {plain(position)}"
        for name, position in zip(case.suspects, case.positions, strict=True)
    )
    period = _("{start} to {end}").format(
        start=i18n.day(case.period_start),
        end=i18n.day(case.period_end) if case.period_end else _("an open end"),
    )
    left, right = st.columns(2)
    left.markdown("**" + _("Suspects") + f"**\n\n{people}")
    right.markdown(
        "**"
        + _("Alleged crimes")
        + f"**: {plain(case.crimes, limit=LONG_TEXT)} "
        + plain(_("(Rome Statute art. {articles})").format(articles=", ".join(case.articles)))
        + "\n\n**"
        + _("Period named")
        + f"**: {period}\n\n"
        + _("**Warrants issued** {issued}, made public {public}").format(
            issued=i18n.day(case.issued), public=i18n.day(case.made_public)
        )
        + " · **"
        + _("Status")
        + f"**: {plain(case.status)}\n\n"
        + "**"
        + _("Source")
        + f"**: {display.safe_link(case.source_url, case.source_name)}"
    )
    st.markdown(plain(case.conduct, limit=LONG_TEXT))


def case_statements(case: cases.Case, events: pd.DataFrame) -> None:
    """List the statements about a case (the court's, the Kremlin's, others'), as links."""
    about_case = events[events["event_id"].isin(case.related)].sort_values("date")
    if about_case.empty:
        return
    st.subheader(_("Statements about the case"))
    st.markdown(
        "\n".join(
            f"- {i18n.day(row.date)} [{row.event_id}]({href('explore', event=row.event_id)}) "
            f"{plain(row.title)} ({plain(display.cell(row.speaker))})"
            for row in about_case.itertuples()
        )
    )
