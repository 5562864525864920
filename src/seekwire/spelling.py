"""Typos: finding the word a user meant, for ranking and for the "did you mean" suggestion.

A query word whose term is missing from the index, or far rarer than a term one or two edits away, is most
likely misspelt ("Kazakstan", "muincipaux"). The search then also looks for those close terms (at a lower
weight, so an exact match still wins), and the suggestion spells the corrected query with the words as they
are written in the articles — accents and capitals restored from a document that contains them — rather than
as index terms ("coopération Kazakhstan", not "cooper kazakhstan").

Edit distances are measured between index terms (folded, stemmed), which is where misspellings of inflected
words still meet: "braconners" and "braconniers" are two edits apart, their stems "braconner" and "braconni"
too, but "rotues" and "routes" become "rotu" and "rout", one transposition.
"""

from __future__ import annotations

from collections import Counter
from itertools import islice
from dataclasses import dataclass

from whoosh.reading import IndexReader

from seekwire.analysis import ANALYZER, WORD, fold, normalize

# A term this rare is a typo candidate when a close term is at least RATIO times more frequent.
RARE_DOCS = 2
RATIO = 10
# Close terms are searched among those sharing the first letter (typos rarely hit it), within one edit for
# short words and two for long ones.
PREFIX = 1
LONG_WORD = 8


@dataclass(frozen=True)
class Correction:
    """A term the user probably meant (`term`), for the one typed (`typed`)."""

    typed: str
    term: str
    docs: int


class Speller:
    """Looks up close terms in the index's text fields."""

    def __init__(self, reader: IndexReader, fields: tuple[str, ...]):
        self._reader = reader
        self._fields = fields
        self._cache: dict[str, list[Correction]] = {}

    def doc_frequency(self, term: str) -> int:
        return max(self._reader.doc_frequency(f, term) for f in self._fields)

    def corrections(self, term: str, typed: tuple[str, ...] = ()) -> list[Correction]:
        """Close, much more frequent terms for `term`, best first; empty when `term` looks right.

        `typed` are the words of the query that gave `term`: their one-edit variants are stemmed too, which
        finds "coopération" for "cooperaton" although the two stems are far apart."""
        if term in self._cache:
            return self._cache[term]
        found: list[Correction] = []
        own = self.doc_frequency(term)
        if own <= RARE_DOCS and len(term) >= 4 and not term.isdigit():
            maxdist = 2 if len(term) >= LONG_WORD else 1
            candidates = Counter()
            for fieldname in self._fields:
                # Per segment: a segment reader walks its term index with a Levenshtein automaton, the
                # multi-segment reader would compute the distance to every term with the same first letter.
                for leaf, _ in self._reader.leaf_readers():
                    for close in leaf.terms_within(fieldname, term, maxdist, prefix=PREFIX):
                        if close != term:
                            candidates[close] = max(candidates[close],
                                                    self._reader.doc_frequency(fieldname, close))
            # Stemming the one-edit variants of the typed word is the costly search: keep it for words the
            # index has never seen.
            for word in typed if not own else ():
                for variant in _edits(fold(word)):
                    close = normalize(variant)
                    if close and close != term and close not in candidates:
                        candidates[close] = self.doc_frequency(close)
            threshold = RATIO * own if own else 1
            found = [Correction(term, close, docs) for close, docs in candidates.most_common() if docs >= threshold]
        self._cache[term] = found
        return found

    def surface(self, term: str, typed: str) -> str:
        """How `term` is written in the articles: the form closest to what was typed, found in a few documents
        that contain it. Falls back to the typed word."""
        for name in self._fields:
            if not self._reader.doc_frequency(name, term):
                continue
            forms: Counter[str] = Counter()
            for docnum in islice(self._reader.postings(name, term).all_ids(), 3):
                stored = self._reader.stored_fields(docnum)
                for part in ("title", "lede", "body"):
                    text = stored.get(part) or ""
                    forms.update(m.group() for m in WORD.finditer(text) if ANALYZER.term(m.group()) == term)
            if forms:
                typed_fold = fold(typed)
                same_case = typed[:1].isupper()
                return max(forms, key=lambda form: (fold(form) == typed_fold, forms[form],
                                                     form[:1].isupper() == same_case))
        return typed


LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _edits(word: str) -> set[str]:
    """Every string one deletion, transposition, substitution or insertion away from `word` (first letter
    kept, as in the term search)."""
    head, tail = word[:PREFIX], word[PREFIX:]
    splits = [(tail[:i], tail[i:]) for i in range(len(tail) + 1)]
    variants = {a + b[1:] for a, b in splits if b}
    variants |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    variants |= {a + c + b[1:] for a, b in splits if b for c in LETTERS}
    variants |= {a + c + b for a, b in splits for c in LETTERS}
    return {head + v for v in variants}
