"""The Ukrainian interface: complete catalogs, locale formats, and pages whose text is Ukrainian."""

from __future__ import annotations

import re
import tokenize
from datetime import date

import pandas as pd
import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from conftest import APP_PAGES
from streamlit.testing.v1 import AppTest

from dashboard import config, display, export, i18n
from dashboard.i18n import _, ngettext

KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
PLACEHOLDER = re.compile(r"\{[a-z_]*\}|%\{[^}]*\}")


@pytest.fixture(autouse=True)
def english_afterwards():
    """Every test starts and ends in English, whatever it switched to."""
    i18n.set_language("en")
    yield
    i18n.set_language("en")


def _catalog(lang: str):
    with i18n.catalog_path(lang).open("rb") as file:
        return read_po(file, locale=lang)


def _source_messages() -> set[str]:
    """Every interface string in the code, as `make messages` extracts it (no catalog read)."""
    found = set()
    for directory in ("pages", "src/dashboard"):
        for _file, _line, message, _comments, _context in extract_from_dir(
            config.ROOT / directory, keywords=KEYWORDS
        ):
            found.add(message if isinstance(message, str) else message[0])
    for _file, _line, message, _comments, _context in extract_from_dir(
        config.ROOT, method_map=[("app.py", "python")], keywords=KEYWORDS
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_interface_string_has_a_ukrainian_translation():
    """Test that each string the code marks for translation is in the Ukrainian catalog, with
    every plural form filled and none left fuzzy."""
    catalog = _catalog("uk")
    missing = []
    for message in sorted(_source_messages()):
        entry = catalog.get(message)
        forms = () if entry is None else entry.string
        forms = (forms,) if isinstance(forms, str) else forms
        if entry is None or entry.fuzzy or not forms or not all(forms):
            missing.append(message)
    assert not missing, f"{len(missing)} strings lack a Ukrainian translation: {missing[:10]}"
    assert len(_source_messages()) > 250  # the extraction itself found the interface


def test_no_literal_is_translated_inside_an_f_string():
    """Test that no `_("...")` sits inside an f-string, where extraction cannot see it on this
    Python (the string would silently stay English)."""
    call = re.compile(r"""\{\s*(?:_|N_|ngettext)\(\s*['"]""")
    files = [config.ROOT / "app.py", *(config.ROOT / "pages").glob("*.py")]
    files += (config.ROOT / "src" / "dashboard").rglob("*.py")
    found = []
    for path in files:
        with path.open("rb") as source:
            for token in tokenize.tokenize(source.readline):
                prefix = token.string[: token.string.find(token.string.lstrip("rRbBfFuU")[:1])]
                if token.type == tokenize.STRING and "f" in prefix.lower():
                    found += [f"{path.name}:{token.start[0]}"] * bool(call.search(token.string))
    assert not found


def test_translations_keep_every_placeholder():
    """Test that a translation names the same {placeholders} and Plotly fields as its source,
    so formatting never raises or drops a number."""
    wrong = []
    for entry in _catalog("uk"):
        if not entry.id:
            continue
        sources = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        forms = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        expected = set(PLACEHOLDER.findall(sources[-1]))
        wrong += [sources[0] for form in forms if set(PLACEHOLDER.findall(form)) != expected]
    assert not wrong, wrong[:10]


def test_ukrainian_plurals_follow_the_number():
    """Test that counts take the Ukrainian plural forms: 1 подія, 3 події, 5 подій, 21 подія."""
    i18n.set_language("uk")
    forms = {n: ngettext("{n} event", "{n} events", n).format(n=n) for n in (1, 3, 5, 11, 21)}
    assert forms == {1: "1 подія", 3: "3 події", 5: "5 подій", 11: "11 подій", 21: "21 подія"}


def test_language_is_per_run_and_unknown_codes_mean_english():
    """Test that an unknown language code falls back to English and English is untranslated."""
    assert i18n.set_language("xx") == "en"
    assert _("Filters") == "Filters"
    assert i18n.set_language("uk") == "uk"
    assert _("Filters") == "Фільтри"


def test_numbers_and_dates_follow_the_locale():
    """Test that Babel formats numbers and dates the way each language writes them."""
    day = date(2022, 2, 24)
    assert (i18n.number(1844), i18n.day(day)) == ("1,844", "February 24, 2022")
    i18n.set_language("uk")
    assert i18n.number(1844) == "1\xa0844"
    assert i18n.day(day) == "24 лютого 2022\u202fр."
    assert i18n.month(date(2022, 10, 1)).startswith("жовтень 2022")


def test_a_stale_compiled_catalog_is_compiled_again_in_memory(tmp_path, monkeypatch):
    """Test that a fresh clone (no .mo file) still serves Ukrainian: the .po is compiled."""
    po = tmp_path / "uk" / "LC_MESSAGES" / "dashboard.po"
    po.parent.mkdir(parents=True)
    po.write_bytes(i18n.catalog_path("uk").read_bytes())
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    i18n.translations.cache_clear()
    try:
        assert i18n.translations("uk").gettext("Filters") == "Фільтри"
        assert not po.with_suffix(".mo").exists()
    finally:
        i18n.translations.cache_clear()


def test_citation_and_links_carry_the_language():
    """Test that a citation is written in the chosen language and links keep ?lang=uk."""
    i18n.set_language("uk")
    cite = export.citation("https://x.org/explore?lang=uk", "a1b2", date(2026, 11, 29), 3)
    assert "3 події" in cite and "lang=uk" in cite
    assert display.href("explore", event="STR-0001") == "/explore?event=STR-0001&lang=uk"


def test_localized_rows_take_ukrainian_text_and_fall_back_to_english(events):
    """Test that the Ukrainian view shows title_uk/place_uk where present, keeps the English
    title where a row has none, and counts those rows."""
    rows = events.head(3).copy()
    rows["title_uk"] = pd.array(["Перший", None, "Третій"], dtype="string")
    i18n.set_language("uk")
    shown = display.localized(rows)
    assert shown["title"].iloc[0] == rows["title_uk"].iloc[0]
    assert shown["title"].iloc[1] == rows["title"].iloc[1]
    assert shown["place"].tolist() == rows["place_uk"].tolist()
    assert display.untranslated(rows) == 1
    assert display.as_recorded(shown).equals(rows)  # downloads keep the recorded columns
    i18n.set_language("en")
    assert display.localized(rows) is rows


# Pieces of page text that are data, not interface: links' targets, addresses, event ids,
# ISO codes, publishers' names and the suspects' Latin names in the cases' sources.
DATA = re.compile(r"\]\([^)]*\)|https?://\S+|\b[A-Z]{3}-[0-9]{4}\b|\bUA-[0-9]{2}\b")


def _interface_text(at: AppTest) -> str:
    """All text the page shows in elements and widget labels, with data pieces removed."""
    parts = [
        e.value
        for kind in ("title", "header", "subheader", "caption", "markdown")
        for e in getattr(at, kind)
    ]
    parts += [
        e.value for kind in ("info", "warning", "error", "success") for e in getattr(at, kind)
    ]
    parts += [m.label for m in at.metric]
    parts += [
        w.label
        for kind in (
            "button",
            "toggle",
            "checkbox",
            "text_input",
            "selectbox",
            "multiselect",
            "date_input",
            "number_input",
            "radio",
        )
        for w in getattr(at, kind)
    ]
    parts += [e.label for e in at.expander] + [t.label for t in at.tabs]
    return DATA.sub(" ", " ".join(str(p) for p in parts))


def _cyrillic_share(text: str) -> float:
    letters = [c for c in text if c.isalpha()]
    return sum("\u0400" <= c <= "\u04ff" for c in letters) / max(len(letters), 1)


@pytest.mark.parametrize("page", APP_PAGES)
def test_every_page_speaks_ukrainian(page):
    """Test that with ?lang=uk at least 85% of each page's letters (shipped data, data pieces
    set aside) are Cyrillic, and that the URL keeps the language."""
    at = AppTest.from_file(str(config.ROOT / "app.py"), default_timeout=60)
    at.query_params["lang"] = "uk"
    if page != "pages/overview.py":
        at.switch_page(page)  # before the first run: the app opens on it, as a link does
    at.run()
    assert not at.exception
    text = _interface_text(at)
    assert _cyrillic_share(text) >= 0.85, text[:2000]
    assert at.query_params["lang"] in ("uk", ["uk"])
