"""Messy inputs: every good document is indexed, every bad input is reported with its reason, nothing aborts.

Each input is generated here, in a temporary directory, and indexed through the command line; the JSON
summary's "skipped" list, the stderr lines and the exit status (1 when anything was skipped) are checked
together.
"""

from __future__ import annotations

import gzip
import json
import os
import random
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from seekwire import Searcher, index_paths
from seekwire.reading import MAX_JSONL_LINE, MAX_PAGE_BYTES, MAX_TEXT

PAGE = "Un titre d'article\n\nLe corps parle de coopération et d'été à Astana.\n"


def png() -> bytes:
    body = random.Random(1).randbytes(4000)
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + zlib.compress(body)


def pdf() -> bytes:
    """A PDF whose first kilobytes are plain ASCII, as small PDFs are."""
    head = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n" * 40
    stream = b"BT /F1 24 Tf 100 700 Td (Hello) Tj ET"
    return head + b"3 0 obj\n<< /Length 37 >>\nstream\n" + stream + b"\nendstream\n%%EOF\n"


def elf() -> bytes:
    return Path(os.path.realpath(sys.executable)).read_bytes()[:8192]


# name -> (bytes, None when the page must be indexed, else the start of the skip reason)
PAGES = {
    "empty.txt": (b"", "empty page"),
    "blank.txt": (b"  \n\t\r\n   \n", "empty page"),
    "image.txt": (png(), "binary file"),
    "document.txt": (pdf(), "binary file (PDF)"),
    "program.txt": (elf(), "binary file"),
    "nul.txt": (PAGE.encode().replace(b"corps", b"co\x00rps"), None),
    "invalid-utf8.txt": (PAGE.encode() + b"caf\xc3 \xff\xfe fin\n", None),
    "cp1252.txt": ((PAGE + "l’œuvre — «oui»\n").encode("cp1252"), None),
    "latin1.txt": ((PAGE + "\x81 Voilà ça, une dernière phrase.\n").encode("latin-1"), None),
    "utf16.txt": (PAGE.encode("utf-16"), None),
    "utf16-be.txt": (b"\xfe\xff" + PAGE.encode("utf-16-be"), None),
    "mixed-endings.txt": (b"Un titre\r\n\r\nligne une\rligne deux\nligne trois\r\n", None),
}


def messy_dir(root: Path) -> Path:
    pages = root / "pages"
    pages.mkdir()
    for name, (data, _) in PAGES.items():
        (pages / name).write_bytes(data)
    for name in ("page.xml", "photo.png", "notes.md", "data.json"):
        (pages / name).write_bytes(b"\x89PNG\x00\x00" if name.endswith(".png") else PAGE.encode())
    return pages


def test_every_good_page_is_indexed_and_every_bad_one_reported(run, tmp_path: Path) -> None:
    pages = messy_dir(tmp_path)
    result = run("index", str(pages), "--no-entities", "--format", "json")
    summary = json.loads(result.stdout)
    assert result.exit_code == 1
    good = {name.removesuffix(".txt") for name, (_, reason) in PAGES.items() if reason is None}
    assert summary["added"] == summary["documents"] == len(good)
    with Searcher(run.index_dir) as searcher:
        assert {article.id for article in searcher.articles()} == good
    reasons = {Path(skip["path"]).name: skip["reason"] for skip in summary["skipped"]}
    expected = {name: reason for name, (_, reason) in PAGES.items() if reason is not None}
    assert reasons.keys() == expected.keys()
    for name, reason in expected.items():
        assert reasons[name].startswith(reason)
        assert f"seekwire: skipped {pages / name}: {reasons[name]}" in result.stderr


def test_decoded_text_is_the_text_written(tmp_path: Path, index_dir: Path) -> None:
    index_paths([messy_dir(tmp_path)], index_dir, entities=False)
    with Searcher(index_dir) as searcher:
        for name in ("utf16", "utf16-be", "nul"):
            article = searcher.get(name)
            assert (article.title, article.body) == ("Un titre d'article",
                                                     "Le corps parle de coopération et d'été à Astana.")
        assert searcher.get("cp1252").body.endswith("l’œuvre — «oui»")
        # Latin-1 gives byte 0x81 a control character, which is not text.
        assert searcher.get("latin1").body.endswith("Astana.\n\nVoilà ça, une dernière phrase.")
        assert searcher.get("mixed-endings").body == "ligne une\n\nligne deux\n\nligne trois"
        assert searcher.search("oeuvre").hits[0].id == "cp1252"


