"""The page of hits shown, in the order asked: by relevance (a question's first results re-ranked by how much
of it they cover), or by date, undated documents last.

Only the page is ordered in full: a query matching 30,000 documents is not sorted to show ten (Whoosh's
grouped and reversed searches load every hit).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from whoosh.reading import IndexReader

from seekwire import ranking
from seekwire.facets import NO_DAY, FacetReader
from seekwire.search.match import Match
from seekwire.search.plan import PLAIN_WORD

SORTS = ("relevance", "date", "-date")


def page(match: Match, sort: str, offset: int, limit: int, *, facets: FacetReader, reader: IndexReader,
         ranker: ranking.Ranker) -> list[tuple[int, float | None]]:
    """The (docnum, score) pairs of the page shown."""
    if not limit or not len(match.docs):
        return []
    if sort == "relevance" and match.scores is not None:
        written = match.plan.written
        if written:
            ranked = ranking.top(match.docs, match.scores, max(ranking.COVERAGE_DEPTH, offset + limit))
            return ranking.blend_coverage(ranked, coverage(written, reader, ranker))[offset : offset + limit]
        return ranking.top(match.docs, match.scores, offset + limit, match.tiers)[offset:]
    days = facets.days(match.docs)
    # Undated documents come last in both directions; equal days in document order.
    undated = days > NO_DAY
    order = np.lexsort((match.docs, -days if sort == "-date" else days, undated))
    chosen = match.docs[order[offset : offset + limit]].tolist()
    if match.scores is None:
        return [(d, None) for d in chosen]
    return [(d, float(match.scores[d])) for d in chosen]


def coverage(written: dict[str, str], reader: IndexReader, ranker: ranking.Ranker) -> Callable[[int], float]:
    """How much of a question a document covers: the idf-weighted share of its words (`written`: word ->
    term) the document has as written, a word it lacks counting as much as it is close to one it has
    (vectors.py)."""
    from seekwire import vectors

    words = list(written)
    weights = np.array([ranker.idf(term) for term in written.values()])
    weights /= weights.sum() or 1.0
    model = vectors.installed()
    close = model.closeness(words) if model else lambda present: [word in present for word in words]

    def covered(docnum: int) -> float:
        return float(weights @ close(written_words(reader, docnum)))

    return covered


def written_words(reader: IndexReader, docnum: int) -> set[str]:
    """The words of a document as written (lower-cased; elisions split off)."""
    stored = reader.stored_fields(docnum)
    text = " ".join(stored.get(name) or "" for name in ("title", "lede", "body"))
    return set(PLAIN_WORD.findall(text.lower()))
