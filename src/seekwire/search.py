"""Answering queries: parse, filter, rank (BM25F over the title and the text), count facets, cut snippets.

Nothing from Whoosh leaves this module and its helpers: callers get `Results`, `Hit`s and `Article`s. The
match set is computed once per query — it gives the total, the facet counts and, for date order, the order —
and only the page of hits shown is read and highlighted (Whoosh's grouped and reversed searches load every
hit, which a query matching 30,000 documents cannot afford). Document sets are ascending numpy arrays of
document numbers.

Natural queries are OR queries: every word may match, and the BM25 weight of each word a document contains
adds up, so documents with all the words come first but a word that matches nothing does not empty the
result. They are scored in numpy (ranking.py); other shapes by walking Whoosh's matchers. Misspelt words
are searched together with their close, frequent neighbours (spelling.py).
"""

from __future__ import annotations

import heapq
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import islice

import numpy as np
from whoosh import qparser
from whoosh import query as wq
from whoosh.query import Query

from seekwire import ranking, storage
from seekwire.analysis import ANALYZER, WORD, fold, terms
from seekwire.article import Article, is_inferred
from seekwire.engine.columns import live_docs
from seekwire.errors import NotFoundError, QuerySyntaxError
from seekwire.facets import ALL_FACETS, FACET_NAMES, LIST_FACETS, NO_DAY, FacetReader
from seekwire.inflection import related_stems
from seekwire.phrases import WrittenPhrase
from seekwire.query import Filters, parse
from seekwire.results import FacetCount, Hit, Results, Stats
from seekwire.schema import ENTITY_FIELDS, SCHEMA_VERSION, TEXT_FIELDS, article_from_stored, day_number
from seekwire.snippets import best_passage, match_spans
from seekwire.spelling import LONGEST_WORD, Speller
from seekwire.text import os_text, repair

SORTS = ("relevance", "date", "-date")
# A query of at most SHORT_QUERY_WORDS words usually names a story, and its words are in the headline: the
# title weighs SHORT_QUERY_TITLE_BOOST. A longer one asks a question whose words are spread through the text,
# where favouring titles (shared by every paragraph of a long piece) misleads: it is scored with the fields
# combined (ranking.py). Measured on the dev query sets: the short-query boost lifts known-item MRR@10 from
# 0.83 to 0.91, and keeping it for long questions would cost 0.05 on PIAF.
SHORT_QUERY_WORDS = 3
SHORT_QUERY_TITLE_BOOST = 4.0
# A word as written, for comparing forms: letters and digits only, so that "l'économie" gives "économie".
PLAIN_WORD = re.compile(r"\w+")
# Interrogative words, left out of long queries.
QUESTION_TERMS = frozenset(
    ANALYZER.term(word) for word in
    "quel quelle quels quelles combien pourquoi comment quand lequel laquelle lesquels lesquelles quoi".split()
)
# A wildcard, prefix or fuzzy word may stand for at most this many terms (the most frequent are kept).
MAX_EXPANSION = 200
# A fuzzy word (`word~N`) reaches at most this many edits: beyond, it matches any word, slowly.
MAX_EDITS = 2
# Spelling and inflections are looked up for at most this many distinct words of a query: far more than any
# question has, few enough that a pasted page of unknown words is not tried letter by letter for seconds.
MAX_LOOKED_UP = 40
# A phrase is searched by at most this many of its first words (stopwords aside): longer ones, pasted
# paragraphs, would walk position lists for seconds.
MAX_PHRASE_WORDS = 20
# How many salient words describe a document for `similar`, and the weight of each shared entity.
SIMILAR_TERMS = 20
ENTITY_WEIGHT = 2.0
# Weight of a close neighbour of a misspelt word, against 1 for the word itself.
TYPO_WEIGHT = 0.8
# A filter value that names several values is said in a note, with at most this many of them.
NAMES_SHOWN = 10
# Filter option -> (the fields it looks in, its name in messages).
FILTER_OPTIONS = {
    "agencies": (("agencies",), "agency"),
    "persons": (("persons",), "person"),
    "places": (("places",), "place"),
    "organizations": (("organizations",), "organization"),
    "entities": (ENTITY_FIELDS, "entity"),
    "publishers": (("publisher",), "publisher"),
}


