"""The offline gazetteer: GeoNames places and renamings indexed by folded name."""

from __future__ import annotations

import csv
import functools
import logging
import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from dashboard import config
from dashboard.geo.names import _base_key, _base_text, _fold, _fold_keys, _romanised
from dashboard.oblasts import OBLAST_NAMES, oblast_code

logger = logging.getLogger(__name__)

# Columns of data/geo/gazetteer.csv, written by scripts/build_geo.py.
GAZETTEER_COLUMNS = (
    "geonameid",
    "name",
    "name_uk",
    "name_ru",
    "alternate_names",
    "lat",
    "lon",
    "country",
    "admin1_code",
    "population",
)


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
        query: The text it was resolved from, when that matters (a shared link keeps it).
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
    query: str = ""

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
