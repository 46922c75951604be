"""Places offline: name normalisation, a GeoNames gazetteer with renamings, and distances.

Everything here works without a network. ``geocode`` answers from ``data/geo/gazetteer.csv``
(GeoNames, CC BY 4.0) and ``data/geo/renamings.csv``; Nominatim is asked only when online
geocoding is switched on (``config.ONLINE_GEOCODING`` or ``online=True``) and the gazetteer has
no exact answer, and any network failure falls back to the offline answer.

Typical use::

    place = geocode("Artemivsk")            # Place(name="Bakhmut", admin1_code="UA-14", ...)
    mask = within_radius(events, place.lat, place.lon, 25)
"""

from __future__ import annotations

import csv
import functools
import json
import logging
import math
import os
import re
import unicodedata
from dataclasses import asdict, dataclass
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
from geopy.adapters import BaseSyncAdapter
from geopy.distance import geodesic
from geopy.exc import GeocoderServiceError, GeopyError
from geopy.geocoders.base import Geocoder
from geopy.location import Location

from dashboard import config
from dashboard.oblasts import OBLAST_ALIASES, OBLAST_NAMES, OBLAST_NAMES_UK

logger = logging.getLogger(__name__)

__all__ = [
    "Alternative",
    "Gazetteer",
    "OfflineGazetteer",
    "Place",
    "distances_km",
    "geocode",
    "load_boundaries",
    "load_gazetteer",
    "lookup_place",
    "normalize",
    "oblast_code",
    "place_names",
    "within_radius",
    "with_distance_km",
]

# Name keys ----------------------------------------------------------------------------------

# Modifier letters used as apostrophes count as letters for \w, so they are dropped explicitly;
# the rest of the punctuation (', ’, `, hyphens, spaces, combining accents) goes with \W.
_BASE_REPLACEMENTS = (
    ("ʼ", ""), ("ʹ", ""), ("ʻ", ""), ("ˈ", ""), ("ł", "l"), ("ø", "o"), ("đ", "d"),
    ("ð", "d"), ("þ", "th"), ("æ", "ae"), ("œ", "oe"), ("ı", "i"), ("ħ", "h"),
)  # fmt: skip
# The most frequent separators and combining accents (after NFKD), removed with str.replace
# before the regular expression sweeps up the rare rest: far fewer regex matches to splice.
_COMMON_ACCENTS = (
    0x300,
    0x301,
    0x302,
    0x303,
    0x304,
    0x306,
    0x307,
    0x308,
    0x30A,
    0x30C,
    0x327,
    0x328,
)
_COMMON_NON_WORD = tuple((char, "") for char in " -'’.,()/" + "".join(map(chr, _COMMON_ACCENTS)))
# Keys are computed for many names at once, joined by newlines and "|" (see _base_text), so
# both separators survive every step.
_NON_WORD = re.compile(r"[^\w\n|]+|_+")

# Cyrillic letters after NFKD (й, ї, ё, ў already lost their marks) to Latin. Russian г and
# Ukrainian г differ (g/h) but the folding below merges g and h anyway, as it merges all vowels.
_CYRILLIC = (
    ("а", "a"), ("б", "b"), ("в", "v"), ("г", "h"), ("ґ", "g"), ("д", "d"), ("е", "e"),
    ("є", "ie"), ("ж", "zh"), ("з", "z"), ("и", "i"), ("і", "i"), ("ј", "j"), ("к", "k"),
    ("л", "l"), ("м", "m"), ("н", "n"), ("о", "o"), ("п", "p"), ("р", "r"), ("с", "s"),
    ("т", "t"), ("у", "u"), ("ф", "f"), ("х", "kh"), ("ц", "ts"), ("ч", "ch"), ("ш", "sh"),
    ("щ", "shch"), ("ъ", ""), ("ы", "y"), ("ь", ""), ("э", "e"), ("ю", "iu"), ("я", "ia"),
)  # fmt: skip
_CYRILLIC_TABLE = str.maketrans(dict(_CYRILLIC))
# Applied in this order, longest first.
_CONSONANT_VARIANTS = (
    ("shch", "sh"), ("szcz", "sh"), ("tsch", "ch"), ("sch", "sh"), ("sz", "sh"), ("cz", "ch"),
    ("kh", "h"), ("gh", "h"), ("g", "h"), ("ts", "c"), ("tz", "c"), ("ph", "f"), ("ck", "k"),
    ("w", "v"), ("q", "k"), ("x", "ks"),
)  # fmt: skip
_VOWELS = tuple((vowel, "a") for vowel in "eiouyj")
# Doubled letters are made single, digraphs first ("zhzh" in Zaporizhzhia).
_DOUBLES = tuple((double * 2, double) for double in ("zh", "sh", "ch", *"bcdfhklmnprstvz"))


