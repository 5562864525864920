"""Documents like a given one: its most salient words (against the whole index) and its entities, as one OR
query scored by Whoosh."""

from __future__ import annotations

import numpy as np
from whoosh import query as wq
from whoosh.searching import Searcher as WhooshSearcher

from seekwire import ranking
from seekwire.schema import ENTITY_FIELDS

# How many salient words describe a document, and the weight of each shared entity.
SIMILAR_TERMS = 20
ENTITY_WEIGHT = 2.0


def most_similar(searcher: WhooshSearcher, docnum: int, stored: dict,
            limit: int) -> tuple[list[tuple[int, float]], int, frozenset[str]]:
    """The first `limit` (docnum, score) pairs like document `docnum` (whose stored fields are `stored`),
    how many documents are like it at all, and its salient words (to highlight)."""
    text = " ".join(filter(None, [stored.get("title"), stored.get("lede"), stored.get("body")]))
    words = searcher.key_terms_from_text("text", text, numterms=SIMILAR_TERMS)
    clauses: list[wq.Query] = [wq.Term("text", word, boost=weight) for word, weight in words]
    clauses += [wq.Term(name, value, boost=ENTITY_WEIGHT)
                for name in ENTITY_FIELDS for value in stored.get(name) or []]
    terms = frozenset(word for word, _ in words)
    if not clauses:
        return [], 0, terms
    scored = ranking.whoosh_scored(searcher, wq.Or(clauses))
    others: np.ndarray = scored.docs != docnum
    return ranking.top(scored.docs[others], scored.scores, limit), int(others.sum()), terms
