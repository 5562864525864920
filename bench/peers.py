"""The engines seekwire is measured against, and seekwire itself, behind one small interface.

Each engine owns a directory, builds an index there from `Doc`s (`build`), reopens it (`open`), answers a
natural-language query with ranked ids (`search`) and, for the performance runs, a result page with snippets
and optionally the agency facet (`page`). The peers are set up the way a careful user would, not tuned:

* SQLite FTS5: unicode61 tokenizer without diacritics, bm25 with the title weighted 2, OR of the words.
* tantivy: simple tokenizer, lowercase, French stopwords, ASCII folding, French Snowball stemmer; title
  boosted 2; OR of the words.
* Whoosh out of the box: its StemmingAnalyzer with French stopwords and stemmer (no accent folding), BM25F,
  title boosted 2, OR of the words.

The peers get the query as its lower-cased words, so that punctuation in a question never reads as query
syntax; seekwire gets the text as typed, since parsing it is its own job. Engine libraries are imported when
an engine is used, so a fresh process measuring one engine loads only that one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from bench.common import Doc, write_docs

TITLE_BOOST = 2.0
SNIPPET_CHARS = 200
WORD = re.compile(r"\w+")


def query_words(text: str) -> list[str]:
    """The query's words, lower-cased; what the peers search for."""
    return WORD.findall(text.lower())


def french_stopwords() -> list[str]:
    """The one French stopword list all peers use (Whoosh's, from the Snowball project)."""
    from whoosh.lang import stopwords_for_language

    return sorted(stopwords_for_language("fr"))


@dataclass
class Page:
    """The first hits of a query, with their snippets and, when asked, agency -> matching documents."""

    ids: list[str]
    snippets: list[str]
    facets: dict[str, int] | None = None


class Engine(Protocol):
    """A search engine over one index directory (see the module docstring)."""

    name: str
    directory: Path

    def build(self, docs: Iterable[Doc]) -> None: ...

    def open(self) -> None: ...

    def search(self, text: str, k: int = 10) -> list[str]: ...

    def close(self) -> None: ...


class PagingEngine(Engine, Protocol):
    """An engine measured for speed: result pages with snippets, and the agency facet on demand."""

    def page(self, text: str, k: int = 10, facets: bool = False) -> Page: ...


class Fts5Engine:
    """SQLite FTS5; agencies live in a side table keyed by rowid, for the GROUP BY facet."""

    name = "fts5"

    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self._db = None

    @property
    def path(self) -> Path:
        return self.directory / "fts5.db"

    def build(self, docs: Iterable[Doc]) -> None:
        import sqlite3

        self.directory.mkdir(parents=True, exist_ok=True)
        self.path.unlink(missing_ok=True)
        db = sqlite3.connect(self.path)
        with db:
            db.execute("CREATE TABLE docs(rowid INTEGER PRIMARY KEY, id TEXT NOT NULL, agency TEXT)")
            db.execute(
                "CREATE VIRTUAL TABLE fts USING fts5(title, body, tokenize='unicode61 remove_diacritics 2')"
            )
            for rowid, doc in enumerate(docs, start=1):
                db.execute("INSERT INTO docs VALUES (?, ?, ?)", (rowid, doc.id, doc.agency))
                db.execute("INSERT INTO fts(rowid, title, body) VALUES (?, ?, ?)", (rowid, doc.title, doc.text))
            db.execute("INSERT INTO fts(fts) VALUES ('optimize')")
        db.close()

    def open(self) -> None:
        import sqlite3

        self._db = sqlite3.connect(self.path)

    def search(self, text: str, k: int = 10) -> list[str]:
        match = self._match(text)
        if not match:
            return []
        rows = self._db.execute(
            "SELECT docs.id FROM fts JOIN docs ON docs.rowid = fts.rowid WHERE fts MATCH ? "
            f"ORDER BY bm25(fts, {TITLE_BOOST}, 1.0) LIMIT ?",
            (match, k),
        )
        return [row[0] for row in rows]

    def page(self, text: str, k: int = 10, facets: bool = False) -> Page:
        match = self._match(text)
        if not match:
            return Page([], [], {} if facets else None)
        rows = self._db.execute(
            "SELECT docs.id, snippet(fts, -1, '[', ']', '…', 24) FROM fts JOIN docs ON docs.rowid = fts.rowid "
            f"WHERE fts MATCH ? ORDER BY bm25(fts, {TITLE_BOOST}, 1.0) LIMIT ?",
            (match, k),
        ).fetchall()
        counts = None
        if facets:
            counts = dict(self._db.execute(
                "SELECT agency, count(*) FROM docs WHERE agency IS NOT NULL AND rowid IN "
                "(SELECT rowid FROM fts WHERE fts MATCH ?) GROUP BY agency",
                (match,),
            ).fetchall())
        return Page([row[0] for row in rows], [row[1] for row in rows], counts)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    @staticmethod
    def _match(text: str) -> str:
        """An FTS5 MATCH expression: any of the words, each quoted so that none reads as syntax."""
        return " OR ".join(f'"{word}"' for word in query_words(text))


