"""Facets: counting agencies, entities, publishers and dates over a whole match set, and resolving filter values.

Counts come from per-document columns (one slot per document, see schema.ListField), never from stored
fields, and cover every matching document, not just the page shown. Filter values are matched against the
index's own canonical values the way a reader names them: without regard to case or accents (`--agency
xinhua` finds "Xinhua"), by a whole part of the name (`--person macron` finds "Emmanuel Macron" and "Macron",
`--person "le pen"` both Le Pens, `--publisher "quotidien du peuple"` "Le Quotidien du Peuple en ligne"), by
the initials of an agency, a publisher or an organisation (`--publisher RFI`, `--org LFI`), and through the
aliases of agencies and publishers that the credit extractor knows (`--agency "Agence France-Presse"` is AFP,
`--agency AA` Anadolu, `--publisher CVN` Le Courrier du Vietnam).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import chain

import numpy as np
from whoosh import columns
from whoosh.reading import IndexReader

from seekwire.analysis import fold
from seekwire.engine.columns import numeric_column
from seekwire.engine.postings import NO_DOCS, term_docs
from seekwire.extract.agencies import AGENCY_ALIASES, PUBLISHER_ALIASES
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
# Query results count the facets above; these finer ones are asked for by name (`seekwire facets days`, the
# timeline): a year of news has 365 days, too many to count for every query that never shows them.
FINE_DATE_FACETS = ("weeks", "days")
ALL_FACETS = (*LIST_FACETS, *DATE_FACETS)
FACET_NAMES = (*ALL_FACETS, *FINE_DATE_FACETS)
# A match set of at least 1/WHOLE_COLUMN_SHARE of the index makes decoding whole columns worth it.
WHOLE_COLUMN_SHARE = 8
# Days are YYYYMMDD; an undated document has the day column's default, larger than any of them.
NO_DAY = 99991231
# The periods that are a YYYYMMDD day's leading digits: the divisor, and what makes the period's first day again.
_PERIOD_UNITS = {"years": (10000, 101), "months": (100, 1), "days": (1, 0)}
# Other names of the canonical values of a facet field, by field.
ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "agencies": AGENCY_ALIASES,
    "publisher": {name: (name, alias) for alias, name in PUBLISHER_ALIASES.items()},
}
NAME_WORD = re.compile(r"\w+")
# Fields whose names go by their initials (a publisher, an agency, an organisation; not a person or a place).
INITIALS_FIELDS = ("agencies", "publisher", "organizations")
# Words left out of a name's initials.
PARTICLES = frozenset(["le", "la", "les", "l", "de", "du", "des", "d", "et", "en"])


@dataclass
class _ValueLists:
    """A list facet decoded for every document: the distinct values, and each document's value numbers
    (document d's are `numbers[starts[d]:starts[d + 1]]`)."""

    names: list[str]
    numbers: np.ndarray
    starts: np.ndarray

    def counts(self, docs: np.ndarray) -> np.ndarray:
        """How many of `docs` carry each value."""
        chosen = np.zeros(len(self.starts) - 1, dtype=bool)
        chosen[docs] = True
        return np.bincount(self.numbers[np.repeat(chosen, np.diff(self.starts))], minlength=len(self.names))


class FacetReader:
    """Facet counts and value lookups over one open index reader. Document sets are ascending numpy arrays
    of document numbers."""

    def __init__(self, reader: IndexReader):
        self._reader = reader
        self._columns: dict[str, object] = {}
        self._lists: dict[str, _ValueLists] = {}
        self._days: np.ndarray | None = None
        self._names: dict[str, list[tuple[tuple[str, ...], str]]] = {}

    def column(self, fieldname: str):
        """A column reader over every segment. Whoosh's own skips segments that never wrote the column (a
        segment without entities has no persons column), which shifts the document numbers of the rest."""
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

    def days(self, docs: np.ndarray) -> np.ndarray:
        """Each document's date as YYYYMMDD, greater than NO_DAY when it has none."""
        if self._days is None:
            self._days = numeric_column(self._reader, "day")
        return self._days[docs]

    def count(self, name: str, docs: np.ndarray, limit: int | None) -> list[FacetCount]:
        """The `limit` most frequent values of facet `name` among `docs` (all with None)."""
        if name in DATE_FACETS or name in FINE_DATE_FACETS:
            return self._date_counts(name, docs)[:limit]
        fieldname = LIST_FACETS[name]
        if fieldname in self._lists or len(docs) * WHOLE_COLUMN_SHARE >= self._reader.doc_count_all():
            lists = self._value_lists(fieldname)
            counts = lists.counts(docs)
            present = np.flatnonzero(counts)
            if limit is not None and len(present) > limit:
                # Only values that can make the first `limit` (ties included) are sorted by name.
                kth = np.partition(counts[present], len(present) - limit)[len(present) - limit]
                present = present[counts[present] >= kth]
            items = [(lists.names[i], int(counts[i])) for i in present]
        else:
            column = self.column(fieldname)
            items = list(Counter(chain.from_iterable(column[d] for d in docs.tolist())).items())
        ranked = sorted(items, key=lambda item: (-item[1], fold(item[0])))
        return [FacetCount(value, count) for value, count in ranked[:limit]]

    def _date_counts(self, name: str, docs: np.ndarray) -> list[FacetCount]:
        """Documents per year, month, ISO week or day among `docs`, newest first (undated ones left out)."""
        days = self.days(docs)
        days = days[days <= NO_DAY]
        if name in _PERIOD_UNITS:
            # Years and months are the day's leading digits: counted by array operations, labelled once each.
            unit, first = _PERIOD_UNITS[name]
            keys, counts = np.unique(days // unit, return_counts=True)
            return [FacetCount(period_label(name, key * unit + first), count)
                    for key, count in zip(keys.tolist()[::-1], counts.tolist()[::-1], strict=True)]
        keys, counts = np.unique(days, return_counts=True)
        periods: Counter[str] = Counter()
        for key, count in zip(keys.tolist(), counts.tolist(), strict=True):
            periods[period_label(name, key)] += count
        return [FacetCount(value, count) for value, count in sorted(periods.items(), reverse=True)]

    def _value_lists(self, fieldname: str) -> _ValueLists:
        """Decode a list column once for every document: a searcher answering many queries (warm use,
        batches) then counts with array operations only."""
        if fieldname not in self._lists:
            numbering: dict[str, int] = {}
            numbers: list[int] = []
            starts = [0]
            for values in self.column(fieldname):
                numbers.extend(numbering.setdefault(value, len(numbering)) for value in values)
                starts.append(len(numbers))
            self._lists[fieldname] = _ValueLists(list(numbering), np.array(numbers, dtype=np.int64),
                                                 np.array(starts, dtype=np.int64))
        return self._lists[fieldname]

    def resolve(self, fieldname: str, value: str) -> list[str]:
        """The canonical values of a facet field that `value` names, in index order: those it spells, or of
        which it is a whole part (words in order), ignoring case and accents, directly or through an alias."""
        if fieldname not in FACET_FIELDS:
            raise KeyError(fieldname)
        if fieldname not in self._names:
            self._names[fieldname] = [(name_words(term), term) for term in self._reader.field_terms(fieldname)]
        wanted = name_words(value)
        aliases = ALIASES.get(fieldname, {})
        meant = {name_words(name) for name, spellings in aliases.items()
                 if any(_is_part(wanted, name_words(spelling)) for spelling in spellings)}
        initials = fieldname in INITIALS_FIELDS
        return [term for words, term in self._names[fieldname]
                if _is_part(wanted, words) or words in meant or (initials and _is_initials(wanted, words))]

    def docs_with(self, fieldname: str, values: Iterable[str]) -> np.ndarray:
        """Documents carrying any of these exact values."""
        found = [term_docs(self._reader, fieldname, value) for value in values]
        return np.unique(np.concatenate(found)) if found else NO_DOCS


def name_words(name: str) -> tuple[str, ...]:
    """A name as its words, folded: "Jean-Marie Le Pen" -> ("jean", "marie", "le", "pen")."""
    return tuple(NAME_WORD.findall(fold(name)))


def _is_part(part: tuple[str, ...], words: tuple[str, ...]) -> bool:
    """Whether `part` is a non-empty run of consecutive words of `words`."""
    size = len(part)
    return bool(part) and any(words[i : i + size] == part for i in range(len(words) - size + 1))


def _is_initials(part: tuple[str, ...], words: tuple[str, ...]) -> bool:
    """Whether `part` is one word spelling the initials of `words`, with or without their particles:
    "RFI" for "Radio France Internationale", "CV" for "Le Courrier du Vietnam"."""
    if len(part) != 1 or len(words) < 2:
        return False
    return part[0] in ("".join(w[0] for w in words), "".join(w[0] for w in words if w not in PARTICLES))


def period_label(name: str, day: int) -> str:
    """The year (`2023`), month (`2023-11`), ISO week (`2023-W48`) or day (`2023-11-28`) of a YYYYMMDD day; the
    labels of one kind sort in time order."""
    year, month, mday = day // 10000, day // 100 % 100, day % 100
    if name == "years":
        return f"{year:04d}"
    if name == "months":
        return f"{year:04d}-{month:02d}"
    if name == "weeks":
        iso_year, week, _ = dt.date(year, month, mday).isocalendar()
        return f"{iso_year:04d}-W{week:02d}"
    return f"{year:04d}-{month:02d}-{mday:02d}"
