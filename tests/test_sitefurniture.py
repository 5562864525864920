"""Furniture learned at indexing time: kept in the index, used by incremental runs, and pages re-read when
what they hold becomes furniture."""

from __future__ import annotations

import json
from pathlib import Path

from seekwire import Searcher, index_paths
from seekwire.sitefurniture import FURNITURE
from seekwire.storage import current_generation
from test_extract_furniture import DISCLAIMER, STORIES, gazette_page


def write_pages(folder: Path, numbers: range) -> None:
    folder.mkdir(exist_ok=True)
    for number in numbers:
        (folder / f"gazette-{number}.txt").write_text(gazette_page(number), encoding="utf-8")


def body(index_dir: Path, doc_id: str) -> str:
    with Searcher(index_dir) as searcher:
        return searcher.get(doc_id).body


def test_pages_read_again_when_their_lines_become_furniture(tmp_path: Path) -> None:
    pages, index_dir = tmp_path / "pages", tmp_path / "index"
    write_pages(pages, range(3))
    first = index_paths([pages], index_dir, entities=False)
    assert first.added == 3
    # Three pages of a site teach nothing: the disclaimer they share reads as text.
    assert DISCLAIMER in body(index_dir, "gazette-0")

    write_pages(pages, range(3, 6))
    second = index_paths([pages], index_dir, entities=False)
    assert (second.added, second.updated, second.unchanged) == (3, 3, 0)
    for number in range(6):
        text = body(index_dir, f"gazette-{number}")
        assert DISCLAIMER not in text and text.startswith(STORIES[number][2])

    third = index_paths([pages], index_dir, entities=False)
    assert not third.changed and third.unchanged == 6
    learned = json.loads((current_generation(index_dir) / FURNITURE).read_text(encoding="utf-8"))
    assert len(learned["pages"]) == 6


def test_removed_pages_are_forgotten(tmp_path: Path) -> None:
    pages, index_dir = tmp_path / "pages", tmp_path / "index"
    write_pages(pages, range(6))
    index_paths([pages], index_dir, entities=False)
    for number in range(3, 6):
        (pages / f"gazette-{number}.txt").unlink()
    report = index_paths([pages], index_dir, entities=False)
    assert (report.removed, report.updated) == (3, 3)
    assert DISCLAIMER in body(index_dir, "gazette-0")


def test_pages_read_again_when_their_site_is_learned_to_set_its_standfirst_under_the_byline(tmp_path: Path) -> None:
    from test_extract_furniture import CHRONICLE, chronicle_page

    pages, index_dir = tmp_path / "pages", tmp_path / "index"
    pages.mkdir()

    def write(numbers: range) -> None:
        for number in numbers:
            (pages / f"chronique-{number}.txt").write_text(chronicle_page(number), encoding="utf-8")

    write(range(3))
    index_paths([pages], index_dir, entities=False)
    with Searcher(index_dir) as searcher:
        assert searcher.get("chronique-0").lede is None
    write(range(3, 6))
    report = index_paths([pages], index_dir, entities=False)
    assert (report.added, report.updated) == (3, 3)
    with Searcher(index_dir) as searcher:
        for number in range(6):
            article = searcher.get(f"chronique-{number}")
            assert article.lede == CHRONICLE[number][1] and article.body.startswith(CHRONICLE[number][2])
