"""The index schema: which fields exist, how each is analysed, stored and counted.

Bump SCHEMA_VERSION whenever a field or the analyzer changes meaning: an index built under another version is
refused on open with a message asking for `seekwire index --rebuild`, rather than silently answering queries
with terms the current analyzer no longer produces.

Whoosh pickles the schema into every index, naming the modules of FrenchAnalyzer, FrenchPositions and
ListField: unpickled, that copy would tie every index ever built to where those classes live today, and a
module moved would make each of them fail to open. Indexes are opened with `build_schema()` instead
(storage.py), so the pickled copy is never read and SCHEMA_VERSION is the only authority.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from whoosh import columns, fields, formats

from seekwire.analysis import FrenchAnalyzer
from seekwire.article import Article, Entities
from seekwire.engine.positions import encode_positions

SCHEMA_VERSION = 4

# Multi-valued facet fields: their values are indexed as exact terms and also kept in a column, so that facet
# counts read one array slot per matching document instead of unpickling stored fields.
FACET_FIELDS = ("agencies", "publisher", "persons", "places", "organizations")
ENTITY_FIELDS = ("persons", "places", "organizations")
# The indexed text fields. `text` holds the lede and the body together (both are stored apart for display);
# the query language calls it `body:` (and `lede:`).
TEXT_FIELDS = ("title", "text")
SEPARATOR = "\x1f"


class ListField(fields.KEYWORD):
    """A list of exact strings: each is a term, and the whole list is one column value per document."""

    def __init__(self) -> None:
        super().__init__(stored=True, scorable=False, sortable=False)
        self.column_type = columns.VarBytesColumn()

    def to_column_value(self, value: list[str]) -> bytes:
        return SEPARATOR.join(value).encode("utf-8")

    def from_column_value(self, value: bytes) -> list[str]:
        return value.decode("utf-8").split(SEPARATOR) if value else []


class KeyColumn(fields.COLUMN):
    """A document's key (`doc_key` of its id) as a column of 8-byte numbers: what ties a document
    number to the stories of the generation (stories.py), whatever merges renumbered it."""

    def __init__(self) -> None:
        super().__init__(columns.NumericColumn("Q"))

    def to_column_value(self, value: int) -> int:
        return value


class FrenchPositions(formats.Positions):
    """Whoosh's positional postings, computed in one pass by the French analyzer.

    The stock implementation builds a Token object per word; indexing news spends most of its analysis time
    there. The encoding of the postings is unchanged, but the value of a word seen once in a document (most
    postings) is the same bytes object for every document where it sits at the same position, and the weights
    of one document are shared floats: fewer objects to build, and to hold while a segment is built.
    """

    def word_values(self, value, analyzer, **kwargs):
        if not isinstance(value, str) or not isinstance(analyzer, FrenchAnalyzer):
            yield from super().word_values(value, analyzer, **kwargs)
            return
        yield from self.postings(analyzer.positions(value))

    def postings(self, found: dict[str, list[int]]):
        """The (term, frequency, weight, value) of each term, from the analyzer's `positions` of a text: the
        segment builder analyses the text once for these and for its story sketch (stories.py)."""
        boost = self.field_boost
        weights: dict[int, float] = {}
        for term, positions in found.items():
            count = len(positions)
            weight = weights.get(count)
            if weight is None:
                weight = weights[count] = count * boost
            yield term, count, weight, self.encode(positions)

    def encode(self, positions: list[int]) -> bytes:
        return encode_positions(positions)


def fast_text(analyzer: FrenchAnalyzer, stored: bool, field_boost: float = 1.0) -> fields.TEXT:
    field = fields.TEXT(analyzer=analyzer, stored=stored, field_boost=field_boost)
    field.format = FrenchPositions(field_boost=field_boost)
    return field


def build_schema() -> fields.Schema:
    """The schema of a seekwire index."""
    french = FrenchAnalyzer()
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        path=fields.ID(stored=True),
        source=fields.ID(stored=False),
        key=KeyColumn(),
        title=fast_text(french, stored=True, field_boost=2.0),
        text=fast_text(french, stored=False),
        lede=fields.STORED(),
        body=fields.STORED(),
        date=fields.ID(stored=True),
        day=fields.NUMERIC(int, bits=32, stored=False, sortable=True),
        time=fields.STORED(),
        date_source=fields.STORED(),
        url=fields.STORED(),
        agencies=ListField(),
        publisher=ListField(),
        persons=ListField(),
        places=ListField(),
        organizations=ListField(),
    )


def document_fields(article: Article, source: str) -> dict:
    """The fields Whoosh indexes and stores for one article; `source` is the absolute path of its file."""
    doc = {
        "id": article.id,
        "path": article.path,
        "source": source,
        "key": doc_key(article.id),
        "title": article.title,
        "text": f"{article.lede}\n\n{article.body}" if article.lede else article.body,
        "body": article.body,
        "agencies": article.agencies,
        "publisher": [article.publisher] if article.publisher else [],
        "persons": article.entities.persons,
        "places": article.entities.places,
        "organizations": article.entities.organizations,
    }
    if article.lede:
        doc["lede"] = article.lede
    if article.date:
        doc["date"] = article.date.isoformat()
        doc["day"] = day_number(article.date)
        doc["time"] = article.time
        doc["date_source"] = article.date_source
    if article.url:
        doc["url"] = article.url
    return doc


def article_from_stored(stored: dict) -> Article:
    """Rebuild the article from a document's stored fields."""
    date = stored.get("date")
    publisher = stored.get("publisher") or []
    return Article(
        id=stored["id"],
        path=stored["path"],
        title=stored.get("title", ""),
        body=stored.get("body", ""),
        lede=stored.get("lede"),
        date=dt.date.fromisoformat(date) if date else None,
        time=stored.get("time"),
        date_source=stored.get("date_source"),
        agencies=list(stored.get("agencies") or []),
        publisher=publisher[0] if publisher else None,
        url=stored.get("url"),
        entities=Entities(
            persons=list(stored.get("persons") or []),
            places=list(stored.get("places") or []),
            organizations=list(stored.get("organizations") or []),
        ),
    )


def doc_key(doc_id: str) -> int:
    """A document's id as a 63-bit number, the same in every process and every run (the `key` column)."""
    digest = hashlib.blake2b(doc_id.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 1


def day_number(date: dt.date) -> int:
    """A date as the sortable integer YYYYMMDD."""
    return date.year * 10000 + date.month * 100 + date.day
