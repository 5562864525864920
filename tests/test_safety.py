"""Safety: indexed text cannot drive the terminal, seekwire writes nowhere but its index, and every state the
index can be in gets a clear message rather than a traceback."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from seekwire import storage
from seekwire.schema import build_schema

SRC = Path(__file__).resolve().parents[1] / "src"
ESCAPES = "\x1b[2J\x1b]0;titre piégé\x07\x1b[31m"
# Control characters other than the line feed, which tables and `show` keep.
CONTROL = {chr(code) for code in [*range(0, 10), *range(11, 32), 127, *range(0x80, 0xA0)]}


def seekwire(*args: str, cwd: Path | None = None, umask: int | None = None,
             env: dict | None = None) -> subprocess.CompletedProcess:
    """Run the installed-style command line in a subprocess, as a user would."""
    command = [sys.executable, "-m", "seekwire", *args]
    if umask is not None:
        command = ["sh", "-c", f"umask {umask:03o} && exec \"$@\"", "sh", *command]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False,
                          env={**os.environ, "PYTHONPATH": str(SRC), **(env or {})})


def index(path: str | Path, index_dir: Path, *options: str, **settings) -> subprocess.CompletedProcess:
    return seekwire("index", str(path), "--no-entities", "--index", str(index_dir), *options, **settings)


def test_escape_sequences_in_pages_never_reach_the_terminal(run, tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    text = (f"Un titre {ESCAPES}rouge\n\nLe corps {ESCAPES}parle de coopération régionale.\n"
            + "Une phrase de plus pour que le texte reste du texte. " * 5)
    (pages / "piege.txt").write_text(text)
    record = {"id": "record", "title": f"Dépêche {ESCAPES}bleue", "body": f"Texte {ESCAPES}coopération",
              "agencies": [f"AFP{ESCAPES}"], "publisher": f"Éditeur{ESCAPES}", "url": f"http://x/{ESCAPES}"}
    (pages / "records.jsonl").write_text(json.dumps(record) + "\n")
    assert run("index", str(pages), "--no-entities").exit_code == 0
    outputs = [
        run("query", "coopération", "--format", "table"),
        run("query", "rouge bleue", "--format", "table"),
        run("show", "piege", "--format", "table"),
        run("show", "record", "--format", "table"),
        run("query", "coopération", "--format", "json"),
        run("query", "coopération", "--format", "jsonl"),
        run("show", "piege", "--format", "json"),
        run("export"),
    ]
    for result in outputs:
        assert result.exit_code == 0
        assert not CONTROL & set(result.stdout + result.stderr), repr(result.stdout)
    # The sequences are dropped when the page is read: the words around them stay words.
    assert json.loads(outputs[6].stdout)["title"] == "Un titre rouge"
    assert sorted(hit["id"] for hit in json.loads(outputs[4].stdout)["hits"]) == ["piege", "record"]


@pytest.mark.parametrize("umask", [0o027, 0o077])
def test_the_index_is_created_with_the_users_umask(seeds: Path, tmp_path: Path, umask: int) -> None:
    index_dir = tmp_path / "index"
    assert index(seeds, index_dir, umask=umask).returncode == 0
    assert index(seeds, index_dir, "--rebuild",
                    umask=umask).returncode == 0
    created = [index_dir, *index_dir.rglob("*")]
    assert len(created) > 5
    for path in created:
        mode = path.lstat().st_mode
        if not stat.S_ISLNK(mode):
            assert mode & umask == 0, f"{path} has mode {mode & 0o777:o}"


def snapshot(root: Path, skip: Path) -> dict[str, tuple[int, int, int]]:
    return {str(path): (path.lstat().st_mode, path.lstat().st_size, path.lstat().st_mtime_ns)
            for path in root.rglob("*") if skip not in (path, *path.parents)}


def test_nothing_is_written_outside_the_index(seeds: Path, tmp_path: Path) -> None:
    """Not beside the inputs, not in the working directory, not in the temporary directory or HOME."""
    index_dir = tmp_path / "index"
    record = {"id": "x", "title": "Titre", "body": "coopération"}
    (seeds / "extra.jsonl").write_text(json.dumps(record) + "\n")
    for folder in ("cwd", "tmp", "home"):
        (tmp_path / folder).mkdir()
    env = {"TMPDIR": str(tmp_path / "tmp"), "HOME": str(tmp_path / "home")}
    seeds.chmod(0o555)
    try:
        before = snapshot(tmp_path, index_dir)
        for args in (["index", str(seeds), "--no-entities"], ["query", "coopération"], ["show", "x"],
                     ["export"], ["index", str(seeds), "--no-entities", "--rebuild"],
                     ["index", str(seeds), "--no-entities"]):
            done = seekwire(*args, "--index", str(index_dir), cwd=tmp_path / "cwd", env=env)
            assert done.returncode == 0, done.stderr
        assert snapshot(tmp_path, index_dir) == before
    finally:
        seeds.chmod(0o755)


def test_paths_shown_are_the_paths_indexed(seeds: Path, tmp_path: Path) -> None:
    (tmp_path / "alias").symlink_to(seeds)
    names = sorted(path.name for path in seeds.glob("*.txt"))
    for given in ("seeds", "./seeds/", "alias", str(seeds)):
        index_dir = tmp_path / f"index-{len(given)}-{given.strip('./')[:3]}"
        assert index(given, index_dir, cwd=tmp_path).returncode == 0
        done = seekwire("export", "--index", str(index_dir), cwd=tmp_path)
        paths = sorted(json.loads(line)["path"] for line in done.stdout.splitlines())
        assert paths == [os.path.join(given, name) for name in names]


def one_line_error(done: subprocess.CompletedProcess, *fragments: str) -> None:
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("seekwire: ")
    for fragment in fragments:
        assert fragment in done.stderr


@pytest.mark.parametrize("command", [["query", "mot"], ["show", "x"], ["export"]])
def test_no_index(tmp_path: Path, command: list[str]) -> None:
    index_dir = tmp_path / "nowhere"
    one_line_error(seekwire(*command, "--index", str(index_dir)),
                   f"no index at {index_dir} — run `seekwire index PATH` first")
    assert not index_dir.exists()


def test_an_empty_index(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    index_dir = tmp_path / "index"
    done = index(tmp_path / "empty", index_dir)
    assert done.returncode == 0 and "0 documents" in done.stderr
    done = seekwire("query", "mot", "--index", str(index_dir), "--format", "table")
    assert (done.returncode, done.stdout, done.stderr) == (1, "", "0 documents\n")
    assert json.loads(seekwire("query", "mot", "--index", str(index_dir), "--json").stdout)["total"] == 0
    assert seekwire("export", "--index", str(index_dir)).stdout == ""


def test_an_interrupted_first_build(seeds: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    storage.claim(index_dir)
    storage.new_generation(index_dir)
    one_line_error(seekwire("query", "mot", "--index", str(index_dir)), "no finished index at")
    assert index(seeds, index_dir).returncode == 0
    assert seekwire("query", "Kazakhstan", "--index", str(index_dir)).returncode == 0


def test_an_index_that_cannot_be_written(seeds: Path, tmp_path: Path) -> None:
    """As root, permissions stop nothing: a path under a regular file cannot be created by anyone."""
    (tmp_path / "file").write_text("")
    index_dir = tmp_path / "file" / "index"
    one_line_error(index(seeds, index_dir),
                   f"cannot write to the index at {index_dir} (Not a directory)")


@pytest.mark.skipif(os.geteuid() == 0, reason="permissions do not stop root")
def test_a_read_only_index_answers_queries(seeds: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    assert index(seeds, index_dir).returncode == 0
    for path in [index_dir, *index_dir.rglob("*")]:
        if not path.is_symlink():
            path.chmod(path.stat().st_mode & ~0o222)
    assert seekwire("query", "Kazakhstan", "--index", str(index_dir)).returncode == 0
    (seeds / "new.txt").write_text("Titre\n\nTexte.\n")
    one_line_error(index(seeds, index_dir),
                   "cannot write to the index", "Permission denied")


def test_an_index_from_an_older_schema(seeds: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    assert index(seeds, index_dir).returncode == 0
    (storage.current_generation(index_dir) / storage.META).write_text(json.dumps({"schema_version": 0}))
    for command in (["query", "mot"], ["index", str(seeds), "--no-entities"]):
        one_line_error(seekwire(*command, "--index", str(index_dir)), "built with schema version 0",
                       "run `seekwire index --rebuild PATH`")
    assert index(seeds, index_dir, "--rebuild").returncode == 0
    assert seekwire("query", "Kazakhstan", "--index", str(index_dir)).returncode == 0


def test_an_index_from_before_generations(seeds: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    index_dir.mkdir()
    whoosh_index.create_in(index_dir, build_schema())
    for command in (["query", "mot"], ["export"], ["index", str(seeds), "--no-entities"]):
        one_line_error(seekwire(*command, "--index", str(index_dir)), "built by an older seekwire",
                       "run `seekwire index --rebuild PATH`")
    assert index(seeds, index_dir, "--rebuild").returncode == 0
    assert seekwire("query", "Kazakhstan", "--index", str(index_dir)).returncode == 0
