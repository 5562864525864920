"""Ranking natural queries: BM25 over whole posting lists, in numpy.

A natural query — its words looked for in the title and in the text, with the close neighbours of misspelt
words, the expansions of prefixes and the related inflections of each word — is an OR of weighted terms.
Whoosh would score it by walking a tree of matcher objects, several Python calls per posting, which was most
of a query's time. Here each posting list is read in blocks (postings.py) and scored with array arithmetic,
so the match set, every score and the top k come out of one pass. Other shapes of query (phrases, AND, NOT,
fuzzy terms) are scored by Whoosh's own matchers, walked one document at a time (`whoosh_scored`).

Two formulas, chosen by the length of the query (measured on the dev query sets, bench/relevance.py):

* a few words usually name a story, and its words are in the headline: each field is scored on its own, as
  Whoosh's BM25F does (the same formula and statistics, so that ranking is Whoosh's), and the title weighs 4;
* a longer query is a question whose words are spread through the text: the fields are combined before the
  saturation (BM25F proper: a word in the title and in the text counts once, more strongly), with the
  Lucene/Robertson idf, which unlike Whoosh's does not give frequent words a floor of 1. On the PIAF
  questions this lifts MRR@10 from 0.763 to 0.787 and leaves the known-item headline queries unchanged.

A word's related inflections (inflection.py) are pooled into its own term at half weight: their occurrences
add to its frequency, as if the stemmer had given them the same stem.

A question's first results are then re-ranked by how much of the question they contain: the idf-weighted
share of its words found in the document in the same form, a word not found counting as much as it is close
in meaning to one the document has (vectors.py), blended with the BM25 score. Stems match "travail" with
"travaillent"; the exact forms tell the passage that answers from one on the same subject, and the vectors
the passage that answers in other words ("églises" for "édifices religieux"). On the PIAF questions the
exact forms lift MRR@10 from 0.787 to 0.797, the vectors to 0.807 (0.804 and 0.809 on the two halves of the
set, the weight chosen on the first); the known-item headline queries, which ask nothing, are untouched.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np
from whoosh import query as wq
from whoosh import scoring
from whoosh.searching import Searcher as WhooshSearcher

from seekwire.engine.columns import field_lengths
from seekwire.engine.matching import fixed
from seekwire.engine.postings import NO_DOCS, term_postings
from seekwire.phrases import WrittenPhrase

# BM25's term-frequency saturation and length normalisation (Whoosh's defaults).
K1 = 1.2
B = 0.75
# Weight of a title occurrence against a text occurrence when the fields are combined (long queries).
COMBINED_TITLE_WEIGHT = 4.0
# Weight of an occurrence of a related inflection against one of the word itself.
INFLECTION_WEIGHT = 0.5
# How many of a question's first results are re-ranked by coverage, and the weight of the coverage (0..1)
# against the BM25 score divided by the best one.
COVERAGE_DEPTH = 50
COVERAGE_WEIGHT = 0.7


def weighting() -> scoring.BM25F:
    """The weighting Whoosh uses for the queries this module does not score, with the same parameters."""
    return scoring.BM25F(B=B, K1=K1)


@dataclass(frozen=True)
class WeightedTerm:
    """One term of a natural query and the product of the boosts above it."""

    fieldname: str
    text: str
    boost: float


def natural_parts(query: wq.Query, fieldnames: tuple[str, ...]) -> tuple[list[WeightedTerm], list[wq.Query]] | None:
    """The terms and the phrases (WrittenPhrase queries, their boosts multiplied out) of a query made only of
    terms and phrases in `fieldnames` joined by OR, or None for any other shape."""
    found: list[WeightedTerm] = []
    phrases: list[wq.Query] = []
    return (found, phrases) if _collect(query, fieldnames, 1.0, found, phrases) else None


def _collect(node: wq.Query, fieldnames: tuple[str, ...], boost: float, found: list[WeightedTerm],
             phrases: list[wq.Query]) -> bool:
    if node is wq.NullQuery:
        return True
    if type(node) is wq.Term:
        if node.fieldname not in fieldnames:
            return False
        found.append(WeightedTerm(node.fieldname, node.text, boost * node.boost))
        return True
    if type(node) is WrittenPhrase and node.fieldname in fieldnames:
        phrases.append(node.with_boost(boost * node.boost))
        return True
    if type(node) is wq.Or and not node.minmatch and not node.scale:
        return all(_collect(child, fieldnames, boost * node.boost, found, phrases) for child in node.subqueries)
    return False


@dataclass
class Scored:
    """The documents a query matches (ascending), a score for every document of the index and, when asked
    for, how many of the query's words each document has (`tiers`, which order before the score)."""

    docs: np.ndarray
    scores: np.ndarray
    tiers: np.ndarray | None = None


