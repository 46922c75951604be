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
import pyarrow as pa
import pyarrow.compute as pc

from dashboard import geo, schema

_TOKEN_SPLIT = re.compile(r"[\s/;,.:!?()\[\]{}\"«»“”]+")
# The same for Arrow's RE2, whose \s is ASCII only: Python's whitespace spelled out.
_WHITESPACE = "".join(f"\\x{{{c:x}}}" for c in range(0x3001) if re.match(r"\s", chr(c)))
_TOKEN_SPLIT_RE2 = "[" + _WHITESPACE + r"/;,.:!?()\[\]{}\"«»“”]+"
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


def _keys_of_tokens(tokens: list[str]) -> list[set[str]]:
    """:func:`_token_keys` of many tokens, folded in one batch (``geo.normalize_many``)."""
    names, owners = [], []
    for i, token in enumerate(tokens):
        token = _POSSESSIVE.sub("", token)
        parts = [token, *token.split("-")] if "-" in token else [token]
        names += parts
        owners += [i] * len(parts)
    found: list[set[str]] = [set() for _ in tokens]
    for i, key in zip(owners, geo.normalize_many(names), strict=True):
        if key:
            found[i].add(key)
    return found


def search_columns(events: pd.DataFrame) -> pd.DataFrame:
    """Return ``search_text`` (lower-case text of the searchable columns) and ``search_keys``
    (each word's folded key, space-separated and space-padded) for ``events``.

    The work is columnar (an import folds a million rows): Arrow joins the columns and splits
    the words, each distinct word is folded once, in one batch, and each row's keys are
    gathered, sorted and joined with array operations.
    """
    n = len(events)
    columns = [
        pa.array(events[c].astype("string").fillna(""), type=pa.string(), from_pandas=True)
        for c in schema.SEARCHABLE
        if c in events
    ]
    joined = pc.binary_join_element_wise("", *columns, " ") if columns else pa.nulls(0)
    texts = joined.to_pylist() if columns else [""] * n
    lowered = pa.array([text.casefold() for text in texts], type=pa.string())
    tokens = pc.split_pattern_regex(lowered, _TOKEN_SPLIT_RE2)
    words = pc.list_flatten(tokens).dictionary_encode()
    vocabulary = words.dictionary.to_pylist()
    found = _keys_of_tokens(vocabulary)
    universe = sorted(set().union(*found))  # key ids in sorted order: sorting ids sorts keys
    key_id = {key: i for i, key in enumerate(universe)}
    per_word = np.array([len(keys) for keys in found], dtype="int64")
    word_keys = np.array([key_id[k] for keys in found for k in keys], dtype="int64")
    word_start = np.cumsum(per_word) - per_word
    # Every (row, key) pair of every word in the row, then each pair once, sorted.
    word = words.indices.to_numpy(zero_copy_only=False).astype("int64")
    row = np.repeat(np.arange(n, dtype="int64"), pc.list_value_length(tokens).to_numpy())
    times = per_word[word]
    step = np.arange(times.sum(), dtype="int64") - np.repeat(np.cumsum(times) - times, times)
    keys = word_keys[np.repeat(word_start[word], times) + step]
    pairs = np.sort(np.repeat(row, times) * max(len(universe), 1) + keys)
    pairs = pairs[np.concatenate([[True], pairs[1:] != pairs[:-1]])] if len(pairs) else pairs
    pair_rows, pair_keys = np.divmod(pairs, max(len(universe), 1))
    offsets = np.concatenate([[0], np.cumsum(np.bincount(pair_rows, minlength=n))])
    lists = pa.ListArray.from_arrays(
        pa.array(offsets, type=pa.int64()).cast(pa.int32()),
        pa.array(universe, type=pa.string()).take(pa.array(pair_keys)),
    )
    padded = pc.binary_join_element_wise(" ", pc.binary_join(lists, " "), " ", "")
    return pd.DataFrame(
        {
            name: pd.Series(pd.array(values, dtype="string"), index=events.index)
            for name, values in (("search_text", lowered), ("search_keys", padded))
        }
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
