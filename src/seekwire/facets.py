"""Facets: counting agencies, entities, publishers and dates over a whole match set, and resolving filter values.

Counts come from per-document columns (one slot per document, see schema.ListField), never from stored
fields, and cover every matching document, not just the page shown. Filter values are matched against the
index's own canonical values without regard to case or accents, so `--agency xinhua` and `agency:XINHUA` both
find the documents credited to "Xinhua".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from whoosh import columns
from whoosh.reading import IndexReader

from seekwire.analysis import fold
from seekwire.results import FacetCount
from seekwire.schema import FACET_FIELDS

# Facet names in results, and the column each is counted from.
LIST_FACETS = {
    "agencies": "agencies",
    "persons": "persons",
    "places": "places",
    "organizations": "organizations",
    "publishers": "publisher",
}
DATE_FACETS = ("years", "months")
ALL_FACETS = (*LIST_FACETS, *DATE_FACETS)
# The day column's value for a document without a date (the column default): larger than any YYYYMMDD.
NO_DAY = 99991231


class FacetReader:
    """Facet counts and value lookups over one open index reader."""

    def __init__(self, reader: IndexReader):
        self._reader = reader
        self._columns: dict[str, object] = {}
        self._folded: dict[str, dict[str, list[str]]] = {}

    def column(self, fieldname: str):
        """A column reader over every segment. Whoosh's own skips segments that never wrote the column (a
        segment of undated documents has no day column), which shifts the document numbers of the rest."""
        if fieldname not in self._columns:
            fieldobj = self._reader.schema[fieldname]
            parts, offsets = [], []
            for leaf, offset in self._reader.leaf_readers():
                if leaf.has_column(fieldname):
                    part = leaf.column_reader(fieldname)
                else:
                    empty = columns.EmptyColumnReader(fieldobj.column_type.default_value(), leaf.doc_count_all())
                    part = columns.TranslatingColumnReader(empty, fieldobj.from_column_value)
                parts.append(part)
                offsets.append(offset)
            self._columns[fieldname] = parts[0] if len(parts) == 1 else columns.MultiColumnReader(parts, offsets)
        return self._columns[fieldname]

    def days(self, docnums: Iterable[int]) -> dict[int, int | None]:
        """Each document's date as YYYYMMDD, or None when undated."""
        column = self.column("day")
        return {d: (day if (day := column[d]) <= NO_DAY else None) for d in docnums}

    def count(self, name: str, docnums: Iterable[int], limit: int | None) -> list[FacetCount]:
        """The `limit` most frequent values of facet `name` among `docnums` (all with None)."""
        if name in LIST_FACETS:
            column = self.column(LIST_FACETS[name])
            counts = Counter(value for d in docnums for value in column[d])
            ranked = sorted(counts.items(), key=lambda item: (-item[1], fold(item[0])))
        else:
            width = 4 if name == "years" else 6
            counts = Counter()
            for day in self.days(docnums).values():
                if day is not None:
                    counts[str(day)[:width]] += 1
            ranked = sorted(((_date_label(k), c) for k, c in counts.items()), reverse=True)
        return [FacetCount(value, count) for value, count in ranked[:limit]]

    def resolve(self, fieldname: str, value: str) -> list[str]:
        """The canonical values of a facet field that `value` names, ignoring case and accents."""
        if fieldname not in FACET_FIELDS:
            raise KeyError(fieldname)
        if fieldname not in self._folded:
            folded: dict[str, list[str]] = {}
            for term in self._reader.field_terms(fieldname):
                folded.setdefault(fold(term), []).append(term)
            self._folded[fieldname] = folded
        return self._folded[fieldname].get(fold(value.strip()), [])

    def docs_with(self, fieldname: str, values: Iterable[str]) -> set[int]:
        """Documents carrying any of these exact values."""
        docs: set[int] = set()
        for value in values:
            if self._reader.doc_frequency(fieldname, value):
                docs.update(self._reader.postings(fieldname, value).all_ids())
        return docs


def _date_label(key: str) -> str:
    return key if len(key) == 4 else f"{key[:4]}-{key[4:]}"
