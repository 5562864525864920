"""Watching a topic: `seekwire watch add/list/rm/run`, which reports only what arrived since the last run."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from seekwire.watches import WATCHES

PAGE = ("Le Kazakhstan et la Chine signent un accord sur le rail\n\n"
        "ASTANA, 4 décembre 2023 (Xinhua) -- Le Kazakhstan et la Chine ont signé lundi un accord sur le transport "
        "ferroviaire de marchandises entre les deux pays.\n")


def add_page(seeds: Path, name: str = "002_rail.txt", text: str = PAGE) -> str:
    (seeds / name).write_text(text, encoding="utf-8")
    return name.removesuffix(".txt")


def test_a_watch_reports_only_what_arrived_since_it_last_ran(indexed, seeds: Path) -> None:
    added = indexed("watch", "add", "kz", "Kazakhstan")
    assert added.exit_code == 0 and added.stdout == ""
    assert added.stderr == "seekwire: watch kz added; 2 documents match now and count as seen\n"
    nothing = indexed("watch", "run", "--format", "json")
    assert nothing.exit_code == 1 and json.loads(nothing.stdout)["total"] == 0
    new_id = add_page(seeds)
    assert indexed("index", str(seeds), "--no-entities").exit_code == 0
    run = indexed("watch", "run", "--format", "json")
    report = json.loads(run.stdout)
    assert run.exit_code == 0 and report["watch"] == "kz"
    assert (report["total"], [hit["id"] for hit in report["hits"]]) == (1, [new_id])
    assert "Kazakhstan" in report["hits"][0]["snippet"]
    again = indexed("watch", "run", "kz", "--format", "json")
    assert again.exit_code == 1 and json.loads(again.stdout)["hits"] == []


def test_watches_keep_their_filters_and_each_reports_its_own(indexed, seeds: Path) -> None:
    assert indexed("watch", "add", "xinhua-kz", "Kazakhstan", "--agency", "xinhua", "--since", "2023").exit_code == 0
    assert indexed("watch", "add", "vna", "--agency", "VNA").exit_code == 0
    add_page(seeds)
    add_page(seeds, "003_vieux.txt", PAGE.replace("4 décembre 2023", "4 décembre 2021").replace("rail", "fret"))
    indexed("index", str(seeds), "--no-entities")
    run = indexed("watch", "run", "--format", "jsonl")
    lines = [json.loads(line) for line in run.stdout.splitlines()]
    assert run.exit_code == 0 and [(line["watch"], line["id"]) for line in lines] == [("xinhua-kz", "002_rail")]
    code, listed = indexed.json("watch", "list")
    watches = {w["name"]: w for w in listed["watches"]}
    assert code == 0 and set(watches) == {"vna", "xinhua-kz"}
    assert watches["xinhua-kz"]["filters"] == {"agencies": ["xinhua"], "since": "2023-01-01"}
    assert watches["xinhua-kz"]["seen"] == 2 and watches["xinhua-kz"]["last_run"]
    assert watches["vna"]["seen"] == 1


def test_watch_run_as_csv_and_as_a_table(indexed, seeds: Path) -> None:
    indexed("watch", "add", "kz", "Kazakhstan")
    indexed("watch", "add", "rail", "rail")
    new_id = add_page(seeds)
    indexed("index", str(seeds), "--no-entities")
    table = indexed("watch", "run", "kz", "--format", "table")
    assert table.exit_code == 0 and table.stdout.startswith("kz: 1 new\n\n")
    assert "signent un accord" in table.stdout
    rows = list(csv.DictReader(indexed("watch", "run", "rail", "--format", "csv").stdout.splitlines(True)))
    assert [(row["watch"], row["rank"], row["id"]) for row in rows] == [("rail", "1", new_id)]


def test_watches_survive_a_rebuild_and_are_removed_by_name(indexed, seeds: Path, index_dir: Path) -> None:
    indexed("watch", "add", "kz", "Kazakhstan")
    assert indexed("index", str(seeds), "--no-entities", "--rebuild").exit_code == 0
    assert indexed("watch", "run", "--format", "json").exit_code == 1  # the same documents: nothing new
    assert [w["name"] for w in indexed.json("watch", "list")[1]["watches"]] == ["kz"]
    assert indexed("watch", "rm", "kz").exit_code == 0
    assert indexed.json("watch", "list")[1] == {"watches": []}
    assert (index_dir / WATCHES).is_file()


def test_watch_mistakes_are_one_line_each(indexed, index_dir: Path) -> None:
    indexed("watch", "add", "kz", "Kazakhstan")
    cases = [
        (("watch", "add", "kz", "Chine"), "seekwire: a watch named 'kz' exists — `seekwire watch rm kz` first\n"),
        (("watch", "add", "a b", "Chine"), "seekwire: bad watch name 'a b' — use letters, digits, '-', '_' and '.'\n"),
        (("watch", "add", "bad", "Chine ("), None),
        (("watch", "run", "nope"), "seekwire: no watch named 'nope' — `seekwire watch list` shows them\n"),
        (("watch", "rm", "nope"), "seekwire: no watch named 'nope' — `seekwire watch list` shows them\n"),
    ]
    for args, message in cases:
        result = indexed(*args)
        assert result.exit_code == 2 and result.stdout == "", args
        assert message is None or result.stderr == message
    (index_dir / WATCHES).write_text("{damaged")
    result = indexed("watch", "run")
    assert result.exit_code == 2 and "is not a watch file seekwire can read" in result.stderr
    assert (index_dir / WATCHES).read_text() == "{damaged"  # the user's file is left as it is


def test_no_watch_without_an_index(run, index_dir: Path) -> None:
    result = run("watch", "add", "kz", "Kazakhstan")
    assert result.exit_code == 2 and "no index" in result.stderr
    assert not index_dir.exists()
