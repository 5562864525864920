"""Page understanding on the development layouts of `../shared`, the way a user's folder is read: furniture is
learned from the folder's own pages, without gold. Skipped when `../shared` is absent."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.extraction import load_crawl, run_crawl, summarise

from conftest import SHARED
from seekwire.extract import learn_furniture

pytestmark = pytest.mark.slow
CORPUS = SHARED / "corpus"
SAMPLE = 400


@pytest.mark.parametrize("name", ["dumps-dev", "dumps-dev-b", "wikinews-dev", "wikinews-dev-b"])
def test_headlines_and_bodies_on_every_layout(name: str) -> None:
    if not (CORPUS / name / "gold.jsonl").is_file():
        pytest.skip(f"no {CORPUS / name}")
    crawl = load_crawl(CORPUS / name, SAMPLE)
    figures = summarise(run_crawl(crawl, learn_furniture(crawl.texts))[1])
    assert figures["title"] >= 0.97
    assert figures["body F1"] >= 0.97
    assert figures["leakage"] <= 0.01
