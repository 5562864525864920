"""What a person at a terminal sees: tables that fit its width, never break a word, and bold only when wanted.

These run seekwire in a pseudo-terminal of a chosen size, as a user's shell does, or in a pipe with COLUMNS set.
"""

from __future__ import annotations

import fcntl
import os
import re
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from seekwire.output import BOLD, RESET, wrap

SRC = Path(__file__).resolve().parents[1] / "src"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def in_terminal(args: list[str], columns: int, env: dict | None = None) -> tuple[int, str]:
    """Run seekwire with its output on a pseudo-terminal `columns` wide; its exit status and what it printed."""
    leader, follower = os.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    environment = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "NO_COLOR", "SEEKWIRE_INDEX")}
    environment.update({"PYTHONPATH": str(SRC), "TERM": "xterm", **(env or {})})
    process = subprocess.Popen([sys.executable, "-m", "seekwire", *args], stdin=follower, stdout=follower,
                               stderr=follower, env=environment, close_fds=True)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    return process.wait(timeout=120), b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


def piped(args: list[str], env: dict) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "NO_COLOR", "SEEKWIRE_INDEX")}
    return subprocess.run([sys.executable, "-m", "seekwire", *args], capture_output=True, text=True, check=False,
                          env={**environment, "PYTHONPATH": str(SRC), **env})


@pytest.fixture
def index_args(indexed, index_dir: Path) -> list[str]:
    return ["--index", str(index_dir)]


def table_lines(printed: str) -> list[str]:
    """The table's lines, without the stderr summary that shares the terminal."""
    return [ANSI.sub("", line) for line in printed.splitlines() if line.strip() and "documents" not in line]


@pytest.mark.parametrize("columns", [60, 80, 120])
def test_the_table_fits_the_terminal_and_keeps_words_whole(index_args: list[str], columns: int) -> None:
    code, printed = in_terminal(["query", "coopération Kazakhstan", *index_args], columns)
    lines = table_lines(printed)
    assert code == 0 and lines[0].split()[:4] == ["#", "date", "agency", "title"]
    assert max(map(len, lines)) <= columns
    title = "La Chine souhaite renforcer la coopération institutionnelle avec le Kazakhstan"
    assert set(title.split()) <= set(" ".join(lines).split())
    assert BOLD in printed  # a terminal gets bold, without being asked


def test_a_wider_terminal_gets_a_wider_table(index_args: list[str]) -> None:
    narrow = table_lines(in_terminal(["query", "Kazakhstan", *index_args], 80)[1])
    wide = table_lines(in_terminal(["query", "Kazakhstan", *index_args], 200)[1])
    assert max(map(len, wide)) > 150 and len(wide) < len(narrow)


def test_columns_is_honoured_in_a_pipe(index_args: list[str]) -> None:
    for columns in (70, 160):
        done = piped(["query", "Kazakhstan", "--format", "table", *index_args], {"COLUMNS": str(columns)})
        lines = done.stdout.splitlines()
        assert done.returncode == 0 and columns - 10 <= max(map(len, lines)) <= columns


@pytest.mark.parametrize(("env", "option", "bold"), [
    ({}, [], True), ({"NO_COLOR": "1"}, [], False), ({}, ["--color", "never"], False),
    ({"NO_COLOR": "1"}, ["--color", "always"], True),
])
def test_colour_on_a_terminal(index_args: list[str], env: dict, option: list[str], bold: bool) -> None:
    code, printed = in_terminal(["query", "Kazakhstan", *option, *index_args], 100, env)
    assert code == 0 and (BOLD in printed) == bold


def test_colour_always_reaches_a_pager_but_never_json(index_args: list[str]) -> None:
    table = piped(["query", "Kazakhstan", "--format", "table", "--color", "always", *index_args], {})
    assert table.returncode == 0 and f"{BOLD}Kazakhstan{RESET}" in table.stdout
    assert "\x1b" not in piped(["query", "Kazakhstan", "--format", "table", *index_args], {}).stdout
    for fmt in ("json", "jsonl", "csv"):
        done = piped(["query", "Kazakhstan", "--format", fmt, "--color", "always", *index_args], {})
        assert done.returncode == 0 and "\x1b" not in done.stdout


def test_show_on_a_terminal_is_text_wrapped_to_its_width(index_args: list[str]) -> None:
    code, printed = in_terminal(["show", "000", *index_args], 72)
    lines = [ANSI.sub("", line) for line in printed.splitlines()]
    assert code == 0 and not printed.lstrip().startswith("{")
    assert lines[1].split() == ["id", "000_8d1a7445dcdafbbb"]  # after the note saying how "000" was read
    assert max(map(len, lines)) <= 72 and len(lines) > 30
    assert f"{BOLD}La Chine souhaite" in printed


WORDS = st.lists(st.text(alphabet="abcdéœ-'", min_size=1, max_size=30), min_size=1, max_size=30)


@given(words=WORDS, width=st.integers(min_value=5, max_value=60), data=st.data())
def test_wrapping_never_breaks_a_word_that_fits_and_keeps_every_highlight(words: list[str], width: int,
                                                                          data: st.DataObject) -> None:
    text = " ".join(words)
    starts = [sum(len(w) + 1 for w in words[:i]) for i in range(len(words))]
    chosen = data.draw(st.sets(st.integers(min_value=0, max_value=len(words) - 1)))
    spans = [(starts[i], starts[i] + len(words[i])) for i in sorted(chosen)]
    lines = wrap(text, spans, width, True).split("\n")
    plain = [line.replace(BOLD, "").replace(RESET, "") for line in lines]
    assert all(len(line) <= width for line in plain)
    assert " ".join(plain).split() == [piece for w in words for piece in _pieces(w, width)]
    bold = re.findall(f"{re.escape(BOLD)}(.*?){re.escape(RESET)}", "\n".join(lines), flags=re.DOTALL)
    assert "".join(bold) == "".join(words[i] for i in sorted(chosen))


def _pieces(word: str, width: int) -> list[str]:
    """A word as wrapping shows it: whole when it fits a line, else cut in lines' lengths."""
    return [word[i : i + width] for i in range(0, len(word), width)]


def test_indexing_says_when_it_loads_the_language_model(seeds: Path, tmp_path: Path) -> None:
    pytest.importorskip("spacy")
    from seekwire.extract.entities import LOADING, ModelNotInstalled, installed_model

    try:
        installed_model()
    except ModelNotInstalled:
        pytest.skip("no French spaCy model installed")
    code, printed = in_terminal(["index", str(seeds), "--index", str(tmp_path / "index")], 100)
    assert code == 0 and LOADING in printed
    assert printed.rindex("indexing") > printed.index(LOADING)  # the bar says "indexing" again after
    quiet = piped(["index", str(seeds), "--index", str(tmp_path / "other")], {})
    assert quiet.returncode == 0 and LOADING not in quiet.stderr  # no talk in a pipe
