"""Choose a gazetteer place's Ukrainian, Russian and display names from GeoNames' alternates
(used by ``build_geo.py``; the rules are described in its docstring)."""

from __future__ import annotations

from difflib import SequenceMatcher

from dashboard.geo import normalize

# A name that is not a spelling variant of the main name must romanise this close to it.
UK_MIN_SIMILARITY = 0.85
RU_MIN_SIMILARITY = 0.8
RUSSIAN_NAMED_COUNTRIES = {"UA", "RU", "BY"}  # places given a Russian name

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
