"""Concurrent use: one writer at a time, readers never blocked and never shown a half-written index.

Everything here runs `seekwire` in subprocesses, as two people (or a cron job and a person) would.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from whoosh import index as whoosh_index
from whoosh.index import LockError

from seekwire import index_paths, storage

SRC = Path(__file__).resolve().parents[1] / "src"


def write_corpus(root: Path, records: int, prefix: str = "r") -> None:
    """`records` JSONL articles, each containing the word "commun"."""
    root.mkdir(parents=True, exist_ok=True)
    body = "texte " * 150
    lines = [json.dumps({"id": f"{prefix}{n}", "title": f"Dépêche {n}", "body": f"commun mot{n} {body}"})
             for n in range(records)]
    temporary = root / ".records.tmp"
    temporary.write_text("\n".join(lines) + "\n")
    os.replace(temporary, root / "records.jsonl")


def seekwire(*args: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    return subprocess.Popen([sys.executable, "-m", "seekwire", *args], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def finish(process: subprocess.Popen) -> tuple[int, str, str]:
    stdout, stderr = process.communicate(timeout=120)
    return process.returncode, stdout, stderr


def wait_for_writer(index_dir: Path, process: subprocess.Popen) -> None:
    """Until `process` holds the writer lock (its pid is in the lock file)."""
    lock = index_dir / storage.LOCK
    while not (lock.exists() and lock.read_text() == str(process.pid)):
        assert process.poll() is None, "the writer finished before it could be observed"
        time.sleep(0.01)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    write_corpus(tmp_path / "corpus", 3000)
    return tmp_path / "corpus"


def test_a_second_writer_waits_then_gives_up_with_a_message(corpus: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    first = seekwire("index", str(corpus), "--no-entities", "--index", str(index_dir))
    wait_for_writer(index_dir, first)
    code, stdout, stderr = finish(seekwire("index", str(corpus), "--no-entities", "--index", str(index_dir),
                                           "--wait", "0.2"))
    assert (code, stdout) == (2, "")
    assert stderr == (f"seekwire: index at {index_dir} is being written by pid {first.pid}; waited 0.2s — "
                      "try again when it finishes (or raise --wait)\n")
    assert finish(first)[0] == 0


def test_a_second_writer_that_waits_long_enough_proceeds(corpus: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    first = seekwire("index", str(corpus), "--no-entities", "--index", str(index_dir))
    wait_for_writer(index_dir, first)
    other = tmp_path / "other"
    write_corpus(other, 100, prefix="s")
    second = seekwire("index", str(other), "--no-entities", "--index", str(index_dir), "--wait", "120",
                      "--json")
    assert finish(first)[0] == 0
    code, stdout, stderr = finish(second)
    assert (code, stderr) == (0, "")
    report = json.loads(stdout)
    # The second run started from the first one's finished index and added to it.
    assert (report["added"], report["documents"]) == (100, 3100)


def test_queries_during_indexing_see_a_whole_committed_index(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    index_dir = tmp_path / "index"
    write_corpus(corpus, 500)
    index_paths([corpus], index_dir, entities=False)
    sizes = {500}
    answers = []
    for records, options in ((3000, ()), (3000, ("--rebuild",)), (1000, ())):
        write_corpus(corpus, records)
        sizes.add(records)
        writer = seekwire("index", str(corpus), "--no-entities", "--index", str(index_dir), *options)
        while writer.poll() is None:
            query = seekwire("query", "commun", "--index", str(index_dir), "--json", "-n", "1")
            answers.append(finish(query))
        assert finish(writer)[0] == 0
    assert len(answers) >= 3
    for code, stdout, stderr in answers:
        assert (code, stderr) == (0, "")
        assert json.loads(stdout)["total"] in sizes


def test_a_killed_whoosh_writer_leaves_nothing_that_blocks(tmp_path: Path) -> None:
    """Whoosh's own lock inside a generation is an flock too: the kernel drops it with its holder."""
    corpus = tmp_path / "corpus"
    index_dir = tmp_path / "index"
    write_corpus(corpus, 10)
    index_paths([corpus], index_dir, entities=False)
    generation = storage.current_generation(index_dir)
    hold = ("import sys, time\nfrom whoosh import index\nwriter = index.open_dir(sys.argv[1]).writer()\n"
            "print('locked', flush=True)\ntime.sleep(60)\n")
    holder = subprocess.Popen([sys.executable, "-c", hold, str(generation)], stdout=subprocess.PIPE,
                              text=True)
    try:
        assert holder.stdout.readline() == "locked\n"
        with pytest.raises(LockError):
            whoosh_index.open_dir(str(generation)).writer()
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.communicate()
    assert (generation / storage.WHOOSH_LOCK).exists()
    whoosh_index.open_dir(str(generation)).writer().cancel()
    write_corpus(corpus, 20)
    report = index_paths([corpus], index_dir, entities=False, wait=0)
    assert (report.added, report.updated, report.documents) == (10, 10, 20)
