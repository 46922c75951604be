"""The shared view filters: one frozen value that filters frames, declared once per filter.

``FILTERS`` is the single table of filters: each entry names its field on :class:`Filters`, its
URL parameter, its command-line flag, its parser and its sidebar widget. The URL parser, the URL
writer, the sidebar (``ui.sidebar_filters``) and the CLI (``cli export``/``summary``) are all
generated from it, so adding a filter is one entry here plus, for a new widget kind, its drawing.

Values are validated once, at the edge, into typed values: a place name becomes a
``geo.Place`` when the URL or the sidebar is read, so :meth:`Filters.apply` is a pure function of
a frame and typed values.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from datetime import date
from typing import Any

import pandas as pd

from dashboard import cases, geo, schema, search
from dashboard.i18n import N_, _
from dashboard.oblasts import OBLAST_NAMES
from dashboard.rejected import Rejected

DEFAULT_RADIUS_KM = 30.0
RADIUS_RANGE_KM = (1.0, 1000.0)
MAX_QUERY_LENGTH = 200
FIRST_DAY = schema.FIRST_DAY
EVENT_ID = re.compile("(" + "|".join(k.prefix for k in schema.KINDS.values()) + ")-[0-9]{4,}")
# Imported sets keep their source's ids (``ACLED-UKR123``, a native set's own ids).
IMPORTED_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}")
TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off", ""})
# Points known only to these precisions are "somewhere in the oblast/country": a radius search
# leaves them out unless asked (``vague``); country-level rows have no point at all.
VAGUE_PRECISIONS = ("admin1",)
# The dataset of the curated tables; imported sets go by their manifest name.
CURATED = "curated"


@dataclass(frozen=True)
class Filters:
    """What the user asked to see. Empty selections mean "everything".

    Attributes:
        start: First day shown (inclusive); None for open.
        end: Last day shown (inclusive); None for open.
        kinds: Event kinds (``strike``, ``deportation``, ``visit``, ``statement``).
        oblasts: ISO 3166-2 codes.
        q: Free text; every word must be found, in any order and any spelling.
        near: The place a radius search is centred on, resolved when the URL or sidebar was read.
        radius_km: Radius of the ``near`` search.
        vague: Let the radius search keep events placed only to an oblast.
        case: An ICC case; keeps the events within its scope.
        event: An event id to open in detail; it does not narrow the rows.
        datasets: The curated record (``curated``) and imported sets shown; empty means the
            curated record only, so imported rows appear only when asked for.
    """

    start: date | None = None
    end: date | None = None
    kinds: tuple[str, ...] = ()
    oblasts: tuple[str, ...] = ()
    q: str = ""
    near: geo.Place | None = None
    radius_km: float = DEFAULT_RADIUS_KM
    vague: bool = False
    case: cases.Case | None = None
    event: str = ""
    datasets: tuple[str, ...] = ()

    def apply(self, events: pd.DataFrame) -> pd.DataFrame:
        """Return the rows of ``events`` that pass every filter (a new frame).

        A multi-day event passes the date filter when any of its days is in range. With
        ``near`` set, the result gains a ``distance_km`` column and is limited to the radius;
        rows with no point, or placed only to an oblast (unless ``vague``), are left out.
        """
        mask = in_datasets(events, self.datasets)
        if self.start is not None:
            last_day = events["end_date"].fillna(events["date"])
            mask &= last_day >= pd.Timestamp(self.start)
        if self.end is not None:
            mask &= events["date"] <= pd.Timestamp(self.end)
        if self.kinds:
            mask &= events["kind"].isin(self.kinds)
        if self.oblasts:
            mask &= events["admin1_code"].isin(self.oblasts).fillna(False)
        if self.case is not None:
            mask &= self.case.mask(events)
        if self.q:
            mask &= search.matches(events.loc[mask], self.q).reindex(events.index, fill_value=False)
        if self.near is None:
            return events.loc[mask].copy()
        if not self.vague:
            mask &= ~events["geo_precision"].isin(VAGUE_PRECISIONS)
        kept = events.loc[mask]
        inside = geo.within_radius(kept, self.near.lat, self.near.lon, self.radius_km)
        return geo.with_distance_km(kept.loc[inside], self.near.lat, self.near.lon)

    def to_query_params(self) -> dict[str, str | list[str]]:
        """Return the URL parameters that reproduce this view (defaults are left out)."""
        params: dict[str, str | list[str]] = {}
        for spec in FILTERS:
            value = getattr(self, spec.field)
            if value == FIELD_DEFAULTS[spec.field] or (
                spec.needs and not getattr(self, spec.needs)
            ):
                continue
            text = spec.dump(value)
            params[spec.param] = text if spec.many else text[0]
        return params

    @classmethod
    def from_query_params(
        cls, params: Mapping[str, Sequence[str]], *, online: bool | None = None
    ) -> tuple[Filters, list[str]]:
        """Parse URL parameters (each name maps to all its values).

        Returns the filters and one notice per value that was not understood; such a value
        falls back to its default. ``online`` lets ``near`` ask Nominatim (see ``geo``).

        >>> Filters.from_query_params({"kind": ["strike"], "start": ["nope"]})[1]
        ["Ignored start='nope': not a date (use YYYY-MM-DD)."]
        """
        values: dict[str, Any] = {}
        notices: list[str] = []
        for spec in FILTERS:
            raw = [v for v in params.get(spec.param, ()) if v is not None]
            if not spec.many:
                raw = [raw[-1].strip()] if raw and raw[-1].strip() else []
            if not raw:
                continue
            parsed = []
            for text in raw:
                try:
                    parsed.append(spec.parse(text, online))
                except Rejected as why:
                    notices.append(
                        _("Ignored {param}={value}: {why}.").format(
                            param=spec.param, value=repr(text[:60]), why=why
                        )
                    )
            if parsed:
                values[spec.field] = tuple(dict.fromkeys(parsed)) if spec.many else parsed[-1]
        filters = cls(**values)
        if filters.start and filters.end and filters.start > filters.end:
            notices.append(
                _("Ignored end={value}: it is before start.").format(
                    value=repr(filters.end.isoformat())
                )
            )
            filters = replace(filters, end=None)
        return filters, notices

    def without_event(self) -> Filters:
        """Return the same view with no event opened."""
        return replace(self, event="")


@dataclass(frozen=True)
class FilterSpec:
    """One filter, declared once.

    Attributes:
        field: Attribute of :class:`Filters`.
        param: URL parameter (and the CLI flag, with dashes: ``radius_km`` -> ``--radius-km``).
        label: Sidebar label and CLI help.
        parse: Text to typed value; raises :class:`Rejected` with the reason. Its second
            argument says whether online look-ups are allowed.
        dump: Typed value to its URL texts.
        widget: How the sidebar draws it: ``date``, ``multiselect``, ``select``, ``text``,
            ``place``, ``number``, ``checkbox`` or ``none`` (not in the sidebar).
        many: Repeatable (a tuple of values).
        options: Choices of a ``multiselect`` and how to label each.
        needs: Field that must be set for this one to mean anything (``radius_km`` needs
            ``near``); it is left out of URLs otherwise.
        cli: Offered by the command line.
        help: One line of help for the sidebar and the CLI.
    """

    field: str
    param: str
    label: str
    parse: Callable[[str, bool | None], Any]
    dump: Callable[[Any], list[str]]
    widget: str
    many: bool = False
    options: Callable[[], Sequence[str]] | None = None
    option_label: Callable[[str], str] | None = None
    needs: str = ""
    cli: bool = True
    help: str = ""

    @property
    def flag(self) -> str:
        return "--" + self.param.replace("_", "-")


def parse_date(text: str, _online: bool | None = None) -> date:
    """Parse a strict ``YYYY-MM-DD`` date between :data:`FIRST_DAY` and today.

    >>> parse_date("2023-03-17")
    datetime.date(2023, 3, 17)
    """
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        raise Rejected(_("not a date (use YYYY-MM-DD)"))
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise Rejected(_("not a date (use YYYY-MM-DD)")) from None
    if not FIRST_DAY <= day <= date.today():
        raise Rejected(
            _("outside the period covered ({first} to today)").format(first=FIRST_DAY.isoformat())
        )
    return day


def parse_kind(text: str, _online: bool | None = None) -> str:
    """Map a kind name, plural or table label to its kind (``Strikes`` -> ``strike``).

    >>> parse_kind("Statements")
    'statement'
    """
    key = text.strip().lower()
    for name, kind in schema.KINDS.items():
        if key in {name, kind.label.lower(), kind.file.removesuffix(".csv")}:
            return name
    raise Rejected(_("use one of {kinds}").format(kinds=", ".join(schema.KINDS)))


def parse_oblast(text: str, _online: bool | None = None) -> str:
    """Map an ISO 3166-2 code or an oblast name in any spelling to its code."""
    code = geo.oblast_code(text)
    if code is None:
        raise Rejected(_("not an oblast of Ukraine (use an ISO code such as UA-32)"))
    return code


def parse_query(text: str, _online: bool | None = None) -> str:
    """Accept free text up to :data:`MAX_QUERY_LENGTH` characters, without control characters."""
    text = " ".join(text.split())
    if len(text) > MAX_QUERY_LENGTH:
        raise Rejected(_("longer than {n} characters").format(n=MAX_QUERY_LENGTH))
    if any(ord(c) < 32 or 127 <= ord(c) < 160 for c in text):
        raise Rejected(_("holds control characters"))
    return text


def parse_place(text: str, online: bool | None = None) -> geo.Place:
    """Resolve a place name (any spelling or script), offline first (see ``geo.resolve``)."""
    return geo.resolve(parse_query(text), online)


def parse_radius(text: str, _online: bool | None = None) -> float:
    """Accept a radius in kilometres within :data:`RADIUS_RANGE_KM`."""
    low, high = RADIUS_RANGE_KM
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not low <= value <= high:
        raise Rejected(
            _("use a number of kilometres from {low} to {high}").format(
                low=f"{low:g}", high=f"{high:g}"
            )
        )
    return value


def parse_flag(text: str, _online: bool | None = None) -> bool:
    """Accept 1/0, true/false, yes/no, on/off."""
    key = text.strip().lower()
    if key in TRUE_WORDS | FALSE_WORDS:
        return key in TRUE_WORDS
    raise Rejected(_("use 1 or 0"))


def parse_event(text: str, _online: bool | None = None) -> str:
    """Accept an event id such as ``STR-0001`` (or an imported set's, as the set spells it)."""
    key = text.strip().upper()
    if EVENT_ID.fullmatch(key):
        return key
    if IMPORTED_ID.fullmatch(text.strip()):
        return text.strip()
    raise Rejected(_("not an event id such as STR-0001"))


def parse_case(text: str, _online: bool | None = None) -> cases.Case:
    """Accept the id of a case in ``data/cases.csv``."""
    case = cases.case_by_id(text.strip().lower())
    if case is None:
        known = ", ".join(c.case_id for c in cases.all_cases()) or _("none loaded")
        raise Rejected(_("not an ICC case id (use one of {known})").format(known=known))
    return case


def dataset_names() -> list[str]:
    """The datasets a view can show: the curated record, then each imported set by name."""
    from dashboard.importers.store import list_sets

    return [CURATED] + [s["name"] for s in list_sets() if s.get("name") != CURATED]


def parse_dataset(text: str, _online: bool | None = None) -> str:
    """Accept ``curated`` or the name of an imported set."""
    key = text.strip().lower()
    names = dataset_names()
    if key not in names:
        raise Rejected(_("not a dataset (use one of {names})").format(names=", ".join(names)))
    return key


def in_datasets(events: pd.DataFrame, datasets: tuple[str, ...]) -> pd.Series:
    """Mask of the rows in ``datasets`` (empty: the curated record); rows without a
    ``dataset`` column are curated."""
    chosen = datasets or (CURATED,)
    if "dataset" in events:
        return events["dataset"].isin(chosen).fillna(False).astype(bool)
    return pd.Series(CURATED in chosen, index=events.index, dtype=bool)


def _text(value: Any) -> list[str]:
    return [str(value)]


FILTERS: tuple[FilterSpec, ...] = (
    FilterSpec(
        "start",
        "start",
        N_("From"),
        parse_date,
        lambda d: [d.isoformat()],
        "date",
        help=N_("first day, YYYY-MM-DD"),
    ),
    FilterSpec(
        "end",
        "end",
        N_("To"),
        parse_date,
        lambda d: [d.isoformat()],
        "date",
        help=N_("last day, YYYY-MM-DD"),
    ),
    FilterSpec(
        "kinds",
        "kind",
        N_("Kind"),
        parse_kind,
        list,
        "multiselect",
        many=True,
        options=lambda: list(schema.KINDS),
        option_label=schema.KIND_LABELS.get,
        help=N_("strike, deportation, visit or statement (repeatable)"),
    ),
    FilterSpec(
        "oblasts",
        "oblast",
        N_("Oblast"),
        parse_oblast,
        list,
        "multiselect",
        many=True,
        options=lambda: list(OBLAST_NAMES),
        option_label=lambda code: f"{OBLAST_NAMES[code]} ({code})",
        help=N_("ISO 3166-2 code or oblast name (repeatable)"),
    ),
    FilterSpec(
        "q",
        "q",
        N_("Search text"),
        parse_query,
        _text,
        "text",
        help=N_("every word, any order, any spelling: Kiev, Київ, Lvova-Belova"),
    ),
    FilterSpec(
        "near",
        "near",
        N_("Near a place"),
        parse_place,
        lambda place: [place.query or place.name],
        "place",
        help=N_("any spelling: Kiev, Київ, Artemivsk; keeps events within the radius"),
    ),
    FilterSpec(
        "radius_km",
        "radius_km",
        N_("Radius (km)"),
        parse_radius,
        lambda km: [f"{km:g}" if float(f"{km:g}") == km else repr(km)],
        "number",
        needs="near",
        help=N_("radius of the near search in kilometres"),
    ),
    FilterSpec(
        "vague",
        "vague",
        N_("Include events placed only to an oblast"),
        parse_flag,
        lambda flag: ["1"],
        "checkbox",
        needs="near",
        help=N_("let the near search keep events known only to their oblast"),
    ),
    FilterSpec(
        "case",
        "case",
        N_("ICC case"),
        parse_case,
        lambda case: [case.case_id],
        "select",
        options=lambda: [c.case_id for c in cases.all_cases()],
        option_label=lambda case_id: getattr(cases.case_by_id(case_id), "title", case_id),
        help=N_("keep events within the scope of an ICC case's warrants"),
    ),
    FilterSpec(
        "datasets",
        "dataset",
        N_("Dataset"),
        parse_dataset,
        list,
        "multiselect",
        many=True,
        options=dataset_names,
        option_label=lambda name: "Curated record" if name == CURATED else f"Imported: {name}",
        help=N_("curated (the default) or an imported set's name (repeatable)"),
    ),
    FilterSpec("event", "event", N_("Event"), parse_event, _text, "none", cli=False),
)
FIELD_DEFAULTS = {f.name: f.default for f in fields(Filters)}
assert {spec.field for spec in FILTERS} == set(FIELD_DEFAULTS), "every field needs a spec"
