"""Nothing lost, nothing poisoned: seekwire never takes over a directory it did not create, one bad string never
makes the index unreadable, interrupted and failed runs leave nothing behind, and a file is one document with
one id whatever way it was reached and whatever happened before.

Everything runs the command line in subprocesses, as a user (or a cron job killing it) would.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from seekwire import index_paths, indexer
from seekwire.storage import MARKER

SRC = Path(__file__).resolve().parents[1] / "src"
PAGE = "Un titre sur la coopération\n\nLe texte parle de coopération régionale à Astana, et de la steppe.\n"


def seekwire(*args: str | bytes, cwd: Path | None = None, env: dict | None = None, input: bytes | None = None,
             limit_file_size: int | None = None) -> subprocess.CompletedProcess:
    """Run seekwire as a user would; `limit_file_size` makes every write past that many bytes fail (EFBIG), as
    a disk filling up does."""
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit_file_size, limit_file_size))

    return subprocess.run([sys.executable, "-m", "seekwire", *args], cwd=cwd, capture_output=True, input=input,
                          check=False, preexec_fn=limit if limit_file_size is not None else None,
                          env={**os.environ, "PYTHONPATH": str(SRC), **(env or {})})


def one_line_error(done: subprocess.CompletedProcess, *fragments: str) -> str:
    stderr = done.stderr.decode()
    assert done.returncode == 2, stderr
    assert stderr.count("\n") == 1 and stderr.startswith("seekwire: "), stderr
    for fragment in fragments:
        assert fragment in stderr
    return stderr


def pages(root: Path, count: int = 3) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for number in range(count):
        (root / f"page{number}.txt").write_text(f"Titre numéro {number}\n\n{PAGE}")
    return root


def tree(root: Path) -> dict[str, bytes | None]:
    """Every path below `root` with its content (None for directories and links)."""
    return {str(p.relative_to(root)): (p.read_bytes() if p.is_file() and not p.is_symlink() else None)
            for p in sorted(root.rglob("*"))}


def generations(index_dir: Path) -> list[str]:
    return sorted(p.name for p in index_dir.glob("gen-*"))


# A directory seekwire did not create


def test_a_directory_that_is_not_an_index_is_refused_and_left_alone(tmp_path: Path) -> None:
    corpus = pages(tmp_path / "corpus")
    place = tmp_path / "p"
    (place / "gen-notes").mkdir(parents=True)
    (place / "gen-notes" / "todo.md").write_text("x\n")
    (place / "current").write_text("mine\n")
    (place / "gen-2023").mkdir()
    before = tree(place)
    one_line_error(seekwire("index", str(corpus), "--no-entities", "--index", str(place)),
                   "is not empty and is not a seekwire index")
    assert tree(place) == before


def test_an_input_directory_is_not_an_index(tmp_path: Path) -> None:
    news = pages(tmp_path / "news")
    pages(news / "gen-2024")
    before = tree(news)
    one_line_error(seekwire("index", str(news), "--no-entities", "--index", str(news)), "not a seekwire index")
    assert tree(news) == before


def test_only_what_seekwire_made_is_ever_removed(tmp_path: Path) -> None:
    corpus = pages(tmp_path / "corpus")
    index_dir = tmp_path / "index"
    assert seekwire("index", str(corpus), "--no-entities", "--index", str(index_dir)).returncode == 0
    assert (index_dir / MARKER).is_file()
    # Things a user later put in the index directory, named like seekwire's own.
    (index_dir / "gen-notes").mkdir()
    (index_dir / "gen-notes" / "todo.md").write_text("x\n")
    (index_dir / "gen-2023").mkdir()
    (index_dir / "gen-2023" / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    for rebuild in ([], ["--rebuild"], ["--rebuild"]):
        (corpus / "page0.txt").write_text(f"Nouveau titre {rebuild}\n\n{PAGE}")
        assert seekwire("index", str(corpus), "--no-entities", "--index", str(index_dir), *rebuild).returncode == 0
    assert (index_dir / "gen-notes" / "todo.md").read_text() == "x\n"
    assert (index_dir / "gen-2023" / "photo.jpg").read_bytes() == b"\xff\xd8\xff"
    # Seekwire's own generations were numbered from its own, not past the user's folder, and pruned.
    assert generations(index_dir) == ["gen-2023", "gen-3", "gen-4", "gen-notes"]


def test_an_index_from_before_markers_is_adopted(tmp_path: Path) -> None:
    corpus = pages(tmp_path / "corpus")
    index_dir = tmp_path / "index"
    assert seekwire("index", str(corpus), "--no-entities", "--index", str(index_dir)).returncode == 0
    (index_dir / MARKER).unlink()
    (corpus / "new.txt").write_text(f"Un autre titre\n\n{PAGE}")
    assert seekwire("index", str(corpus), "--no-entities", "--index", str(index_dir)).returncode == 0
    assert (index_dir / MARKER).is_file()


def test_the_index_directory_is_never_an_input(tmp_path: Path) -> None:
    work = pages(tmp_path / "work")
    for _ in range(2):
        done = seekwire("index", ".", "--no-entities", "--json", cwd=work)
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["documents"] == 3
    # Another index inside the tree is not an input either.
    assert seekwire("index", "work", "--no-entities", "--index", "other", cwd=tmp_path).returncode == 0
    done = seekwire("index", ".", "--no-entities", "--json", "--index", "third", cwd=tmp_path)
    assert (done.returncode, json.loads(done.stdout)["documents"]) == (0, 3)


# One bad string


def test_a_lone_surrogate_in_a_record_is_repaired_when_read(tmp_path: Path) -> None:
    records = tmp_path / "records"
    records.mkdir()
    record = {"id": "bad\ud800id", "title": "T \ud800 coopération", "body": "Texte \udfff sur Astana.",
              "agencies": ["AFP\ud800"], "publisher": "Site \ud800", "url": "http://x/\ud800"}
    good = {"id": "good", "title": "Coopération", "body": "Un texte sur Astana."}
    (records / "a.jsonl").write_text(json.dumps(record) + "\n" + json.dumps(good) + "\n")
    index_dir = tmp_path / "index"
    assert seekwire("index", str(records), "--no-entities", "--index", str(index_dir)).returncode == 0
    done = seekwire("query", "Astana", "--json", "--index", str(index_dir), env={"PYTHONIOENCODING": "utf-8"})
    assert done.returncode == 0, done.stderr
    hits = json.loads(done.stdout)["hits"]
    assert sorted(hit["id"] for hit in hits) == ["bad\ufffdid", "good"]
    assert "T \ufffd coopération" in [hit["title"] for hit in hits]
    for command in (["query", "Astana", "--format", "table"], ["show", "bad\ufffdid", "--format", "table"],
                    ["export"]):
        done = seekwire(*command, "--index", str(index_dir), env={"PYTHONIOENCODING": "utf-8"})
        assert done.returncode == 0 and b"Traceback" not in done.stderr, done.stderr
    exported = [json.loads(line) for line in seekwire("export", "--index", str(index_dir)).stdout.splitlines()]
    assert len(exported) == 2 and exported[0]["agencies"] == ["AFP\ufffd"]


@pytest.mark.skipif(sys.platform == "darwin", reason="macOS refuses file names that are not UTF-8")
def test_a_file_name_that_is_not_utf8_is_indexed(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    name = os.path.join(os.fsencode(corpus), b"caf\xe9.txt")
    with open(name, "wb") as handle:
        handle.write(PAGE.encode())
    (corpus / "other.txt").write_text(f"Autre titre\n\n{PAGE}")
    index_dir = tmp_path / "index"
    for _ in range(2):
        done = seekwire("index", str(corpus), "--no-entities", "--json", "--index", str(index_dir))
        assert done.returncode == 0, done.stderr
    done = seekwire("query", "coopération", "--json", "--index", str(index_dir))
    hit = next(hit for hit in json.loads(done.stdout)["hits"] if hit["id"] != "other")
    assert hit["id"] == "caf\\xe9" and hit["path"].endswith("caf\\xe9.txt")
    # The id as shown, or the name as the shell passes it, both name the document.
    for typed in ("caf\\xe9", b"caf\xe9"):
        done = seekwire("show", typed, "--json", "--index", str(index_dir))
        assert done.returncode == 0 and json.loads(done.stdout)["id"] == "caf\\xe9"
    one_line_error(seekwire("show", b"\xff", "--index", str(index_dir)), "no document with id")
    os.remove(name)
    done = seekwire("index", str(corpus), "--no-entities", "--json", "--index", str(index_dir))
    assert (done.returncode, json.loads(done.stdout)["removed"]) == (0, 1)


def test_a_query_that_is_not_utf8_with_a_strict_terminal(tmp_path: Path) -> None:
    corpus = pages(tmp_path / "corpus")
    index_dir = tmp_path / "index"
    assert seekwire("index", str(corpus), "--no-entities", "--index", str(index_dir)).returncode == 0
    for output in (["--format", "table"], ["--json"]):
        done = seekwire("query", b"chine\xff", *output, "--index", str(index_dir),
                        env={"PYTHONIOENCODING": "utf-8"})
        assert done.returncode in (0, 1) and b"Traceback" not in done.stderr, done.stderr


def test_a_batch_goes_on_past_bad_lines(tmp_path: Path) -> None:
    corpus = pages(tmp_path / "corpus")
    index_dir = tmp_path / "index"
    assert seekwire("index", str(corpus), "--no-entities", "--index", str(index_dir)).returncode == 0
    lines = [b"Astana", b'{"query": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", b'{"query": "\\ud800 Astana"}',
             b"caf\xff Astana", b'{"query": "Astana", "agency": "\\udc00"}', b'{"query": 5}', b"steppe"]
    done = seekwire("query", "--batch", "-", "--index", str(index_dir), input=b"\n".join(lines) + b"\n")
    assert done.returncode == 0, done.stderr
    assert done.stderr == b"seekwire: batch: 4 queries, 3 failed, 0 blank or comment lines skipped\n"
    answers = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert [answer["line"] for answer in answers] == [1, 2, 3, 4, 5, 6, 7]
    assert [i for i, answer in enumerate(answers, start=1) if "error" in answer] == [2, 4, 6]
    assert answers[0]["total"] == 3 and answers[2]["total"] == 3 and answers[6]["total"] == 3
    assert "not UTF-8" in answers[3]["error"] and "nested too deeply" in answers[1]["error"]


# Runs that fail or are stopped


@pytest.mark.parametrize("size", [0, 4096, 30_000])
def test_a_full_disk_is_one_line_and_leaves_the_index_as_it_was(tmp_path: Path, size: int) -> None:
    corpus = pages(tmp_path / "corpus", count=40)
    index_dir = tmp_path / "index"
    assert seekwire("index", str(corpus), "--no-entities", "--index", str(index_dir)).returncode == 0
    before = generations(index_dir)
    for number in range(40, 80):
        (corpus / f"page{number}.txt").write_text(f"Titre numéro {number}\n\n{PAGE * 20}")
    done = seekwire("index", str(corpus), "--no-entities", "--rebuild", "--index", str(index_dir),
                    limit_file_size=size)
    one_line_error(done, f"cannot write to the index at {index_dir}", "File too large")
    assert generations(index_dir) == before
    done = seekwire("query", "coopération", "--json", "--index", str(index_dir))
    assert json.loads(done.stdout)["total"] == 40


@pytest.mark.parametrize(("signum", "status"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_an_interrupted_run_cleans_up_and_says_so(tmp_path: Path, signum: int, status: int) -> None:
    corpus = pages(tmp_path / "corpus", count=3)
    index_dir = tmp_path / "index"
    assert seekwire("index", str(corpus), "--no-entities", "--index", str(index_dir)).returncode == 0
    before = generations(index_dir)
    pages(corpus / "more", count=3000)
    for _ in range(3):
        process = subprocess.Popen([sys.executable, "-m", "seekwire", "index", str(corpus), "--no-entities",
                                    "--rebuild", "--index", str(index_dir)], stderr=subprocess.PIPE,
                                   env={**os.environ, "PYTHONPATH": str(SRC)},
                                   # A shell's background job ignores SIGINT, and so would its children.
                                   preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        deadline = time.monotonic() + 60
        while len(generations(index_dir)) == len(before) and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.3)
        process.send_signal(signum)
        _, stderr = process.communicate(timeout=60)
        assert (process.returncode, stderr.decode()) == (status, "seekwire: interrupted\n")
        assert generations(index_dir) == before
        assert (index_dir / ".lock").read_bytes() == b""
    done = seekwire("query", "coopération", "--json", "--index", str(index_dir))
    assert json.loads(done.stdout)["total"] == 3


def test_a_killed_run_leaves_no_generation_after_the_next(tmp_path: Path) -> None:
    corpus = pages(tmp_path / "corpus", count=3)
    index_dir = tmp_path / "index"
    assert seekwire("index", str(corpus), "--no-entities", "--index", str(index_dir)).returncode == 0
    before = generations(index_dir)
    (index_dir / "gen-7").mkdir()  # as a killed run leaves it
    (index_dir / "gen-7" / "seekwire.json").write_text("{}")
    assert seekwire("index", str(corpus), "--no-entities", "--index", str(index_dir)).returncode == 0
    assert generations(index_dir) == before


# One file, one document, one id


def test_a_file_reached_twice_is_one_document(tmp_path: Path) -> None:
    corpus = pages(tmp_path / "corpus", count=5)
    (tmp_path / "alias").symlink_to(corpus)
    (corpus / "link.txt").symlink_to(corpus / "page0.txt")
    index_dir = tmp_path / "index"
    done = seekwire("index", str(corpus), str(tmp_path / "alias"), str(corpus / "page1.txt"), "--no-entities",
                    "--json", "--index", str(index_dir))
    assert (done.returncode, json.loads(done.stdout)["documents"]) == (0, 5)
    done = seekwire("index", str(tmp_path / "alias"), "--no-entities", "--json", "--index", str(index_dir))
    assert json.loads(done.stdout)["unchanged"] == 5


def test_ids_depend_only_on_the_current_files(tmp_path: Path) -> None:
    def ids(index_dir: Path) -> dict[str, str]:
        done = seekwire("export", "--index", str(index_dir))
        return {record["path"]: record["id"] for record in map(json.loads, done.stdout.splitlines())}

    corpus = tmp_path / "corpus"
    for folder in ("b", "c", "d"):
        pages(corpus / folder, count=1)
    history = tmp_path / "history"
    assert seekwire("index", str(corpus), "--no-entities", "--index", str(history)).returncode == 0
    for old, new in (("b", "e"), ("d", "a"), ("c", "f")):
        (corpus / old).rename(corpus / new)
        assert seekwire("index", str(corpus), "--no-entities", "--index", str(history)).returncode == 0
        clean = tmp_path / f"clean-{new}"
        assert seekwire("index", str(corpus), "--no-entities", "--index", str(clean)).returncode == 0
        assert ids(history) == ids(clean)
        found = ids(clean)
        assert found[min(found)] == "page0"  # the file whose path sorts first keeps the name
        assert len(set(found.values())) == 3


def test_a_skipped_file_is_judged_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = pages(tmp_path / "corpus", count=2)
    with open(corpus / "huge.txt", "wb") as handle:
        handle.truncate(64 * 1024 * 1024)  # sparse: NUL bytes, no page
    index_dir = tmp_path / "index"
    first = index_paths([corpus], index_dir, entities=False)
    assert [skip.reason for skip in first.skipped] == ["binary file (NUL bytes)"]
    opened = []
    real_open = indexer.open_input
    monkeypatch.setattr(indexer, "open_input", lambda path: opened.append(path) or real_open(path))
    second = index_paths([corpus], index_dir, entities=False)
    assert opened == [] and second.skipped == first.skipped
    os.utime(corpus / "huge.txt")
    index_paths([corpus], index_dir, entities=False)
    assert opened == [str(corpus / "huge.txt")]


# What reaches the terminal


BIDI = "\u202e\u2066\u2067\u2068\u2069\u200f"


def test_bidirectional_and_invisible_characters_never_reach_the_terminal(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "page.txt").write_text(f"Un titre {BIDI}retourné\n\nLa coopé\u00adration à Noen\u200bnec, {BIDI}fin.\n")
    record = {"id": "r", "title": f"Dépêche {BIDI}", "body": "Texte sur Noennec.", "agencies": [f"AFP{BIDI}"]}
    (corpus / "records.jsonl").write_text(json.dumps(record) + "\n")
    index_dir = tmp_path / "index"
    assert seekwire("index", str(corpus), "--no-entities", "--index", str(index_dir)).returncode == 0
    for command in (["query", "Noennec", "--format", "table"], ["show", "page", "--format", "table"],
                    ["show", "r", "--format", "table"], ["facets", "agencies", "--format", "table"]):
        done = seekwire(*command, "--index", str(index_dir))
        assert done.returncode == 0 and done.stdout, done.stderr
        assert not set(BIDI + "\u00ad\u200b") & set(done.stdout.decode() + done.stderr.decode())
    # JSON keeps the stored text; invisible characters inside words were dropped when the page was read.
    hits = json.loads(seekwire("query", "Noennec", "--json", "--index", str(index_dir)).stdout)["hits"]
    assert {hit["id"] for hit in hits} == {"page", "r"}
    assert json.loads(seekwire("show", "page", "--json", "--index", str(index_dir)).stdout)["title"] == \
        f"Un titre {BIDI}retourné"


def test_paths_in_messages_cannot_drive_the_terminal(tmp_path: Path) -> None:
    index_dir = tmp_path / "in\x1b[2Jdex\u202e"
    stderr = one_line_error(seekwire("query", "mot", "--index", str(index_dir)), "no index at")
    assert "\x1b" not in stderr and "\u202e" not in stderr
    done = seekwire("query", "mot", "--sort", "\x1b]0;x\x07\u202e", "--index", str(index_dir))
    assert done.returncode == 2 and b"Invalid value" in done.stderr
    assert not {"\x1b", "\x07", "\u202e"} & set(done.stderr.decode())
