"""Tests for page text built without Streamlit: escaping, safe links, numbers, summaries."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

import pandas as pd
import pytest

from dashboard import geo
from dashboard.display import MAX_SHOWN, cell, filter_summary, metric_number, plain, safe_link
from dashboard.filters import Filters

# Characters Markdown, Streamlit's colour/emoji directives, LaTeX or HTML could act on.
ACTIVE = set("\\`*_{}[]()#+-.!|<>~$:")


def unescaped(text: str) -> str:
    """The active characters of ``text`` that are not preceded by an escaping backslash."""
    found, i = [], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            i += 2
            continue
        if text[i] in ACTIVE:
            found.append(text[i])
        i += 1
    return "".join(found)


def unescape(text: str) -> str:
    """What Markdown shows for escaped text (word joiners are invisible)."""
    return re.sub(r"\\(.)", r"\1", text).replace("\u2060", "")


HOSTILE = [
    "[click](https://evil.example/phish)",
    "![t](https://evil.example/t.png)",
    "**bold** and _it_",
    "$latex$ and $$x^2$$",
    ":red[x] :material/home:",
    "<img src=x onerror=alert(1)>",
    "# heading\n- item",
    "`code` ~~strike~~ | table |",
    "back\\slash \\[still escaped\\]",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_plain_leaves_nothing_active_and_shows_the_text_literally(text):
    """Test that every Markdown/LaTeX/HTML character is escaped and shows as typed."""
    shown = plain(text)
    assert unescaped(shown) == ""
    assert unescape(shown) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("**bold**", r"\*\*bold\*\*"),
        ("$x$", r"\$x\$"),
        ("a\x00b\x1bc\x7fd\x85e\x9f", "abcde"),
        (None, ""),
        (float("nan"), ""),
        (pd.NA, ""),
    ],
)
def test_plain_examples(text, expected):
    """Test hand-worked escapes, control characters dropped and missing values blank."""
    assert plain(text) == expected


@pytest.mark.parametrize("limit", [1, 10, MAX_SHOWN])
def test_plain_caps_length(limit):
    """Test that long text is cut to ``limit`` characters, the last being an ellipsis."""
    shown = unescape(plain("a.b" * 500, limit=limit))
    assert len(shown) == limit and shown.endswith("…")


def test_plain_default_cap_and_short_text_untouched():
    """Test the default cap of MAX_SHOWN and that text within it is not cut."""
    assert len(plain("x" * 1000)) == MAX_SHOWN
    assert plain("x" * MAX_SHOWN) == "x" * MAX_SHOWN


@pytest.mark.parametrize(
    ("url", "label"),
    [
        ("https://icc-cpi.int/news", "ICC"),
        ("http://example.org/a?b=1&c=2#top", None),
        ("https://example.org/path/with_underscore", "Name [with] brackets"),
    ],
)
def test_safe_link_renders_http_urls_as_links(url, label):
    """Test that an http(s) URL becomes one link whose label is escaped."""
    link = safe_link(url, label)
    assert link.endswith(f"]({url})") and link.startswith("[")
    shown_label = link[1 : -len(url) - 3]
    assert unescaped(shown_label) == "" and unescape(shown_label) == (label or url)


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "https://example.org/a b",
        "https://example.org/x) [y](https://evil.example",
        "https://example.org/(x)",
        "ftp://example.org/file",
        "//evil.example/x",
        " ",
    ],
)
def test_safe_link_shows_anything_else_as_text(url):
    """Test that non-http(s) or malformed URLs come back as escaped text, never a link."""
    text = safe_link(url, "label")
    assert unescaped(text) == ""
    assert unescape(text) == url.strip()


def test_safe_link_of_missing_value_is_empty():
    """Test that a missing URL renders as nothing."""
    assert safe_link(None) == "" and safe_link(float("nan")) == ""


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1405, "1,405"),
        (0, "0"),
        (2.0, "2"),
        (1234567, "1,234,567"),
        (None, "—"),
        (float("nan"), "—"),
        (pd.NA, "—"),
    ],
)
def test_metric_number(value, expected):
    """Test thousands separators and the em dash for unknown figures."""
    assert metric_number(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (pd.Timestamp("2023-03-17"), "2023-03-17"),
        (None, ""),
        (pd.NA, ""),
        (pd.NaT, ""),
        (float("nan"), ""),
        (2.0, "2"),
        (2.5, "2.5"),
        ("text", "text"),
        (7, "7"),
    ],
)
def test_cell(value, expected):
    """Test how one field shows: blank when missing, ISO dates, whole floats without .0."""
    assert cell(value) == expected


def test_filter_summary_escapes_user_text():
    """Test that a hostile query, place and case title are shown literally in the summary."""
    from dashboard.cases import all_cases

    case = replace(all_cases()[0], title="**Case** [x](https://evil.example)")
    near = geo.Place(
        name="Bucha",
        lat=50.54,
        lon=30.21,
        admin1_code="UA-32",
        country="UA",
        population=None,
        source="gazetteer",
        query="![t](https://evil.example/t.png)",
    )
    filters = Filters(
        start=date(2023, 1, 1),
        kinds=("strike",),
        oblasts=("UA-32",),
        q="[click](https://evil.example/phish)",
        near=near,
        radius_km=12.5,
        case=case,
    )
    summary = filter_summary(filters, 3, 1200)
    assert unescaped(summary) == ""
    shown = unescape(summary)
    assert shown.startswith("3 of 1,200 events · 2023-01-01 to … · strikes")
    for part in (
        "Kyiv Oblast",
        "within the scope of **Case** [x](https://evil.example)",
        "matching “[click](https://evil.example/phish)”",
        "within 12.5 km of ![t](https://evil.example/t.png)",
    ):
        assert part in shown


def test_filter_summary_without_filters():
    """Test that no filters give just the counts."""
    assert filter_summary(Filters(), 7, 7) == "7 of 7 events"


@pytest.mark.parametrize(
    "text",
    [
        "https://evil.example/phish",
        "see www.evil.example now",
        "mail x@evil.example",
        "HTTP://EVIL.EXAMPLE",
    ],
)
def test_plain_breaks_markdown_autolinks(text):
    """Regression: an escaped bare URL in ?q= was still autolinked by the Markdown renderer."""
    shown = plain(text).replace("\\", "")
    assert "://" not in shown.replace("\u2060", "") or "\u2060:" in shown
    assert not re.search(r"(?i)https?://|www\.|\w@\w", shown)
    assert shown.replace("\u2060", "") == text