def _replace_all(text: str, pairs: tuple[tuple[str, str], ...]) -> str:
    # Chained str.replace beats str.translate with a dict on long strings by far.
    for old, new in pairs:
        if old in text:
            text = text.replace(old, new)
    return text


def _base_text(text: str) -> str:
    """Base-key a text of names separated by newlines or "|" in one pass.

    A gazetteer load keys ~240,000 names; one pass of each C-level string operation over
    the joined text is several times faster than a call per name.
    """
    text = unicodedata.normalize("NFKD", text.casefold())
    text = _replace_all(_replace_all(text, _BASE_REPLACEMENTS), _COMMON_NON_WORD)
    return _NON_WORD.sub("", text)


def _base_key(text: str) -> str:
    """Case-, accent-, apostrophe- and separator-insensitive key, script kept."""
    return _base_text(text.replace("\n", " ").replace("|", " "))


def _romanised(base: str) -> str:
    return base.translate(_CYRILLIC_TABLE)


def _fold_keys(bases: list[str]) -> list[str]:
    """Fold base keys so transliteration variants meet (see ``normalize``).

    Only keys that are Latin after romanising Cyrillic are folded; keys in other scripts
    (Chinese, Arabic, ...) have no spelling variants to merge and are kept as they are.
    """
    romanised = _replace_all("\n".join(bases), _CYRILLIC).split("\n")
    latin = [i for i, key in enumerate(romanised) if key.isascii()]
    # An ASCII-only string makes each str.replace below a fast byte scan.
    text = _replace_all("\n".join(romanised[i] for i in latin), _CONSONANT_VARIANTS)
    text = _replace_all(text, _VOWELS)
    # str.replace does not rescan its output ("aaa" -> "aa"), so repeat until stable.
    while "aa" in text:
        text = text.replace("aa", "a")
    while True:
        before = len(text)
        text = _replace_all(text, _DOUBLES)
        if len(text) == before:
            break
    for i, key in zip(latin, text.split("\n"), strict=True):
        romanised[i] = key
    return romanised


def _fold(base: str) -> str:
    return _fold_keys([base])[0]


def normalize(name: str) -> str:
    """Return the matching key of a place name.

    The key ignores case, accents, apostrophes (' ’ ʼ `), hyphens and spaces, romanises
    Cyrillic, and folds the spelling variants that separate Ukrainian, Russian and older
    romanisations of the same name: all vowels are one (Kyiv/Kiev, Kharkiv/Kharkov), g = h
    (Luhansk/Lugansk), kh = h, ts = c, w = v, and doubled letters are single (Odessa/Odesa,
    Zaporizhzhia/Zaporozhye). Names that differ in consonants (Mykolaiv/Nikolaev) meet through
    GeoNames' alternate names instead. The key is lossy by design: the gazetteer ranks exact
    spellings above folded ones.

    Args:
        name: A place name in any script.

    Returns:
        The key; empty when the name has no letters or digits.

    >>> normalize("Kharkov") == normalize("Харків") == normalize("kharkiv")
    True
    """
    return _fold(_base_key(name))


# Columns of data/geo/gazetteer.csv, written by scripts/build_geo.py.
GAZETTEER_COLUMNS = (
    "geonameid", "name", "name_uk", "name_ru", "alternate_names", "lat", "lon", "country",
    "admin1_code", "population",
)

# Places -------------------------------------------------------------------------------------


class Alternative(NamedTuple):
    """Another place the same name could mean."""

    name: str
    admin1_code: str
    population: int | None


@dataclass(frozen=True)
class Place:
    """A resolved place.

    Attributes:
        name: Display name (Ukrainian national transliteration for Ukrainian places).
        lat: WGS84 latitude.
        lon: WGS84 longitude.
        admin1_code: ISO 3166-2 code in Ukraine (``UA-32``), empty elsewhere.
        country: ISO 3166-1 alpha-2 code.
        population: GeoNames population, None when unknown (online results).
        source: ``gazetteer``, ``renaming``, ``nominatim`` or ``cache`` (an earlier Nominatim
            answer read from disk).
        alternatives: Other candidates for the same name, most likely first.
        name_uk: Ukrainian name when known.
        geonameid: GeoNames id for gazetteer places.
        match: How the name matched: ``name`` (main, Ukrainian or Russian name), ``alternate``
            (a GeoNames alternate name), ``renaming`` (a former name), ``fuzzy`` (only after
            folding transliteration variants) or ``online``.
    """

    name: str
    lat: float
    lon: float
    admin1_code: str
    country: str
    population: int | None
    source: str
    alternatives: tuple[Alternative, ...] = ()
    name_uk: str = ""
    geonameid: int | None = None
    match: str = "name"

    @property
    def admin1(self) -> str:
        """English name of the oblast, empty outside Ukraine."""
        return OBLAST_NAMES.get(self.admin1_code, "")