class Ranker:
    """Scores natural queries against one open index."""

    def __init__(self, searcher: WhooshSearcher):
        self._searcher = searcher
        self._reader = searcher.reader()
        self._lengths: dict[str, np.ndarray] = {}

    def score(self, terms: list[WeightedTerm], *, combined: bool = False,
              related: Mapping[str, Iterable[str]] | None = None, phrases: Iterable[wq.Query] = (),
              words: Mapping[str, str] | None = None) -> Scored:
        """Score every document for `terms` and `phrases`: field by field, or with the fields `combined` (long
        queries). `related` maps a term to the stems of its related inflections. With `words` (a term -> the
        query word it stands for; a term not in it is a word of its own, a phrase is one word), count in
        `tiers` how many of the query's words each document has."""
        related = related or {}
        doc_count = self._reader.doc_count_all()
        scores = np.zeros(doc_count)
        matched = np.zeros(doc_count, dtype=bool)
        has: dict[str, np.ndarray] = {}

        def found(word: str, docs: np.ndarray) -> None:
            matched[docs] = True
            if words is not None:
                if word not in has:
                    has[word] = np.zeros(doc_count, dtype=bool)
                has[word][docs] = True
        boosts: dict[str, dict[str, float]] = {}
        for term in terms:
            fields = boosts.setdefault(term.text, {})
            fields[term.fieldname] = fields.get(term.fieldname, 0.0) + term.boost
        for text, fields in boosts.items():
            postings = {name: self._postings(name, text, related.get(text, ())) for name in fields}
            if combined:
                self._add_combined(scores, text, fields, postings, bool(related.get(text)))
            else:
                for name, (docs, weights) in postings.items():
                    if len(docs):
                        df = len(docs) if related.get(text) else None
                        scores[docs] += fields[name] * self._bm25(name, text, docs, weights, df)
            word = (words or {}).get(text, text)
            for docs, _ in postings.values():
                found(word, docs)
        for phrase in phrases:
            # Whoosh scores a phrase as the sum of its words' BM25 scores, in the documents that hold it.
            scored = whoosh_scored(self._searcher, phrase)
            scores[scored.docs] += scored.scores[scored.docs]
            found(f'"{phrase.written}"', scored.docs)
        tiers = sum(has.values()) if words is not None and has else None
        return Scored(np.flatnonzero(matched) if matched.any() else NO_DOCS, scores, tiers)

    def _postings(self, fieldname: str, text: str, related: Iterable[str]) -> tuple[np.ndarray, np.ndarray]:
        """A term's postings in a field, with those of its related inflections pooled in at a lower weight."""
        docs, weights = term_postings(self._reader, fieldname, text)
        parts = [(docs, weights)] + [(d, w * INFLECTION_WEIGHT)
                                     for d, w in (term_postings(self._reader, fieldname, r) for r in related)]
        if len(parts) == 1:
            return docs, weights
        alldocs = np.concatenate([d for d, _ in parts])
        pooled, where = np.unique(alldocs, return_inverse=True)
        return pooled, np.bincount(where, weights=np.concatenate([w for _, w in parts]), minlength=len(pooled))

    def _bm25(self, fieldname: str, text: str, docs: np.ndarray, weights: np.ndarray,
              df: int | None) -> np.ndarray:
        """Whoosh's BM25F term score in one field (with its idf, from `df` when given)."""
        if df is None:
            idf = self._searcher.idf(fieldname, text)
        else:
            idf = math.log(self._reader.doc_count_all() / (df + 1)) + 1
        average = self._searcher.avg_field_length(fieldname) or 1
        norm = K1 * ((1 - B) + B * self._field_lengths(fieldname)[docs] / average)
        return idf * (weights * (K1 + 1)) / (weights + norm)

    def _add_combined(self, scores: np.ndarray, text: str, fields: dict[str, float],
                      postings: dict[str, tuple[np.ndarray, np.ndarray]], pooled: bool) -> None:
        """BM25F proper: the length-normalised frequencies of the fields, weighted and summed, then saturated
        once, with the Robertson idf of the term in the text (in any field for a pooled term)."""
        frequency = np.zeros(len(scores))
        present = np.zeros(len(scores), dtype=bool)
        for name, (docs, weights) in postings.items():
            if not len(docs):
                continue
            field = self._reader.schema[name]
            raw = weights / field.format.field_boost
            average = self._searcher.avg_field_length(name) or 1
            weight = COMBINED_TITLE_WEIGHT if name == "title" else 1.0
            frequency[docs] += weight * raw / ((1 - B) + B * self._field_lengths(name)[docs] / average)
            present[docs] = True
        idf = self.idf(text, int(present.sum()) if pooled else None)
        query_weight = fields.get("text", fields.get("title", 0.0))
        docs = np.flatnonzero(present)
        scores[docs] += query_weight * idf * frequency[docs] * (K1 + 1) / (frequency[docs] + K1)

    def idf(self, text: str, df: int | None = None) -> float:
        """Robertson's idf of a term in the text (in the title when the text lacks it), or for `df` documents."""
        if df is None:
            df = self._reader.doc_frequency("text", text) or self._reader.doc_frequency("title", text)
        n = self._reader.doc_count_all()
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def _field_lengths(self, fieldname: str) -> np.ndarray:
        if fieldname not in self._lengths:
            self._lengths[fieldname] = field_lengths(self._reader, fieldname)
        return self._lengths[fieldname]


