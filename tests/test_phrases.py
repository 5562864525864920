"""The phrase check on stored text finds exactly what analysing every word of the text would find."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from seekwire.phrases import _in_order, contains, word_keys

WORDS = st.sampled_from(["la", "La", "LÀ", "de", "Notre", "notre", "dame", "Dame", "DAMES", "cœur", "coeur", "Cœurs",
                         "journaux", "journal", "l'économie", "économies", "fr\u00adance", "France", "français",
                         "médiathèque", "media\u200btheque", "qu'il", "un"])
SEPARATORS = st.sampled_from([" ", "-", ", ", " : ", "\n\n", "’"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(WORDS, SEPARATORS), max_size=40), st.lists(WORDS, min_size=1, max_size=3))
def test_the_windowed_check_agrees_with_analysing_every_word(pieces, phrase) -> None:
    text = "".join(word + separator for word, separator in pieces)
    wanted = word_keys(" ".join(phrase))
    assert contains(text, wanted) == (bool(wanted) and _in_order(word_keys(text), wanted))