class _Row(NamedTuple):
    geonameid: int
    name: str
    name_uk: str
    name_ru: str
    lat: float
    lon: float
    country: str
    admin1_code: str
    population: int


# How a row's key matched, best first; a renaming is as good as a current name.
_NAME, _RENAMING, _ALTERNATE = 0, 1, 2
_MATCH_LABEL = {_NAME: "name", _RENAMING: "renaming", _ALTERNATE: "alternate"}
# A name met only through an alternate name counts for this share of its population when
# ranked against places that carry the name itself (GeoNames files districts and suburbs under
# their towns' names: "Podilsk" is the town, not the city district GeoNames also calls so).
_ALTERNATE_WEIGHT = 0.2
# A foreign place beats a Ukrainian namesake only when its own name matches while the
# Ukrainian one only has it as an alternate name, and it is this many times bigger.
_FOREIGN_FACTOR = 10
_FUZZY_MIN_SIMILARITY = 0.75
# Places abroad are indexed by their Latin and Cyrillic names only: their names in other
# scripts (about a quarter of the gazetteer's text) are never typed here and slow the load.
_ALL_SCRIPTS_COUNTRIES = {"UA", "RU", "BY"}
_LATIN_OR_CYRILLIC = re.compile(r"[\x00-\u024f\u0300-\u036f\u0400-\u04ff\u1e00-\u1eff’‘ʼʻ]*")
_MAX_ALTERNATIVES = 25


@dataclass(frozen=True)
class _Candidate:
    row: int
    tier: int  # 0 exact name or renaming, 1 exact alternate name, 2 fuzzy
    kind: int
    similarity: float


