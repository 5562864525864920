"""Segments built apart: the index holds exactly what Whoosh's own writer would have put there.

Each test indexes a corpus with seekwire and compares the result with a reference index made by Whoosh's
`SegmentWriter.add_document` from the very same documents (recorded while seekwire indexed them): stored
fields, every posting with its weight and value, term statistics, field lengths, columns, `export`, and the
hits and scores of queries.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from whoosh import index as whoosh_index

from seekwire import Searcher, index_paths, indexer, storage
from seekwire.cli import cli
from seekwire.engine import segments
from seekwire.schema import build_schema

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SRC = Path(__file__).resolve().parents[1] / "src"
WORDS = ["coopération", "gouvernement", "économie", "ministre", "président", "accord", "sécurité", "région",
         "développement", "Pékin", "Astana", "énergie", "commerce", "l'État", "qu'il", "réforme", "élection"]
QUERIES = ["coopération", "économie sécurité", '"président accord"', "Pékin OR Astana", "commun", "Kazakhstan",
           "title:Dépêche", "agency:AFP commun", "energie -region"]


def write_corpus(root: Path, records: int = 260) -> Path:
    """The fixtures, plus `records` generated JSONL articles: every one says "commun", so that term's posting
    list spans several blocks, and every fiftieth is long enough for Whoosh to store its length rounded."""
    shutil.copytree(FIXTURES, root)
    rng = random.Random(records)
    lines = [json.dumps({"id": f"r{n}", "title": f"Dépêche {n} {rng.choice(WORDS)}", "date": "2023-11-28",
                         "agency": rng.choice(["AFP", "Reuters"]),
                         "body": "commun " + " ".join(rng.choice(WORDS)
                                                      for _ in range(rng.randint(5, 120) if n % 50 else 2_345))})
             for n in range(records)]
    (root / "records.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return write_corpus(tmp_path / "corpus")


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch) -> list[dict]:
    """The documents seekwire hands to its builders, in the order it hands them."""
    documents: list[dict] = []
    original = indexer.document_fields

    def record(article, source):
        fields = original(article, source)
        documents.append(fields)
        return fields

    monkeypatch.setattr(indexer, "document_fields", record)
    return documents


@pytest.fixture
def parallel(monkeypatch: pytest.MonkeyPatch) -> None:
    """Send every input, however small, to the worker processes."""
    monkeypatch.setattr(indexer, "PARALLEL_BYTES", 0)


def whoosh_index_of(documents: list[dict], index_dir: Path) -> Path:
    """A published seekwire index of `documents`, written by Whoosh's own writer."""
    storage.claim(index_dir)
    with storage.writer_lock(index_dir, 0):
        generation = storage.new_generation(index_dir)
        ix = whoosh_index.create_in(generation, build_schema())
        with ix.writer() as writer:
            for fields in documents:
                writer.add_document(**fields)
        storage.publish(generation)
    return index_dir


def contents(index_dir: Path, statistics: bool = True) -> dict:
    """Everything the live documents of an index hold, keyed by document id rather than number; with
    `statistics`, also each term's and field's totals (which count deleted documents too)."""
    ix = whoosh_index.open_dir(storage.current_generation(index_dir))
    with ix.reader() as reader:
        ids = {docnum: fields["id"] for docnum, fields in reader.iter_docs()}
        found: dict = {"stored": {ids[docnum]: fields for docnum, fields in reader.iter_docs()}}
        found["lengths"] = {(name, ids[docnum]): reader.doc_field_length(docnum, name)
                            for docnum in ids for name in ("title", "text")}
        found["columns"] = {name: {ids[docnum]: reader.column_reader(name)[docnum] for docnum in ids}
                            for name in ("day", "agencies", "publisher", "persons", "places", "organizations")}
        postings = {}
        for fieldname, text in reader.all_terms():
            postings[fieldname, text] = sorted(
                _each_posting(reader, fieldname, text, lambda m: (ids[m.id()], m.weight(), m.value())))
            if statistics:
                info = reader.term_info(fieldname, text)
                postings[fieldname, text, "info"] = (info.weight(), info.doc_frequency(), info.min_length(),
                                                     info.max_length(), info.max_weight())
        found["postings"] = {key: value for key, value in postings.items() if value}
        if statistics:
            found["totals"] = {name: reader.field_length(name) for name in ("title", "text")}
    return found


def _each_posting(reader, fieldname: str, text: bytes, read) -> list:
    """`read(matcher)` at every posting of a term, in order."""
    matcher = reader.postings(fieldname, text)
    found = []
    while matcher.is_active():
        found.append(read(matcher))
        matcher.next()
    return found


