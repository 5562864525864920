"""The engine's files: an index is read through memory maps, and no file is ever copied whole onto the heap."""

from __future__ import annotations

from pathlib import Path

import pytest
from whoosh.filedb import structfile

from seekwire import Searcher, index_paths
from seekwire.engine.files import MappedFile
from seekwire.storage import current_generation


def opened(monkeypatch: pytest.MonkeyPatch, kind: type) -> list[str]:
    """The names of the files opened as `kind`, from now on."""
    names: list[str] = []
    real = kind.__init__

    def record(self, source, name=None, onclose=None):
        names.append(name)
        real(self, source, name=name, onclose=onclose)

    monkeypatch.setattr(kind, "__init__", record)
    return names


def test_queries_copy_no_file_onto_the_heap(seeds: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    index_dir = tmp_path / "index"
    index_paths([seeds], index_dir, entities=False)
    (seeds / "new.txt").write_text("Un nouveau titre sur Astana\n\nLe texte parle du Kazakhstan et de la Chine.\n")
    index_paths([seeds], index_dir, entities=False)  # a second segment
    assert not list(current_generation(index_dir).glob("*.seg")), "segments are written as separate files"
    # A BufferFile holds a BytesIO: a copy of the whole file.
    copied, mapped = opened(monkeypatch, structfile.BufferFile), opened(monkeypatch, MappedFile)
    with Searcher(index_dir) as searcher:
        results = searcher.search("Kazakhstan coopération", facet_limit=None)
        assert results.total == 3 and all(hit.snippet for hit in results.hits)
        assert searcher.facet("places", "Astana") is not None
        assert searcher.get(results.hits[0].id).body
        assert len(list(searcher.articles())) == 3
        assert searcher.similar(results.hits[0].id).hits
        searcher.stats()
    assert copied == []
    assert {Path(name).suffix for name in mapped} >= {".trm", ".pst", ".col"}
