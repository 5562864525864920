"""The in-memory walk of a Levenshtein automaton over sorted terms finds exactly the terms within reach."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from seekwire.engine.automata import Levenshtein
from seekwire.spelling import PREFIX
from seekwire.spelling import distance as spelling_distance

words = st.text(alphabet="abcé", min_size=1, max_size=7)


def distance(a: str, b: str) -> int:
    """Plain Levenshtein distance (insertions, deletions, substitutions)."""
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, start=1):
        previous, row[0] = row[0], i
        for j, y in enumerate(b, start=1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (x != y))
    return row[-1]


@given(st.sets(words, max_size=40), words, st.sampled_from((1, 2)))
def test_the_walk_finds_every_term_within_reach_and_no_other(terms, word, maxdist) -> None:
    found = list(Levenshtein(word, maxdist, PREFIX).accepted(sorted(terms)))
    assert found == sorted(t for t in terms if t[:PREFIX] == word[:PREFIX] and distance(t, word) <= maxdist)


@given(words, words)
def test_a_transposition_is_one_edit_and_never_more_than_levenshtein(a: str, b: str) -> None:
    assert spelling_distance(a, b) == spelling_distance(b, a) <= distance(a, b)
    if len(a) >= 2:
        swapped = a[1] + a[0] + a[2:]
        assert spelling_distance(a, swapped) == (0 if swapped == a else 1)
