"""The command line as a user types it: outputs, formats and exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SEED_IDS = {"000_8d1a7445dcdafbbb", "001_bb09c2c84650f315"}


def test_index_summary_goes_to_stderr(run, seeds: Path) -> None:
    result = run("index", str(seeds), "--no-entities")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "2 added, 0 updated, 0 removed, 0 unchanged — 2 documents" in result.stderr


def test_index_json_summary(run, seeds: Path) -> None:
    run("index", str(seeds), "--no-entities")
    code, summary = run.json("index", str(seeds), "--no-entities")
    assert code == 0
    assert {k: summary[k] for k in ("added", "updated", "removed", "unchanged", "skipped")} == {
        "added": 0, "updated": 0, "removed": 0, "unchanged": 2, "skipped": []}


def test_index_reports_skipped_inputs_and_exits_1(run, seeds: Path) -> None:
    (seeds / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    code, summary = run.json("index", str(seeds), "--no-entities")
    assert code == 1
    assert summary["added"] == 2
    assert summary["skipped"] == [{"path": str(seeds / "image.txt"), "reason": "binary file (NUL bytes)"}]


def test_query_finds_both_seeds_in_json(indexed) -> None:
    code, results = indexed.json("query", "coopération Kazakhstan")
    assert code == 0
    assert results["query"] == "coopération Kazakhstan"
    assert results["total"] == 2
    assert {hit["id"] for hit in results["hits"]} == SEED_IDS
    for hit in results["hits"]:
        assert set(hit) >= {"id", "path", "title", "date", "agencies", "score", "snippet"}
        for start, end in hit["highlights"]:
            assert hit["snippet"][start:end].lower().startswith(("coop", "kazakh"))


def test_query_without_accents_finds_the_same(indexed) -> None:
    assert indexed.json("query", "cooperation kazakhstan")[1]["total"] == 2


def test_all_words_rank_first_and_a_missing_word_does_not_empty_results(indexed) -> None:
    code, results = indexed.json("query", "Smailov zzzzz")
    assert code == 0 and [h["id"] for h in results["hits"]] == ["001_bb09c2c84650f315"]
    hits = indexed.json("query", "Sklyar Kazakhstan")[1]["hits"]
    assert hits[0]["id"] == "000_8d1a7445dcdafbbb" and len(hits) == 2


def test_nothing_found_exits_1(indexed) -> None:
    result = indexed("query", "zzzz", "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["total"] == 0


def test_jsonl_prints_one_hit_per_line(indexed) -> None:
    result = indexed("query", "Kazakhstan", "--format", "jsonl")
    lines = result.stdout.splitlines()
    assert result.exit_code == 0 and len(lines) == 2
    assert {json.loads(line)["id"] for line in lines} == SEED_IDS


def test_table_output(indexed) -> None:
    result = indexed("query", "Smailov", "--format", "table")
    assert result.exit_code == 0
    assert "homologue kazakh" in result.stdout and "\x1b[" not in result.stdout
    assert "1-1 of 1 documents" in result.stderr


def test_limit_and_offset(indexed) -> None:
    results = indexed.json("query", "Kazakhstan", "--limit", "1", "--offset", "1")[1]
    assert results["total"] == 2 and [h["rank"] for h in results["hits"]] == [2]


def test_json_and_format_must_agree(indexed) -> None:
    result = indexed("query", "Chine", "--json", "--format", "table")
    assert result.exit_code == 2 and "disagree" in result.stderr


def test_show_prints_every_field(indexed) -> None:
    result = indexed("show", "001_bb09c2c84650f315", "--json")
    record = json.loads(result.stdout)
    assert result.exit_code == 0
    assert record["id"] == "001_bb09c2c84650f315"
    assert record["path"].endswith("seeds/001_bb09c2c84650f315.txt")
    assert set(record["entities"]) == {"persons", "places", "organizations"}
    table = indexed("show", "001_bb09c2c84650f315", "--format", "table").stdout
    assert "Li Keqiang" in table


def test_show_unknown_id_is_an_error(indexed) -> None:
    result = indexed("show", "nope")
    assert result.exit_code == 2
    assert result.stderr == ("seekwire: no document with id 'nope' — `seekwire query` shows the ids, and "
                             "`seekwire show N` shows its hit N\n")


def test_export_prints_every_document(indexed) -> None:
    result = indexed("export")
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert {r["id"] for r in records} == SEED_IDS
    for record in records:
        assert set(record) >= {"id", "path", "title", "date", "time", "agencies", "publisher", "entities", "body"}


def test_no_index_is_a_clear_error(run, index_dir: Path) -> None:
    result = run("query", "Chine")
    assert result.exit_code == 2
    assert result.stderr == f"seekwire: no index at {index_dir} — run `seekwire index PATH` first\n"


def test_index_location_from_the_environment(run, seeds: Path, index_dir: Path, monkeypatch) -> None:
    monkeypatch.setenv("SEEKWIRE_INDEX", str(index_dir))
    assert run("index", str(seeds), "--no-entities", index=False).exit_code == 0
    assert run("query", "Chine", "--json", index=False).exit_code == 0


def test_no_words_lists_every_document_newest_first(indexed) -> None:
    code, results = indexed.json("query", "   ")
    assert code == 0 and results["total"] == 2 and results["sort"] == "-date"


@pytest.mark.parametrize("argv", [["seekwire"], [sys.executable, "-m", "seekwire"]])
def test_installed_entry_points(argv: list[str], seeds: Path, index_dir: Path, tmp_path: Path) -> None:
    if argv[0] == "seekwire":
        script = Path(sys.executable).with_name("seekwire")
        if not script.exists():
            pytest.skip("seekwire is not installed in this environment")
        argv = [str(script)]
    env = {**os.environ, "SEEKWIRE_INDEX": str(index_dir)}
    done = subprocess.run([*argv, "index", str(seeds), "--no-entities"], env=env, capture_output=True,
                          text=True, cwd=tmp_path, check=False)
    assert done.returncode == 0, done.stderr
    found = subprocess.run([*argv, "query", "coopération Kazakhstan"], env=env, capture_output=True,
                           text=True, cwd=tmp_path, check=False)
    assert found.returncode == 0
    assert json.loads(found.stdout)["total"] == 2
    missing = subprocess.run([*argv, "query", "zzzz"], env=env, capture_output=True, text=True, cwd=tmp_path,
                             check=False)
    assert missing.returncode == 1


def test_index_extracts_entities_by_default(run, seeds: Path) -> None:
    pytest.importorskip("spacy")
    from seekwire.extract.entities import ModelNotInstalled, installed_model

    try:
        installed_model()
    except ModelNotInstalled:
        pytest.skip("no French spaCy model installed")
    assert run("index", str(seeds)).exit_code == 0
    records = {r["id"]: r for r in map(json.loads, run("export").stdout.splitlines())}
    first, second = records["000_8d1a7445dcdafbbb"], records["001_bb09c2c84650f315"]
    assert {"Ding Xuexiang", "Roman Sklyar"} <= set(first["entities"]["persons"])
    assert {"Astana", "Kazakhstan", "Chine"} <= set(first["entities"]["places"])
    assert {"Li Keqiang", "Alikhan Smailov"} <= set(second["entities"]["persons"])
    code, results = run.json("query", "--person", "li keqiang")
    assert code == 0 and [h["id"] for h in results["hits"]] == ["001_bb09c2c84650f315"]
    assert results["facets"]["places"] == [{"value": "Chine", "count": 1}, {"value": "Kazakhstan", "count": 1}]
    assert results["facets"]["persons"][0] == {"value": "Alikhan Smailov", "count": 1}


def test_since_after_until_is_an_error_not_zero_hits(indexed) -> None:
    result = indexed("query", "Chine", "--since", "2024", "--until", "2023-06")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == ("seekwire: --since is after --until: 2024-01-01 to 2023-06-30 holds no day — swap "
                             "the bounds\n")
    inline = indexed("query", "Chine date:[2024 TO 2023]")
    assert inline.exit_code == 2 and "date:[2024 TO 2023] ends before it starts" in inline.stderr
    assert indexed("facets", "years", "--since", "2023-02", "--until", "2023-01").exit_code == 2
    assert indexed.json("query", "Chine", "--since", "2023", "--until", "2023")[0] == 0


@pytest.mark.parametrize("typed", ["agency", "agencies", "Agency"])
def test_facets_takes_the_singular_as_the_filter_spells_it(indexed, typed: str) -> None:
    code, counts = indexed.json("facets", typed)
    assert code == 0 and counts["facet"] == "agencies"
    assert counts["counts"] == [{"value": "Xinhua", "count": 2}, {"value": "VNA", "count": 1}]


def test_facets_limit_keeps_the_most_frequent(indexed) -> None:
    code, counts = indexed.json("facets", "agencies", "--limit", "1")
    assert code == 0 and counts["counts"] == [{"value": "Xinhua", "count": 2}]
    assert indexed("facets", "agencies", "--limit", "0").exit_code == 2


def test_days_and_weeks_facets(indexed) -> None:
    assert indexed.json("facets", "days")[1]["counts"] == [
        {"value": "2023-11-28", "count": 1}, {"value": "2022-11-29", "count": 1}]
    assert indexed.json("facets", "week", "Smailov")[1]["counts"] == [{"value": "2022-W48", "count": 1}]
    table = indexed("facets", "days", "--format", "table").stdout
    assert table.splitlines()[0].split() == ["days", "docs"] and "█" in table


def test_stats_takes_the_query_filters(indexed) -> None:
    whole = indexed.json("stats")[1]
    code, vna = indexed.json("stats", "--agency", "VNA")
    assert code == 0 and whole["documents"] == 2
    assert (vna["documents"], vna["first_date"], vna["last_date"]) == (1, "2022-11-29", "2022-11-29")
    assert vna["size_bytes"] == whole["size_bytes"]
    assert indexed.json("stats", "Sklyar", "--since", "2023")[1]["documents"] == 1
    assert indexed("stats", "--since", "2024", "--until", "2023").exit_code == 2


def test_batch_results_carry_their_input_line(indexed) -> None:
    lines = "Kazakhstan\n\n# the morning check\n{\"query\": \"Smailov\"}\nzzzz (\n  \nChine\n"
    result = indexed("query", "--batch", "-", input=lines)
    printed = [json.loads(line) for line in result.stdout.splitlines()]
    assert result.exit_code == 0
    assert [(p["line"], p.get("total")) for p in printed] == [(1, 2), (4, 1), (5, None), (7, 2)]
    assert "error" in printed[2]
    assert result.stderr == "seekwire: batch: 3 queries, 1 failed, 3 blank or comment lines skipped\n"


def test_query_csv_has_one_row_per_hit_with_every_column(indexed) -> None:
    import csv

    result = indexed("query", "Kazakhstan", "--format", "csv")
    rows = list(csv.DictReader(result.stdout.splitlines(keepends=True)))
    assert result.exit_code == 0 and result.stderr == ""
    assert list(rows[0]) == ["rank", "id", "date", "agencies", "publisher", "title", "snippet", "url", "path",
                             "persons", "places", "organizations"]
    assert [row["rank"] for row in rows] == ["1", "2"] and {row["id"] for row in rows} == SEED_IDS
    second = next(row for row in rows if row["id"] == "001_bb09c2c84650f315")
    assert second["agencies"] == "Xinhua; VNA" and second["publisher"] == "Le Courrier du Vietnam"
    assert "Kazakhstan" in second["snippet"] and second["path"].endswith("001_bb09c2c84650f315.txt")


def test_csv_guards_cells_a_spreadsheet_would_run(run, tmp_path: Path) -> None:
    import csv

    records = [{"id": "f", "title": "=HYPERLINK(\"http://x\") coopération", "body": "+33 coopération\n\nsuite",
                "agencies": ["@AFP"], "url": "-1"}]
    (tmp_path / "records.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n")
    assert run("index", str(tmp_path / "records.jsonl"), "--no-entities").exit_code == 0
    hit = next(csv.DictReader(run("query", "coopération", "--format", "csv").stdout.splitlines(keepends=True)))
    assert hit["title"] == "'=HYPERLINK(\"http://x\") coopération"
    assert hit["agencies"] == "'@AFP" and hit["url"] == "'-1" and hit["snippet"].startswith("'+33")
    exported = next(csv.DictReader(run("export", "--format", "csv").stdout.splitlines(keepends=True)))
    assert exported["body"] == "'+33 coopération\n\nsuite" and exported["title"].startswith("'=")


def test_facets_and_export_as_csv(indexed) -> None:
    import csv

    facets = indexed("facets", "agencies", "--format", "csv")
    assert facets.exit_code == 0 and facets.stdout == "value,count\nXinhua,2\nVNA,1\n"
    exported = list(csv.DictReader(indexed("export", "--format", "csv").stdout.splitlines(keepends=True)))
    records = {r["id"]: r for r in map(json.loads, indexed("export").stdout.splitlines())}
    assert {row["id"] for row in exported} == set(records) == SEED_IDS
    for row in exported:
        assert row["body"] == records[row["id"]]["body"] and row["title"] == records[row["id"]]["title"]
        assert row["date"] == records[row["id"]]["date"]
    assert indexed("stats", "--format", "csv").exit_code == 2  # a summary is not a list: no CSV


def test_timeline_period_follows_the_span(indexed, seeds: Path) -> None:
    code, weekly = indexed.json("query", "Kazakhstan", "--timeline")
    assert code == 0 and (weekly["period"], weekly["total"], weekly["undated"]) == ("weeks", 2, 0)
    assert weekly["counts"][0] == {"value": "2022-W48", "count": 1}
    assert weekly["counts"][-1] == {"value": "2023-W48", "count": 1}
    assert len(weekly["counts"]) == 53 and sum(c["count"] for c in weekly["counts"]) == 2
    daily = indexed.json("query", "--timeline", "--since", "2023")[1]
    assert (daily["period"], daily["counts"]) == ("days", [{"value": "2023-11-28", "count": 1}])
    record = {"id": "old", "title": "Kazakhstan", "body": "Kazakhstan", "date": "2020-02-03"}
    (seeds / "old.jsonl").write_text(json.dumps(record) + "\n")
    indexed("index", str(seeds), "--no-entities")
    monthly = indexed.json("query", "Kazakhstan", "--timeline")[1]
    assert monthly["period"] == "months" and monthly["counts"][0] == {"value": "2020-02", "count": 1}
    assert len(monthly["counts"]) == 46
    assert indexed("query", "zzzz", "--timeline", "--json").exit_code == 1


def test_timeline_as_a_chart_csv_and_lines(indexed, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    chart = indexed("query", "Kazakhstan", "--timeline", "--format", "table")
    lines = chart.stdout.splitlines()
    assert chart.exit_code == 0 and lines[0].split() == ["weeks", "docs"]
    assert max(map(len, lines)) == 60 and lines[2].endswith("█") and lines[3].rstrip().endswith(" 0")
    assert chart.stderr == "2 documents by week\n"
    assert indexed("query", "--timeline", "--since", "2023", "--format", "csv").stdout == "value,count\n2023-11-28,1\n"
    jsonl = indexed("query", "Kazakhstan", "--timeline", "--format", "jsonl").stdout.splitlines()
    assert len(jsonl) == 53 and json.loads(jsonl[0]) == {"value": "2022-W48", "count": 1}
