"""What a query matches: its documents (filters applied) and every document's score.

Natural queries — terms and phrases joined by OR — are scored in numpy (ranking.py), every word adding its
BM25 weight, so that documents with all the words come first but a word that matches nothing does not empty
the result; other shapes are scored by walking Whoosh's matchers. The match set is computed once per query:
it gives the total, the facet counts and, for date order, the order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from whoosh.searching import Searcher as WhooshSearcher

from seekwire import ranking
from seekwire.schema import TEXT_FIELDS
from seekwire.search.plan import Plan
from seekwire.search.rewrite import Rewritten


@dataclass(frozen=True)
class Match:
    """What a plan matches: the plan and its rewritten query, its documents (ascending, filters applied),
    every document's score (None without words), for a natural query that is not a question how many of its
    words each document has, and the related inflections that were looked for (natural queries only)."""

    plan: Plan
    rewritten: Rewritten
    docs: np.ndarray
    scores: np.ndarray | None = None
    tiers: np.ndarray | None = None
    related: dict[str, list[str]] = field(default_factory=dict)


def match(plan: Plan, rewritten: Rewritten, allowed: np.ndarray | None, *, searcher: WhooshSearcher,
          ranker: ranking.Ranker, live: Callable[[], np.ndarray]) -> Match:
    """The documents of `allowed` (None: every live document, which `live` gives) that `rewritten` matches."""
    if rewritten.query is None:
        docs = allowed if allowed is not None else live()
        if rewritten.excluded is not None:
            docs = np.setdiff1d(docs, ranking.whoosh_scored(searcher, rewritten.excluded).docs, assume_unique=True)
        return Match(plan, rewritten, docs)
    natural = ranking.natural_parts(rewritten.query, TEXT_FIELDS)
    related: dict[str, list[str]] = {}
    if natural is not None:
        # A question is ranked by how much of it a document answers, a story by all its words first.
        related = rewritten.related
        scored = ranker.score(natural[0], combined=plan.long, related=related, phrases=natural[1],
                              words=None if plan.written else rewritten.words)
    else:
        scored = ranking.whoosh_scored(searcher, rewritten.query)
    docs = scored.docs if allowed is None else np.intersect1d(scored.docs, allowed, assume_unique=True)
    return Match(plan, rewritten, docs, scored.scores, scored.tiers, related)
