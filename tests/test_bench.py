"""The benchmark harness on a handful of in-memory articles: the peers answer as configured, and the
relevance figures are computed right. Timings are never asserted."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import Doc, Query, answerable, percentile
from bench.peers import engine, query_words
from bench.relevance import Scores, evaluate, first_relevant, half, ready

DOCS = [
    Doc("kz", "Coopération avec le Kazakhstan", "Le président a signé un accord à Astana.", lede="Un accord.",
        agency="AFP"),
    Doc("eco", "Économie française", "La croissance économique ralentit en France.", agency="Reuters"),
    Doc("road", "Sécurité routière", "Les accidents sont en baisse, selon le ministère. Kazakhstan.", agency="AFP"),
    Doc("none", "Météo", "Il pleuvra demain sur la Bretagne."),
]
PEERS = ["fts5", "tantivy", "whoosh"]


def opened(name: str, directory: Path):
    """An engine built over DOCS and open; tantivy's tests skip when it is not installed."""
    if name == "tantivy":
        pytest.importorskip("tantivy")
    system = engine(name, directory / name)
    system.build(DOCS)
    system.open()
    return system


@pytest.fixture(params=PEERS)
def peer(request, tmp_path: Path):
    system = opened(request.param, tmp_path)
    yield system
    system.close()


@pytest.fixture(params=["fts5", "tantivy", "seekwire"])
def paging_peer(request, tmp_path: Path):
    system = opened(request.param, tmp_path)
    yield system
    system.close()


def test_query_words_drop_punctuation_and_case() -> None:
    assert query_words("Qu'est-ce que l'OTAN ? (AND) title:x") == ["qu", "est", "ce", "que", "l", "otan", "and",
                                                                    "title", "x"]


def test_title_match_ranks_first(peer) -> None:
    assert peer.search("Kazakhstan coopération")[0] == "kz"
    assert set(peer.search("Kazakhstan")) == {"kz", "road"}


def test_query_syntax_is_never_parsed(peer) -> None:
    assert peer.search('"NEAR( -Kazakhstan* AND OR title:') == peer.search("near kazakhstan and or title")
    assert peer.search("?! …") == []


def test_accents_fold_except_in_plain_whoosh(peer) -> None:
    found = peer.search("securite routiere")
    assert found == ([] if peer.name == "whoosh" else ["road"])


def test_stemming_peers_match_other_forms(peer) -> None:
    found = peer.search("accords signés")
    assert ("kz" in found) == (peer.name != "fts5")


def test_pages_have_snippets_and_facets_over_all_matches(paging_peer) -> None:
    page = paging_peer.page("Kazakhstan", k=1, facets=True)
    assert page.ids == ["kz"] and len(page.snippets) == 1
    assert page.facets == {"AFP": 2}
    assert paging_peer.page("Kazakhstan").facets is None


def test_seekwire_adapter_returns_ids(tmp_path: Path) -> None:
    system = engine("seekwire", tmp_path / "seekwire")
    system.build(DOCS)
    system.open()
    try:
        assert system.search("Kazakhstan coopération")[0] == "kz"
        assert system.search("?!") == []
    finally:
        system.close()


def test_unknown_system_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown system"):
        engine("lucene", tmp_path)


def test_scores_from_ranks() -> None:
    scores = Scores.of([1, 2, None, 4])
    assert scores.queries == 4
    assert scores.mrr10 == pytest.approx((1 + 0.5 + 0.25) / 4)
    assert (scores.success1, scores.success10) == (0.25, 0.75)


def test_queries_are_scored_overall_and_on_each_half(tmp_path: Path) -> None:
    system = engine("fts5", tmp_path / "fts5")
    system.build(DOCS)
    queries = [Query(f"q{n}", "Kazakhstan", "question", frozenset(["kz"])) for n in range(20)]
    scores = evaluate(system, queries)
    assert set(scores) == {"all", "half 0", "half 1"}
    assert [scores[f"half {h}"].queries for h in (0, 1)] == [sum(half(q) == h for q in queries) for h in (0, 1)]
    assert 0 < scores["half 0"].queries < 20
    assert half(queries[0]) == half(Query("q0", "another text", "exact"))  # the id alone decides


def test_first_relevant_looks_at_the_top_ten_only() -> None:
    ranked = [f"d{i}" for i in range(1, 13)]
    assert first_relevant(ranked, frozenset({"d3", "d5"})) == 3
    assert first_relevant(ranked, frozenset({"d11"})) is None


def test_answerable_drops_queries_without_their_document() -> None:
    queries = [Query("a", "x", "exact", frozenset({"kz"})), Query("b", "y", "exact", frozenset({"gone"}))]
    assert [q.qid for q in answerable(queries, {"kz", "eco"})] == ["a"]


