"""The event tables' columns, allowed values, kinds and colours, declared once.

Validation, loading, filtering, charts, exports and the About page's data dictionary all read
these declarations, so a new column or a new allowed value is a single edit here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dashboard.i18n import N_, _

# Validation bounds. ASCII digits only: Python's and Arrow's \d also match digits such as "١٢".
ISO_DATE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
HTTPS_URL = r"https://[^\s;\"'<>]+"
# The covered period starts with the ICC's Ukraine situation (Euromaidan, 21 November 2013) and
# ends today; every date cell must fall inside it.
FIRST_DAY = date(2013, 11, 21)
MAX_COUNT = 10_000_000  # largest count a cell may hold: far above any real figure, far below int64
MAX_CELL_BYTES = 128 * 1024  # a longer cell is a broken file (a runaway quote), not an entry
# How far (in degrees of latitude and longitude) a point in Ukraine may lie outside the bounding
# box of the oblast its admin1_code names: generous for border towns and the Kyiv city/oblast
# swap, yet it catches swapped coordinates and points placed in the wrong oblast entirely.
OBLAST_MARGIN_DEGREES = 0.5
# Code lists a text column may be checked against (Field.codes).
COUNTRY_CODES = "ISO 3166-1 alpha-2"
OBLAST_CODES = "ISO 3166-2:UA"


@dataclass(frozen=True)
class Field:
    """One column of an event table.

    Attributes:
        name: Column header in the CSV.
        dtype: ``text``, ``date``, ``int`` (non-negative count), ``float``, ``url`` or ``urls``.
        description: One line for the data dictionary.
        required: Whether an empty cell is an error.
        allowed: Closed vocabulary, when there is one.
        bounds: Inclusive numeric range for ``float`` columns.
        multiline: Whether the text may hold line breaks (no cell may hold other control
            characters).
        codes: The code list (``COUNTRY_CODES`` or ``OBLAST_CODES``) every value must be on.
    """

    name: str
    dtype: str
    description: str
    required: bool = False
    allowed: tuple[str, ...] = ()
    bounds: tuple[float, float] | None = None
    multiline: bool = False
    codes: str = ""


@dataclass(frozen=True)
class Kind:
    """One event table: its file, id prefix, label, colour and own columns."""

    name: str
    file: str
    prefix: str
    label: str
    colour: str
    fields: tuple[Field, ...]


DATE_PRECISIONS = ("day", "week", "month", "year")
GEO_PRECISIONS = ("exact", "settlement", "admin1", "country")
VERIFICATIONS = (N_("confirmed"), N_("reported"), N_("disputed"))
SCOPES = ("incident", "series", "report")

COMMON_FIELDS: tuple[Field, ...] = (
    Field(
        "event_id", "text", N_("Stable id, unique across tables (STR-0001, DEP-0001, ...)"), True
    ),
    Field("date", "date", N_("Day the event happened (ISO 8601)"), True),
    Field("end_date", "date", N_("Last day of a multi-day event; empty for one-day events")),
    Field("date_precision", "text", N_("How exactly the date is known"), True, DATE_PRECISIONS),
    Field("title", "text", N_("One line, in the curators' own words"), True),
    Field(
        "description",
        "text",
        N_("Plain-text summary in the curators' own words"),
        True,
        multiline=True,
    ),
    Field("place", "text", N_("Settlement in English (Ukrainian national transliteration)"), True),
    Field("place_uk", "text", N_("Settlement in Ukrainian"), True),
    Field(
        "admin1_code",
        "text",
        N_("ISO 3166-2 code of the oblast; empty outside Ukraine"),
        codes=OBLAST_CODES,
    ),
    Field("admin1", "text", N_("English name of the oblast; empty outside Ukraine")),
    Field(
        "country",
        "text",
        N_("ISO 3166-1 alpha-2 code; Crimea and Sevastopol are UA"),
        True,
        codes=COUNTRY_CODES,
    ),
    Field(
        "lat",
        "float",
        N_("Latitude, WGS84 decimal degrees; empty when placed only to a country"),
        bounds=(-90.0, 90.0),
    ),
    Field(
        "lon",
        "float",
        N_("Longitude, WGS84 decimal degrees; empty when placed only to a country"),
        bounds=(-180.0, 180.0),
    ),
    Field("geo_precision", "text", N_("How exactly the point is known"), True, GEO_PRECISIONS),
    Field("actor", "text", N_("Who acted: armed force, person or institution"), True),
    Field("source_name", "text", N_("Publisher of the primary source"), True),
    Field("source_url", "url", N_("Address of the primary source page (https)"), True),
    Field("source_date", "date", N_("Publication date of the primary source, when shown")),
    Field("other_sources", "urls", N_("Further independent sources, ';'-separated https URLs")),
    Field(
        "verification",
        "text",
        N_(
            "confirmed: 2+ independent sources or an official record; "
            "reported: one source; disputed: sources conflict"
        ),
        True,
        VERIFICATIONS,
    ),
    Field("tags", "text", N_("';'-separated keywords")),
    Field(
        "scope",
        "text",
        N_(
            "incident: one event at one time and place; series: a campaign over "
            "days or places in one row; report: a finding aggregating many incidents. Headline "
            "figures add up incidents only"
        ),
        True,
        SCOPES,
    ),
    Field(
        "related",
        "text",
        N_(
            "';'-separated ids of rows about the same event or the same "
            "people (cross-table twins, the strike carrying a same-day row's casualties, "
            "overlapping deportation rows)"
        ),
    ),
    Field("title_uk", "text", N_("The title in Ukrainian")),
    Field(
        "description_uk", "text", N_("The description in Ukrainian, where written"), multiline=True
    ),
)

STRIKE_TARGETS = (
    "residential",
    "energy",
    "medical",
    "education",
    "transport",
    "commercial",
    "cultural",
    "government",
    "water",
    "other",
)
DEPORTATION_TYPES = ("removal", "camp", "adoption", "citizenship", "return")
STATEMENT_TYPES = ("announcement", "warrant", "accusation", "denial", "rejection", "report")

KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind(
            "strike",
            "strikes.csv",
            "STR",
            N_("Strikes"),
            "#D55E00",
            (
                Field("target_type", "text", N_("What was hit"), True, STRIKE_TARGETS),
                Field("weapon", "text", N_("Weapon as reported; empty when not reported")),
                Field(
                    "killed",
                    "int",
                    N_("People killed (latest official figure); empty when unknown"),
                ),
                Field(
                    "injured",
                    "int",
                    N_("People injured (latest official figure); empty when unknown"),
                ),
            ),
        ),
        Kind(
            "deportation",
            "deportations.csv",
            "DEP",
            N_("Deportations"),
            "#0072B2",
            (
                Field(
                    "deportation_type",
                    "text",
                    N_("What happened to the children"),
                    True,
                    DEPORTATION_TYPES,
                ),
                Field(
                    "children",
                    "int",
                    N_("Children concerned (best sourced estimate); empty if none"),
                ),
                Field(
                    "facility", "text", N_("Institution the children were taken from, when named")
                ),
                Field("destination", "text", N_("Where the children were taken, when known")),
                Field(
                    "destination_country",
                    "text",
                    N_("ISO 3166-1 alpha-2 code of the destination"),
                    codes=COUNTRY_CODES,
                ),
                Field(
                    "destination_lat", "float", N_("Latitude of the destination"), bounds=(-90, 90)
                ),
                Field(
                    "destination_lon",
                    "float",
                    N_("Longitude of the destination"),
                    bounds=(-180, 180),
                ),
            ),
        ),
        Kind(
            "visit",
            "visits.csv",
            "VIS",
            N_("Visits"),
            "#009E73",
            (
                Field("visitor", "text", N_("Who visited"), True),
                Field("organisation", "text", N_("Institution the visitor represented")),
                Field("purpose", "text", N_("Why, in the curators' words")),
            ),
        ),
        Kind(
            "statement",
            "statements.csv",
            "STA",
            N_("Statements"),
            "#CC79A7",
            (
                Field("speaker", "text", N_("Person or body that spoke"), True),
                Field("organisation", "text", N_("Institution of the speaker")),
                Field(
                    "statement_type", "text", N_("What kind of statement"), True, STATEMENT_TYPES
                ),
                Field(
                    "quote",
                    "text",
                    N_("At most 30 words, exactly as said; only when a source quotes it"),
                ),
            ),
        ),
    )
}

KIND_COLOURS = {name: kind.colour for name, kind in KINDS.items()}
KIND_LABELS = {name: kind.label for name, kind in KINDS.items()}


def kind_label(kind: str) -> str:
    """A kind's plural label in this run's language: Strikes, Удари (unknown: as given)."""
    return _(KIND_LABELS.get(kind, kind))


QUOTE_MAX_WORDS = 30

COMMON_COLUMNS = tuple(f.name for f in COMMON_FIELDS)


def table_fields(kind: str) -> tuple[Field, ...]:
    """Return every field of one table, common fields first.

    >>> table_fields("visit")[-1].name
    'purpose'
    """
    return COMMON_FIELDS + KINDS[kind].fields


def table_columns(kind: str) -> tuple[str, ...]:
    """Return the header of one table's CSV, in file order."""
    return tuple(f.name for f in table_fields(kind))