class Gazetteer:
    """An in-memory index of gazetteer places by normalised name.

    Build it with ``Gazetteer.from_csv`` or get the shared instance from ``load_gazetteer``.
    """

    def __init__(self, rows: list[_Row], own_names: list[str], alternates: list[str]) -> None:
        """Index ``rows`` by name.

        Args:
            rows: The places.
            own_names: Per row, its name, Ukrainian and Russian names joined by "|".
            alternates: Per row, its alternate names joined by "|".
        """
        self.rows = rows
        count = len(rows)
        # One pass over all names (see _base_text); the separators are kept.
        bases = _base_text("\n".join(own_names + alternates)).split("\n")
        entry_rows: list[int] = []
        entry_keys: list[str] = []
        entry_kinds: list[int] = []
        for number, (own, alternate) in enumerate(zip(bases[:count], bases[count:], strict=True)):
            row_keys = dict.fromkeys(alternate.split("|"), _ALTERNATE)
            row_keys.update(dict.fromkeys(own.split("|"), _NAME))
            row_keys.pop("", None)
            entry_keys.extend(row_keys)
            entry_kinds.extend(row_keys.values())
            entry_rows.extend([number] * len(row_keys))
        # Grouping ~175,000 entries by folded key with pandas/numpy rather than a Python loop
        # keeps the cold load under a second.
        key_codes, unique_keys = pd.factorize(np.array(entry_keys, dtype=object))
        folded = np.array(_fold_keys(unique_keys.tolist()), dtype=object)[key_codes]
        group_codes, groups = pd.factorize(folded)
        self._order = np.argsort(group_codes, kind="stable")
        self._starts = np.concatenate(([0], np.cumsum(np.bincount(group_codes))))
        self._groups = dict(zip(groups.tolist(), range(len(groups)), strict=True))
        self._entry_rows = entry_rows
        self._entry_keys = entry_keys
        self._entry_kinds = entry_kinds
        # Former names from renamings.csv, added after the bulk index is built.
        self._extra: dict[str, list[tuple[int, str, int]]] = {}
        self.renamings: list[tuple[str, str, str, str]] = []

    def _entries(self, folded: str) -> list[tuple[int, str, int]]:
        """(row, base key, kind) of every name whose folded key is ``folded``."""
        entries = list(self._extra.get(folded, ()))
        group = self._groups.get(folded)
        if group is not None:
            for position in self._order[self._starts[group] : self._starts[group + 1]]:
                entries.append(
                    (
                        self._entry_rows[position],
                        self._entry_keys[position],
                        self._entry_kinds[position],
                    )
                )
        return entries

    @classmethod
    def from_csv(cls, gazetteer_csv: Path, renamings_csv: Path | None = None) -> Gazetteer:
        """Load the gazetteer CSV and, when given and present, the renamings CSV.

        Args:
            gazetteer_csv: ``data/geo/gazetteer.csv``.
            renamings_csv: ``data/geo/renamings.csv`` (old_name,new_name,admin1_code,year).

        Returns:
            The indexed gazetteer.
        """
        rows: list[_Row] = []
        own_names: list[str] = []
        alternates: list[str] = []
        with gazetteer_csv.open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            col = {name: i for i, name in enumerate(next(reader))}
            (geonameid, name, name_uk, name_ru, lat, lon, country, admin1, population,
             alternate) = (col[c] for c in (
                "geonameid", "name", "name_uk", "name_ru", "lat", "lon", "country",
                "admin1_code", "population", "alternate_names"))  # fmt: skip
            for record in reader:
                rows.append(
                    _Row(
                        int(record[geonameid]),
                        record[name],
                        record[name_uk],
                        record[name_ru],
                        float(record[lat]),
                        float(record[lon]),
                        record[country],
                        record[admin1],
                        int(record[population] or 0),
                    )
                )
                own_names.append(f"{record[name]}|{record[name_uk]}|{record[name_ru]}")
                names = record[alternate].replace("\n", " ")
                if record[country] not in _ALL_SCRIPTS_COUNTRIES and not names.isascii():
                    names = "|".join(filter(_LATIN_OR_CYRILLIC.fullmatch, names.split("|")))
                alternates.append(names)
        gazetteer = cls(rows, own_names, alternates)
        if renamings_csv is not None and renamings_csv.exists():
            gazetteer.add_renamings(renamings_csv)
        return gazetteer

    def add_renamings(self, renamings_csv: Path) -> None:
        """Index former names so they resolve to the renamed place in the same oblast.

        A new name shared by several places of the oblast resolves to the most populous one
        (renamed settlements are towns; their namesakes are villages).
        """
        with renamings_csv.open(encoding="utf-8", newline="") as handle:
            for record in csv.DictReader(handle):
                old, new, code = record["old_name"], record["new_name"], record["admin1_code"]
                candidates = [c for c in self._candidates(new, code, None) if c.tier <= 1]
                if not candidates:
                    logger.warning("renaming %s -> %s: no %s in %s", old, new, new, code)
                    continue
                target = max(candidates, key=lambda c: self.rows[c.row].population).row
                key = _base_key(old)
                self._extra.setdefault(_fold(key), []).append((target, key, _RENAMING))
                self.renamings.append((old, new, code, record["year"]))

    def _candidates(self, name: str, oblast: str | None, country: str | None) -> list[_Candidate]:
        base = _base_key(name)
        if not base:
            return []
        best: dict[int, _Candidate] = {}
        query_latin = _romanised(base)
        for number, key, kind in self._entries(_fold(base)):
            row = self.rows[number]
            if oblast and row.admin1_code != oblast:
                continue
            if country and row.country != country:
                continue
            if key == base:
                candidate = _Candidate(number, 0 if kind != _ALTERNATE else 1, kind, 1.0)
            else:
                similarity = SequenceMatcher(None, query_latin, _romanised(key)).ratio()
                if similarity < _FUZZY_MIN_SIMILARITY:
                    continue
                candidate = _Candidate(number, 2, kind, similarity)
            known = best.get(number)
            if known is None or (candidate.tier, candidate.kind, -candidate.similarity) < (
                known.tier,
                known.kind,
                -known.similarity,
            ):
                best[number] = candidate
        return list(best.values())

    def _score(self, candidate: _Candidate) -> float:
        population = self.rows[candidate.row].population
        weight = _ALTERNATE_WEIGHT if candidate.tier == 1 else 1.0
        return population * weight * candidate.similarity

    def _rank(self, candidates: list[_Candidate]) -> list[_Candidate]:
        """Order candidates best first (see ``lookup`` for the rules)."""
        exact = [c for c in candidates if c.tier <= 1]
        pool = exact or candidates
        pool = sorted(pool, key=lambda c: (-self._score(c), self.rows[c.row].geonameid))
        ukrainian = [c for c in pool if self.rows[c.row].country == "UA"]
        foreign = [c for c in pool if self.rows[c.row].country != "UA"]
        if not ukrainian or not foreign:
            return pool
        best_ua, best_foreign = ukrainian[0], foreign[0]
        foreign_wins = (
            best_foreign.tier < min(c.tier for c in ukrainian)
            and self.rows[best_foreign.row].population
            >= _FOREIGN_FACTOR * self.rows[best_ua.row].population
        )
        return foreign + ukrainian if foreign_wins else ukrainian + foreign

    def _place(self, candidate: _Candidate, others: list[_Candidate]) -> Place:
        row = self.rows[candidate.row]
        match = "fuzzy" if candidate.tier == 2 else _MATCH_LABEL[candidate.kind]
        return Place(
            name=row.name,
            lat=row.lat,
            lon=row.lon,
            admin1_code=row.admin1_code,
            country=row.country,
            population=row.population,
            source="renaming" if candidate.kind == _RENAMING else "gazetteer",
            alternatives=tuple(
                Alternative(
                    self.rows[o.row].name, self.rows[o.row].admin1_code, self.rows[o.row].population
                )
                for o in others[:_MAX_ALTERNATIVES]
            ),
            name_uk=row.name_uk,
            geonameid=row.geonameid,
            match=match,
        )

    def candidates(
        self, name: str, oblast: str | None = None, country: str | None = None
    ) -> list[Place]:
        """Return every place ``name`` may mean, best first (see ``lookup``)."""
        ranked = self._rank(self._candidates(name, oblast, _country(country)))
        return [self._place(c, ranked[:i] + ranked[i + 1 :]) for i, c in enumerate(ranked)]

    def resolve(
        self, name: str, oblast: str | None = None, country: str | None = None
    ) -> tuple[Place | None, str]:
        """Resolve a name like ``lookup`` and say what happened.

        Returns:
            ``(place, message)``; the message is empty for a clean, unambiguous answer and
            explains misses, fuzzy matches and ambiguity otherwise.
        """
        notes = []
        code = None
        if oblast:
            code = oblast_code(oblast)
            if code is None:
                notes.append(f"unknown oblast {oblast!r} ignored")
        country_code = _country(country)
        ranked = self._rank(self._candidates(name, code, country_code))
        if not ranked and "," in name:
            # "Bucha, Kyiv Oblast": the part after the comma names the oblast.
            head, _, tail = name.partition(",")
            tail_code = oblast_code(tail)
            if tail_code and (code is None or tail_code == code):
                code = tail_code
                ranked = self._rank(self._candidates(head, code, country_code))
        if not ranked:
            where = f" in {OBLAST_NAMES[code]}" if code else ""
            if code and self._candidates(name, None, country_code):
                notes.append(f"{name!r} is known, but not{where}")
            else:
                notes.append(f"{name!r} not found{where} in the offline gazetteer")
            return None, "; ".join(notes)
        place = self._place(ranked[0], ranked[1:])
        if place.match == "fuzzy":
            notes.append(f"{name!r} matched {place.name!r} only after folding spellings")
        if place.alternatives:
            notes.append(
                f"{name!r} is ambiguous: chose {place.name} ({place.admin1 or place.country}), "
                f"{len(place.alternatives)} other place(s) share the name"
            )
        return place, "; ".join(notes)

    def lookup(
        self, name: str, oblast: str | None = None, country: str | None = None
    ) -> Place | None:
        """Resolve a place name offline.

        Rules, in order: candidates are the places whose name, Ukrainian or Russian name,
        GeoNames alternate name or former name (renamings.csv) has the same ``normalize`` key;
        exact spellings (ignoring case, accents and separators) beat folded ones; ``oblast``
        and ``country`` restrict the candidates; Ukrainian places win over foreign namesakes
        unless the foreign place carries the name itself, the Ukrainian ones only as an
        alternate, and the foreign one is 10 times bigger; then the most populous wins, a
        name met only as an alternate counting for a fifth of its population.

        Args:
            name: Place name in any spelling or script.
            oblast: ISO code (``UA-32``) or oblast name in English, Ukrainian or Russian.
            country: ISO 3166-1 alpha-2 code to restrict to.

        Returns:
            The best place with the other candidates in ``alternatives``, or None.
        """
        return self.resolve(name, oblast, country)[0]