def test_percentile_is_nearest_rank() -> None:
    samples = [5.0, 1.0, 4.0, 2.0, 3.0]
    assert (percentile(samples, 0.5), percentile(samples, 0.95), percentile(samples, 0.0)) == (3.0, 5.0, 1.0)


def test_kept_index_is_reused_only_for_the_same_documents(tmp_path: Path) -> None:
    system = engine("fts5", tmp_path / "fts5")
    assert ready(system, DOCS, keep=True) is not None
    assert ready(system, DOCS, keep=True) is None
    assert ready(system, DOCS[:2], keep=True) is not None
    assert ready(system, DOCS[:2], keep=False) is not None


def test_unseen_layouts_render_their_gold(tmp_path: Path) -> None:
    from bench import unseen

    shared = Path(__file__).resolve().parents[2] / "shared"
    if not (shared / "corpus" / "orangesum-dev.jsonl.gz").exists():
        pytest.skip("no ../shared corpus")
    crawl = unseen.render(shared, tmp_path, per_layout=2)
    rows = [json.loads(line) for line in (crawl / "gold.jsonl").read_text(encoding="utf-8").splitlines()]
    assert sorted(row["template"] for row in rows) == sorted(list(unseen.LAYOUTS) * 2)
    for row in rows:
        data = (crawl / row["file"]).read_bytes()
        text = data.decode(row["encoding"])
        assert (b"\r\n" in data) == row["crlf"]
        assert row["title"] in text and all(part in text for part in row["body"].split("\n\n"))
        assert (crawl / row["file"]).stat().st_mtime == unseen.extraction.mtime_of(row)


def test_unseen_web_pages_render_their_gold_as_visible_text(tmp_path: Path) -> None:
    from bench import unseen, unseen_html

    from seekwire.extract.html import decode_html, page_text, read_markup

    shared = Path(__file__).resolve().parents[2] / "shared"
    if not (shared / "corpus" / "orangesum-dev.jsonl.gz").exists():
        pytest.skip("no ../shared corpus")
    crawl = unseen.render(shared, tmp_path, per_layout=2, groups=(unseen_html.LAYOUTS,), suffix=".html",
                          name="unseen-html")
    rows = [json.loads(line) for line in (crawl / "gold.jsonl").read_text(encoding="utf-8").splitlines()]
    assert sorted(row["template"] for row in rows) == sorted(list(unseen_html.LAYOUTS) * 2)
    for row in rows:
        visible = page_text(read_markup(decode_html((crawl / row["file"]).read_bytes(), unseen.extraction.decode)))
        assert all(part in visible for part in row["body"].split("\n\n"))
        assert row["lede"] is None or row["lede"] in visible


def test_repeated_corpus_has_fresh_ids_and_varied_number_words() -> None:
    from bench.perf import repeat_docs

    docs = [Doc("a", "Deux ministres", "Les deux ministres et un dix-cors.", lede="Elle a douze pages."),
            Doc("b", "Météo", "Il pleut.", agency="AFP")]
    repeated = list(repeat_docs(docs, 7))
    assert [doc.id for doc in repeated] == ["a", "b", "a~1", "b~1", "a~2", "b~2", "a~3"]
    assert repeated[:2] == docs
    # Copy c moves each number word c places along the list; capitalised words and "un" are left alone.
    assert repeated[2].body == "Les trois ministres et un onze-cors." and repeated[2].lede == "Elle a deux pages."
    assert repeated[4].body == "Les quatre ministres et un douze-cors."
    assert repeated[2].title == "Deux ministres"
    assert repeated[3] == Doc("b~1", "Météo", "Il pleut.", agency="AFP")


def test_copies_never_repeat_the_original_words() -> None:
    from bench.perf import NUMBER_WORDS, repeat_docs

    copies = list(repeat_docs([Doc("a", "", "deux")], 1 + 2 * len(NUMBER_WORDS)))
    assert all(doc.body != "deux" for doc in copies[1:])
    assert len({doc.body for doc in copies[1 : len(NUMBER_WORDS)]}) == len(NUMBER_WORDS) - 1


def test_extrapolation_follows_the_two_largest_sizes() -> None:
    from bench.perf import extrapolate, sizes

    assert extrapolate([(300_000, 40.0), (3_000, 99.0), (30_000, 31.0)], target=570_000) == pytest.approx(49.0)
    assert sizes("3000,30000,") == (3000, 30000)


def test_sampled_child_reports_its_own_memory() -> None:
    import sys as system

    from bench.common import run_sampled

    small = run_sampled([system.executable, "-c", "pass"])
    large = run_sampled([system.executable, "-c", "import time; x = bytearray(80 * 2**20); time.sleep(0.2)"])
    assert small.max_rss_mb < 60 and small.max_anon_mb < 40
    assert large.max_rss_mb > 80 and large.max_anon_mb > 70