def test_special_files_and_links_are_reported(run, tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "good.txt").write_text(PAGE)
    os.mkfifo(pages / "pipe.txt")
    (pages / "folder.txt").mkdir()
    (pages / "folder.txt" / "inner.txt").write_text(PAGE)
    os.symlink(pages / "nowhere.txt", pages / "dangling.txt")
    os.symlink("loop-b.txt", pages / "loop-a.txt")
    os.symlink("loop-a.txt", pages / "loop-b.txt")
    os.symlink(pages, pages / "folder.txt" / "back")
    result = run("index", str(pages), str(pages / "pipe.txt"), "--no-entities", "--format", "json")
    summary = json.loads(result.stdout)
    assert result.exit_code == 1
    assert summary["added"] == 2
    reasons = {os.path.relpath(skip["path"], pages): skip["reason"] for skip in summary["skipped"]}
    assert reasons == {
        "pipe.txt": "not a regular file (a FIFO, socket or device)",
        "dangling.txt": "broken link",
        "loop-a.txt": "cannot read: Too many levels of symbolic links",
        "loop-b.txt": "cannot read: Too many levels of symbolic links",
        "folder.txt/back": "directory link loop, not followed again",
    }
    # The FIFO named on the command line is reported once more, as given.
    assert result.stderr.count("pipe.txt: not a regular file") == 1


@pytest.mark.skipif(os.geteuid() == 0, reason="permissions do not stop root")
def test_unreadable_file_is_reported(run, tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "good.txt").write_text(PAGE)
    (pages / "secret.txt").write_text(PAGE)
    (pages / "secret.txt").chmod(0)
    code, summary = run.json("index", str(pages), "--no-entities")
    assert code == 1 and summary["added"] == 1
    assert summary["skipped"] == [
        {"path": str(pages / "secret.txt"), "reason": "cannot read: Permission denied"}]


def test_files_deleted_or_rewritten_during_a_run(tmp_path: Path, index_dir: Path) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    for n in range(3):
        (pages / f"{n}.txt").write_text(f"Titre {n}\n\nPremière version.\n")

    def meddle(done: int, total: int) -> None:
        if done == 1:
            (pages / "1.txt").unlink()
            (pages / "2.txt").write_text("Titre 2\n\nDeuxième version, réécrite pendant la lecture.\n")

    report = index_paths([pages], index_dir, entities=False, progress=meddle)
    assert report.added == 2
    assert [(Path(s.path).name, s.reason) for s in report.skipped] == [
        ("1.txt", "cannot read: No such file or directory")]
    with Searcher(index_dir) as searcher:
        assert "réécrite" in searcher.get("2").body
    again = index_paths([pages], index_dir, entities=False)
    assert (again.added, again.updated, again.removed, again.unchanged, again.skipped) == (0, 0, 0, 2, [])


