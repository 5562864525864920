"""The engine: Whoosh is the version it was written for and has every private name it uses, nothing else in
seekwire touches one, and an index is read through memory maps, no file ever copied whole onto the heap."""

from __future__ import annotations

import ast
import importlib
import io
import sys
from pathlib import Path

import pytest
import whoosh
from hypothesis import given
from hypothesis import strategies as st
from whoosh import formats
from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3Codec, W3FieldWriter, W3PostingsWriter
from whoosh.filedb import structfile
from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import StructFile
from whoosh.matching.wrappers import FilterMatcher

import seekwire
from seekwire import Searcher, index_paths
from seekwire.engine.files import MappedFile
from seekwire.engine.positions import encode_positions
from seekwire.schema import build_schema
from seekwire.storage import current_generation

PACKAGE = Path(seekwire.__file__).resolve().parent
ENGINE = PACKAGE / "engine"


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


# Whoosh's private names the engine relies on, by the class or module that holds them. Instance attributes are
# checked on live objects below; these are looked up on the class or module itself.
PRIVATE_NAMES = {
    "whoosh.filedb.structfile": ["_SIZEMAP"],
    "whoosh.filedb.filestore.FileStorage": ["_fpath"],
    "whoosh.codec.whoosh3.W3PostingsWriter": ["_write_block", "_new_block", "_mini_ids", "_mini_weights",
                                              "_mini_values"],
    "whoosh.codec.whoosh3.W3LeafMatcher": ["_read_ids", "_read_weights", "_next_block"],
    "whoosh.matching.AndNotMatcher": ["_find_first", "_find_next"],
    "whoosh.writing.SegmentWriter": ["_commit_toc"],
}


def _holder(path: str):
    module, _, name = path.rpartition(".")
    if path in sys.modules or not name[:1].isupper():
        return importlib.import_module(path)
    return getattr(importlib.import_module(module), name)


def missing(obj, names: list[str]) -> list[str]:
    return [name for name in names if not hasattr(obj, name)]


def test_whoosh_is_the_version_the_engine_was_written_for() -> None:
    assert whoosh.versionstring() == "2.7.4", (
        f"seekwire.engine relies on Whoosh 2.7.4's private layout; Whoosh {whoosh.versionstring()} is installed: "
        "check every name in tests/test_engine.py against it before changing the pin")


@pytest.mark.parametrize("path", sorted(PRIVATE_NAMES))
def test_whoosh_has_the_private_names_the_engine_uses(path: str) -> None:
    assert not missing(_holder(path), PRIVATE_NAMES[path]), f"Whoosh's {path} lacks what seekwire.engine uses"


def test_whoosh_objects_have_the_private_attributes_the_engine_reads(tmp_path: Path) -> None:
    schema = build_schema()
    ix = whoosh_index.create_in(str(tmp_path), schema)
    with ix.writer() as writer:
        for n in range(3):
            writer.add_document(id=f"d{n}", title="un titre", text="le texte", day=n)
    with ix.writer() as writer:
        writer.delete_by_term("id", "d0")
    codec = W3Codec()
    assert not missing(codec, ["_blocklimit", "_compression", "_inlinelimit"]), "W3Codec's settings"
    postings = W3PostingsWriter(StructFile(io.BytesIO()), 128)
    postings.start_postings(formats.Positions(), None)  # a term's first block
    assert not missing(postings, ["_blocklimit", "_blockcount", "_postfile", "_terminfo", "_compression", "_ids",
                                  "_weights", "_values", "_maxweight", "_minlength", "_maxlength"])
    storage = FileStorage(str(tmp_path))
    fields = W3FieldWriter(codec, storage, codec.new_segment(storage, "MAIN"))
    assert not missing(fields, ["_codec", "_postfile"]), "W3's field writer"
    fields.close()
    with ix.reader() as reader:
        leaf = reader.leaf_readers()[0][0]
        assert not missing(leaf, ["_perdoc"]), "a segment reader's per-document reader"
        lengths = leaf._perdoc.column_reader("_title_len", LENGTHS_COLUMN)
        assert not missing(lengths, ["_count", "_dbfile", "_basepos", "_fixedlen"]), "a fixed-width column reader"
        assert not missing(LENGTHS_COLUMN, ["_typecode"])
        filtered = leaf.postings("title", "titr")
        assert isinstance(filtered, FilterMatcher) and not missing(filtered, ["_ids"]), "deleted documents"
        assert not missing(filtered.child, ["_ids", "_weights"]), "a block of postings"


@given(st.lists(st.integers(0, 5000), min_size=1, max_size=20, unique=True))
def test_positions_are_encoded_as_whoosh_encodes_them(positions: list[int]) -> None:
    positions.sort()
    assert encode_positions(positions) == formats.Positions().encode(positions)


def test_no_module_outside_the_engine_touches_a_private_whoosh_name() -> None:
    offences = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if ENGINE in path.parents:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            where = f"{path.relative_to(PACKAGE)}:{getattr(node, 'lineno', '?')}"
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "whoosh":
                offences += [f"{where} imports {alias.name}" for alias in node.names if _private(alias.name)]
            elif isinstance(node, ast.Attribute) and _private(node.attr) and not _own(node.value):
                offences.append(f"{where} reads {ast.unparse(node)}")
    for module in _modules_outside_the_engine():
        for cls in vars(module).values():
            if not isinstance(cls, type) or cls.__module__ != module.__name__:
                continue
            whoosh_bases = [base for base in cls.__mro__[1:] if base.__module__.startswith("whoosh.")]
            for name in vars(cls):
                if _private(name) and any(hasattr(base, name) for base in whoosh_bases):
                    offences.append(f"{module.__name__}.{cls.__name__} overrides Whoosh's {name}")
    assert not offences, "Whoosh's private names belong in seekwire.engine:\n" + "\n".join(offences)


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _own(node: ast.expr) -> bool:
    """Whether an attribute is read from `self` or `cls`: an object's own attributes are its business."""
    return isinstance(node, ast.Name) and node.id in ("self", "cls")


def _modules_outside_the_engine():
    for path in sorted(PACKAGE.rglob("*.py")):
        if ENGINE in path.parents or path.name == "__main__.py":
            continue
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        yield importlib.import_module(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