class WrittenPhrasePlugin(qparser.PhrasePlugin):
    """Quoted phrases, and words joined by hyphens ("Notre-Dame", "sino-kazakhe"), as phrases matched on the
    text as written, stopwords included (phrases.py)."""

    # A compound: words joined by hyphens, unless it ends a wildcard or fuzzy pattern.
    compound = re.compile(r"(?<![\w'’])(?P<text>\w+(?:['’]\w+)*(?:-\w+(?:['’]\w+)*)+)(?![\w'’*~-])")

    class PhraseNode(qparser.PhrasePlugin.PhraseNode):
        def query(self, parser):
            phrase = super().query(parser)
            phrase.written = self.text
            return phrase

    class PhraseTagger(qparser.RegexTagger):
        def create(self, parser, match):
            slop = match.groupdict().get("slop")
            return WrittenPhrasePlugin.PhraseNode(match.group("text"), match.start("text"), int(slop) if slop else 1)

    def taggers(self, parser):
        return [(self.PhraseTagger(self.expr), 0), (self.PhraseTagger(self.compound), 0)]


class StarWildcardPlugin(qparser.WildcardPlugin):
    """Wildcards are `*` only: Whoosh also reads `?` as one, which turns every question ("Qui est mort en
    juillet ?") into a wildcard search."""

    expr = r"(?P<text>\*)"


@dataclass
class _Words:
    """The ranked part of a query: the Whoosh query (None without words), a spelling suggestion, the related
    inflections of its words (term -> stems), whether it is long (scored with the fields combined), when it
    asks a question, its content words as written (lower-cased) with their terms, for the coverage re-rank,
    when it only excludes (`-Macron`), what it excludes (it then lists everything else, like filters), and which
    word of the query each term stands for when it is not that word's own (a typo's neighbour, an expansion,
    an inflection)."""

    query: Query | None
    suggestion: str | None = None
    related: dict[str, list[str]] = field(default_factory=dict)
    long: bool = False
    written: dict[str, str] = field(default_factory=dict)
    excluded: Query | None = None
    words: dict[str, str] = field(default_factory=dict)


@dataclass
class _Rewriting:
    """What rewriting a query's tree notes down: `notes` for the user, the query's words by term (`typed`),
    the correction of each misspelt term, the word each added term stands for, and the terms whose spelling
    was checked. Without `widen`, misspelt words are left alone (in what a query excludes)."""

    notes: list[str]
    widen: bool = True
    typed: dict[str, list[str]] = field(default_factory=dict)
    corrections: dict[str, str] = field(default_factory=dict)
    words: dict[str, str] = field(default_factory=dict)
    spelled: set[str] = field(default_factory=set)


