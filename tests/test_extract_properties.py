"""Invariants of page parsing that hold for any text, checked on generated pages."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from seekwire.extract import parse_page
from seekwire.extract.boilerplate import Kind, classify_lines

_WORDS = [
    "Publié le",
    "28/11/2023",
    "08h34",
    "mardi 29 novembre",
    "hier",
    "AFP",
    "(Xinhua)",
    "Partager",
    "Lire aussi",
    ">>",
    "Photo :",
    "©",
    "PARIS -",
    "Le ministre",
    "a déclaré",
    "la réforme",
    ".",
    "|",
]
line = st.lists(st.sampled_from(_WORDS) | st.text(max_size=12), max_size=8).map(" ".join)
page = st.lists(line, max_size=20).map("\n".join) | st.text()
mtime = st.none() | st.floats(min_value=0, max_value=4e9)


@settings(max_examples=300)
@given(text=page, saved=mtime)
def test_never_raises_and_title_is_a_line(text, saved):
    article = parse_page(text, doc_id="p", path="p.txt", mtime=saved)
    assert article.title == "" or article.title in [line.strip() for line in text.split("\n")]
    assert article.date is None or isinstance(article.date, dt.date)
    assert article.time is None or len(article.time) == 5
    assert (article.date is None) == (article.date_source is None)
    assert len(article.agencies) == len(set(article.agencies))


@settings(max_examples=300)
@given(text=page)
def test_body_holds_no_line_classified_as_furniture(text):
    lines = [line.strip() for line in text.split("\n")]
    kinds = classify_lines(lines)
    text_lines = {line for line, kind in zip(lines, kinds, strict=True) if kind is Kind.TEXT}
    furniture = {line for line, kind in zip(lines, kinds, strict=True) if kind not in (Kind.TEXT, Kind.BLANK)}
    body = parse_page(text, doc_id="p", path="p.txt").body
    # A line both classified as text somewhere and as furniture elsewhere may legitimately stay.
    assert not set(body.split("\n\n")) & (furniture - text_lines)
