"""Ukraine's 27 first-level units: ISO 3166-2 codes with English and Ukrainian names.

The codes are ISO 3166-2:UA (checked against pycountry in the tests). Crimea (UA-43) and
Sevastopol (UA-40) are Ukraine, following the internationally recognised borders (UN GA
resolution 68/262). English names follow Ukraine's national transliteration (Kyiv, Odesa,
Zaporizhzhia); Ukrainian names are the ISO 3166-2 Ukrainian names.
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any

from dashboard import config
from dashboard.geo.names import normalize

OBLAST_NAMES: dict[str, str] = {
    "UA-05": "Vinnytsia Oblast",
    "UA-07": "Volyn Oblast",
    "UA-09": "Luhansk Oblast",
    "UA-12": "Dnipropetrovsk Oblast",
    "UA-14": "Donetsk Oblast",
    "UA-18": "Zhytomyr Oblast",
    "UA-21": "Zakarpattia Oblast",
    "UA-23": "Zaporizhzhia Oblast",
    "UA-26": "Ivano-Frankivsk Oblast",
    "UA-30": "Kyiv",
    "UA-32": "Kyiv Oblast",
    "UA-35": "Kirovohrad Oblast",
    "UA-40": "Sevastopol",
    "UA-43": "Crimea",
    "UA-46": "Lviv Oblast",
    "UA-48": "Mykolaiv Oblast",
    "UA-51": "Odesa Oblast",
    "UA-53": "Poltava Oblast",
    "UA-56": "Rivne Oblast",
    "UA-59": "Sumy Oblast",
    "UA-61": "Ternopil Oblast",
    "UA-63": "Kharkiv Oblast",
    "UA-65": "Kherson Oblast",
    "UA-68": "Khmelnytskyi Oblast",
    "UA-71": "Cherkasy Oblast",
    "UA-74": "Chernihiv Oblast",
    "UA-77": "Chernivtsi Oblast",
}

OBLAST_NAMES_UK: dict[str, str] = {
    "UA-05": "Вінницька область",
    "UA-07": "Волинська область",
    "UA-09": "Луганська область",
    "UA-12": "Дніпропетровська область",
    "UA-14": "Донецька область",
    "UA-18": "Житомирська область",
    "UA-21": "Закарпатська область",
    "UA-23": "Запорізька область",
    "UA-26": "Івано-Франківська область",
    "UA-30": "Київ",
    "UA-32": "Київська область",
    "UA-35": "Кіровоградська область",
    "UA-40": "Севастополь",
    "UA-43": "Автономна Республіка Крим",
    "UA-46": "Львівська область",
    "UA-48": "Миколаївська область",
    "UA-51": "Одеська область",
    "UA-53": "Полтавська область",
    "UA-56": "Рівненська область",
    "UA-59": "Сумська область",
    "UA-61": "Тернопільська область",
    "UA-63": "Харківська область",
    "UA-65": "Херсонська область",
    "UA-68": "Хмельницька область",
    "UA-71": "Черкаська область",
    "UA-74": "Чернігівська область",
    "UA-77": "Чернівецька область",
}

# Other spellings people use for the units: the Russian-derived English names still common in
# the press and older datasets, the national-transliteration adjective forms (pycountry's
# "Kyivska oblast"), Russian names, and the colloquial "-shchyna" forms. Matching is done on
# geo.normalize() keys, so case, apostrophes, hyphens and accents do not matter here.
OBLAST_ALIASES: dict[str, tuple[str, ...]] = {
    "UA-05": ("Vinnytsia", "Vinnitsa", "Vinnytska oblast", "Винницкая область", "Вінниччина"),
    "UA-07": ("Volyn", "Volhynia", "Volynska oblast", "Волынская область", "Волинь"),
    "UA-09": ("Luhansk", "Lugansk", "Luhanska oblast", "Луганская область", "Луганщина"),
    "UA-12": (
        "Dnipropetrovsk",
        "Dnepropetrovsk",
        "Dnipro Oblast",
        "Dnipropetrovska oblast",
        "Днепропетровская область",
        "Дніпропетровщина",
    ),
    "UA-14": ("Donetsk", "Donetska oblast", "Донецкая область", "Донеччина"),
    "UA-18": ("Zhytomyr", "Zhitomir", "Zhytomyrska oblast", "Житомирская область", "Житомирщина"),
    "UA-21": (
        "Zakarpattia",
        "Transcarpathia",
        "Zakarpatska oblast",
        "Закарпатская область",
        "Закарпаття",
    ),
    "UA-23": (
        "Zaporizhzhia",
        "Zaporizhia",
        "Zaporozhye",
        "Zaporizka oblast",
        "Запорожская область",
        "Запоріжжя",
    ),
    "UA-26": (
        "Ivano-Frankivsk",
        "Ivano-Frankovsk",
        "Ivano-Frankivska oblast",
        "Ивано-Франковская область",
        "Прикарпаття",
    ),
    "UA-30": ("Kyiv City", "Kiev City", "City of Kyiv", "Misto Kyiv", "Місто Київ", "Киев"),
    "UA-32": (
        "Kiev Oblast",
        "Kyiv Region",
        "Kyivska oblast",
        "Kyivshchyna",
        "Киевская область",
        "Київщина",
    ),
    "UA-35": (
        "Kirovohrad",
        "Kirovograd",
        "Kirovohradska oblast",
        "Кировоградская область",
        "Кіровоградщина",
    ),
    "UA-40": ("Sevastopol City", "Sebastopol", "Місто Севастополь", "Город Севастополь"),
    "UA-43": (
        "Autonomous Republic of Crimea",
        "Crimean Peninsula",
        "Krym",
        "Avtonomna Respublika Krym",
        "Республіка Крим",
        "Крим",
        "Крым",
        "Республика Крым",
        "Автономная Республика Крым",
    ),
    "UA-46": ("Lviv", "Lvov", "Lvivska oblast", "Львовская область", "Львівщина"),
    "UA-48": ("Mykolaiv", "Nikolaev", "Nikolayev", "Mykolaivska oblast", "Николаевская область"),
    "UA-51": ("Odesa", "Odessa", "Odeska oblast", "Одесская область", "Одещина"),
    "UA-53": ("Poltava", "Poltavska oblast", "Полтавская область", "Полтавщина"),
    "UA-56": ("Rivne", "Rovno", "Rivnenska oblast", "Ровненская область", "Рівненщина"),
    "UA-59": ("Sumy", "Sumska oblast", "Сумская область", "Сумщина"),
    "UA-61": ("Ternopil", "Ternopol", "Ternopilska oblast", "Тернопольская область"),
    "UA-63": ("Kharkiv", "Kharkov", "Kharkivska oblast", "Харьковская область", "Харківщина"),
    "UA-65": ("Kherson", "Khersonska oblast", "Херсонская область", "Херсонщина"),
    "UA-68": (
        "Khmelnytskyi",
        "Khmelnitsky",
        "Khmelnytska oblast",
        "Хмельницкая область",
        "Хмельниччина",
    ),
    "UA-71": ("Cherkasy", "Cherkassy", "Cherkaska oblast", "Черкасская область", "Черкащина"),
    "UA-74": ("Chernihiv", "Chernigov", "Chernihivska oblast", "Черниговская область"),
    "UA-77": ("Chernivtsi", "Chernovtsy", "Chernivetska oblast", "Черновицкая область"),
}

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


def load_boundaries() -> dict[str, Any]:
    """Read the bundled oblast boundaries (``config.OBLASTS_GEOJSON``).

    Returns:
        A GeoJSON FeatureCollection of the 27 units; each feature's ``id`` is its ISO 3166-2
        code and its properties are ``iso_3166_2``, ``name_en`` and ``name_uk``. A new dict on
        every call, so callers may modify it (cache it at the UI boundary).
    """
    return json.loads(config.OBLASTS_GEOJSON.read_text(encoding="utf-8"))