@dataclass
class _Match:
    """What a query matches: its words, its documents (filters applied), every document's score (None
    without words) and, for a natural query that is not a question, how many of its words each has."""

    words: _Words
    docs: np.ndarray
    scores: np.ndarray | None
    tiers: np.ndarray | None = None


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
        self._live: np.ndarray | None = None
        self._speller = Speller(self._reader, TEXT_FIELDS)
        self._parsers: dict[float, qparser.QueryParser] = {}

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
    ) -> Results:
        """Find the documents matching `text` (query syntax) and `filters`.

        Without words, every document passing the filters matches, newest first. Facet counts cover all
        matching documents. Raises QuerySyntaxError for a malformed query.
        """
        if sort not in SORTS:
            raise QuerySyntaxError(f"unknown sort {sort!r} — use one of {', '.join(SORTS)}")
        if limit < 0 or offset < 0:
            raise QuerySyntaxError("--limit and --offset must not be negative")
        notes: list[str] = []
        text = repair(text)
        with self._guard:
            match = self._match(text, filters, notes)
            if match.words.query is None and sort == "relevance":
                sort = "-date"
            page = self._page(match, sort, offset, limit)
            terms = self._highlight_terms(match.words)
            hits = [self._hit(rank, docnum, score, terms, snippets)
                    for rank, (docnum, score) in enumerate(page, start=offset + 1)]
            counts = self._count(match.docs, ALL_FACETS, facet_limit) if facets else {}
        return Results(query=text, total=len(match.docs), offset=offset, limit=limit, sort=sort, hits=hits,
                       facets=counts, suggestion=match.words.suggestion, notes=notes)

    def facet(self, name: str, text: str = "", filters: Filters | None = None) -> list[FacetCount]:
        """Every value of one facet with its count over the documents matching `text` and `filters`."""
        if name not in FACET_NAMES:
            raise QuerySyntaxError(f"unknown facet {name!r} — facets are {', '.join(FACET_NAMES)}")
        with self._guard:
            return self._facets.count(name, self._match(repair(text), filters, []).docs, None)

    def similar(self, doc_id: str, *, limit: int = 10, snippets: bool = True) -> Results:
        """Documents most like `doc_id`: its most salient words (against the whole index) and its entities."""
        doc_id = os_text(doc_id)
        with self._guard:
            docnum = self._searcher.document_number(id=doc_id)
            stored = self._reader.stored_fields(docnum) if docnum is not None else None
        if stored is None:
            raise NotFoundError(f"no document with id {doc_id!r} — `seekwire query` shows the ids")
        text = " ".join(filter(None, [stored.get("title"), stored.get("lede"), stored.get("body")]))
        words = self._searcher.key_terms_from_text("text", text, numterms=SIMILAR_TERMS)
        clauses: list[Query] = [wq.Term("text", word, boost=weight) for word, weight in words]
        clauses += [wq.Term(name, value, boost=ENTITY_WEIGHT)
                    for name in ENTITY_FIELDS for value in stored.get(name) or []]
        terms = frozenset(word for word, _ in words)
        with self._guard:
            page, total = [], 0
            if clauses:
                scored = ranking.whoosh_scored(self._searcher, wq.Or(clauses))
                others = scored.docs != docnum
                total = int(others.sum())
                page = ranking.top(scored.docs[others], scored.scores, limit)
            hits = [self._hit(rank, doc, score, terms, snippets) for rank, (doc, score) in enumerate(page, start=1)]
        return Results(query=f"similar:{doc_id}", total=total, offset=0, limit=limit, sort="relevance",
                       hits=hits)

    def get(self, doc_id: str) -> Article:
        """The stored article with this id (a name that is not UTF-8 as its file's id is written, `\\xNN`).
        Raises NotFoundError."""
        doc_id = os_text(doc_id)
        with self._guard:
            stored = self._searcher.document(id=doc_id)
        if stored is None:
            raise NotFoundError(f"no document with id {doc_id!r} — `seekwire query` shows the ids")
        return article_from_stored(stored)

    def articles(self) -> Iterator[Article]:
        """Every stored article, in index order."""
        with self._guard:
            for stored in self._reader.all_stored_fields():
                yield article_from_stored(stored)

    def stats(self, text: str = "", filters: Filters | None = None, facet_limit: int = 10) -> Stats:
        """Size, date range and the most frequent facet values of the whole index, or of the documents matching
        `text` and `filters` when given (the size stays the index's)."""
        with self._guard:
            docs = self._match(repair(text), filters, []).docs if text or filters else self._live_docs()
            days = self._facets.days(docs)
            days = days[days <= NO_DAY]
            facets = self._count(docs, (*LIST_FACETS, "years"), facet_limit)
        generation = storage.current_generation(self.index_dir)
        size = sum(p.stat().st_size for p in generation.iterdir() if p.is_file())
        return Stats(
            index=self.index_dir,
            documents=len(docs),
            first_date=_iso_day(int(days.min())) if len(days) else None,
            last_date=_iso_day(int(days.max())) if len(days) else None,
            undated=len(docs) - len(days),
            size_bytes=size,
            schema_version=SCHEMA_VERSION,
            facets=facets,
        )

    # Building the query

    def _match(self, text: str, filters: Filters | None, notes: list[str]) -> _Match:
        parsed = parse(text)
        filters = parsed.filters.merge(filters) if filters else parsed.filters
        words = self._words(parsed.text, notes)
        allowed = self._allowed(filters, notes)
        scores = tiers = None
        if words.query is None:
            docs = allowed if allowed is not None else self._live_docs()
            if words.excluded is not None:
                docs = np.setdiff1d(docs, ranking.whoosh_scored(self._searcher, words.excluded).docs,
                                    assume_unique=True)
        else:
            natural = ranking.natural_parts(words.query, TEXT_FIELDS)
            if natural is not None:
                # A question is ranked by how much of it a document answers, a story by all its words first.
                scored = self._ranker.score(natural[0], combined=words.long, related=words.related,
                                            phrases=natural[1], words=None if words.written else words.words)
            else:
                words.related = {}  # only natural queries look for related inflections: none to highlight
                scored = ranking.whoosh_scored(self._searcher, words.query)
            docs, scores, tiers = scored.docs, scored.scores, scored.tiers
            if allowed is not None:
                docs = np.intersect1d(docs, allowed, assume_unique=True)
        return _Match(words, docs, scores, tiers)

    def _live_docs(self) -> np.ndarray:
        if self._live is None:
            self._live = live_docs(self._reader)
        return self._live

    def _words(self, text: str, notes: list[str]) -> _Words:
        if not text.strip():
            return _Words(None)
        found = terms(text)
        long = len(found) > SHORT_QUERY_WORDS
        try:
            tree = self._parser_for(1.0 if long else SHORT_QUERY_TITLE_BOOST).parse(text, normalize=False)
            excluded = _only_excluded(tree)
            tree = tree.normalize()
        except Exception as error:  # Whoosh raises assorted types on input it cannot parse
            raise QuerySyntaxError(f"cannot parse query {text!r}: {error}") from None
        if excluded is not None:
            return _Words(None, excluded=self._rewrite(excluded, _Rewriting(notes, widen=False)))
        if tree is wq.NullQuery:
            notes.append("the query has only stopwords or punctuation; nothing to search for")
            return _Words(wq.NullQuery)
        if all(isinstance(leaf, wq.Every) for leaf in tree.leaves()):
            return _Words(None)  # `*` alone: every document, listed as without words
        if long:
            # "Quel", "pourquoi"… say what kind of answer is wanted, not what it is about.
            tree = _without_terms(tree, QUESTION_TERMS) or tree
        rewriting = _Rewriting(notes)
        for match in WORD.finditer(text):
            term = ANALYZER.term(match.group())
            if term:
                forms = rewriting.typed.setdefault(term, [])
                if match.group() not in forms:
                    forms.append(match.group())
        tree = self._rewrite(tree, rewriting)
        written = {}
        if long and (text.rstrip().endswith("?") or QUESTION_TERMS.intersection(found)):
            for word in PLAIN_WORD.findall(text.lower()):
                term = ANALYZER.term(word)
                if term and term not in QUESTION_TERMS:
                    written[word] = term
        related = self._related(rewriting.typed)
        for term, stems in related.items():
            for stem in stems:
                rewriting.words.setdefault(stem, term)
        return _Words(tree, self._suggest(text, rewriting.corrections), related, long, written,
                      words=rewriting.words)

    def _related(self, typed: dict[str, list[str]]) -> dict[str, list[str]]:
        """For each of the first MAX_LOOKED_UP terms of the query, the stems of its related inflections that the
        index has."""
        related: dict[str, list[str]] = {}
        for term, words in islice(typed.items(), MAX_LOOKED_UP):
            stems = set().union(*(related_stems(word) for word in words)) - typed.keys()
            found = sorted(s for s in stems if any(self._reader.doc_frequency(f, s) for f in TEXT_FIELDS))
            if found:
                related[term] = found
        return related

    def _parser_for(self, boost: float) -> qparser.QueryParser:
        if boost not in self._parsers:
            parser = qparser.MultifieldParser(list(TEXT_FIELDS), self._searcher.schema, fieldboosts={"title": boost},
                                              group=qparser.OrGroup)
            parser.remove_plugin_class(qparser.WildcardPlugin)
            parser.add_plugin(StarWildcardPlugin())
            parser.remove_plugin_class(qparser.PhrasePlugin)
            parser.add_plugin(WrittenPhrasePlugin())
            parser.phraseclass = WrittenPhrase
            parser.add_plugin(qparser.FieldAliasPlugin({"text": ["body", "lede"]}))
            # `+word` and `-word` only at the start of a word: "vice-Roi" and "Saint-Arnaud" are compounds.
            parser.add_plugin(qparser.PlusMinusPlugin(plusexpr=r"(?<![^\s(])\+", minusexpr=r"(?<![^\s(])-"))
            parser.add_plugin(qparser.FuzzyTermPlugin())
            self._parsers[boost] = parser
        return self._parsers[boost]

    def _rewrite(self, node: Query, state: _Rewriting) -> Query:
        """Bound wildcard and fuzzy expansions and widen misspelt words, noting which word each term stands for."""
        if isinstance(node, (wq.Prefix, wq.Wildcard)):
            return self._expand(node, state)
        if isinstance(node, wq.FuzzyTerm):
            return self._fuzzy(node, state)
        if isinstance(node, WrittenPhrase) and len(node.words) > MAX_PHRASE_WORDS:
            _note(state.notes, f"a phrase of {len(node.words)} words was searched by its first {MAX_PHRASE_WORDS}")
            return node.first(MAX_PHRASE_WORDS)
        if state.widen and isinstance(node, wq.Term) and node.fieldname in TEXT_FIELDS:
            longest = max(map(len, state.typed.get(node.text, [node.text])))
            if longest > LONGEST_WORD:
                _note(state.notes, f"a word of {longest} characters is searched as written, without spelling variants")
                return node
            state.spelled.add(node.text)
            if len(state.spelled) > MAX_LOOKED_UP:
                _note(state.notes, f"spelling and inflections were looked up for the first {MAX_LOOKED_UP} words only")
                return node
            options = self._speller.corrections(node.text, tuple(state.typed.get(node.text, ())))
            if not options:
                return node
            state.corrections.setdefault(node.text, options[0])
            close = [wq.Term(node.fieldname, c, boost=node.boost * TYPO_WEIGHT) for c in options[:3]]
            for term in close:
                state.words.setdefault(term.text, node.text)
            return wq.Or([node, *close])
        if node.is_leaf():
            return node
        if isinstance(node, wq.Or) and any(isinstance(child, wq.Not) for child in node.subqueries):
            # "a NOT b" parses as an OR with a negated clause, which every document without b would match.
            node = _exclude_negated(node)
        return node.apply(lambda child: self._rewrite(child, state))

    def _fuzzy(self, node: wq.FuzzyTerm, state: _Rewriting) -> Query:
        """`word~N` as an OR of the terms within N edits of the word's own term (so that it always finds the
        word itself: Whoosh compares the unstemmed word with stems), N at most MAX_EDITS."""
        term = ANALYZER.term(node.text) or node.text
        if len(node.text) > LONGEST_WORD:
            _note(state.notes, f"a word of {len(node.text)} characters is searched as written, without fuzzy matching")
            return wq.Term(node.fieldname, term, boost=node.boost)
        maxdist = min(node.maxdist, MAX_EDITS)
        if maxdist < node.maxdist:
            _note(state.notes, f"{node.text}~{node.maxdist} was searched within {MAX_EDITS} edits")
        words = self._speller.within(node.fieldname, term, maxdist, min(node.prefixlength, len(term)))
        return self._bounded(node.fieldname, node.text + "~", words, node.boost, state)

    def _expand(self, node: Query, state: _Rewriting) -> Query:
        """A prefix or wildcard as an OR of at most MAX_EXPANSION terms, the most frequent."""
        fieldname = node.fieldname
        pattern = node.text
        if isinstance(node, wq.Prefix):
            # Indexed words are stems: "coopération*" must look for "cooper…", the stem of what was typed.
            stem = ANALYZER.term(pattern)
            if stem and pattern.startswith(stem):
                pattern = stem
            words = self._reader.expand_prefix(fieldname, pattern)
        else:
            words = (text for _, text in wq.Wildcard(fieldname, pattern).expanded_terms(self._reader))
        words = [w.decode("utf-8") if isinstance(w, bytes) else w for w in islice(words, 50_000)]
        return self._bounded(fieldname, node.text + "*", words, node.boost, state)

    def _bounded(self, fieldname: str, shown: str, words: list[str], boost: float, state: _Rewriting) -> Query:
        """An OR of the terms a pattern (`shown`) stands for, at most MAX_EXPANSION of them, the most frequent;
        together they are one word of the query."""
        if len(words) > MAX_EXPANSION:
            _note(state.notes,
                  f"{shown} matches {len(words)} words in {fieldname}; searched the {MAX_EXPANSION} most frequent")
            words = heapq.nlargest(MAX_EXPANSION, words,
                                   key=lambda w: self._reader.doc_frequency(fieldname, w))
        if not words:
            return wq.NullQuery
        for word in words:
            state.words.setdefault(word, shown)
        return wq.Or([wq.Term(fieldname, w, boost=boost) for w in words])

    def _suggest(self, text: str, corrections: dict[str, str]) -> str | None:
        """The query with misspelt words corrected, as the words are written in the articles."""
        if not corrections:
            return None
        out, last, changed = [], 0, False
        for match in WORD.finditer(text):
            word = match.group()
            term = ANALYZER.term(word)
            if term is None:
                continue
            out.append(text[last : match.start()])
            if term in corrections:
                out.append(self._speller.surface(corrections[term], word))
                changed = True
            else:
                written = self._speller.surface(term, word)
                out.append(written if fold(written) == fold(word) else word)
            last = match.end()
        out.append(text[last:])
        return "".join(out) if changed else None

    # Filtering, ordering, counting

    def _allowed(self, filters: Filters, notes: list[str]) -> np.ndarray | None:
        """Documents passing every filter (None when there are no filters)."""
        if not filters:
            return None
        allowed: np.ndarray | None = None
        for option, (fieldnames, label) in FILTER_OPTIONS.items():
            values = getattr(filters, option)
            if not values:
                continue
            found: list[np.ndarray] = []
            for value in values:
                names = {fieldname: self._facets.resolve(fieldname, value) for fieldname in fieldnames}
                taken = list(dict.fromkeys(name for known in names.values() for name in known))
                if not taken:
                    notes.append(f"no document has {label} {value!r}")
                elif len(taken) > 1:
                    shown = ", ".join(taken[:NAMES_SHOWN]) + (f" and {len(taken) - NAMES_SHOWN} more"
                                                              if len(taken) > NAMES_SHOWN else "")
                    notes.append(f"{label} {value!r} taken as {shown}")
                found += [self._facets.docs_with(fieldname, known) for fieldname, known in names.items()]
            docs = np.unique(np.concatenate(found))
            allowed = docs if allowed is None else np.intersect1d(allowed, docs, assume_unique=True)
        if filters.since or filters.until:
            live = self._live_docs()
            days = self._facets.days(live)
            inside = days <= NO_DAY
            if filters.since:
                inside &= days >= day_number(filters.since)
            if filters.until:
                inside &= days <= day_number(filters.until)
            dated = live[inside]
            allowed = dated if allowed is None else np.intersect1d(allowed, dated, assume_unique=True)
        return allowed

    def _page(self, match: _Match, sort: str, offset: int, limit: int) -> list[tuple[int, float | None]]:
        """The (docnum, score) pairs of the page shown."""
        if not limit or not len(match.docs):
            return []
        if sort == "relevance" and match.scores is not None:
            if match.words.written:
                ranked = ranking.top(match.docs, match.scores, max(ranking.COVERAGE_DEPTH, offset + limit))
                return ranking.blend_coverage(ranked, self._coverage(match.words.written))[offset : offset + limit]
            return ranking.top(match.docs, match.scores, offset + limit, match.tiers)[offset:]
        days = self._facets.days(match.docs)
        # Undated documents come last in both directions; equal days in document order.
        undated = days > NO_DAY
        order = np.lexsort((match.docs, -days if sort == "-date" else days, undated))
        chosen = match.docs[order[offset : offset + limit]].tolist()
        if match.scores is None:
            return [(d, None) for d in chosen]
        return [(d, float(match.scores[d])) for d in chosen]

    def _coverage(self, written: dict[str, str]) -> Callable[[int], float]:
        """How much of a question a document covers: the idf-weighted share of its words (`written`: word ->
        term) the document has as written, a word it lacks counting as much as it is close to one it has
        (vectors.py)."""
        from seekwire import vectors

        words = list(written)
        weights = np.array([self._ranker.idf(term) for term in written.values()])
        weights /= weights.sum() or 1.0
        model = vectors.installed()
        close = model.closeness(words) if model else lambda present: [word in present for word in words]

        def coverage(docnum: int) -> float:
            return float(weights @ close(self._written_words(docnum)))

        return coverage

    def _written_words(self, docnum: int) -> set[str]:
        """The words of a document as written (lower-cased; elisions split off)."""
        stored = self._reader.stored_fields(docnum)
        text = " ".join(stored.get(name) or "" for name in ("title", "lede", "body"))
        return set(PLAIN_WORD.findall(text.lower()))

    def _count(self, docs: np.ndarray, names, limit: int | None) -> dict[str, list[FacetCount]]:
        return {name: self._facets.count(name, docs, limit) for name in names}

    # Hits

    def _highlight_terms(self, words: _Words) -> frozenset[str]:
        if words.query is None:
            return frozenset()
        # Leaf by leaf: Whoosh's `existing_terms` reuses its field-name argument as a loop variable, so after
        # the first leaf it keeps only the terms of that leaf's field (the title's).
        found = {
            text.decode("utf-8") if isinstance(text, bytes) else text
            for leaf in words.query.leaves() if leaf.field() in TEXT_FIELDS
            for fieldname, text in leaf.existing_terms(self._reader, expand=True)
        }
        return frozenset(found.union(*words.related.values()))

    def _hit(self, rank: int, docnum: int, score: float | None, terms: frozenset[str], snippets: bool) -> Hit:
        stored = self._reader.stored_fields(docnum)
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
        )


