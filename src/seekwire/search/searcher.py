"""`Searcher`: an open index answering queries, a facade over the stages of search/.

A query's text is parsed once into a plan (plan.py), which flows one way: rewritten against the index
(rewrite.py), filtered (filters.py), matched and scored (match.py), paged (paging.py), shown as hits with
snippets (hits.py). Nothing from Whoosh leaves: callers get `Results`, `Hit`s and `Article`s.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator

import numpy as np

from seekwire import ranking, storage
from seekwire.article import Article
from seekwire.engine.columns import live_docs
from seekwire.engine.postings import term_docs
from seekwire.errors import NotFoundError, QuerySyntaxError
from seekwire.facets import ALL_FACETS, FACET_NAMES, FacetReader
from seekwire.query import Filters
from seekwire.results import FacetCount, Results, Stats
from seekwire.schema import TEXT_FIELDS, article_from_stored
from seekwire.search import filters as filtering
from seekwire.search import hits, paging
from seekwire.search.match import Match, match
from seekwire.search.plan import plan
from seekwire.search.rewrite import Rewriter
from seekwire.search.similar import most_similar
from seekwire.search.stats import facet_counts, index_stats
from seekwire.spelling import Speller
from seekwire.text import os_text


class Searcher:
    """An open index, ready to answer many queries (open it once, search many times)."""

    def __init__(self, index_dir: str | os.PathLike):
        self.index_dir = os.fspath(index_dir)
        self._searcher = storage.open_searcher(index_dir, weighting=ranking.weighting())
        # Whoosh reads segment files lazily: damage can surface at any later call, as one clear error.
        self._guard = storage.IndexErrors(index_dir)
        self._reader = self._searcher.reader()
        self._facets = FacetReader(self._reader)
        self._ranker = ranking.Ranker(self._searcher)
        self._rewriter = Rewriter(self._reader, Speller(self._reader, TEXT_FIELDS))
        self._live: np.ndarray | None = None

    def __enter__(self) -> Searcher:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._searcher.close()

    def search(
        self,
        text: str = "",
        *,
        filters: Filters | None = None,
        sort: str = "relevance",
        limit: int = 10,
        offset: int = 0,
        facets: bool = True,
        facet_limit: int | None = 10,
        snippets: bool = True,
        skip_ids: frozenset[str] = frozenset(),
    ) -> Results:
        """Find the documents matching `text` (query syntax) and `filters`, but those whose id is in `skip_ids`
        (what a watch has reported already).

        Without words, every document passing the filters matches, newest first. Facet counts cover all
        matching documents. Raises QuerySyntaxError for a malformed query.
        """
        if sort not in paging.SORTS:
            raise QuerySyntaxError(f"unknown sort {sort!r} — use one of {', '.join(paging.SORTS)}")
        if limit < 0 or offset < 0:
            raise QuerySyntaxError("--limit and --offset must not be negative")
        notes: list[str] = []
        with self._guard:
            found = self._match(text, filters, notes)
            if skip_ids:
                ids = (self._reader.stored_fields(docnum)["id"] for docnum in found.docs.tolist())
                found = dataclasses.replace(found, docs=found.docs[np.fromiter(
                    (i not in skip_ids for i in ids), dtype=bool, count=len(found.docs))])
            if found.rewritten.query is None and sort == "relevance":
                sort = "-date"
            shown = paging.page(found, sort, offset, limit, facets=self._facets, reader=self._reader,
                                ranker=self._ranker)
            terms = hits.highlight_terms(found.rewritten.query, found.related, self._reader)
            page = [hits.hit(self._reader, rank, docnum, score, terms, snippets)
                    for rank, (docnum, score) in enumerate(shown, start=offset + 1)]
            counts = facet_counts(self._facets, found.docs, ALL_FACETS, facet_limit) if facets else {}
        return Results(query=found.plan.query, total=len(found.docs), offset=offset, limit=limit, sort=sort,
                       hits=page, facets=counts, suggestion=found.rewritten.suggestion, notes=notes)

    def facet(self, name: str, text: str = "", filters: Filters | None = None) -> list[FacetCount]:
        """Every value of one facet with its count over the documents matching `text` and `filters`."""
        if name not in FACET_NAMES:
            raise QuerySyntaxError(f"unknown facet {name!r} — facets are {', '.join(FACET_NAMES)}")
        with self._guard:
            return self._facets.count(name, self._match(text, filters, []).docs, None)

    def similar(self, doc_id: str, *, limit: int = 10, snippets: bool = True) -> Results:
        """Documents most like `doc_id`: its most salient words (against the whole index) and its entities."""
        doc_id = os_text(doc_id)
        with self._guard:
            docnum = self._searcher.document_number(id=doc_id)
            stored = self._reader.stored_fields(docnum) if docnum is not None else None
            if stored is None:
                raise NotFoundError(f"no document with id {doc_id!r} — `seekwire query` shows the ids")
            shown, total, terms = most_similar(self._searcher, docnum, stored, limit)
            page = [hits.hit(self._reader, rank, doc, score, terms, snippets)
                    for rank, (doc, score) in enumerate(shown, start=1)]
        return Results(query=f"similar:{doc_id}", total=total, offset=0, limit=limit, sort="relevance", hits=page)

    def get(self, doc_id: str) -> Article:
        """The stored article with this id (a name that is not UTF-8 as its file's id is written, `\\xNN`).
        Raises NotFoundError."""
        doc_id = os_text(doc_id)
        with self._guard:
            stored = self._searcher.document(id=doc_id)
        if stored is None:
            raise NotFoundError(f"no document with id {doc_id!r} — `seekwire query` shows the ids")
        return article_from_stored(stored)

    def ids_for(self, ref: str, most: int = 6) -> list[str]:
        """The ids a person may mean by `ref`: the id itself; else the documents of the file `ref` names (its
        path as indexed, or its name); else the ids starting with `ref` — at most `most` of them, in index
        order. A reference that names one document gives one id."""
        ref = os_text(ref)
        with self._guard:
            if len(term_docs(self._reader, "id", ref)):
                return [ref]
            found: list[str] = []
            for path in self._reader.field_terms("path"):
                name = path.rsplit("/", 1)[-1]
                if ref in (path, name):
                    found += [self._reader.stored_fields(int(d))["id"] for d in term_docs(self._reader, "path", path)]
            if found:
                return found[:most]
            for term in self._reader.expand_prefix("id", ref):  # terms as bytes
                doc_id = term.decode("utf-8")
                if len(term_docs(self._reader, "id", doc_id)):
                    found.append(doc_id)
                    if len(found) == most:
                        break
            return found

    def articles(self) -> Iterator[Article]:
        """Every stored article, in index order."""
        with self._guard:
            for stored in self._reader.all_stored_fields():
                yield article_from_stored(stored)

    def stats(self, text: str = "", filters: Filters | None = None, facet_limit: int = 10) -> Stats:
        """Size, date range and the most frequent facet values of the whole index, or of the documents matching
        `text` and `filters` when given (the size stays the index's)."""
        with self._guard:
            docs = self._match(text, filters, []).docs if text or filters else self._live_docs()
            return index_stats(self.index_dir, self._facets, docs, facet_limit)

    def _match(self, text: str, filters: Filters | None, notes: list[str]) -> Match:
        """parse → rewrite → filter → match, the notes of each stage appended to `notes` in that order."""
        planned = plan(text, filters)
        notes.extend(planned.notes)
        rewritten = self._rewriter.rewrite(planned, notes)
        allowed = filtering.allowed(planned.filters, self._facets, self._live_docs, notes)
        return match(planned, rewritten, allowed, searcher=self._searcher, ranker=self._ranker,
                     live=self._live_docs)

    def _live_docs(self) -> np.ndarray:
        if self._live is None:
            self._live = live_docs(self._reader)
        return self._live
