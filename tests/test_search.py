"""Tests for free-text search: every word in any order, any spelling, gazetteer renamings."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from dashboard import search
from dashboard.cli import main
from dashboard.tables import load_dataset
from tests.conftest import write_tables


def _statement(n: int, title: str, place: str, place_uk: str, **extra: str) -> dict[str, str]:
    """A statement row whose only searchable words are its title, place and ``extra``."""
    return {
        "event_id": f"STA-{n:04d}",
        "date": f"2023-03-{n:02d}",
        "title": title,
        "place": place,
        "place_uk": place_uk,
        "country": "UA",
        "lat": "50.0",
        "lon": "30.0",
        "source_url": f"https://example.org/s{n}",
        "speaker": "Test speaker",
        "organisation": "Test body",
        "statement_type": "announcement",
        "actor": "Test army",
        "description": "Synthetic test row.",
        "tags": "test",
        "admin1_code": "UA-32",
        "admin1": "",
        **extra,
    }


ROWS = {
    "statement": [
        _statement(1, "Test warrant for Putin", "Bucha", "Буча"),
        _statement(2, "Test speech by Putin", "Bucha", "Буча"),
        _statement(3, "Test warrant news", "Bucha", "Буча"),
        _statement(4, "Test reply", "Bucha", "Буча", description="Putin mocked the warrant."),
        # The same city in four spellings, each row holding just one of them.
        _statement(5, "Test convoy left Kiev", "Irpin", "Ірпінь"),
        _statement(6, "Test convoy reached Kyiv", "Irpin", "Ірпінь"),
        _statement(7, "Test row", "Irpin", "Ірпінь", description="Колона виїхала з міста Київ."),
        _statement(8, "Test row", "Irpin", "Ірпінь", description="Колонна вышла, Киев."),
        _statement(9, "Test strike in Kharkiv", "Kharkiv", "Харків"),
        _statement(
            10,
            "Test statement",
            "Irpin",
            "Ірпінь",
            description="Lvova-Belova spoke about adoption.",
        ),
        _statement(11, "Test shelling", "Bakhmut", "Бахмут"),
        # "Or" is an old alternate name of Perekop in the gazetteer; no word here contains "or".
        _statement(12, "Test shelling in Perekop", "Perekop", "Перекоп"),
    ]
}

KYIV_ROWS = ["STA-0005", "STA-0006", "STA-0007", "STA-0008"]


@pytest.fixture(scope="module")
def spelled(tmp_path_factory):
    """Events whose rows spell the same names differently."""
    dataset = load_dataset(write_tables(tmp_path_factory.mktemp("search") / "data", ROWS))
    assert not dataset.problems, dataset.problems
    return dataset.events


def _found(events: pd.DataFrame, query: str) -> list[str]:
    return sorted(events.loc[search.matches(events, query), "event_id"])


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Putin warrant", ["STA-0001", "STA-0004"]),
        ("warrant Putin", ["STA-0001", "STA-0004"]),
        ("PUTIN, warrant!", ["STA-0001", "STA-0004"]),
        ("Putin", ["STA-0001", "STA-0002", "STA-0004"]),
        ("Putin warrant Kharkiv", []),
    ],
)
def test_every_word_in_any_order(spelled, query, expected):
    """Test that a row must hold every query word, in any order and case."""
    assert _found(spelled, query) == expected


@pytest.mark.parametrize("query", ["Kiev", "Kyiv", "Київ", "Киев", "kIEv"])
def test_spellings_of_kyiv_find_the_same_rows(spelled, query):
    """Test that Kiev, Kyiv, Київ and Киев each find the rows written in any of them."""
    assert _found(spelled, query) == KYIV_ROWS


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Львова-Бєлова", ["STA-0010"]),
        ("lvova-belova", ["STA-0010"]),
        ("Artemivsk", ["STA-0011"]),
        ("Бахмут", ["STA-0011"]),
        ("Perekop", ["STA-0012"]),
    ],
)
def test_names_in_other_scripts_and_former_names(spelled, query, expected):
    """Test Cyrillic spellings of a name and a city's former name (Artemivsk is Bakhmut)."""
    assert _found(spelled, query) == expected


def test_short_word_is_not_looked_up_in_the_gazetteer(spelled):
    """Test that 'or' (a gazetteer alias of Perekop, but too short) does not find Perekop."""
    assert _found(spelled, "or") == ["STA-0001"]  # only literally: "warrant f-or Putin"


def test_empty_query_keeps_every_row(spelled):
    """Test that a query with no words filters nothing."""
    assert search.matches(spelled, ' ,; "" ').all()


def test_words_splits_and_deduplicates():
    """Test that punctuation and quotes split words and repeats count once."""
    assert search.words('"Kyiv"; kyiv (Bucha) Lvova-Belova') == ["kyiv", "bucha", "lvova-belova"]


def _export_ids(capsys, *argv: str) -> list[str]:
    assert main(["export", *argv]) == 0
    out = capsys.readouterr().out
    return sorted(pd.read_csv(io.StringIO(out), dtype=str)["event_id"])


def test_shipped_kiev_and_kyiv_export_the_same_rows(capsys):
    """Test that on the shipped data --q Kiev and --q Kyiv export identical ids, and Київ at
    least as many."""
    kiev = _export_ids(capsys, "--q", "Kiev")
    kyiv = _export_ids(capsys, "--q", "Kyiv")
    kyiv_uk = _export_ids(capsys, "--q", "Київ")
    assert kiev == kyiv and len(kyiv) > 0
    assert len(kyiv_uk) >= len(kyiv)


@pytest.mark.parametrize("query", ["北京", "ქუთაისი", "ѯ", "𐀀", "Київ 北京"])
def test_words_in_scripts_without_romanisation_do_not_crash(spelled, query):
    """Test that words no key folds to Latin (Chinese, Georgian, old Cyrillic) match nothing
    here instead of raising."""
    assert _found(spelled, query) == []
