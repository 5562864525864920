"""Hits: the stored fields of a page's documents, with the snippet that best shows the words looked for and
where they are highlighted (snippets.py). Only the page shown is read."""

from __future__ import annotations

from whoosh.query import Query
from whoosh.reading import IndexReader

from seekwire.article import is_inferred
from seekwire.results import Hit
from seekwire.schema import ENTITY_FIELDS, TEXT_FIELDS
from seekwire.snippets import best_passage, match_spans


def highlight_terms(query: Query | None, related: dict[str, list[str]], reader: IndexReader) -> frozenset[str]:
    """The index terms `query` looks for in the text fields, with the `related` inflections looked for too."""
    if query is None:
        return frozenset()
    # Leaf by leaf: Whoosh's `existing_terms` reuses its field-name argument as a loop variable, so after
    # the first leaf it keeps only the terms of that leaf's field (the title's).
    found = {
        text.decode("utf-8") if isinstance(text, bytes) else text
        for leaf in query.leaves() if leaf.field() in TEXT_FIELDS
        for fieldname, text in leaf.existing_terms(reader, expand=True)
    }
    return frozenset(found.union(*related.values()))


def hit(reader: IndexReader, rank: int, docnum: int, score: float | None, terms: frozenset[str],
        snippets: bool) -> Hit:
    """Document `docnum` shown at `rank`, `terms` highlighted (a snippet cut only with `snippets`)."""
    stored = reader.stored_fields(docnum)
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
        date_source=stored.get("date_source"),
        date_inferred=is_inferred(stored.get("date_source")),
        agencies=list(stored.get("agencies") or []),
        publisher=publisher[0] if publisher else None,
        score=round(score, 4) if score is not None else None,
        snippet=snippet,
        highlights=spans,
        title_highlights=match_spans(title, terms),
        url=stored.get("url"),
        entities={name: list(stored.get(name) or []) for name in ENTITY_FIELDS},
    )