def _country(country: str | None) -> str | None:
    return country.strip().upper() or None if country else None


@functools.lru_cache(maxsize=4)
def load_gazetteer(
    gazetteer_csv: Path | None = None, renamings_csv: Path | None = None
) -> Gazetteer:
    """Load and index the gazetteer once per process (defaults: the paths in config)."""
    return Gazetteer.from_csv(
        gazetteer_csv or config.GAZETTEER_CSV,
        renamings_csv or config.RENAMINGS_CSV,
    )


def place_names(country: str = "UA", limit: int | None = None) -> list[str]:
    """Distinct place names of a country, most populous first (for a place picker).

    Args:
        country: ISO 3166-1 alpha-2 code.
        limit: Keep at most this many names.

    Returns:
        Display names; a name shared by several places appears once, where its most
        populous bearer ranks.
    """
    rows = [row for row in load_gazetteer().rows if row.country == country.upper()]
    rows.sort(key=lambda row: (-row.population, row.name))
    return list(dict.fromkeys(row.name for row in rows))[:limit]


def load_boundaries() -> dict[str, Any]:
    """Read the bundled oblast boundaries (``config.OBLASTS_GEOJSON``).

    Returns:
        A GeoJSON FeatureCollection of the 27 units; each feature's ``id`` is its ISO 3166-2
        code and its properties are ``iso_3166_2``, ``name_en`` and ``name_uk``. A new dict on
        every call, so callers may modify it (cache it at the UI boundary).
    """
    return json.loads(config.OBLASTS_GEOJSON.read_text(encoding="utf-8"))


# Online (Nominatim) -------------------------------------------------------------------------

_NOMINATIM_CACHE = "nominatim.json"
# Failures worth falling back from: geopy's own errors and the network's.
_ONLINE_ERRORS = (GeopyError, OSError, ValueError)


