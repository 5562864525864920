"""A plan's tree rewritten against the index: wildcard, prefix and fuzzy words bounded to the terms the index
has, misspelt words widened to their close and much more frequent neighbours (spelling.py), long phrases
shortened, related inflections looked up (inflection.py), and a corrected query offered.

The plan is read, never changed: rewriting returns a new tree, and notes for the user.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from itertools import islice

from whoosh import query as wq
from whoosh.query import Query
from whoosh.reading import IndexReader

from seekwire.analysis import ANALYZER, fold
from seekwire.inflection import related_stems
from seekwire.phrases import WrittenPhrase
from seekwire.schema import TEXT_FIELDS
from seekwire.search.plan import Plan
from seekwire.spelling import LONGEST_WORD, Speller

# A wildcard, prefix or fuzzy word may stand for at most this many terms (the most frequent are kept).
MAX_EXPANSION = 200
# A fuzzy word (`word~N`) reaches at most this many edits: beyond, it matches any word, slowly.
MAX_EDITS = 2
# Spelling and inflections are looked up for at most this many distinct words of a query: far more than any
# question has, few enough that a pasted page of unknown words is not tried letter by letter for seconds.
MAX_LOOKED_UP = 40
# A phrase is searched by at most this many of its first words (stopwords aside): longer ones, pasted
# paragraphs, would walk position lists for seconds.
MAX_PHRASE_WORDS = 20
# Weight of a close neighbour of a misspelt word, against 1 for the word itself.
TYPO_WEIGHT = 0.8


@dataclass(frozen=True)
class Rewritten:
    """The ranked part of a query as the index will be asked it: the query (None without words), what it
    excludes when it only excludes (`-Macron`: it then lists everything else, like filters), a spelling
    suggestion, the related inflections of its words (term -> stems), and which word of the query each term
    stands for when it is not that word's own (a typo's neighbour, an expansion, an inflection)."""

    query: Query | None
    excluded: Query | None = None
    suggestion: str | None = None
    related: dict[str, list[str]] = field(default_factory=dict)
    words: dict[str, str] = field(default_factory=dict)


@dataclass
class _Rewriting:
    """What rewriting a query's tree notes down: `notes` for the user, the query's words by term (`typed`),
    the correction of each misspelt term, the word each added term stands for, and the terms whose spelling
    was checked. Without `widen`, misspelt words are left alone (in what a query excludes)."""

    notes: list[str]
    widen: bool = True
    typed: dict[str, list[str]] = field(default_factory=dict)
    corrections: dict[str, str] = field(default_factory=dict)
    words: dict[str, str] = field(default_factory=dict)
    spelled: set[str] = field(default_factory=set)


class Rewriter:
    """Rewrites plans against one open index."""

    def __init__(self, reader: IndexReader, speller: Speller):
        self._reader = reader
        self._speller = speller

    def rewrite(self, plan: Plan, notes: list[str]) -> Rewritten:
        """The plan's tree rewritten, notes appended to `notes`."""
        if plan.excluded is not None:
            return Rewritten(None, excluded=self._rewrite(plan.excluded, _Rewriting(notes, widen=False)))
        if plan.tree is None or plan.tree is wq.NullQuery:
            return Rewritten(plan.tree)
        rewriting = _Rewriting(notes, typed=plan.typed)
        tree = self._rewrite(plan.tree, rewriting)
        related = self._related(rewriting.typed)
        for term, stems in related.items():
            for stem in stems:
                rewriting.words.setdefault(stem, term)
        return Rewritten(tree, suggestion=self._suggest(plan, rewriting.corrections), related=related,
                         words=rewriting.words)

    def _related(self, typed: dict[str, list[str]]) -> dict[str, list[str]]:
        """For each of the first MAX_LOOKED_UP terms of the query, the stems of its related inflections that the
        index has."""
        related: dict[str, list[str]] = {}
        for term, words in islice(typed.items(), MAX_LOOKED_UP):
            stems = set().union(*(related_stems(word) for word in words)) - typed.keys()
            found = sorted(s for s in stems if any(self._reader.doc_frequency(f, s) for f in TEXT_FIELDS))
            if found:
                related[term] = found
        return related

    def _rewrite(self, node: Query, state: _Rewriting) -> Query:
        """Bound wildcard and fuzzy expansions and widen misspelt words, noting which word each term stands for."""
        if isinstance(node, (wq.Prefix, wq.Wildcard)):
            return self._expand(node, state)
        if isinstance(node, wq.FuzzyTerm):
            return self._fuzzy(node, state)
        if isinstance(node, WrittenPhrase) and len(node.words) > MAX_PHRASE_WORDS:
            _note(state.notes, f"a phrase of {len(node.words)} words was searched by its first {MAX_PHRASE_WORDS}")
            return node.first(MAX_PHRASE_WORDS)
        if state.widen and isinstance(node, wq.Term) and node.fieldname in TEXT_FIELDS:
            return self._widen(node, state)
        if node.is_leaf():
            return node
        if isinstance(node, wq.Or) and any(isinstance(child, wq.Not) for child in node.subqueries):
            # "a NOT b" parses as an OR with a negated clause, which every document without b would match.
            node = _exclude_negated(node)
        return node.apply(lambda child: self._rewrite(child, state))

    def _widen(self, node: wq.Term, state: _Rewriting) -> Query:
        """A word, or it with the close neighbours it may be a misspelling of."""
        longest = max(map(len, state.typed.get(node.text, [node.text])))
        if longest > LONGEST_WORD:
            _note(state.notes, f"a word of {longest} characters is searched as written, without spelling variants")
            return node
        state.spelled.add(node.text)
        if len(state.spelled) > MAX_LOOKED_UP:
            _note(state.notes, f"spelling and inflections were looked up for the first {MAX_LOOKED_UP} words only")
            return node
        options = self._speller.corrections(node.text, tuple(state.typed.get(node.text, ())))
        if not options:
            return node
        state.corrections.setdefault(node.text, options[0])
        close = [wq.Term(node.fieldname, c, boost=node.boost * TYPO_WEIGHT) for c in options[:3]]
        for term in close:
            state.words.setdefault(term.text, node.text)
        return wq.Or([node, *close])

    def _fuzzy(self, node: wq.FuzzyTerm, state: _Rewriting) -> Query:
        """`word~N` as an OR of the terms within N edits of the word's own term (so that it always finds the
        word itself: Whoosh compares the unstemmed word with stems), N at most MAX_EDITS."""
        term = ANALYZER.term(node.text) or node.text
        if len(node.text) > LONGEST_WORD:
            _note(state.notes, f"a word of {len(node.text)} characters is searched as written, without fuzzy matching")
            return wq.Term(node.fieldname, term, boost=node.boost)
        maxdist = min(node.maxdist, MAX_EDITS)
        if maxdist < node.maxdist:
            _note(state.notes, f"{node.text}~{node.maxdist} was searched within {MAX_EDITS} edits")
        words = self._speller.within(node.fieldname, term, maxdist, min(node.prefixlength, len(term)))
        return self._bounded(node.fieldname, node.text + "~", words, node.boost, state)

    def _expand(self, node: Query, state: _Rewriting) -> Query:
        """A prefix or wildcard as an OR of at most MAX_EXPANSION terms, the most frequent."""
        fieldname = node.fieldname
        pattern = node.text
        if isinstance(node, wq.Prefix):
            # Indexed words are stems: "coopération*" must look for "cooper…", the stem of what was typed.
            stem = ANALYZER.term(pattern)
            if stem and pattern.startswith(stem):
                pattern = stem
            words = self._reader.expand_prefix(fieldname, pattern)
        else:
            words = (text for _, text in wq.Wildcard(fieldname, pattern).expanded_terms(self._reader))
        words = [w.decode("utf-8") if isinstance(w, bytes) else w for w in islice(words, 50_000)]
        return self._bounded(fieldname, node.text + "*", words, node.boost, state)

    def _bounded(self, fieldname: str, shown: str, words: list[str], boost: float, state: _Rewriting) -> Query:
        """An OR of the terms a pattern (`shown`) stands for, at most MAX_EXPANSION of them, the most frequent;
        together they are one word of the query."""
        if len(words) > MAX_EXPANSION:
            _note(state.notes,
                  f"{shown} matches {len(words)} words in {fieldname}; searched the {MAX_EXPANSION} most frequent")
            words = heapq.nlargest(MAX_EXPANSION, words,
                                   key=lambda w: self._reader.doc_frequency(fieldname, w))
        if not words:
            return wq.NullQuery
        for word in words:
            state.words.setdefault(word, shown)
        return wq.Or([wq.Term(fieldname, w, boost=boost) for w in words])

    def _suggest(self, plan: Plan, corrections: dict[str, str]) -> str | None:
        """The query with misspelt words corrected, as the words are written in the articles."""
        if not corrections:
            return None
        out, last, changed = [], 0, False
        for word in plan.words:
            if word.term is None:
                continue
            out.append(plan.text[last : word.start])
            if word.term in corrections:
                out.append(self._speller.surface(corrections[word.term], word.written))
                changed = True
            else:
                written = self._speller.surface(word.term, word.written)
                out.append(written if fold(written) == fold(word.written) else word.written)
            last = word.end
        out.append(plan.text[last:])
        return "".join(out) if changed else None


def _note(notes: list[str], note: str) -> None:
    if note not in notes:
        notes.append(note)


def _exclude_negated(node: wq.Or) -> Query:
    """An OR with NOT clauses as "any of the others, and none of the negated"."""
    kept = [child for child in node.subqueries if not isinstance(child, wq.Not)]
    negated = [child.query for child in node.subqueries if isinstance(child, wq.Not)]
    positive = wq.Or(kept, boost=node.boost) if kept else wq.Every()
    return wq.AndNot(positive, wq.Or(negated))
