"""Hits: the stored fields of a page's documents, with the snippet that best shows the words looked for and
where they are highlighted (snippets.py). Only the page shown is read."""

from __future__ import annotations

from whoosh.query import Query
from whoosh.reading import IndexReader

from seekwire.article import is_inferred
from seekwire.facets import FacetReader
from seekwire.results import Hit
from seekwire.schema import ENTITY_FIELDS, TEXT_FIELDS
from seekwire.snippets import best_passage, match_spans
from seekwire.stories import StoryMap


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
        snippets: bool, story: dict | None = None) -> Hit:
    """Document `docnum` shown at `rank`, `terms` highlighted (a snippet cut only with `snippets`), with its
    `story` (`story`, `versions`, `version_ids`: see `story_of`)."""
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
        **(story or {}),
    )


def story_of(stories: StoryMap, facets: FacetReader, docnum: int) -> dict:
    """A hit's `story`, `versions` and `version_ids` (by date, then id, the undated last)."""
    members = stories.members(docnum)
    days = facets.days(members)
    ids = [stories.doc_id(member) or "" for member in members.tolist()]
    order = sorted(range(len(ids)), key=lambda n: (int(days[n]), ids[n]))
    return {"story": stories[docnum], "versions": len(ids), "version_ids": [ids[n] for n in order]}
