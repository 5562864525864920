"""A query parsed once into a plan: its filters, its words (as typed, with their terms), its operators and
phrases (a Whoosh query tree), and what kind of query it is.

Every later stage reads the plan, never the text: rewriting (rewrite.py) widens its words, matching
(match.py) scores its tree, the question re-rank (paging.py) weighs its written words. Making a plan needs no
index, so it can be checked alone (tests/test_plan.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from whoosh import query as wq
from whoosh.query import Query

from seekwire.analysis import ANALYZER, WORD
from seekwire.errors import QuerySyntaxError
from seekwire.phrases import WrittenPhrase
from seekwire.query import Filters, parse
from seekwire.schema import TEXT_FIELDS
from seekwire.search.parser import parser_for
from seekwire.text import repair

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
STOPWORDS_ONLY = "the query has only stopwords or punctuation; nothing to search for"


@dataclass(frozen=True)
class Word:
    """A word of the query as typed, where it stands in the plan's `text`, and its term (None: a stopword)."""

    written: str
    term: str | None
    start: int
    end: int


@dataclass(frozen=True)
class Plan:
    """A query, parsed.

    `query` is the query as given (repaired), `text` its ranked part (filters taken out), `filters` the inline
    filters merged with the options'. `words` are the words of `text` in order, each with its term. `tree`
    holds the operators and phrases (normalised; a long query's interrogative words left out): None when
    there is nothing to rank (no words, `*` alone, or a query that only excludes, whose exclusions are then
    `excluded`), Whoosh's NullQuery when the words are all stopwords. A `long` query is scored with the fields
    combined; `written` is a question's content words as written (lower-cased) with their terms, for the
    coverage re-rank (empty when the query asks no question).
    """

    query: str
    text: str
    filters: Filters
    words: tuple[Word, ...] = ()
    tree: Query | None = None
    excluded: Query | None = None
    long: bool = False
    written: dict[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    @property
    def terms(self) -> list[str]:
        """The terms of the words, in order (stopwords left out)."""
        return [word.term for word in self.words if word.term]

    @property
    def typed(self) -> dict[str, list[str]]:
        """Each term with the distinct forms it was typed in, in query order."""
        typed: dict[str, list[str]] = {}
        for word in self.words:
            if word.term:
                forms = typed.setdefault(word.term, [])
                if word.written not in forms:
                    forms.append(word.written)
        return typed

    @property
    def phrases(self) -> list[WrittenPhrase]:
        """The phrases of the tree (quoted, or words joined by hyphens), one per field searched."""
        if self.tree is None:
            return []
        return [leaf for leaf in self.tree.leaves() if isinstance(leaf, WrittenPhrase)]


def plan(query: str, filters: Filters | None = None) -> Plan:
    """Parse `query` (query syntax, inline filters merged with `filters`). Raises QuerySyntaxError."""
    query = repair(query)
    parsed = parse(query)
    filters = parsed.filters.merge(filters) if filters else parsed.filters
    text = parsed.text
    if not text.strip():
        return Plan(query, text, filters)
    words = tuple(Word(match.group(), ANALYZER.term(match.group()), match.start(), match.end())
                  for match in WORD.finditer(text))
    found = [word.term for word in words if word.term]
    long = len(found) > SHORT_QUERY_WORDS
    try:
        tree = parser_for(1.0 if long else SHORT_QUERY_TITLE_BOOST).parse(text, normalize=False)
        excluded = _only_excluded(tree)
        tree = tree.normalize()
    except Exception as error:  # Whoosh raises assorted types on input it cannot parse
        raise QuerySyntaxError(f"cannot parse query {text!r}: {error}") from None
    if excluded is not None:
        return Plan(query, text, filters, words, excluded=excluded, long=long)
    if tree is wq.NullQuery:
        return Plan(query, text, filters, words, tree, long=long, notes=(STOPWORDS_ONLY,))
    if all(isinstance(leaf, wq.Every) for leaf in tree.leaves()):
        return Plan(query, text, filters, words, long=long)  # `*` alone: every document, as without words
    written = {}
    if long:
        # "Quel", "pourquoi"… say what kind of answer is wanted, not what it is about.
        tree = _without_terms(tree, QUESTION_TERMS) or tree
        if text.rstrip().endswith("?") or QUESTION_TERMS.intersection(found):
            for word in PLAIN_WORD.findall(text.lower()):
                term = ANALYZER.term(word)
                if term and term not in QUESTION_TERMS:
                    written[word] = term
    return Plan(query, text, filters, words, tree, long=long, written=written)


def _only_excluded(tree: Query) -> Query | None:
    """What a parsed, not yet normalised query excludes when it only excludes (`-a -b`, `NOT a`), else None."""
    if isinstance(tree, wq.AndNot) and tree.a.normalize() is wq.NullQuery:
        excluded = tree.b.normalize()
        return None if excluded is wq.NullQuery else excluded
    children = tree.subqueries if type(tree) is wq.Or else [tree]
    if children and all(isinstance(child, wq.Not) for child in children):
        return wq.Or([child.query for child in children]).normalize()
    return None


def _without_terms(node: Query, texts: frozenset[str]) -> Query | None:
    """The query without the alternatives of an OR that look for one of `texts` (None if nothing is left)."""
    if type(node) is wq.Term and node.fieldname in TEXT_FIELDS and node.text in texts:
        return None
    if type(node) is not wq.Or:
        return node
    kept = [child for child in (_without_terms(child, texts) for child in node.subqueries) if child is not None]
    return wq.Or(kept, boost=node.boost) if kept else None
