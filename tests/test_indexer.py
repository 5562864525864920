"""Indexing: incremental runs, rebuilds, ids, locks and schema versions, through the library API."""

from __future__ import annotations

import json
import os
import shutil
import threading
from pathlib import Path

import pytest

from seekwire import Searcher, index_paths
from seekwire.article import Entities
from seekwire.errors import IndexLockedError, NoIndexError, SchemaMismatchError
from seekwire.storage import META, current_generation, writer_lock


def ids(index_dir: Path) -> list[str]:
    with Searcher(index_dir) as searcher:
        return sorted(article.id for article in searcher.articles())


def build(paths, index_dir: Path, **options):
    return index_paths(paths, index_dir, entities=False, **options)


def test_second_run_reads_nothing(seeds: Path, index_dir: Path) -> None:
    first = build([seeds], index_dir)
    second = build([seeds], index_dir)
    assert (first.added, first.unchanged) == (2, 0)
    assert (second.added, second.updated, second.removed, second.unchanged) == (0, 0, 0, 2)
    assert not second.changed


class ReversingRecognizer:
    """A recogniser that hands its articles back in the reverse order: each must still belong to its file."""

    def recognize_pairs(self, pairs):
        for tag, article in reversed(list(pairs)):
            article.entities = Entities()
            yield tag, article


def test_articles_keep_their_file_whatever_order_entities_come_back_in(seeds: Path, index_dir: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("seekwire.extract.entities.EntityRecognizer", ReversingRecognizer)
    index_paths([seeds], index_dir)
    (seeds / "000_8d1a7445dcdafbbb.txt").unlink()
    report = index_paths([seeds], index_dir)
    assert report.removed == 1
    assert ids(index_dir) == ["001_bb09c2c84650f315"]


def test_add_change_and_delete_a_file(seeds: Path, index_dir: Path) -> None:
    build([seeds], index_dir)
    new = seeds / "002_new.txt"
    new.write_text("Un nouvel article sur Astana\n\nLe texte parle de la steppe kazakhe.\n")
    report = build([seeds], index_dir)
    assert (report.added, report.updated, report.removed, report.unchanged) == (1, 0, 0, 2)

    changed = seeds / "001_bb09c2c84650f315.txt"
    text = changed.read_text()
    changed.write_text(text.replace("La Chine et le Kazakhstan sont", "Les yourtes sont belles. La Chine et le Kazakhstan sont"))
    report = build([seeds], index_dir)
    assert (report.added, report.updated, report.removed, report.unchanged) == (0, 1, 0, 2)
    with Searcher(index_dir) as searcher:
        assert [h.id for h in searcher.search("yourtes").hits] == ["001_bb09c2c84650f315"]

    new.unlink()
    report = build([seeds], index_dir)
    assert (report.added, report.updated, report.removed, report.unchanged) == (0, 0, 1, 2)
    assert ids(index_dir) == ["000_8d1a7445dcdafbbb", "001_bb09c2c84650f315"]


def test_touched_but_identical_file_is_unchanged(seeds: Path, index_dir: Path) -> None:
    build([seeds], index_dir)
    page = seeds / "000_8d1a7445dcdafbbb.txt"
    os.utime(page, (1, 1))
    report = build([seeds], index_dir)
    assert not report.changed and report.unchanged == 2


def test_files_outside_the_walked_directory_are_kept(seeds: Path, tmp_path: Path, index_dir: Path) -> None:
    other = tmp_path / "other.jsonl"
    other.write_text(json.dumps({"id": "x1", "title": "Autre", "body": "Texte"}) + "\n")
    build([seeds, other], index_dir)
    report = build([seeds], index_dir)
    assert report.removed == 0 and "x1" in ids(index_dir)


def test_jsonl_ids_and_duplicates(tmp_path: Path, index_dir: Path) -> None:
    data = tmp_path / "a.jsonl"
    rows = [{"id": "r1", "title": "Un", "body": "x"}, {"id": "r1", "title": "Deux", "body": "y"},
            {"id": "r2", "title": "Trois", "body": "z"}]
    data.write_text("\n".join(json.dumps(r) for r in rows))
    report = build([data], index_dir)
    assert report.added == 2 and [s.reason for s in report.skipped] == ["duplicate id 'r1'"]
    assert ids(index_dir) == ["r1", "r2"]


def test_same_file_name_in_two_directories_gets_two_ids(seeds: Path, tmp_path: Path, index_dir: Path) -> None:
    twin = tmp_path / "twin"
    shutil.copytree(seeds, twin)
    build([seeds, twin], index_dir)
    assert len(ids(index_dir)) == 4
    assert build([seeds, twin], index_dir).unchanged == 4


def test_rebuild_swaps_in_a_new_generation(seeds: Path, index_dir: Path) -> None:
    build([seeds], index_dir)
    before, ids_before = current_generation(index_dir), ids(index_dir)
    report = build([seeds], index_dir, rebuild=True)
    after = current_generation(index_dir)
    assert report.added == 2 and before != after and ids(index_dir) == ids_before


def test_failed_rebuild_leaves_the_previous_index(seeds: Path, index_dir: Path, monkeypatch) -> None:
    build([seeds], index_dir)
    before = current_generation(index_dir)

    def explode(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("seekwire.indexer.document_fields", explode)
    with pytest.raises(RuntimeError):
        build([seeds], index_dir, rebuild=True)
    assert current_generation(index_dir) == before
    assert sorted(p.name for p in index_dir.glob("gen-*")) == [before.name]
    assert len(ids(index_dir)) == 2


def test_second_writer_waits_then_fails(seeds: Path, index_dir: Path) -> None:
    build([seeds], index_dir)
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with writer_lock(index_dir, wait=0):
            held.set()
            release.wait(5)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(5)
    try:
        with pytest.raises(IndexLockedError, match=r"being written by pid \d+; waited 0.2s"):
            build([seeds], index_dir, wait=0.2)
    finally:
        release.set()
        holder.join()
    assert build([seeds], index_dir, wait=0.2).unchanged == 2


def test_schema_change_asks_for_rebuild(seeds: Path, index_dir: Path) -> None:
    build([seeds], index_dir)
    (current_generation(index_dir) / META).write_text(json.dumps({"schema_version": 0}))
    with pytest.raises(SchemaMismatchError, match="--rebuild"):
        Searcher(index_dir)
    with pytest.raises(SchemaMismatchError):
        build([seeds], index_dir)
    assert build([seeds], index_dir, rebuild=True).added == 2


def test_no_index(index_dir: Path) -> None:
    with pytest.raises(NoIndexError, match=f"no index at {index_dir} — run `seekwire index PATH` first"):
        Searcher(index_dir)