def export(index_dir: Path) -> list[dict]:
    """The exported documents, without their stories: Whoosh's own writer finds none (stories.py)."""
    result = CliRunner().invoke(cli, ["export", "--index", str(index_dir)], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    return [{key: value for key, value in json.loads(line).items() if key != "story"}
            for line in result.stdout.splitlines()]


def hits(index_dir: Path) -> dict[str, list[tuple[str, float]]]:
    """Every hit and its score for each query, ties in id order (the order of ties follows the order of
    documents in the index, which the worker processes change)."""
    with Searcher(index_dir) as searcher:
        return {text: sorted(((hit.id, round(hit.score, 6))
                              for hit in searcher.search(text, limit=1000, collapse=False).hits),
                             key=lambda item: (-item[1], item[0]))
                for text in QUERIES}


def segment_count(index_dir: Path) -> int:
    return len(whoosh_index.open_dir(storage.current_generation(index_dir))._segments())


def test_one_process_writes_what_whoosh_writes(corpus: Path, recorded: list[dict], tmp_path: Path) -> None:
    built = tmp_path / "built"
    index_paths([corpus], built, entities=False)
    reference = whoosh_index_of(recorded, tmp_path / "reference")
    assert contents(built) == contents(reference)
    assert export(built) == export(reference)
    assert hits(built) == hits(reference)
    assert any(len(postings) > 128 for postings in contents(built)["postings"].values())


def test_worker_processes_write_what_whoosh_writes(corpus: Path, recorded: list[dict], parallel: None,
                                                   tmp_path: Path) -> None:
    built = tmp_path / "built"
    index_paths([corpus], built, entities=False)
    reference = whoosh_index_of(recorded, tmp_path / "reference")
    assert segment_count(built) == 2
    assert contents(built) == contents(reference)
    assert sorted(export(built), key=lambda r: r["id"]) == sorted(export(reference), key=lambda r: r["id"])
    assert hits(built) == hits(reference)


def test_a_full_builder_starts_a_new_segment(corpus: Path, recorded: list[dict], tmp_path: Path) -> None:
    index_paths([corpus], tmp_path / "recording", entities=False)
    reference = whoosh_index_of(recorded, tmp_path / "reference")
    built = tmp_path / "built"
    storage.claim(built)
    with storage.writer_lock(built, 0):
        generation = storage.new_generation(built)
        ix = whoosh_index.create_in(generation, build_schema())
        builder = segments.SegmentBuilder(generation, ix.schema, budget=2_000)
        for fields in recorded:
            builder.add(fields)
        writer = segments.BuiltSegmentsWriter(ix)
        writer.add_segments(builder.finish())
        writer.commit()
        storage.publish(generation)
    assert segment_count(built) > 3
    assert contents(built) == contents(reference)
    assert export(built) == export(reference)


def test_incremental_runs_after_a_parallel_build(corpus: Path, recorded: list[dict], parallel: None,
                                                 tmp_path: Path) -> None:
    built = tmp_path / "built"
    index_paths([corpus], built, entities=False)
    (corpus / "pages" / "no_date.txt").unlink()
    lines = (corpus / "records.jsonl").read_text(encoding="utf-8").splitlines()
    changed = json.loads(lines[7])
    changed["body"] = "Les yourtes de la steppe."
    lines[7] = json.dumps(changed)
    (corpus / "records.jsonl").write_text("\n".join(lines[:200]) + "\n", encoding="utf-8")
    report = index_paths([corpus], built, entities=False)
    assert (report.added, report.updated, report.removed) == (0, 200, 61)

    recorded.clear()
    index_paths([corpus], tmp_path / "rebuilt", entities=False)
    reference = whoosh_index_of(recorded, tmp_path / "reference")
    assert contents(built, statistics=False) == contents(reference, statistics=False)
    with Searcher(built) as searcher:
        assert [hit.id for hit in searcher.search("yourtes").hits] == ["r7"]
        assert len(list(searcher.articles())) == len(recorded)


def test_a_failing_worker_fails_the_run(tmp_path: Path) -> None:
    directory = tmp_path / "index"
    directory.mkdir()
    schema = build_schema()
    whoosh_index.create_in(directory, schema)
    builder = segments.ParallelBuilder(directory, schema)
    for n in range(segments.BATCH_SIZE * 2):
        builder.add({"id": f"d{n}", "no_such_field": "x"})
    with pytest.raises(KeyError, match="no_such_field"):
        builder.finish()
    builder.cancel()
    assert not multiprocessing.active_children()



def test_workers_stop_when_the_indexing_process_is_killed(tmp_path: Path) -> None:
    script = f"""
import multiprocessing, time
from whoosh import index
from seekwire.engine import segments
from seekwire.schema import build_schema
if __name__ == "__main__":
    schema = build_schema()
    index.create_in({str(tmp_path)!r}, schema)
    builder = segments.ParallelBuilder({str(tmp_path)!r}, schema)
    for n in range(segments.BATCH_SIZE * 2):
        builder.add({{"id": f"d{{n}}", "title": "un titre"}})
    print(*[child.pid for child in multiprocessing.active_children()], flush=True)
    time.sleep(60)
"""
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONPATH": str(SRC)})
    workers = [int(pid) for pid in parent.stdout.readline().split()]
    assert len(workers) == 2
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + 10
    while any(_running(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_running(pid) for pid in workers)
    parent.stdout.close()


def _running(pid: int) -> bool:
    """True while a process exists and is not a zombie waiting to be reaped."""
    try:
        status = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return status.rsplit(")", 1)[1].split()[0] != "Z"
