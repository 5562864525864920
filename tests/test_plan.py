"""The plan: a query parsed once, without an index, into filters, words, operators and phrases; and the stages
after it read the plan, never the text, and never change it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import qparser
from whoosh import query as wq

from seekwire import Searcher, index_paths
from seekwire.analysis import terms
from seekwire.errors import QuerySyntaxError
from seekwire.phrases import WrittenPhrase
from seekwire.query import Filters
from seekwire.search import plan as planning
from seekwire.search.match import match
from seekwire.search.plan import STOPWORDS_ONLY, plan

NEWS = Path(__file__).parent / "fixtures" / "news.jsonl"


def test_inline_filters_leave_the_words_and_merge_with_the_options() -> None:
    planned = plan("coopération agency:xinhua date:2023 Kazakhstan", Filters(agencies=["VNA"]))
    assert planned.text == "coopération Kazakhstan"
    assert planned.filters.agencies == ["xinhua", "VNA"]
    assert (planned.filters.since, planned.filters.until) == (dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    assert [(word.written, word.term) for word in planned.words] == [("coopération", "cooper"),
                                                                       ("Kazakhstan", "kazakhstan")]
    assert planned.query == "coopération agency:xinhua date:2023 Kazakhstan"


def test_a_short_query_is_not_long_and_asks_no_question() -> None:
    planned = plan("coopération Kazakhstan ?")
    assert not planned.long and planned.written == {}
    assert {leaf.text for leaf in planned.tree.leaves()} == {"cooper", "kazakhstan"}


def test_a_question_leaves_its_interrogative_words_out_and_keeps_its_words_as_written() -> None:
    planned = plan("Pourquoi la Chine renforce-t-elle sa coopération avec le Kazakhstan ?")
    assert planned.long
    assert "pourquoi" not in {leaf.text for leaf in planned.tree.leaves() if isinstance(leaf, wq.Term)}
    assert planned.written == {"chine": "chin", "renforce": "renforc", "coopération": "cooper",
                               "kazakhstan": "kazakhstan"}


def test_a_long_query_without_a_question_has_no_written_words() -> None:
    planned = plan("coopération économique Chine Kazakhstan énergie")
    assert planned.long and planned.written == {}


def test_phrases_and_compounds_are_phrases_of_the_plan() -> None:
    planned = plan('"coopération pratique" Notre-Dame Chine')
    assert {phrase.written for phrase in planned.phrases} == {"Notre-Dame", "coopération pratique"}
    assert all(isinstance(phrase, WrittenPhrase) for phrase in planned.phrases)


@pytest.mark.parametrize("text", ["-Japon", "NOT Japon", "-Japon -Chine"])
def test_a_query_that_only_excludes_has_no_tree_but_what_it_excludes(text: str) -> None:
    planned = plan(text)
    assert planned.tree is None and planned.excluded is not None
    assert {leaf.text for leaf in planned.excluded.leaves()} <= {"japon", "chin"}


def test_stopwords_alone_are_a_plan_that_finds_nothing_and_says_why() -> None:
    planned = plan("le la les")
    assert planned.tree is wq.NullQuery and planned.notes == (STOPWORDS_ONLY,)


@pytest.mark.parametrize("text", ["", "   ", "*", "agency:xinhua"])
def test_without_words_there_is_nothing_to_rank(text: str) -> None:
    planned = plan(text)
    assert planned.tree is None and planned.excluded is None and not planned.notes


@pytest.mark.parametrize("text", ['"coopération', "(Chine", "pays:france", "date:2023-13"])
def test_a_malformed_query_is_refused_when_planned(text: str) -> None:
    with pytest.raises(QuerySyntaxError):
        plan(text)


QUERY_PIECES = st.sampled_from(['"', "(", ")", "*", "~", "~2", "-", "+", ":", "?", "AND", "OR", "NOT", "title:",
                                "agency:", "date:", "[", "]", " TO ", "l'", "’", "\u00ad", "\u200b", "é", "œ"])
QUERIES = st.one_of(
    st.text(max_size=80),
    st.lists(st.one_of(QUERY_PIECES, st.text(alphabet=st.characters(categories=["L", "Nd"]), max_size=8)),
             max_size=15).map("".join),
)


@settings(max_examples=300, deadline=None)
@given(QUERIES)
def test_planning_never_raises_anything_but_a_syntax_error(text: str) -> None:
    try:
        plan(text)
    except QuerySyntaxError:
        pass


@settings(max_examples=300, deadline=None)
@given(QUERIES)
def test_a_plans_words_are_what_the_analyzer_makes_of_its_text(text: str) -> None:
    try:
        planned = plan(text)
    except QuerySyntaxError:
        return
    assert planned.terms == terms(planned.text)
    assert all(planned.text[word.start : word.end] == word.written for word in planned.words)


# The stages after the plan


@pytest.fixture
def searcher(tmp_path: Path):
    index_paths([NEWS], tmp_path / "index", entities=False)
    with Searcher(tmp_path / "index") as opened:
        yield opened


def test_a_search_parses_its_text_once(searcher, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = {"filters": 0, "parser": 0}
    split, parse = planning.parse, qparser.QueryParser.parse

    def counted_split(text):
        calls["filters"] += 1
        return split(text)

    def counted_parse(self, text, **options):
        calls["parser"] += 1
        return parse(self, text, **options)

    monkeypatch.setattr(planning, "parse", counted_split)
    monkeypatch.setattr(qparser.QueryParser, "parse", counted_parse)
    results = searcher.search("cooperation kazakstan agency:xinhua")
    assert results.total >= 1 and results.suggestion
    assert calls == {"filters": 1, "parser": 1}


@pytest.mark.parametrize("text", ["cooperation kazakstan", "coop* Hanoï~1", "Chine NOT Japon", "-Japon",
                                  "Pourquoi la Chine renforce-t-elle sa coopération avec le Kazakhstan ?"])
def test_rewriting_and_matching_leave_the_plan_as_it_was(searcher, text: str) -> None:
    planned = plan(text)
    before = (repr(planned.tree), repr(planned.excluded), dict(planned.written), planned.notes)
    notes: list[str] = []
    rewritten = searcher._rewriter.rewrite(planned, notes)
    again = searcher._rewriter.rewrite(planned, [])
    assert repr(rewritten.query) == repr(again.query)
    related = {term: list(stems) for term, stems in rewritten.related.items()}
    match(planned, rewritten, None, searcher=searcher._searcher, ranker=searcher._ranker, live=searcher._live_docs)
    assert rewritten.related == related
    assert (repr(planned.tree), repr(planned.excluded), dict(planned.written), planned.notes) == before
