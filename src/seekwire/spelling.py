"""Typos: finding the word a user meant, for ranking and for the "did you mean" suggestion.

A query word whose term is missing from the index, or far rarer than a term one or two edits away, is most
likely misspelt ("Kazakstan", "muincipaux"). The search then also looks for those close terms (at a lower
weight, so an exact match still wins), and the suggestion spells the corrected query with the words as they
are written in the articles — accents and capitals restored from a document that contains them — rather than
as index terms ("coopération Kazakhstan", not "cooper kazakhstan").

Close terms are found between index terms (folded, stemmed), which is where misspellings of inflected words
still meet: "braconners" and "braconniers" are two edits apart, their stems "braconner" and "braconni" too, but
"rotues" and "routes" become "rotu" and "rout", one transposition. A transposition, like a dropped or added
letter, counts as one edit. Among the close terms the one meant is the one whose written form is nearest to
what was typed, and only then the most frequent: "confinment" is one letter from "confinement" and five from
"confie", whose stem is far more frequent; "manifestaion" is "manifestation", not the commoner "manifestants"
of the same stem.

Words longer than LONGEST_WORD are not looked up at all: no real word is that long, and the edits of a pasted
4,000-character string would take seconds to try.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from itertools import islice

from whoosh.reading import IndexReader

from seekwire.analysis import ANALYZER, WORD, fold, normalize
from seekwire.engine.automata import Levenshtein

# A term this rare is a typo candidate when a close term is at least RATIO times more frequent.
RARE_DOCS = 2
RATIO = 10
# Close terms are searched among those sharing the first letter (typos rarely hit it), within one edit for
# short words and two for long ones.
PREFIX = 1
LONG_WORD = 8
# Terms shorter than this are not looked up among close terms; a word typed SUFFIX letters longer than that
# is looked up by its own edits when its stem is that short.
MIN_TERM = 4
SUFFIX = 2
# Longest word (in characters) whose spelling is checked.
LONGEST_WORD = 40
# How many of the most frequent close terms are compared, by their written forms, with what was typed.
COMPARED = 20


class Speller:
    """Looks up close terms in the index's text fields."""

    def __init__(self, reader: IndexReader, fields: tuple[str, ...]):
        self._reader = reader
        self._fields = fields
        self._cache: dict[tuple[str, tuple[str, ...]], list[str]] = {}
        self._lexicon: dict[tuple[str, str], list[str]] = {}
        self._forms: dict[str, Counter[str]] = {}

    def doc_frequency(self, term: str) -> int:
        return max(self._reader.doc_frequency(f, term) for f in self._fields)

    def corrections(self, term: str, typed: tuple[str, ...] = ()) -> list[str]:
        """Close, much more frequent terms for `term`, best first; empty when `term` looks right.

        `typed` are the words of the query that gave `term`: their one-edit variants are stemmed too, which
        finds "coopération" for "cooperaton" although the two stems are far apart."""
        key = (term, typed)
        if key in self._cache:
            return self._cache[key]
        found: list[str] = []
        own = self.doc_frequency(term)
        # The stemmer cuts a misspelt word down to a short, common stem ("réaisé" -> "re"): such a stem
        # says nothing of the word meant, whatever its frequency.
        overcut = len(term) < MIN_TERM and any(len(word) >= MIN_TERM + SUFFIX for word in typed)
        rare = own <= RARE_DOCS and MIN_TERM <= len(term)
        if (rare or overcut) and len(term) <= LONGEST_WORD and not term.isdigit():
            maxdist = 2 if len(term) >= LONG_WORD else 1
            candidates = Counter()
            # Two Levenshtein edits reach a transposition, which counts as one (distance() below).
            automaton = Levenshtein(term, 2, PREFIX) if rare else None
            for fieldname in self._fields if rare else ():
                for close in automaton.accepted(self._terms_from(fieldname, term[:PREFIX])):
                    if close != term and distance(close, term) <= maxdist:
                        candidates[close] = max(candidates[close], self._reader.doc_frequency(fieldname, close))
            # Stemming the one-edit variants of the typed word is the costly search: keep it for words the
            # index has never seen, or cut down.
            for close in self._variants(term, typed if overcut or not own else ()):
                candidates.setdefault(close, self.doc_frequency(close))
            threshold = RATIO * own if own else 1
            frequent = sorted(((close, docs) for close, docs in candidates.items() if docs >= threshold),
                              key=lambda item: (-item[1], item[0]))[:COMPARED]  # ties in term order
            typed_folds = [fold(word) for word in typed] or [term]
            ranked = sorted(frequent, key=lambda item: (self._nearness(item[0], typed_folds), -item[1], item[0]))
            found = [close for close, _ in ranked]
        self._cache[key] = found
        return found

    def _variants(self, term: str, typed: tuple[str, ...]) -> set[str]:
        """The index terms, other than `term`, of the words one edit from the words typed."""
        found = set()
        for word in typed:
            for variant in _edits(fold(word)):
                close = normalize(variant)
                if close and close != term and close not in found and self._known(close):
                    found.add(close)
        return found

    def _nearness(self, term: str, typed: list[str]) -> int:
        """Edits between what was typed and the nearest written form of `term` (its stem, when no document
        shows a form)."""
        forms = {fold(form) for form in self._written_forms(term)} or {term}
        return min(distance(form, word) for form in forms for word in typed)

    def within(self, fieldname: str, term: str, maxdist: int, prefix: int) -> list[str]:
        """The field's terms within `maxdist` Levenshtein edits of `term` that share its first `prefix`
        letters (a fuzzy query word)."""
        return list(Levenshtein(term, maxdist, prefix).accepted(self._terms_from(fieldname, term[:prefix])))

    def _terms_from(self, fieldname: str, prefix: str) -> list[str]:
        """The field's terms that start with `prefix`, sorted, over every segment. Whoosh's own automaton
        walk binary-searches the term file on disk, several reads per step; one pass over a letter's terms,
        kept for the searcher's life, makes every later walk a bisection in memory."""
        key = (fieldname, prefix)
        if key not in self._lexicon:
            found = set()
            for leaf, _ in self._reader.leaf_readers():
                found.update(leaf.expand_prefix(fieldname, prefix))
            self._lexicon[key] = sorted(t.decode("utf-8") if isinstance(t, bytes) else t for t in found)
        return self._lexicon[key]

    def _known(self, term: str) -> bool:
        """Whether any of the fields has this term."""
        for fieldname in self._fields:
            terms = self._terms_from(fieldname, term[:PREFIX])
            i = bisect_left(terms, term)
            if i < len(terms) and terms[i] == term:
                return True
        return False

    def surface(self, term: str, typed: str) -> str:
        """How `term` is written in the articles: the form nearest to what was typed, then the most frequent,
        found in a few documents that contain it. Falls back to the typed word."""
        forms = self._written_forms(term)
        if not forms:
            return typed
        typed_fold = fold(typed)
        same_case = typed[:1].isupper()
        return min(forms, key=lambda form: (distance(fold(form), typed_fold), -forms[form],
                                            form[:1].isupper() != same_case))

    def _written_forms(self, term: str) -> Counter[str]:
        """The words that give `term`, with their counts, in the first few documents that contain it."""
        if term not in self._forms:
            forms: Counter[str] = Counter()
            for name in self._fields:
                if not self._reader.doc_frequency(name, term):
                    continue
                for docnum in islice(self._reader.postings(name, term).all_ids(), 3):
                    stored = self._reader.stored_fields(docnum)
                    for part in ("title", "lede", "body"):
                        text = stored.get(part) or ""
                        forms.update(m.group() for m in WORD.finditer(text) if ANALYZER.term(m.group()) == term)
                if forms:
                    break
            self._forms[term] = forms
        return self._forms[term]


LETTERS = "abcdefghijklmnopqrstuvwxyz"


def distance(a: str, b: str) -> int:
    """Edits between two strings: a letter inserted, dropped or replaced, or two neighbours swapped, each
    count one (optimal string alignment)."""
    before: list[int] = []
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, start=1):
        earlier, before, row = before, row, [i] + [0] * len(b)
        for j, y in enumerate(b, start=1):
            row[j] = min(before[j] + 1, row[j - 1] + 1, before[j - 1] + (x != y))
            if i > 1 and j > 1 and x == b[j - 2] and a[i - 2] == y:
                row[j] = min(row[j], earlier[j - 2] + 1)
    return row[-1]


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