class TantivyEngine:
    """tantivy with a French analyzer; agency is a fast raw text field, counted with a terms aggregation.

    Stopwords go before folding because the shared list is accented. tantivy's own French list
    (`Filter.stopword("french")`) ranks a little better on PIAF (MRR@10 0.761 against 0.738); the peers
    keep one list so that the analyzers differ only where the engines do.
    """

    name = "tantivy"
    ANALYZER = "french"

    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self._index = None
        self._searcher = None

    def build(self, docs: Iterable[Doc]) -> None:
        import shutil

        import tantivy

        shutil.rmtree(self.directory, ignore_errors=True)
        self.directory.mkdir(parents=True)
        builder = tantivy.SchemaBuilder()
        builder.add_text_field("id", stored=True, tokenizer_name="raw")
        builder.add_text_field("title", stored=True, tokenizer_name=self.ANALYZER)
        builder.add_text_field("body", stored=True, tokenizer_name=self.ANALYZER)
        builder.add_text_field("agency", fast=True, tokenizer_name="raw")
        index = tantivy.Index(builder.build(), path=str(self.directory))
        index.register_tokenizer(self.ANALYZER, self._analyzer())
        writer = index.writer(heap_size=256_000_000)
        for doc in docs:
            fields = {"id": doc.id, "title": doc.title, "body": doc.text}
            if doc.agency:
                fields["agency"] = doc.agency
            writer.add_document(tantivy.Document(**fields))
        writer.commit()
        writer.wait_merging_threads()

    def open(self) -> None:
        import tantivy

        self._index = tantivy.Index.open(str(self.directory))
        self._index.register_tokenizer(self.ANALYZER, self._analyzer())
        self._searcher = self._index.searcher()

    def search(self, text: str, k: int = 10) -> list[str]:
        query = self._query(text)
        if query is None:
            return []
        hits = self._searcher.search(query, k, count=False).hits
        return [self._searcher.doc(address)["id"][0] for _, address in hits]

    def page(self, text: str, k: int = 10, facets: bool = False) -> Page:
        import tantivy

        query = self._query(text)
        if query is None:
            return Page([], [], {} if facets else None)
        hits = self._searcher.search(query, k).hits
        generator = tantivy.SnippetGenerator.create(self._searcher, query, self._index.schema, "body")
        generator.set_max_num_chars(SNIPPET_CHARS)
        ids, snippets = [], []
        for _, address in hits:
            stored = self._searcher.doc(address)
            ids.append(stored["id"][0])
            snippets.append(generator.snippet_from_doc(stored).fragment())
        counts = None
        if facets:
            answer = self._searcher.aggregate(query, {"agency": {"terms": {"field": "agency", "size": 100}}})
            counts = {bucket["key"]: bucket["doc_count"] for bucket in answer["agency"]["buckets"]}
        return Page(ids, snippets, counts)

    def close(self) -> None:
        self._searcher = None
        self._index = None

    def _query(self, text: str):
        words = query_words(text)
        if not words:
            return None
        return self._index.parse_query(" ".join(words), ["title", "body"], field_boosts={"title": TITLE_BOOST})

    @staticmethod
    def _analyzer():
        import tantivy

        return (
            tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
            .filter(tantivy.Filter.lowercase())
            .filter(tantivy.Filter.custom_stopword(french_stopwords()))
            .filter(tantivy.Filter.ascii_fold())
            .filter(tantivy.Filter.stemmer("french"))
            .build()
        )


