"""The columnar search columns equal the row-by-row definition they replaced, word for word."""

from __future__ import annotations

import re

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard import geo, schema, search

SPLIT = re.compile(r"[\s/;,.:!?()\[\]{}\"«»“”]+")
# Words that exercise the folding: separators of every kind, Python's Unicode whitespace,
# possessives, hyphens, Cyrillic, accents, pipes and other scripts.
PIECES = [
    "Kyiv", "Kiev", "Київ", "Киев", "Lvova-Belova's", "Львова-Бєлова", "Khan’s", "Zaporizhzhia",
    "Ærø", "straße", "ǅemal", "İstanbul", "北京", "|", "-", "--", "'s", "a|b", "x-", "12",
    " ", "\u00a0", "\u2003", "\u3000", "\x1c", "\x85", "\u2028", "/", ";", ",", ".", ":", "!",
    "?", "(", ")", "[", "]", "{", "}", '"', "«", "»", "“", "”", "\t", "\n", "\u200b", "ʼ",
]  # fmt: skip


def reference(events: pd.DataFrame) -> pd.DataFrame:
    """The row-by-row definition: each row's words, each folded on its own."""
    text = pd.Series("", index=events.index, dtype="string")
    for column in schema.SEARCHABLE:
        if column in events:
            text = text + " " + events[column].astype("string").fillna("")
    lowered = text.str.casefold()
    keys = []
    for row in lowered:
        found = set()
        for token in SPLIT.split(row):
            if not token:
                continue
            token = re.sub(r"['’ʼ]s$", "", token)
            found.add(geo.normalize(token))
            if "-" in token:
                found.update(geo.normalize(part) for part in token.split("-"))
        found.discard("")
        keys.append(" " + " ".join(sorted(found)) + " ")
    return pd.DataFrame(
        {"search_text": lowered, "search_keys": pd.Series(keys, index=events.index, dtype="string")}
    )


texts = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=6)), max_size=8).map("".join)


# 60 draws of up to 6 rows of folded and odd text: some 1,000 cells compared a run.
@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(st.tuples(texts, st.none() | texts, texts), min_size=0, max_size=6),
)
def test_search_columns_equal_the_row_by_row_definition(rows):
    """Test that any texts (missing cells too) give the same search text and keys."""
    events = pd.DataFrame(rows, columns=["title", "place", "description"], dtype="string")
    events.index = pd.RangeIndex(10, 10 + len(events))
    pd.testing.assert_frame_equal(search.search_columns(events), reference(events))


def test_search_columns_of_the_curated_record(shipped_events):
    """Test that the shipped record's search columns are the row-by-row ones."""
    events = shipped_events
    events = events.drop(columns=[c for c in ("search_text", "search_keys") if c in events])
    pd.testing.assert_frame_equal(search.search_columns(events), reference(events))


def test_rows_without_searchable_columns_get_empty_keys():
    """Test that a frame with none of the searchable columns gets blank text and keys."""
    found = search.search_columns(pd.DataFrame({"lat": [1.0, 2.0]}))
    assert found["search_text"].tolist() == ["", ""]
    assert found["search_keys"].tolist() == ["  ", "  "]
