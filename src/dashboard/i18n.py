"""The interface language: gettext catalogs managed with Babel, numbers and dates for the locale.

Interface strings are written in English inside ``_()`` (or ``ngettext`` when a number picks
the form; ``N_`` marks a string kept in a table and translated where it is shown). ``make
messages`` extracts them into ``locale/dashboard.pot`` and updates each language's ``.po``;
``make compile`` writes the ``.mo`` files. A catalog whose ``.mo`` is missing or older than its
``.po`` is compiled in memory, so a fresh clone serves every language with no extra step.

The language is set once per script run (:func:`set_language`) and held in a context
variable, so two browser sessions in one server never see each other's language.
"""

from __future__ import annotations

import gettext
import io
from contextvars import ContextVar
from datetime import date, datetime
from functools import cache
from pathlib import Path

from babel.dates import format_date, format_skeleton
from babel.numbers import format_decimal
from babel.support import Translations

LANGUAGES = {"en": "English", "uk": "Українська"}
DEFAULT = "en"
DOMAIN = "dashboard"
LOCALE_DIR = Path(__file__).parent / "locale"

_language: ContextVar[str] = ContextVar("language", default=DEFAULT)


def catalog_path(lang: str) -> Path:
    """The ``.po`` file of a language's translations."""
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The compiled catalog of ``lang`` (English is the source language: no catalog)."""
    po = catalog_path(lang)
    if lang == DEFAULT or not po.exists():
        return gettext.NullTranslations()
    mo = po.with_suffix(".mo")
    if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
        with mo.open("rb") as file:
            return Translations(file, domain=DOMAIN)
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as file:
        catalog = read_po(file, locale=lang, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def set_language(lang: str | None) -> str:
    """Use ``lang`` for this run (an unknown or missing code means English); return it."""
    chosen = lang if lang in LANGUAGES else DEFAULT
    _language.set(chosen)
    return chosen


def language() -> str:
    """The language of this run: ``en`` or ``uk``."""
    return _language.get()


def _(message: str) -> str:
    """Translate an interface string into this run's language."""
    return translations(language()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate a string whose form depends on ``n`` (Ukrainian has three forms)."""
    return translations(language()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark a string for the catalog without translating it yet (tables of labels)."""
    return message


def number(value: float, digits: int = 0) -> str:
    """A number as the language writes it: 1,844 in English, 1 844 in Ukrainian."""
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=language())


def day(value: date | datetime) -> str:
    """A date in words: 24 February 2022, 24 лютого 2022 р."""
    return format_date(value, "long", locale=language())


def short_day(value: date | datetime) -> str:
    """A compact date: 24 Feb 2022, 24 лют. 2022 р."""
    return format_date(value, "medium", locale=language())


def month(value: date | datetime) -> str:
    """A month and year: October 2022, жовтень 2022 р."""
    return format_skeleton("yMMMM", value, locale=language())
