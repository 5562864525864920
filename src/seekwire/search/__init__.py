"""Answering queries, one module per stage: a query is parsed once into a plan (`plan.py`, with `parser.py`),
rewritten against the index (`rewrite.py`), filtered (`filters.py`), matched and scored (`match.py`), paged
(`paging.py`) and shown as hits with snippets (`hits.py`); `similar.py` and `stats.py` answer the other
questions an index is asked. `Searcher` (`searcher.py`) is the facade callers use."""

from seekwire.search.searcher import Searcher

__all__ = ["Searcher"]
