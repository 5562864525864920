"""Scoring natural queries in numpy must give Whoosh's own BM25F scores, match set and order.

The index here has several segments and deleted documents, the cases where document numbers and statistics
are easiest to get wrong; the queries are arbitrary ORs of boosted terms over both text fields.
"""

from __future__ import annotations

import math
import random

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from whoosh import index as whoosh_index
from whoosh import query as wq

from seekwire.analysis import ANALYZER
from seekwire.engine.columns import field_lengths, live_docs, numeric_column
from seekwire.engine.postings import term_docs
from seekwire.facets import WHOLE_COLUMN_SHARE, FacetReader
from seekwire.phrases import WrittenPhrase
from seekwire.ranking import (
    COMBINED_TITLE_WEIGHT,
    COVERAGE_DEPTH,
    INFLECTION_WEIGHT,
    K1,
    B,
    Ranker,
    WeightedTerm,
    blend_coverage,
    natural_parts,
    top,
    weighting,
    whoosh_scored,
)
from seekwire.schema import TEXT_FIELDS, build_schema

WORDS = ("coopération Kazakhstan Chine économie énergie pétrole accord sommet ministre président élection "
         "vote Hanoï Alger Maroc port récolte riz croissance banque").split()
TERMS = sorted({ANALYZER.term(word) for word in WORDS})
AGENCIES = ("Xinhua", "AFP", "VNA", "APS")


def _document(rng: random.Random, number: int) -> dict:
    def words(low: int, high: int) -> str:
        return " ".join(rng.choice(WORDS) for _ in range(rng.randint(low, high)))

    doc = {"id": f"d{number}", "path": f"d{number}.txt", "title": words(1, 6), "text": words(0, 120),
           "agencies": rng.sample(AGENCIES, rng.randint(0, 2))}
    if rng.random() < 0.8:  # some documents are undated
        doc["day"] = 20230000 + rng.randint(1, 12) * 100 + rng.randint(1, 28)
    return doc


@pytest.fixture(scope="module")
def searcher(tmp_path_factory: pytest.TempPathFactory):
    """A Whoosh searcher over three segments, with documents deleted from two of them."""
    directory = tmp_path_factory.mktemp("ranking")
    ix = whoosh_index.create_in(directory, build_schema())
    rng = random.Random(7)
    number = 0
    for _ in range(3):
        with ix.writer(merge=False) as writer:
            for _ in range(40):
                writer.add_document(**_document(rng, number))
                number += 1
    with ix.writer(merge=False) as writer:
        for doomed in (3, 17, 55, 56, 101):
            writer.delete_by_term("id", f"d{doomed}")
    searcher = ix.searcher(weighting=weighting())
    assert len(searcher.reader().leaf_readers()) == 3 and searcher.reader().has_deletions()
    yield searcher
    searcher.close()


def _whoosh_scores(searcher, query: wq.Query) -> dict[int, float]:
    return {hit.docnum: hit.score for hit in searcher.search(query, limit=None, optimize=False)}


query_terms = st.lists(
    st.tuples(st.sampled_from(TEXT_FIELDS), st.sampled_from(TERMS), st.sampled_from((0.5, 0.8, 1.0, 4.0))),
    min_size=1, max_size=6,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query_terms, st.sampled_from((1.0, 2.0)))
def test_scores_equal_whooshs(searcher, chosen, outer_boost) -> None:
    # Normalised as the query parser leaves it (Whoosh ignores the boost of an OR with a single clause).
    query = wq.Or([wq.Term(field, text, boost=boost) for field, text, boost in chosen], boost=outer_boost).normalize()
    parts = natural_parts(query, TEXT_FIELDS)
    assert parts is not None and not parts[1]
    terms = parts[0]
    scored = Ranker(searcher).score(terms)
    expected = _whoosh_scores(searcher, query)
    assert scored.docs.tolist() == sorted(expected)
    assert np.allclose(scored.scores[scored.docs], [expected[d] for d in scored.docs], rtol=1e-12, atol=0)
    ranked = top(scored.docs, scored.scores, 5)
    assert [d for d, _ in ranked] == sorted(expected, key=lambda d: (-round(expected[d], 9), d))[:5]


def test_a_nested_or_multiplies_the_boosts() -> None:
    query = wq.Or([wq.Term("title", "a", boost=4.0), wq.Or([wq.Term("text", "b", boost=0.8)], boost=0.5)])
    assert natural_parts(query, TEXT_FIELDS) == ([WeightedTerm("title", "a", 4.0), WeightedTerm("text", "b", 0.4)], [])


def test_written_phrases_are_natural_parts_with_their_boosts() -> None:
    phrase = WrittenPhrase("title", ["notr", "dam"], boost=2.0, written="Notre-Dame")
    terms, phrases = natural_parts(wq.Or([wq.Term("text", "a"), phrase], boost=0.5), TEXT_FIELDS)
    assert terms == [WeightedTerm("text", "a", 0.5)]
    assert phrases == [phrase.with_boost(1.0)] and phrases[0].written == "Notre-Dame"


@pytest.mark.parametrize("query", [
    wq.And([wq.Term("text", "a"), wq.Term("text", "b")]),
    wq.Phrase("text", ["a", "b"]),
    wq.Or([wq.Term("text", "a"), wq.Not(wq.Term("text", "b"))]),
    wq.Or([wq.Term("text", "a"), wq.Term("agencies", "AFP")]),
    wq.Or([wq.Term("text", "a"), wq.Term("text", "b")], minmatch=2),
])
def test_other_shapes_are_left_to_whoosh(query: wq.Query) -> None:
    assert natural_parts(query, TEXT_FIELDS) is None


