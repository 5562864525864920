"""Answering queries: parse, rank (BM25F over title, lede and body), cut snippets, return plain dataclasses.

Nothing from Whoosh leaves this module: callers get `Results` and `Hit`s, which the CLI renders. Snippets are
cut here rather than by Whoosh's highlighter because we want the character spans of every highlighted word
(for JSON) and the words as the reader wrote them, not their stems, and we only ever highlight the hits shown.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from whoosh import index as whoosh_index
from whoosh import qparser, scoring
from whoosh.query import Query

from seekwire import storage
from seekwire.analysis import ANALYZER, WORD
from seekwire.article import Article
from seekwire.errors import CorruptIndexError, NotFoundError, QuerySyntaxError
from seekwire.results import Hit, Results
from seekwire.schema import TEXT_FIELDS, article_from_stored

SNIPPET_CHARS = 200
# "Documents with all the words first": each query word a document lacks lowers its score by this factor.
COORDINATION = 0.9


class Searcher:
    """An open index, ready to answer many queries (open it once, search many times)."""

    def __init__(self, index_dir: str | os.PathLike):
        generation = storage.current_generation(index_dir)
        storage.check_schema(generation)
        try:
            self._ix = whoosh_index.open_dir(os.fspath(generation))
            self._searcher = self._ix.searcher(weighting=scoring.BM25F())
        except (OSError, ValueError, EOFError, KeyError, whoosh_index.IndexError) as error:
            raise CorruptIndexError(
                f"index at {index_dir} cannot be read ({error}) — run `seekwire index --rebuild PATH`"
            ) from None
        self._parser: qparser.QueryParser | None = None

    def __enter__(self) -> Searcher:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._searcher.close()
        self._ix.close()

    @property
    def doc_count(self) -> int:
        return self._searcher.doc_count()

    def search(self, text: str, *, limit: int = 10, offset: int = 0, snippets: bool = True) -> Results:
        """Rank the documents matching `text`; only the hits on the page are read and highlighted."""
        if limit < 0 or offset < 0:
            raise ValueError("limit and offset must not be negative")
        query = self._parse(text)
        page = self._searcher.search(query, limit=offset + limit) if limit else None
        total = len(page) if page is not None else len(list(self._searcher.docs_for_query(query)))
        terms = _query_terms(query)
        hits = []
        for rank, hit in enumerate(page[offset : offset + limit] if page else [], start=offset + 1):
            hits.append(_hit(rank, hit.fields(), hit.score, terms, snippets))
        return Results(query=text, total=total, offset=offset, limit=limit, hits=hits)

    def get(self, doc_id: str) -> Article:
        """The stored article with this id. Raises NotFoundError."""
        stored = self._searcher.document(id=doc_id)
        if stored is None:
            raise NotFoundError(f"no document with id {doc_id!r} — `seekwire query` shows the ids")
        return article_from_stored(stored)

    def articles(self) -> Iterator[Article]:
        """Every stored article, in index order."""
        for stored in self._searcher.reader().all_stored_fields():
            yield article_from_stored(stored)

    def _parse(self, text: str) -> Query:
        if not text.strip():
            raise QuerySyntaxError("empty query — give words to search for")
        if self._parser is None:
            self._parser = qparser.MultifieldParser(
                list(TEXT_FIELDS), self._ix.schema, group=qparser.OrGroup.factory(COORDINATION)
            )
        try:
            return self._parser.parse(text)
        except Exception as error:  # Whoosh raises assorted types for malformed input
            raise QuerySyntaxError(f"cannot parse query {text!r}: {error}") from None


def _query_terms(query: Query) -> frozenset[str]:
    """The analysed terms a query looks for in the text fields (what a snippet should highlight)."""
    found = set()
    for fieldname, term in query.iter_all_terms(phrases=True):
        if fieldname in TEXT_FIELDS:
            found.add(term.decode("utf-8") if isinstance(term, bytes) else term)
    return frozenset(found)


def _hit(rank: int, stored: dict, score: float, terms: frozenset[str], snippets: bool) -> Hit:
    title = stored.get("title", "")
    text = stored.get("body") or stored.get("lede") or ""
    snippet, spans = best_passage(text, terms) if snippets else ("", [])
    publisher = stored.get("publisher") or []
    return Hit(
        rank=rank,
        id=stored["id"],
        path=stored["path"],
        title=title,
        date=stored.get("date"),
        time=stored.get("time"),
        agencies=list(stored.get("agencies") or []),
        publisher=publisher[0] if publisher else None,
        score=round(score, 4),
        snippet=snippet,
        highlights=spans,
        title_highlights=match_spans(title, terms),
    )


def match_spans(text: str, terms: frozenset[str]) -> list[tuple[int, int]]:
    """Character spans of the words of `text` whose index term is one of `terms`."""
    if not terms:
        return []
    term = ANALYZER.term
    return [match.span() for match in WORD.finditer(text) if term(match.group()) in terms]


def best_passage(text: str, terms: frozenset[str], width: int = SNIPPET_CHARS) -> tuple[str, list[tuple[int, int]]]:
    """The window of about `width` characters with the most distinct matched words, cut at word boundaries.

    Returns the passage (with "…" where it was cut) and the spans of the matched words inside it.
    """
    text = " ".join(text.split())
    spans = match_spans(text, terms)
    if len(text) <= width:
        return text, spans
    start = _best_start(text, spans, width) if spans else 0
    end = min(len(text), start + width)
    # Snap to a sentence start when one is close, else to a word boundary.
    if start > 0:
        sentence = text.rfind(". ", max(0, start - 60), start)
        start = sentence + 2 if sentence >= 0 else _word_start(text, start)
        end = min(len(text), start + width)
    if end < len(text):
        cut = text.rfind(" ", start, end)
        end = cut if cut > start else end
    passage = text[start:end]
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(text) else ""
    shift = len(prefix) - start
    inside = [(s + shift, e + shift) for s, e in spans if s >= start and e <= end]
    return prefix + passage + suffix, inside


def _best_start(text: str, spans: list[tuple[int, int]], width: int) -> int:
    """The start of the window covering the most distinct matched words (ties: the earliest)."""
    best, best_score = 0, -1
    words = [text[s:e].lower() for s, e in spans]
    for i, (s, _) in enumerate(spans):
        window = {words[j] for j in range(i, len(spans)) if spans[j][1] <= s + width}
        if len(window) > best_score:
            best, best_score = s, len(window)
    # Leave a little context before the first matched word.
    return max(0, best - width // 5)


def _word_start(text: str, index: int) -> int:
    space = text.rfind(" ", 0, index)
    return space + 1 if space >= 0 else 0
