"""Terms within a few edits of a word, among a sorted list of terms held in memory.

Whoosh's own fuzzy search walks a Levenshtein automaton over the term file on disk, binary-searching it for
each step: several reads per step. spelling.py keeps a field's terms that start with a letter as a sorted list
for the searcher's life, and this walk is Whoosh's, over that list: from each term, jump to the next string the
automaton could accept.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator

from whoosh.automata import lev


class Levenshtein:
    """The strings within `maxdist` edits of `word` that share its first `prefix` letters."""

    def __init__(self, word: str, maxdist: int, prefix: int):
        self._dfa = lev.levenshtein_automaton(word, maxdist, prefix).to_dfa()

    def accepted(self, terms: list[str]) -> Iterator[str]:
        """The terms of a sorted list that the automaton accepts, in order."""
        if not terms:
            return
        i = 0
        match = self._dfa.next_valid_string(terms[0])
        while match:
            i = bisect_left(terms, match, i)
            if i == len(terms):
                return
            if terms[i] == match:
                yield match
                match = self._dfa.next_valid_string(match + "\0")
            else:
                match = self._dfa.next_valid_string(terms[i])
