"""Acting on a hit: `show N` / `similar N` take hit N of the last list shown, an id's start, or a file name."""

from __future__ import annotations

import json
from pathlib import Path

from seekwire.refs import LAST_HITS

FIRST, SECOND = "000_8d1a7445dcdafbbb", "001_bb09c2c84650f315"


def test_show_n_is_hit_n_of_the_last_query(indexed) -> None:
    ranked = [hit["id"] for hit in indexed.json("query", "Kazakhstan")[1]["hits"]]
    for number, doc_id in enumerate(ranked, start=1):
        result = indexed("show", str(number), "--json")
        assert result.exit_code == 0 and json.loads(result.stdout)["id"] == doc_id
        assert result.stderr == f"seekwire: hit {number} of the last query: {doc_id}\n"
    # A later query renumbers: its only hit is now hit 1.
    assert indexed.json("query", "Smailov")[0] == 0
    assert json.loads(indexed("show", "1", "--json").stdout)["id"] == SECOND
    missing = indexed("show", "2")
    assert missing.exit_code == 2 and "no document with id '2'" in missing.stderr


def test_the_hit_numbers_follow_the_offset_and_the_table(indexed) -> None:
    table = indexed("query", "Kazakhstan", "--offset", "1", "--format", "table").stdout
    assert table.splitlines()[2].split()[0] == "2"
    second = indexed.json("query", "Kazakhstan")[1]["hits"][1]["id"]
    indexed("query", "Kazakhstan", "--offset", "1", "--format", "table")
    assert json.loads(indexed("show", "2", "--json").stdout)["id"] == second
    assert indexed("show", "1").exit_code == 2


def test_similar_n_and_then_show_n_of_its_list(indexed) -> None:
    indexed("query", "Smailov", "--json")
    code, similar = indexed.json("similar", "1")
    assert code == 0 and similar["query"] == f"similar:{SECOND}"
    assert [hit["id"] for hit in similar["hits"]] == [FIRST]
    assert json.loads(indexed("show", "1", "--json").stdout)["id"] == FIRST


def test_an_unambiguous_start_of_an_id_or_the_file_name(indexed, seeds: Path) -> None:
    for typed in ("000", "000_8d", f"{FIRST}.txt", str(seeds / f"{FIRST}.txt")):
        result = indexed("show", typed, "--json")
        assert result.exit_code == 0, (typed, result.stderr)
        assert json.loads(result.stdout)["id"] == FIRST
        assert result.stderr == f"seekwire: {typed} is {FIRST}\n"
    assert indexed("similar", "001", "--json").exit_code == 0


def test_an_ambiguous_start_names_the_candidates(indexed) -> None:
    result = indexed("show", "00")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == f"seekwire: '00' names several documents ({FIRST}, {SECOND}) — give more of the id\n"


def test_a_hit_that_left_the_index_is_refused_by_name(indexed, seeds: Path) -> None:
    indexed("query", "Smailov", "--json")
    (seeds / f"{SECOND}.txt").unlink()
    assert indexed("index", str(seeds), "--no-entities").exit_code == 0
    result = indexed("show", "1")
    assert result.exit_code == 2
    assert result.stderr == (f"seekwire: hit 1 of the last query ({SECOND}) is no longer in the index — run the "
                             "query again\n")


def test_the_hits_survive_a_rebuild_and_a_damaged_file_is_ignored(indexed, seeds: Path, index_dir: Path) -> None:
    indexed("query", "Smailov", "--json")
    assert indexed("index", str(seeds), "--no-entities", "--rebuild").exit_code == 0
    assert json.loads(indexed("show", "1", "--json").stdout)["id"] == SECOND
    (index_dir / LAST_HITS).write_text("{not json")
    assert indexed("show", "1").exit_code == 2
    assert indexed("show", "001", "--json").exit_code == 0


def test_hits_are_not_kept_where_seekwire_has_no_index(run, tmp_path: Path) -> None:
    assert run("query", "Chine").exit_code == 2
    assert not (tmp_path / "index").exists()
