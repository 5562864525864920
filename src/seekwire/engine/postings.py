"""Reading whole posting lists quickly, as numpy arrays of document numbers and term weights.

Whoosh walks postings one document at a time through a tree of Python matcher objects. Counting every
document a query matches (for the total and the facets) and scoring them all needs only the document numbers
and the weights, and Whoosh 2.7's postings are stored in blocks of them: reading a block at a time and doing
the arithmetic in numpy is an order of magnitude faster. This relies on the block layout of Whoosh 2.7's W3
codec, pinned in pyproject.toml; any other matcher falls back to its public, slower per-posting methods.
"""

from __future__ import annotations

import numpy as np
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import IndexReader

NO_DOCS = np.zeros(0, dtype=np.int64)


def term_postings(reader: IndexReader, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray]:
    """The (undeleted) documents that contain a term, ascending, and the term's weight in each."""
    id_parts, weight_parts = [], []
    for leaf, offset in reader.leaf_readers():
        if not leaf.doc_frequency(fieldname, text):
            continue
        matcher = leaf.postings(fieldname, text)
        deleted: frozenset[int] = frozenset()
        if isinstance(matcher, FilterMatcher):
            deleted, matcher = matcher._ids, matcher.child
        ids, weights = _read_blocks(matcher)
        if deleted:
            keep = ~np.isin(ids, np.fromiter(deleted, dtype=np.int64))
            ids, weights = ids[keep], weights[keep]
        id_parts.append(ids + offset)
        weight_parts.append(weights)
    if not id_parts:
        return NO_DOCS, np.zeros(0)
    return np.concatenate(id_parts), np.concatenate(weight_parts)


def term_docs(reader: IndexReader, fieldname: str, text: str) -> np.ndarray:
    """The (undeleted) documents that contain a term, ascending."""
    return term_postings(reader, fieldname, text)[0]


def _read_blocks(matcher) -> tuple[np.ndarray, np.ndarray]:
    ids: list[int] = []
    weights: list[float] = []
    if all(hasattr(matcher, name) for name in ("_read_ids", "_read_weights", "_next_block")):
        while matcher.is_active():
            matcher._read_ids()
            matcher._read_weights()
            ids.extend(matcher._ids)
            weights.extend(matcher._weights)
            matcher._next_block()
    else:
        while matcher.is_active():
            ids.append(matcher.id())
            weights.append(matcher.weight())
            matcher.next()
    return np.array(ids, dtype=np.int64), np.array(weights, dtype=np.float64)