class WhooshEngine:
    """Whoosh as it comes: StemmingAnalyzer with the French stoplist and stemmer, BM25F, OR parser.

    The title boost is the schema's field boost, Whoosh's own way; boosting the title clauses in the parser
    instead scores lower (PIAF MRR@10 0.707 against 0.755).
    """

    name = "whoosh"

    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self._index = None
        self._searcher = None
        self._parser = None

    def build(self, docs: Iterable[Doc]) -> None:
        import shutil

        from whoosh import fields, index
        from whoosh.analysis import StemmingAnalyzer
        from whoosh.lang import stemmer_for_language

        shutil.rmtree(self.directory, ignore_errors=True)
        self.directory.mkdir(parents=True)
        analyzer = StemmingAnalyzer(stoplist=frozenset(french_stopwords()), stemfn=stemmer_for_language("fr"))
        schema = fields.Schema(
            id=fields.ID(stored=True, unique=True),
            title=fields.TEXT(analyzer=analyzer, field_boost=TITLE_BOOST),
            body=fields.TEXT(analyzer=analyzer),
        )
        writer = index.create_in(str(self.directory), schema).writer(limitmb=256)
        for doc in docs:
            writer.add_document(id=doc.id, title=doc.title, body=doc.text)
        writer.commit()

    def open(self) -> None:
        from whoosh import index, qparser, scoring

        self._index = index.open_dir(str(self.directory))
        self._searcher = self._index.searcher(weighting=scoring.BM25F())
        self._parser = qparser.MultifieldParser(["title", "body"], self._index.schema, group=qparser.OrGroup)

    def search(self, text: str, k: int = 10) -> list[str]:
        words = query_words(text)
        if not words:
            return []
        hits = self._searcher.search(self._parser.parse(" ".join(words)), limit=k)
        return [hit["id"] for hit in hits]

    def close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._index.close()
            self._searcher = self._index = None


class SeekwireEngine:
    """seekwire through its library API; documents are handed over as the JSONL it reads."""

    name = "seekwire"

    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self._searcher = None

    @property
    def index_dir(self) -> Path:
        return self.directory / "index"

    def build(self, docs: Iterable[Doc]) -> None:
        source = self.directory / "input" / "docs.jsonl"
        write_docs(docs, source)
        self.index([source])

    def index(self, paths: list[Path], *, entities: bool = False, rebuild: bool = True):
        """Index files as a user would; returns seekwire's report."""
        from seekwire import index_paths

        return index_paths(paths, self.index_dir, rebuild=rebuild, entities=entities)

    def open(self) -> None:
        from seekwire import Searcher

        self._searcher = Searcher(self.index_dir)

    def search(self, text: str, k: int = 10) -> list[str]:
        results = self._results(text, limit=k, facets=False, snippets=False)
        return [hit.id for hit in results.hits] if results else []

    def page(self, text: str, k: int = 10, facets: bool = False) -> Page:
        results = self._results(text, limit=k, facets=facets)
        if results is None:
            return Page([], [], {} if facets else None)
        counts = {count.value: count.count for count in results.facets["agencies"]} if facets else None
        return Page([hit.id for hit in results.hits], [hit.snippet for hit in results.hits], counts)

    def close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None

    def _results(self, text: str, **options):
        """seekwire's results, or None for a query it refuses (e.g. nothing but punctuation): no hits."""
        from seekwire import SeekwireError

        try:
            return self._searcher.search(text, **options)
        except SeekwireError:
            return None


ENGINES: dict[str, type] = {
    engine.name: engine for engine in (SeekwireEngine, Fts5Engine, TantivyEngine, WhooshEngine)
}


def engine(name: str, directory: Path) -> Engine:
    """The engine called `name`, working in `directory`."""
    try:
        return ENGINES[name](Path(directory))
    except KeyError:
        raise ValueError(f"unknown system {name!r}; choose from {', '.join(ENGINES)}") from None