def test_columns_agree_with_whooshs_per_document_reads(searcher) -> None:
    reader = searcher.reader()
    live = live_docs(reader)
    assert live.tolist() == list(reader.all_doc_ids())
    for field in TEXT_FIELDS:
        lengths = field_lengths(reader, field)
        assert [lengths[d] for d in live] == [searcher.doc_field_length(d, field, 0) or 0 for d in live]
    days = numeric_column(reader, "day")
    column = reader.column_reader("day")
    assert [days[d] for d in live] == [column[d] for d in live]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_facet_counts_do_not_depend_on_how_the_column_is_read(searcher, data) -> None:
    """Small match sets read documents one by one, large ones the whole column: the counts are the same."""
    live = live_docs(searcher.reader())
    small = st.sets(st.sampled_from(live.tolist()), max_size=len(live) // WHOLE_COLUMN_SHARE - 1)
    docs = np.array(sorted(data.draw(small)), dtype=np.int64)
    one_by_one, whole = FacetReader(searcher.reader()), FacetReader(searcher.reader())
    whole.count("agencies", live, None)  # decodes the whole column
    assert one_by_one.count("agencies", docs, 3) == whole.count("agencies", docs, 3)
    assert one_by_one.count("agencies", docs, None) == whole.count("agencies", docs, None)


def _reference_combined(searcher, text: str, related: list[str], query_weight: float) -> dict[int, float]:
    """BM25F with the fields combined, one document at a time through Whoosh's public API."""
    reader = searcher.reader()
    frequency: dict[int, float] = {}
    for field in TEXT_FIELDS:
        boost = reader.schema[field].format.field_boost
        average = searcher.avg_field_length(field)
        for term, weight in [(text, 1.0)] + [(other, INFLECTION_WEIGHT) for other in related]:
            if not reader.doc_frequency(field, term):
                continue
            postings = reader.postings(field, term)
            while postings.is_active():
                doc = postings.id()
                length = searcher.doc_field_length(doc, field)
                norm = (1 - B) + B * length / average
                title = COMBINED_TITLE_WEIGHT if field == "title" else 1.0
                frequency[doc] = frequency.get(doc, 0.0) + title * weight * postings.weight() / boost / norm
                postings.next()
    n = reader.doc_count_all()
    if related:
        df = len(frequency)
    else:
        df = reader.doc_frequency("text", text) or reader.doc_frequency("title", text)
    idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
    return {doc: query_weight * idf * f * (K1 + 1) / (f + K1) for doc, f in frequency.items()}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(TERMS), st.lists(st.sampled_from(TERMS), max_size=2, unique=True), st.sampled_from((0.8, 1.0)))
def test_combined_fields_score_as_bm25f(searcher, text, related, query_weight) -> None:
    related = [other for other in related if other != text]
    terms = [WeightedTerm(field, text, query_weight) for field in TEXT_FIELDS]
    scored = Ranker(searcher).score(terms, combined=True, related={text: related} if related else None)
    expected = _reference_combined(searcher, text, related, query_weight)
    assert scored.docs.tolist() == sorted(expected)
    assert np.allclose(scored.scores[scored.docs], [expected[d] for d in scored.docs], rtol=1e-12, atol=0)


def test_related_inflections_are_pooled_at_a_lower_weight(searcher) -> None:
    """Field by field, a related stem adds to the word's frequency at INFLECTION_WEIGHT, never more."""
    text, other = TERMS[0], TERMS[1]
    ranker = Ranker(searcher)
    alone = ranker.score([WeightedTerm("text", text, 1.0)])
    pooled = ranker.score([WeightedTerm("text", text, 1.0)], related={text: [other]})
    both = ranker.score([WeightedTerm("text", text, 1.0), WeightedTerm("text", other, 1.0)])
    assert set(pooled.docs.tolist()) == set(both.docs.tolist()) > set(alone.docs.tolist())
    only_other = np.setdiff1d(pooled.docs, alone.docs)
    assert (pooled.scores[only_other] < both.scores[only_other]).all()


def test_coverage_reranks_only_the_first_results_and_keeps_deeper_pages_in_order() -> None:
    ranked = [(doc, 10.0 - doc) for doc in range(COVERAGE_DEPTH + 5)]
    covers = {3: 1.0, 7: 0.25, COVERAGE_DEPTH + 1: 1.0}
    blended = blend_coverage(ranked, lambda doc: covers.get(doc, 0.0))
    order = [doc for doc, _ in blended]
    assert order[:3] == [3, 0, 1]  # the whole question outweighs a slightly better score
    assert order.index(7) < order.index(6)
    deeper = order[COVERAGE_DEPTH:]
    assert deeper == sorted(deeper)  # beyond the depth, words are not looked at: score order
    assert [score for _, score in blended] == sorted((score for _, score in blended), reverse=True)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(TERMS), st.sampled_from(TERMS), st.sampled_from(TEXT_FIELDS))
def test_and_not_excludes_in_every_segment(searcher, wanted, unwanted, field) -> None:
    """Whoosh's own AND NOT matcher lets a document through when the excluded term's postings start earlier
    in its segment; the query path uses a corrected one."""
    reader = searcher.reader()
    query = wq.AndNot(wq.Term(field, wanted), wq.Term(field, unwanted))
    expected = np.setdiff1d(term_docs(reader, field, wanted), term_docs(reader, field, unwanted))
    scored = whoosh_scored(searcher, query)
    assert scored.docs.tolist() == expected.tolist()
    alone = Ranker(searcher).score([WeightedTerm(field, wanted, 1.0)])
    assert np.allclose(scored.scores[scored.docs], alone.scores[scored.docs], rtol=1e-12, atol=0)
