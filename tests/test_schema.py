"""The positional format the indexer writes: the postings Whoosh's own Positions format would write."""

from __future__ import annotations

import pytest
from whoosh import formats

from seekwire.analysis import FrenchAnalyzer
from seekwire.schema import FrenchPositions

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
