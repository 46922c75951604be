"""Free-text search: every word in any order, place names in any spelling or script.

A row matches a query when each of the query's words is found in the row, either literally
(case-insensitive) or as a whole word after folding spellings (``geo.normalize``: Kiev, Kyiv,
Київ and Киев fold alike, so do Lvova-Belova and Львова-Бєлова), or as another name of the same
Ukrainian place in the gazetteer (Artemivsk finds Bakhmut).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from dashboard import geo, schema

_TOKEN_SPLIT = re.compile(r"[\s/;,.:!?()\[\]{}\"«»“”]+")
# English possessives fold to a different key than the name itself ("Khan's" and "Khan").
_POSSESSIVE = re.compile(r"['’ʼ]s$")
# Gazetteer look-ups only for words this long: short words are too often some village's name.
_MIN_PLACE_WORD = 4


def words(query: str) -> list[str]:
    """Split a query into its words (quotes and punctuation dropped, duplicates once).

    >>> words('Putin  "warrant", Putin')
    ['putin', 'warrant']
    """
    found = [w for w in _TOKEN_SPLIT.split(query.casefold()) if w.strip("-'’")]
    return list(dict.fromkeys(found))


def _token_keys(token: str) -> set[str]:
    """Folded keys of one text token, its hyphenated parts too ("lvova-belova's")."""
    token = _POSSESSIVE.sub("", token)
    keys = {geo.normalize(token)}
    if "-" in token:
        keys.update(geo.normalize(part) for part in token.split("-"))
    keys.discard("")
    return keys


def _vocabulary_keys(tokens: set[str]) -> dict[str, set[str]]:
    """``{token: _token_keys(token)}`` for many tokens, folded in one batch."""
    parts = {}
    for token in tokens:
        token_ = _POSSESSIVE.sub("", token)
        parts[token] = [token_, *(token_.split("-") if "-" in token_ else [])]
    names = [name for found in parts.values() for name in found]
    keys = iter(geo.normalize_all(names))
    return {token: {next(keys) for _ in found} - {""} for token, found in parts.items()}


def search_columns(events: pd.DataFrame) -> pd.DataFrame:
    """Return ``search_text`` (lower-case text of the searchable columns) and ``search_keys``
    (each word's folded key, space-separated and space-padded) for ``events``."""
    text = pd.Series("", index=events.index, dtype="string")
    for column in schema.SEARCHABLE:
        if column in events:
            text = text + " " + events[column].astype("string").fillna("")
    lowered = text.str.casefold()
    tokens = lowered.str.split(_TOKEN_SPLIT)
    vocabulary = {t for row in tokens for t in row if t}
    folded = _vocabulary_keys(vocabulary)
    keys = [
        " " + " ".join(sorted({k for t in row if t for k in folded[t]})) + " " for row in tokens
    ]
    return pd.DataFrame(
        {"search_text": lowered, "search_keys": pd.Series(keys, index=events.index, dtype="string")}
    )


def _place_names(word: str) -> tuple[str, ...]:
    """The English and Ukrainian names of the Ukrainian place a word names, if any."""
    if len(word) < _MIN_PLACE_WORD:
        return ()
    place = geo.geocode(word, country="UA")
    if place is None or place.match == "fuzzy":
        return ()
    return tuple(name.casefold() for name in (place.name, place.name_uk) if name)


def word_mask(events: pd.DataFrame, word: str) -> pd.Series:
    """Rows of ``events`` in which one query word is found (see the module docstring).

    A word that names a Ukrainian place stands for that place: Kiev, Kyiv and Київ give the
    same rows, whichever spelling a row uses.
    """
    names = _place_names(word)
    literal = names or (word,)
    mask = pd.Series(False, index=events.index)
    for text in literal:
        mask |= events["search_text"].str.contains(text, regex=False).fillna(False)
    keys = set().union(*(_token_keys(text) for text in (word, *names)))
    if keys:
        pattern = "|".join(re.escape(f" {k} ") for k in sorted(keys))
        mask |= events["search_keys"].str.contains(pattern, regex=True).fillna(False)
    return mask.astype(bool)


def matches(events: pd.DataFrame, query: str) -> pd.Series:
    """Rows of ``events`` holding every word of ``query``, in any order and spelling."""
    mask = pd.Series(np.ones(len(events), dtype=bool), index=events.index)
    for word in words(query):
        mask &= word_mask(events.loc[mask], word).reindex(events.index, fill_value=False)
    return mask
