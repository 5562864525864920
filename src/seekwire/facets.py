"""Facets: counting agencies, entities, publishers and dates over a whole match set, and resolving filter values.

Counts come from per-document columns (one slot per document, see schema.ListField), never from stored
fields, and cover every matching document, not just the page shown. Filter values are matched against the
index's own canonical values without regard to case or accents, so `--agency xinhua` and `agency:XINHUA` both
find the documents credited to "Xinhua".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable
from itertools import chain

from whoosh import columns
from whoosh.reading import IndexReader

from seekwire.analysis import fold
from seekwire.postings import term_docs
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
# A match set of at least 1/WHOLE_COLUMN_SHARE of the index makes decoding whole columns worth it.
WHOLE_COLUMN_SHARE = 8
# The day column's value for a document without a date (the column default): larger than any YYYYMMDD.
NO_DAY = 99991231


class FacetReader:
    """Facet counts and value lookups over one open index reader."""

    def __init__(self, reader: IndexReader):
        self._reader = reader
        self._columns: dict[str, object] = {}
        self._whole: dict[str, list] = {}
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

    def values(self, fieldname: str, docnums: Collection[int]) -> list:
        """The column values of `docnums`, in the same order.

        When a match set covers a good share of the index, the whole column is decoded once and kept: a
        searcher answering many queries (warm use, batches) then counts facets with list lookups only.
        """
        whole = self._whole.get(fieldname)
        if whole is None and len(docnums) * WHOLE_COLUMN_SHARE >= self._reader.doc_count_all():
            column = self.column(fieldname)
            whole = self._whole[fieldname] = [column[d] for d in range(self._reader.doc_count_all())]
        if whole is not None:
            return list(map(whole.__getitem__, docnums))
        column = self.column(fieldname)
        return [column[d] for d in docnums]

    def days(self, docnums: Collection[int]) -> dict[int, int | None]:
        """Each document's date as YYYYMMDD, or None when undated."""
        return {d: (day if day <= NO_DAY else None) for d, day in zip(docnums, self.values("day", docnums))}

    def count(self, name: str, docnums: Collection[int], limit: int | None) -> list[FacetCount]:
        """The `limit` most frequent values of facet `name` among `docnums` (all with None)."""
        if name in LIST_FACETS:
            counts = Counter(chain.from_iterable(self.values(LIST_FACETS[name], docnums)))
            ranked = sorted(counts.items(), key=lambda item: (-item[1], fold(item[0])))
        else:
            scale = 10000 if name == "years" else 100
            counts = Counter(day // scale for day in self.values("day", docnums) if day <= NO_DAY)
            ranked = sorted(((_date_label(str(k)), c) for k, c in counts.items()), reverse=True)
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
            docs |= term_docs(self._reader, fieldname, value)
        return docs


def _date_label(key: str) -> str:
    return key if len(key) == 4 else f"{key[:4]}-{key[4:]}"
