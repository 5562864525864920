"""Stories: copies of one article found at index time, collapsed in results, listed by `versions`."""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from seekwire import storage, stories
from seekwire.analysis import ANALYZER
from seekwire.indexer import index_paths

VOCABULARY = ("gouvernement ministre syndicats réforme retraites négociation accord grève transport hôpital "
         "salaires enveloppe milliards euros président assemblée sénat vote projet budget annonce "
         "jeudi matin soir région ville police enquête tribunal procès avocat témoin victime juge "
         "élection campagne candidat sondage électeurs parti opposition majorité débat mesure crise "
         "économie croissance emploi chômage entreprise usine production exportation marché prix")
WORDS = VOCABULARY.split()


def sentences(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(rng.choice(WORDS) for _ in range(rng.randint(12, 22))).capitalize() + "."
            for _ in range(count)]


def article(doc_id: str, paragraphs: list[str], date: str = "2020-07-02", title: str = "Un titre") -> dict:
    return {"id": doc_id, "title": title, "date": date, "body": "\n\n".join(paragraphs)}


def sketched(bodies: list[str]) -> stories.Sketches:
    sketcher = stories.Sketcher()
    for n, body in enumerate(bodies):
        sketcher.add(n, ANALYZER.positions(body))
    return sketcher.finish()


def story_set() -> list[dict]:
    """One dispatch (8 paragraphs) in four copies and a look-alike: the same words, two of its sentences
    quoted, the rest its own."""
    original = sentences(1, 24)
    paragraphs = [" ".join(original[i : i + 3]) for i in range(0, 24, 3)]
    other = sentences(2, 24)
    lookalike = [" ".join(other[i : i + 3]) for i in range(0, 21, 3)] + [original[4] + " " + original[10]]
    return [
        article("wire", paragraphs, "2020-07-01"),
        article("no-lede", paragraphs[1:], "2020-07-02"),
        article("cut", paragraphs[:4], "2020-07-02"),
        article("missing", paragraphs[:3] + paragraphs[4:], "2020-07-03"),
        article("lookalike", lookalike, "2020-07-01"),
    ]


def test_a_copy_cut_or_without_its_lede_is_the_same_story_and_a_lookalike_is_not() -> None:
    docs = story_set()
    groups = stories.cluster(sketched([doc["body"] for doc in docs]))
    assert len(set(groups[:4].tolist())) == 1
    assert groups[4] != groups[0]


def test_texts_sharing_no_run_of_words_never_join() -> None:
    bodies = [" ".join(sentences(seed, 20)) for seed in range(30)]
    assert len(set(stories.cluster(sketched(bodies)).tolist())) == 30


def test_sketches_do_not_depend_on_the_batch() -> None:
    bodies = [" ".join(sentences(seed, 10)) for seed in range(5)]
    alone = stories.Sketches.concat([sketched([body]) for body in bodies])
    together = sketched(bodies)
    assert np.array_equal(alone.signatures, together.signatures)
    assert np.array_equal(alone.shingles, together.shingles)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 5), min_size=1, max_size=30), st.lists(st.integers(-1, 4), min_size=30, max_size=30))
def test_every_group_gets_one_id_and_an_old_id_stays_with_its_documents(groups, before) -> None:
    groups = np.array(groups)
    previous = np.array(before[: len(groups)])
    ids, next_id = stories.assign(groups, previous, 5)
    # One id per group, different groups different ids.
    assert {g: len(set(ids[groups == g].tolist())) for g in set(groups.tolist())} == dict.fromkeys(set(groups.tolist()), 1)
    assert len(set(ids.tolist())) == len(set(groups.tolist()))
    # An old id is kept by a group holding some of its documents; new ids are fresh.
    for story in set(ids.tolist()):
        members = ids == story
        assert story >= 5 or (previous[members] == story).any()
    assert next_id == 5 + sum(1 for story in set(ids.tolist()) if story >= 5)
    # A group whose documents all had one story keeps it if no larger part of that story is elsewhere.
    for g in set(groups.tolist()):
        olds = set(previous[groups == g].tolist())
        if len(olds) == 1 and -1 not in olds and (previous == next(iter(olds))).sum() == (groups == g).sum():
            assert ids[groups == g][0] == next(iter(olds))


def write(folder: Path, docs: list[dict]) -> None:
    folder.mkdir(exist_ok=True)
    for doc in docs:
        (folder / f"{doc['id']}.jsonl").write_text(json.dumps(doc, ensure_ascii=False) + "\n", encoding="utf-8")


def table(index: Path) -> dict[str, int]:
    found = stories.load(storage.current_generation(index))
    return dict(zip(found.ids, found.stories.tolist()))


