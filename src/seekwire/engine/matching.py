"""A fix to Whoosh 2.7's AND NOT matcher, applied to any query tree before it is matched.

Whoosh 2.7's AND NOT matcher compares the first document of its positive side only with the current document
of its negative side: when the negative side starts earlier, a document on both sides is let through. Each
segment starts its posting lists afresh, so on an index of several segments `energie -region` returned
documents about "région". The fix overrides the private `_find_first` of `AndNotMatcher`.
"""

from __future__ import annotations

from whoosh import query as wq
from whoosh.matching import AndNotMatcher


class _AndNotMatcher(AndNotMatcher):
    def _find_first(self) -> None:
        if self.a.is_active():
            self._find_next()


class _AndNot(wq.AndNot):
    def matcher(self, searcher, context=None):
        return _AndNotMatcher(self.a.matcher(searcher, context), self.b.matcher(searcher, searcher.boolean_context()))


def fixed(node: wq.Query) -> wq.Query:
    """`node` with every AND NOT replaced by one that excludes in every segment."""
    if isinstance(node, wq.AndNot):
        return _AndNot(fixed(node.a), fixed(node.b))
    return node.apply(fixed) if not node.is_leaf() else node