@functools.lru_cache(maxsize=1)
def _nominatim() -> Any:
    """One rate-limited Nominatim client per process (its 1 request/s policy is global)."""
    from geopy.extra.rate_limiter import RateLimiter
    from geopy.geocoders import Nominatim

    client = Nominatim(user_agent=config.USER_AGENT, timeout=10)
    # No retries: a dashboard user waits for the answer, and the offline one is there.
    return RateLimiter(client.geocode, min_delay_seconds=1, max_retries=0, swallow_exceptions=False)


def _nominatim_query(name: str, oblast: str | None, country: str | None) -> dict | None:
    """Ask Nominatim for one place; raises on network or service errors."""
    query = ", ".join(part for part in (name, OBLAST_NAMES.get(oblast or "", "")) if part)
    location = _nominatim()(
        query,
        exactly_one=True,
        addressdetails=True,
        language="en",
        country_codes=(country or ("ua" if oblast else None)),
    )
    if location is None:
        return None
    address = location.raw.get("address", {})
    country_code = str(address.get("country_code", "")).upper()
    admin1 = str(address.get("ISO3166-2-lvl4", "")) if country_code == "UA" else ""
    return {
        "name": location.address.split(",")[0].strip(),
        "lat": float(location.latitude),
        "lon": float(location.longitude),
        "admin1_code": admin1 if admin1 in OBLAST_NAMES else "",
        "country": country_code,
    }


def _cache_path() -> Path:
    return Path(config.CACHE_DIR) / _NOMINATIM_CACHE


