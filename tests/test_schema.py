"""The schema: the positional format writes the postings Whoosh's own Positions format would write, and an
index opens with the schema built in code, whatever module paths its pickled copy names."""

from __future__ import annotations

from pathlib import Path

import pytest
from whoosh import formats

from seekwire import Searcher, index_paths
from seekwire.analysis import FrenchAnalyzer
from seekwire.schema import FrenchPositions
from seekwire.storage import current_generation

TEXT = ("L'économie de la Chine et celle du Kazakhstan : la Chine investit, le Kazakhstan exporte, "
        "et l'économie des deux pays progresse. Économie, économie !")


@pytest.mark.parametrize("positions", [[0], [7], [0, 1], [3, 9, 200], [1000, 70_000, 70_001], [123_456]])
def test_positions_are_encoded_as_whoosh_encodes_them(positions: list[int]) -> None:
    ours = FrenchPositions()
    assert ours.encode(positions) == formats.Positions().encode(positions)
    assert ours.encode(positions) == formats.Positions().encode(positions)  # the second time, remembered


@pytest.mark.parametrize("boost", [1.0, 2.0])
def test_word_values_are_whoosh_word_values(boost: float) -> None:
    analyzer = FrenchAnalyzer()
    ours = list(FrenchPositions(field_boost=boost).word_values(TEXT, analyzer, mode="index"))
    theirs = list(formats.Positions(field_boost=boost).word_values(TEXT, analyzer, mode="index"))
    assert sorted(ours) == sorted(theirs)
    assert any(count > 1 for _, count, _, _ in ours)


def test_an_index_opens_when_its_pickled_schema_names_modules_that_moved(seeds: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    index_paths([seeds], index_dir, entities=False)
    toc = next(current_generation(index_dir).glob("*.toc"))
    data = toc.read_bytes()
    assert b"seekwire.analysis" in data
    toc.write_bytes(data.replace(b"seekwire.", b"seekgone."))  # as long, so the recorded sizes still hold
    with Searcher(index_dir) as searcher:
        assert searcher.search("coopération Kazakhstan").total == 2
    (seeds / "new.txt").write_text("Un nouveau titre sur Astana\n\nLe Kazakhstan et la Chine.\n")
    assert index_paths([seeds], index_dir, entities=False).documents == 3