def _note(notes: list[str], note: str) -> None:
    if note not in notes:
        notes.append(note)


def _only_excluded(tree: Query) -> Query | None:
    """What a parsed, not yet normalised query excludes when it only excludes (`-a -b`, `NOT a`), else None."""
    if isinstance(tree, wq.AndNot) and tree.a.normalize() is wq.NullQuery:
        excluded = tree.b.normalize()
        return None if excluded is wq.NullQuery else excluded
    children = tree.subqueries if type(tree) is wq.Or else [tree]
    if children and all(isinstance(child, wq.Not) for child in children):
        return wq.Or([child.query for child in children]).normalize()
    return None


def _exclude_negated(node: wq.Or) -> Query:
    """An OR with NOT clauses as "any of the others, and none of the negated"."""
    kept = [child for child in node.subqueries if not isinstance(child, wq.Not)]
    negated = [child.query for child in node.subqueries if isinstance(child, wq.Not)]
    positive = wq.Or(kept, boost=node.boost) if kept else wq.Every()
    return wq.AndNot(positive, wq.Or(negated))


def _without_terms(node: Query, texts: frozenset[str]) -> Query | None:
    """The query without the alternatives of an OR that look for one of `texts` (None if nothing is left)."""
    if type(node) is wq.Term and node.fieldname in TEXT_FIELDS and node.text in texts:
        return None
    if type(node) is not wq.Or:
        return node
    kept = [child for child in (_without_terms(child, texts) for child in node.subqueries) if child is not None]
    return wq.Or(kept, boost=node.boost) if kept else None


def _iso_day(day: int) -> str:
    text = str(day)
    return f"{text[:4]}-{text[4:6]}-{text[6:]}"