def _read_cache() -> dict[str, Any]:
    try:
        return json.loads(_cache_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _write_cache(cache: dict[str, Any]) -> None:
    path = _cache_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(cache, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        logger.warning("could not write the geocoding cache %s: %s", path, exc)


def _online_place(name: str, oblast: str | None, country: str | None) -> tuple[Place | None, str]:
    """Ask the disk cache, then Nominatim; never raises."""
    key = f"{_base_key(name)}|{oblast or ''}|{country or ''}"
    cache = _read_cache()
    if key in cache:
        found, source = cache[key], "cache"
    else:
        try:
            found = _nominatim_query(name, oblast, country)
        except _ONLINE_ERRORS as exc:
            message = (
                f"online geocoding of {name!r} failed ({type(exc).__name__}: {exc}); "
                "using the offline gazetteer only"
            )
            logger.warning(message)
            return None, message
        source = "nominatim"
        cache[key] = found
        _write_cache(cache)
    if found is None:
        return None, f"{name!r} not found online either"
    if oblast and found["admin1_code"] != oblast:
        return None, f"online result for {name!r} lies outside {OBLAST_NAMES[oblast]}"
    return (
        Place(
            name=found["name"],
            lat=found["lat"],
            lon=found["lon"],
            admin1_code=found["admin1_code"],
            country=found["country"],
            population=None,
            source=source,
            match="online",
        ),
        "",
    )


def lookup_place(
    name: str,
    oblast: str | None = None,
    *,
    country: str | None = None,
    online: bool | None = None,
) -> tuple[Place | None, str]:
    """Geocode a name and return a message explaining misses, ambiguity and fallbacks.

    Args:
        name: Place name in any spelling or script.
        oblast: ISO code or oblast name restricting the search.
        country: ISO 3166-1 alpha-2 code restricting the search.
        online: Ask Nominatim when the gazetteer has no exact answer; None means
            ``config.ONLINE_GEOCODING``.

    Returns:
        ``(place or None, message)``; never raises for a network problem.
    """
    offline, message = load_gazetteer().resolve(name, oblast, country)
    use_online = config.ONLINE_GEOCODING if online is None else online
    if not use_online or (offline is not None and offline.match != "fuzzy"):
        return offline, message
    code = oblast_code(oblast) if oblast else None
    online_place, online_message = _online_place(name, code, _country(country))
    if online_place is not None:
        return online_place, online_message
    return offline, "; ".join(m for m in (message, online_message) if m)


def geocode(
    name: str,
    oblast: str | None = None,
    *,
    country: str | None = None,
    online: bool | None = None,
) -> Place | None:
    """Resolve a place name, offline first.

    Args:
        name: Place name in any spelling or script ("Odessa", "Харьков", "Artemivsk").
        oblast: ISO code (``UA-32``) or oblast name (English or Ukrainian) to resolve
            ambiguous names within.
        country: ISO 3166-1 alpha-2 code to restrict to.
        online: See ``lookup_place``.

    Returns:
        The place, or None when nothing matches (never raises for a network problem).
    """
    return lookup_place(name, oblast, country=country, online=online)[0]


# geopy integration --------------------------------------------------------------------------


class _NoNetworkAdapter(BaseSyncAdapter):
    """A geopy adapter that refuses to fetch, so the offline geocoder can never go online."""

    def get_json(self, url, *, timeout, headers):  # noqa: D102
        raise GeocoderServiceError("the offline gazetteer makes no requests")

    def get_text(self, url, *, timeout, headers):  # noqa: D102
        raise GeocoderServiceError("the offline gazetteer makes no requests")


class OfflineGazetteer(Geocoder):
    """A geopy geocoder backed by the offline gazetteer.

    >>> OfflineGazetteer().geocode("Kiev").raw["admin1_code"]
    'UA-30'
    """

    def __init__(self, gazetteer: Gazetteer | None = None) -> None:
        """Wrap ``gazetteer`` (default: the shared one from ``load_gazetteer``)."""
        super().__init__(user_agent=config.USER_AGENT, adapter_factory=_NoNetworkAdapter)
        self._gazetteer = gazetteer

    def geocode(
        self,
        query: str,
        exactly_one: bool = True,
        timeout: float | None = None,
        *,
        oblast: str | None = None,
        country: str | None = None,
    ) -> Location | list[Location] | None:
        """Geocode ``query`` offline.

        Args:
            query: Place name.
            exactly_one: Return the best Location rather than a list of all candidates.
            timeout: Ignored (no requests are made); kept for geopy's signature.
            oblast: ISO code or oblast name to search within.
            country: ISO 3166-1 alpha-2 code to search within.

        Returns:
            A geopy Location (or a list of them), or None when nothing matches.
        """
        gazetteer = self._gazetteer or load_gazetteer()
        code = oblast_code(oblast) if oblast else None
        places = gazetteer.candidates(query, code, country)
        if not places:
            return None
        locations = [
            Location(
                ", ".join(p for p in (place.name, place.admin1, place.country) if p),
                (place.lat, place.lon),
                asdict(place),
            )
            for place in places
        ]
        return locations[0] if exactly_one else locations


# Oblasts ------------------------------------------------------------------------------------

_CODE_PATTERN = re.compile(r"^\s*UA[-_ .]?(\d{2})\s*$", re.IGNORECASE)
_CITY_UNITS = {"UA-30", "UA-40", "UA-43"}


@functools.lru_cache(maxsize=1)
def _oblast_index() -> dict[str, str]:
    index: dict[str, str] = {}
    # Official names first so that a later alias can never take "Kyiv" from the city.
    for names in (OBLAST_NAMES, OBLAST_NAMES_UK):
        for code, name in names.items():
            index.setdefault(normalize(name), code)
    for code, aliases in OBLAST_ALIASES.items():
        for alias in aliases:
            index.setdefault(normalize(alias), code)
            if code not in _CITY_UNITS:
                for suffix in (" Oblast", " region", " область"):
                    index.setdefault(normalize(alias + suffix), code)
    return index


def oblast_code(text: str | None) -> str | None:
    """Return the ISO 3166-2 code of a Ukrainian first-level unit named by ``text``.

    Accepts codes (``UA-32``, ``ua32``) and names in English, Ukrainian or Russian, current or
    older spellings ("Kyiv Oblast", "Київська область", "Odessa", "Kharkov region").
    "Kyiv" and "Sevastopol" are the cities (UA-30, UA-40).

    Args:
        text: Code or name.

    Returns:
        The code, or None when ``text`` names no unit.

    >>> oblast_code("Київська область"), oblast_code("Odessa"), oblast_code("ua-30")
    ('UA-32', 'UA-51', 'UA-30')
    """
    if not text or not isinstance(text, str):
        return None
    found = _CODE_PATTERN.match(text)
    if found:
        code = f"UA-{found.group(1)}"
        return code if code in OBLAST_NAMES else None
    return _oblast_index().get(normalize(text))


# Distances ----------------------------------------------------------------------------------

_WGS84_A_KM = 6378.137
_WGS84_F = 1 / 298.257223563
# Lambert's formula is within 0.01 % of the geodesic below this central angle; near-antipodal
# pairs (rare, > ~19,000 km apart) are handed to geographiclib through geopy instead.
_LAMBERT_MAX_ANGLE = math.radians(175)


def _as_float_array(values: Any) -> np.ndarray:
    """Float array from scalars, lists, arrays or Series; unparsable values become NaN."""
    if isinstance(values, pd.Series | pd.Index):
        return pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    try:
        return np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        flat = pd.to_numeric(pd.Series(np.ravel(np.asarray(values, dtype=object))),
                             errors="coerce")  # fmt: skip
        return flat.to_numpy(dtype=float, na_value=np.nan).reshape(np.shape(values))


def distances_km(lat: Any, lon: Any, lat0: Any, lon0: Any) -> np.ndarray:
    """Ellipsoidal (WGS84) distances in kilometres, vectorised and NaN-safe.

    Uses Lambert's formula for long lines on the ellipsoid, within 0.01 % of the exact
    geodesic (tested against geopy); near-antipodal pairs use the exact geodesic.

    Args:
        lat: Latitudes (scalar, list, array or Series); NaN, missing or out of range give NaN.
        lon: Longitudes, same shape as ``lat``.
        lat0: Latitude of the other point(s), scalar or broadcastable.
        lon0: Longitude of the other point(s).

    Returns:
        A float array of distances, NaN where an input is missing or invalid.

    >>> round(float(distances_km(50.4501, 30.5234, 49.9935, 36.2304)), 0)  # Kyiv-Kharkiv
    410.0
    """
    lat1, lon1, lat2, lon2 = np.broadcast_arrays(
        *(_as_float_array(v) for v in (lat, lon, lat0, lon0))
    )
    invalid = (np.abs(lat1) > 90) | (np.abs(lat2) > 90)
    phi1, phi2 = np.radians(lat1), np.radians(lat2)
    # Reduced latitudes put the ellipsoid's points on the auxiliary sphere.
    beta1 = np.arctan((1 - _WGS84_F) * np.tan(phi1))
    beta2 = np.arctan((1 - _WGS84_F) * np.tan(phi2))
    half_dlon = np.radians(lon2 - lon1) / 2
    hav = np.sin((beta2 - beta1) / 2) ** 2 + np.cos(beta1) * np.cos(beta2) * np.sin(half_dlon) ** 2
    sigma = 2 * np.arcsin(np.sqrt(np.clip(hav, 0.0, 1.0)))
    p = (beta1 + beta2) / 2
    q = (beta2 - beta1) / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        x = (sigma - np.sin(sigma)) * np.sin(p) ** 2 * np.cos(q) ** 2 / np.cos(sigma / 2) ** 2
        y = (sigma + np.sin(sigma)) * np.cos(p) ** 2 * np.sin(q) ** 2 / np.sin(sigma / 2) ** 2
        result = _WGS84_A_KM * (sigma - _WGS84_F / 2 * (x + y))
    result = np.where(sigma == 0, 0.0, result)
    result = np.where(invalid, np.nan, result)
    far = np.flatnonzero((sigma > _LAMBERT_MAX_ANGLE) & ~invalid)
    if far.size:
        flat = result.reshape(-1)  # a view: the writes land in ``result``
        for i in far:
            flat[i] = geodesic((lat1.flat[i], lon1.flat[i]), (lat2.flat[i], lon2.flat[i])).km
    return result


def within_radius(
    df: pd.DataFrame,
    lat0: float,
    lon0: float,
    radius_km: float,
    lat_col: str = "lat",
    lon_col: str = "lon",
) -> pd.Series:
    """Mask of the rows of ``df`` at most ``radius_km`` from (lat0, lon0).

    Rows within 0.1 % of the radius are decided with the exact geodesic, so the mask agrees
    with geopy.distance.geodesic everywhere. Rows without valid coordinates are False.

    Args:
        df: Frame with coordinate columns (not modified).
        lat0: Centre latitude.
        lon0: Centre longitude.
        radius_km: Radius in kilometres, >= 0.
        lat_col: Latitude column.
        lon_col: Longitude column.

    Returns:
        A boolean Series aligned on ``df.index``.

    Raises:
        ValueError: If the radius is negative or NaN, or the centre is not a valid point.
    """
    if not radius_km >= 0:
        raise ValueError(f"radius_km must be >= 0, got {radius_km!r}")
    if not (-90 <= lat0 <= 90 and np.isfinite(lon0)):
        raise ValueError(f"invalid centre ({lat0!r}, {lon0!r})")
    lat = _as_float_array(df[lat_col]) if len(df) else np.empty(0)
    lon = _as_float_array(df[lon_col]) if len(df) else np.empty(0)
    distance = distances_km(lat, lon, lat0, lon0)
    with np.errstate(invalid="ignore"):
        inside = distance <= radius_km
        borderline = np.abs(distance - radius_km) <= radius_km * 1e-3 + 1e-3
    for i in np.flatnonzero(borderline):
        inside[i] = geodesic((lat[i], lon[i]), (lat0, lon0)).km <= radius_km
    return pd.Series(inside, index=df.index, name="within_radius", dtype=bool)


def with_distance_km(
    df: pd.DataFrame,
    lat0: float,
    lon0: float,
    lat_col: str = "lat",
    lon_col: str = "lon",
) -> pd.DataFrame:
    """Return a copy of ``df`` with a ``distance_km`` column (0.1 km) to (lat0, lon0).

    Args:
        df: Frame with coordinate columns (not modified).
        lat0: Reference latitude.
        lon0: Reference longitude.
        lat_col: Latitude column.
        lon_col: Longitude column.

    Returns:
        A new frame; ``distance_km`` is NaN where coordinates are missing.
    """
    distance = distances_km(df[lat_col], df[lon_col], lat0, lon0) if len(df) else np.empty(0)
    return df.assign(distance_km=np.round(distance, 1))
