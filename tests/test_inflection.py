"""Related inflections: forms the French stemmer sets apart are brought together, other words are not."""

from __future__ import annotations

import pytest

from seekwire.analysis import ANALYZER
from seekwire.inflection import related_stems


@pytest.mark.parametrize("word, other", [
    ("renforce", "renforcent"),  # verb plural in -ent
    ("suscitent", "suscite"),
    ("cambriolée", "cambriolé"),  # feminine past participle
    ("remanier", "remanié"),  # infinitive and participle
    ("provoquées", "provoqué"),
])
def test_forms_the_stemmer_sets_apart_are_related(word: str, other: str) -> None:
    assert ANALYZER.term(word) != ANALYZER.term(other)
    assert ANALYZER.term(other) in related_stems(word)


@pytest.mark.parametrize("word", ["petit", "ministres", "élections", "nationaux", "sportive"])
def test_related_stems_only_add_a_short_ending(word: str) -> None:
    own = ANALYZER.term(word)
    for stem in related_stems(word):
        short, long = sorted((own, stem), key=len)
        assert len(short) >= 4 and long.startswith(short) and (long.endswith("ent") or len(long) - len(short) <= 2)
    assert ANALYZER.term("pet") not in related_stems("petit")


@pytest.mark.parametrize("word", ["eu", "la", "2023", "l'"])
def test_short_words_numbers_and_stopwords_have_none(word: str) -> None:
    assert related_stems(word) == set()