def unified_columns() -> tuple[str, ...]:
    """Return the columns of the stacked frame and of exports: common, ``kind``, then each
    kind's own columns in table order."""
    own = tuple(f.name for kind in KINDS.values() for f in kind.fields)
    return COMMON_COLUMNS + ("kind",) + tuple(dict.fromkeys(own))


def all_fields() -> tuple[Field, ...]:
    """Return each distinct field once (``organisation`` is shared by visits and statements)."""
    seen: dict[str, Field] = {}
    for kind in KINDS.values():
        for field in table_fields(kind.name):
            seen.setdefault(field.name, field)
    return tuple(seen.values())


# Text columns searched by the free-text filter.
SEARCHABLE = (
    "event_id",
    "title",
    "description",
    "place",
    "place_uk",
    "admin1",
    "actor",
    "tags",
    "weapon",
    "facility",
    "destination",
    "visitor",
    "organisation",
    "speaker",
    "quote",
    "title_uk",
    "description_uk",
)

CASES_FILE = "cases.csv"
CASE_STATUSES = ()  # free text: the court's own wording ("Warrants outstanding; ...")
CASE_FIELDS: tuple[Field, ...] = (
    Field("case_id", "text", N_("Stable id used in URLs (case=putin-lvova-belova)"), True),
    Field("title", "text", N_("The case in one line"), True),
    Field("title_uk", "text", N_("The title in Ukrainian")),
    Field("suspects", "text", N_("';'-separated full names as the ICC spells them"), True),
    Field("suspects_uk", "text", N_("The names in Ukrainian, in the same order")),
    Field(
        "positions",
        "text",
        N_("';'-separated positions at the time, in the order of suspects"),
        True,
    ),
    Field("positions_uk", "text", N_("The positions in Ukrainian, in the same order")),
    Field("crimes", "text", N_("Alleged crimes, in the curators' words"), True),
    Field("crimes_uk", "text", N_("Alleged crimes in Ukrainian")),
    Field("articles", "text", N_("Rome Statute articles, ';'-separated"), True),
    Field(
        "conduct",
        "text",
        N_("The conduct and period the warrant names, in the curators' words"),
        True,
    ),
    Field("conduct_uk", "text", N_("The conduct in Ukrainian")),
    Field("period_start", "date", N_("First day of the conduct the warrant names"), True),
    Field("period_end", "date", N_("Last day of that conduct; empty when open-ended")),
    Field("issued", "date", N_("Day the judges issued the warrants"), True),
    Field("made_public", "date", N_("Day the warrants were announced"), True),
    Field("status", "text", N_("Where the case stands"), True),
    Field("status_uk", "text", N_("Where the case stands, in Ukrainian")),
    Field(
        "scope_kind",
        "text",
        N_("Kind of events the warrant's description covers"),
        True,
        ("strike", "deportation"),
    ),
    Field(
        "scope_types", "text", N_("';'-separated target types (strikes) or deportation types"), True
    ),
    Field("scope_start", "date", N_("First day of events within scope"), True),
    Field("scope_end", "date", N_("Last day of events within scope; empty when open-ended")),
    Field("scope_country", "text", N_("ISO 3166-1 alpha-2 code where the events took place"), True),
    Field("source_name", "text", N_("Publisher of the primary source"), True),
    Field("source_url", "url", N_("The page stating the warrants (https)"), True),
    Field("other_sources", "urls", N_("Further https URLs, ';'-separated")),
    Field("related", "text", N_("';'-separated ids of statements about the case")),
)
