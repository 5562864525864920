"""Reading whole posting lists quickly: the documents that contain a term, or any term of an OR query.

Whoosh walks postings one document at a time through a tree of Python matcher objects. To count every
document a natural query matches (for the total and the facets) we only need the sets of document numbers,
and Whoosh 2.7's postings are stored in blocks of ids: reading a block at a time and letting Python's set
union do the merging is an order of magnitude faster. This relies on the block layout of Whoosh 2.7's W3
codec, pinned in pyproject.toml; any other matcher falls back to the public, slower `all_ids()`.
"""

from __future__ import annotations

from whoosh import query as wq
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import IndexReader


def term_docs(reader: IndexReader, fieldname: str, text: str) -> set[int]:
    """Numbers of the (undeleted) documents that contain a term."""
    found: set[int] = set()
    for leaf, offset in reader.leaf_readers():
        if not leaf.doc_frequency(fieldname, text):
            continue
        matcher = leaf.postings(fieldname, text)
        deleted: frozenset[int] = frozenset()
        if isinstance(matcher, FilterMatcher):
            deleted, matcher = matcher._ids, matcher.child
        ids = _block_ids(matcher)
        if deleted:
            ids = [i for i in ids if i not in deleted]
        found.update(ids if not offset else (i + offset for i in ids))
    return found


def _block_ids(matcher) -> list[int]:
    if not all(hasattr(matcher, name) for name in ("_read_ids", "_next_block", "_atend")):
        return list(matcher.all_ids())
    ids: list[int] = []
    while matcher.is_active():
        matcher._read_ids()
        ids.extend(matcher._ids)
        matcher._next_block()
    return ids


def or_docs(reader: IndexReader, query: wq.Query) -> set[int] | None:
    """The documents matching a query made only of terms joined by OR (a natural query), or None for any
    other shape, which the caller must evaluate with the engine."""
    terms: list[tuple[str, str]] = []
    if not _collect_or_terms(query, terms):
        return None
    found: set[int] = set()
    for fieldname, text in set(terms):
        found |= term_docs(reader, fieldname, text)
    return found


def _collect_or_terms(node: wq.Query, terms: list[tuple[str, str]]) -> bool:
    if type(node) is wq.Term:
        terms.append((node.fieldname, node.text))
        return True
    if isinstance(node, wq.Or):
        return all(_collect_or_terms(child, terms) for child in node.subqueries)
    return node is wq.NullQuery