def test_bad_jsonl_lines_are_reported_and_good_ones_indexed(run, tmp_path: Path) -> None:
    good = [{"id": f"g{n}", "title": f"Titre {n}", "body": "coopération"} for n in range(5)]
    huge_body = "mot " * (10 * 1024 * 1024 // 4)  # a 10 MB line, ten times the text kept
    lines = [
        json.dumps(good[0]),
        "{not json",
        json.dumps({"title": "sans id", "body": "x"}),
        json.dumps({"id": "t", "title": ["une", "liste"], "body": "x"}),
        json.dumps({"id": "d", "title": "date", "body": "x", "date": 20231128}),
        json.dumps(good[1]),
        json.dumps({"id": "big", "title": "Très long", "body": huge_body}),
        "[" * 100_000 + "]" * 100_000,
        json.dumps(["not", "an", "object"]),
        json.dumps(good[2]),
        json.dumps({"id": "toolong", "title": "x", "body": "y" * (MAX_JSONL_LINE + 1)}),
        json.dumps(good[3]),
        json.dumps(good[4]),
    ]
    source = tmp_path / "records.jsonl"
    source.write_text("\n".join(lines) + "\n")
    records = "".join(json.dumps({**g, "id": f"z{n}"}) + "\n" for n, g in enumerate(good * 200))
    compressed = gzip.compress(records.encode())
    (tmp_path / "cut.jsonl.gz").write_bytes(compressed[: len(compressed) * 2 // 3])
    result = run("index", str(source), str(tmp_path / "cut.jsonl.gz"), "--no-entities", "--format", "json")
    summary = json.loads(result.stdout)
    assert result.exit_code == 1
    where = {skip["path"]: skip["reason"] for skip in summary["skipped"]}
    assert sorted(where) == sorted([f"{source}:{n}" for n in (2, 3, 4, 5, 7, 8, 9, 11)] + [
        str(tmp_path / "cut.jsonl.gz")])
    assert where[f"{source}:7"] == "body longer than 1 Mi characters: only its start kept"
    assert where[f"{source}:11"] == "line longer than 16 MiB"
    assert where[str(tmp_path / "cut.jsonl.gz")].startswith("unreadable compressed data")
    assert len(result.stderr.splitlines()) == len(where)
    with Searcher(run.index_dir) as searcher:
        ids = {article.id for article in searcher.articles()}
        assert len(searcher.get("big").body) == MAX_TEXT
    assert ids >= {g["id"] for g in good} | {"big", "z0"}
    assert summary["added"] == len(ids)


def test_long_one_line_page_is_cut_and_searchable(run, tmp_path: Path) -> None:
    page = tmp_path / "oneline.txt"
    page.write_text("coopération " * (5 * 1024 * 1024 // 12))
    code, summary = run.json("index", str(page), "--no-entities")
    assert code == 1 and summary["added"] == 1
    assert summary["skipped"] == [
        {"path": str(page), "reason": "longer than 1 MiB: only its start was indexed"}]
    code, results = run.json("query", "coopération")
    assert code == 0 and results["hits"][0]["id"] == "oneline"


def test_a_cut_page_keeps_whole_characters(tmp_path: Path, index_dir: Path) -> None:
    page = tmp_path / "accents.txt"
    page.write_bytes(b"Titre\n\n" + "é".encode() * MAX_PAGE_BYTES)
    report = index_paths([page], index_dir, entities=False)
    assert report.added == 1
    with Searcher(index_dir) as searcher:
        assert set(searcher.get("accents").body) == {"é"}


# The peak resident memory of the process, in KiB. VmHWM belongs to the process image, so unlike
# getrusage's ru_maxrss it does not carry over the size of the test runner that forked it.
PEAK_RSS = """
import sys
from seekwire import index_paths
report = index_paths([sys.argv[1]], sys.argv[2], entities=False)
assert report.added == 1, report
status = open("/proc/self/status").read()
print(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:")))
"""


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
def test_a_50_mb_page_keeps_memory_bounded(tmp_path: Path) -> None:
    """Reading the page whole, as seekwire once did, peaked near 280 MiB; reading its start, under 40."""
    page = tmp_path / "huge.txt"
    sentence = "Le gouvernement a annoncé une coopération renforcée avec ses voisins. "
    paragraph = (sentence * 20 + "\n\n").encode()
    with open(page, "wb") as handle:
        handle.write(b"Un titre\n\n")
        for _ in range(50 * 1024 * 1024 // len(paragraph)):
            handle.write(paragraph)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}
    done = subprocess.run([sys.executable, "-c", PEAK_RSS, str(page), str(tmp_path / "index")], env=env,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) / 1024 < 150


def test_ten_thousand_tiny_files(tmp_path: Path, index_dir: Path) -> None:
    pages = tmp_path / "pages"
    for n in range(10_000):
        folder = pages / f"{n // 500:02d}"
        if n % 500 == 0:
            folder.mkdir(parents=True)
        (folder / f"{n:05d}.txt").write_text(f"Titre {n}\n\nmot{n} commun\n")
    report = index_paths([pages], index_dir, entities=False)
    assert (report.added, report.documents, report.skipped) == (10_000, 10_000, [])
    with Searcher(index_dir) as searcher:
        assert [hit.id for hit in searcher.search("mot9999").hits] == ["09999"]
    assert index_paths([pages], index_dir, entities=False).unchanged == 10_000


def test_a_tree_deeper_than_the_recursion_limit(tmp_path: Path, index_dir: Path) -> None:
    folders = [tmp_path / "deep"]
    for _ in range(sys.getrecursionlimit() + 200):
        folders.append(folders[-1] / "d")
    for folder in folders:
        folder.mkdir()
    bottom = folders[-1] / "bottom.txt"
    bottom.write_text(PAGE)
    try:
        report = index_paths([folders[0]], index_dir, entities=False)
        assert (report.added, report.skipped) == (1, [])
    finally:
        # Removed from the bottom up: this Python's recursive rmtree, and pytest's cleanup, cannot.
        bottom.unlink()
        for folder in reversed(folders):
            folder.rmdir()