def test_stories_are_kept_across_incremental_runs(tmp_path: Path) -> None:
    pages, index = tmp_path / "pages", tmp_path / "index"
    docs = story_set()
    write(pages, docs)
    index_paths([pages], index, entities=False)
    first = table(index)
    assert len({first[d] for d in ("wire", "no-lede", "cut", "missing")}) == 1
    assert first["lookalike"] != first["wire"]
    # The first copy goes, a new one comes: the story keeps its id.
    (pages / "wire.jsonl").unlink()
    write(pages, [dict(docs[1], id="late", date="2020-07-05")])
    index_paths([pages], index, entities=False)
    second = table(index)
    assert "wire" not in second
    assert {second[d] for d in ("no-lede", "cut", "missing", "late")} == {first["wire"]}
    assert second["lookalike"] == first["lookalike"]
    # A copy rewritten as another text leaves the story, which keeps its id.
    write(pages, [article("cut", sentences(9, 12))])
    index_paths([pages], index, entities=False)
    third = table(index)
    assert third["no-lede"] == first["wire"]
    assert third["cut"] not in (first["wire"], first["lookalike"])


def test_a_story_shows_once_with_its_versions_and_all_versions_shows_every_copy(tmp_path: Path, run) -> None:
    pages = tmp_path / "pages"
    write(pages, story_set())
    assert run("index", str(pages), "--no-entities").exit_code == 0
    status, results = run.json("query", "gouvernement")
    assert status == 0
    assert (results["total"], results["stories"]) == (5, 2)
    assert len(results["hits"]) == 2
    copy = next(hit for hit in results["hits"] if hit["id"] != "lookalike")
    assert copy["versions"] == 4
    # Oldest first, same days by id.
    assert copy["version_ids"] == ["wire", "cut", "no-lede", "missing"]
    lookalike = next(hit for hit in results["hits"] if hit["id"] == "lookalike")
    assert (lookalike["versions"], lookalike["version_ids"]) == (1, ["lookalike"])
    assert lookalike["story"] != copy["story"]
    # Facets count documents.
    assert sum(count["count"] for count in results["facets"]["years"]) == 5
    status, every = run.json("query", "gouvernement", "--all-versions")
    assert (every["total"], every["stories"], len(every["hits"])) == (5, 2, 5)
    assert {hit["story"] for hit in every["hits"]} == {copy["story"], lookalike["story"]}
    # A page deeper than the stories is empty, and the second page of one hit is the second story.
    assert run.json("query", "gouvernement", "--limit", "1", "--offset", "1")[1]["hits"][0]["story"] != \
        run.json("query", "gouvernement", "--limit", "1")[1]["hits"][0]["story"]
    assert run.json("query", "gouvernement", "--offset", "2")[1]["hits"] == []
    table = run("query", "gouvernement", "--format", "table")
    assert "(+3 versions)" in table.stdout
    assert "5 documents (2 stories)" in table.stderr


def test_versions_lists_a_storys_copies_oldest_first_and_show_export_similar_know_the_story(tmp_path: Path,
                                                                                          run) -> None:
    pages = tmp_path / "pages"
    write(pages, story_set())
    run("index", str(pages), "--no-entities")
    status, listed = run.json("versions", "cut")
    assert status == 0
    assert [hit["id"] for hit in listed["hits"]] == ["wire", "cut", "no-lede", "missing"]
    table = run("versions", "missing", "--format", "table").stdout
    assert table.index("wire") < table.index("no-lede") < table.index("missing")
    assert run("versions", "nothing").exit_code == 2
    story = run.json("show", "cut")[1]["story"]
    assert story == listed["hits"][0]["story"]
    exported = [json.loads(line) for line in run("export").stdout.splitlines()]
    assert {doc["id"]: doc["story"] for doc in exported}["wire"] == story
    similar = run.json("similar", "cut")[1]
    assert [hit["id"] for hit in similar["hits"]] == ["lookalike"]


def test_the_benchmark_scores_pairs_and_whole_stories() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    from bench.stories import pair_scores

    known = ["a", "a", "a", "b", "c"]
    assert pair_scores(known, [1, 1, 1, 2, 3]) == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "whole": 1.0,
                                                   "pairs": 3}
    merged = pair_scores(known, [1, 1, 1, 1, 3])  # a look-alike joined the story
    assert (merged["precision"], merged["recall"], merged["whole"]) == (0.5, 1.0, 0.0)
    split = pair_scores(known, [1, 1, 4, 2, 3])  # a copy missed
    assert (split["precision"], split["recall"], split["whole"]) == (1.0, 1 / 3, 0.0)
