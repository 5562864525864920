"""Ranking natural queries: BM25F over whole posting lists, in numpy.

A natural query — its words looked for in the title and in the text, with the close neighbours of misspelt
words and the expansions of prefixes — is an OR of weighted terms, scored as a sum of one BM25 term per
(field, term) pair. Whoosh computes that sum by walking a tree of matcher objects, several Python calls per
posting, which was most of a query's time. Here each posting list is read in blocks (postings.py) and scored
with array arithmetic: the same formula and the same index statistics as Whoosh's BM25F, so the ranking is
Whoosh's, and the match set, its scores and the top k come out of one pass. Other shapes of query (phrases,
AND, NOT, fuzzy terms) are left to Whoosh.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from whoosh import query as wq, scoring
from whoosh.searching import Searcher as WhooshSearcher

from seekwire.columns import field_lengths
from seekwire.postings import NO_DOCS, term_postings

# BM25's term-frequency saturation and length normalisation (Whoosh's defaults).
K1 = 1.2
B = 0.75


def weighting() -> scoring.BM25F:
    """The weighting Whoosh uses for the queries this module does not score, with the same parameters."""
    return scoring.BM25F(B=B, K1=K1)


@dataclass(frozen=True)
class WeightedTerm:
    """One term of a natural query and the product of the boosts above it."""

    fieldname: str
    text: str
    boost: float


def weighted_terms(query: wq.Query, fieldnames: tuple[str, ...]) -> list[WeightedTerm] | None:
    """The terms of a query made only of terms in `fieldnames` joined by OR, or None for any other shape."""
    found: list[WeightedTerm] = []
    return found if _collect(query, fieldnames, 1.0, found) else None


def _collect(node: wq.Query, fieldnames: tuple[str, ...], boost: float, found: list[WeightedTerm]) -> bool:
    if node is wq.NullQuery:
        return True
    if type(node) is wq.Term:
        if node.fieldname not in fieldnames:
            return False
        found.append(WeightedTerm(node.fieldname, node.text, boost * node.boost))
        return True
    if type(node) is wq.Or and not node.minmatch and not node.scale:
        return all(_collect(child, fieldnames, boost * node.boost, found) for child in node.subqueries)
    return False


@dataclass
class Scored:
    """The documents a natural query matches (ascending) and a score for every document of the index."""

    docs: np.ndarray
    scores: np.ndarray


class Ranker:
    """Scores natural queries against one open index."""

    def __init__(self, searcher: WhooshSearcher):
        self._searcher = searcher
        self._reader = searcher.reader()
        self._lengths: dict[str, np.ndarray] = {}

    def score(self, terms: list[WeightedTerm]) -> Scored:
        doc_count = self._reader.doc_count_all()
        scores = np.zeros(doc_count)
        matched = np.zeros(doc_count, dtype=bool)
        for term in terms:
            docs, weights = term_postings(self._reader, term.fieldname, term.text)
            if not len(docs):
                continue
            lengths = self._field_lengths(term.fieldname)[docs]
            idf = self._searcher.idf(term.fieldname, term.text)
            average = self._searcher.avg_field_length(term.fieldname) or 1
            norm = K1 * ((1 - B) + B * lengths / average)
            scores[docs] += term.boost * idf * (weights * (K1 + 1)) / (weights + norm)
            matched[docs] = True
        return Scored(np.flatnonzero(matched) if matched.any() else NO_DOCS, scores)

    def _field_lengths(self, fieldname: str) -> np.ndarray:
        if fieldname not in self._lengths:
            self._lengths[fieldname] = field_lengths(self._reader, fieldname)
        return self._lengths[fieldname]


def top(docs: np.ndarray, scores: np.ndarray, k: int) -> list[tuple[int, float]]:
    """The k best of `docs` as (document, score), best first; equal scores in document order, as Whoosh does."""
    if k <= 0 or not len(docs):
        return []
    candidates = scores[docs]
    if len(docs) > k:
        kth = np.partition(candidates, len(docs) - k)[len(docs) - k]
        keep = candidates >= kth
        docs, candidates = docs[keep], candidates[keep]
    order = np.lexsort((docs, -candidates))[:k]
    return [(int(d), float(s)) for d, s in zip(docs[order], candidates[order])]