def whoosh_scored(searcher: WhooshSearcher, query: wq.Query) -> Scored:
    """Any other query, scored by Whoosh's own matchers walked one document at a time.

    Not through Whoosh's collector: it replaces parts of the matcher tree as it goes, and on this index it
    left out of the top ten of "Ford automobiles" a document that its own scoring put eighth."""
    query = fixed(query)
    scores = np.zeros(searcher.reader().doc_count_all())
    matched: list[int] = []
    for leaf, offset in searcher.leaf_searchers():
        matcher = query.matcher(leaf, leaf.context())
        while matcher.is_active():
            doc = offset + matcher.id()
            matched.append(doc)
            scores[doc] = matcher.score()
            matcher.next()
    return Scored(np.unique(np.array(matched, dtype=np.int64)), scores)


def top(docs: np.ndarray, scores: np.ndarray, k: int, tiers: np.ndarray | None = None) -> list[tuple[int, float]]:
    """The k best of `docs` as (document, score), best first: by tier when given (more words first), then by
    score; equal scores in document order, as Whoosh does."""
    if k <= 0 or not len(docs):
        return []
    candidates = scores[docs]
    rank = candidates
    if tiers is not None:
        # Scores are not negative: tier t ranks above every score of tier t - 1.
        rank = tiers[docs] * (candidates.max() + 1.0) + candidates
    if len(docs) > k:
        kth = np.partition(rank, len(docs) - k)[len(docs) - k]
        keep = rank >= kth
        docs, candidates, rank = docs[keep], candidates[keep], rank[keep]
    order = np.lexsort((docs, -candidates, -rank))[:k]
    return [(int(d), float(s)) for d, s in zip(docs[order], candidates[order])]


def blend_coverage(ranked: list[tuple[int, float]], coverage_of: Callable[[int], float]) -> list[tuple[int, float]]:
    """Re-rank the first COVERAGE_DEPTH of `ranked` (best first) by `coverage_of(doc)` (0..1), blended with
    the score divided by the best one. Documents further down are counted as covering nothing, so a page
    deeper than the re-ranked ones keeps a consistent order."""
    if not ranked:
        return ranked
    best = ranked[0][1] or 1.0
    blended = []
    for position, (doc, score) in enumerate(ranked):
        coverage = coverage_of(doc) if position < COVERAGE_DEPTH else 0.0
        blended.append((doc, (1 - COVERAGE_WEIGHT) * score / best + COVERAGE_WEIGHT * coverage))
    return sorted(blended, key=lambda item: (-item[1], item[0]))
