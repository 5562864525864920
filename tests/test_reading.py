"""Reading inputs: decoding, walking directories, JSONL records."""

from __future__ import annotations

import codecs
import datetime as dt
import gzip
import json
import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from seekwire.reading import (
    BINARY_RATIO,
    NotText,
    Source,
    _looks_binary,
    article_from_record,
    decode,
    read_jsonl,
    walk,
)
from seekwire.results import Skip

PAGE = "Titre de l'article\n\nLe corps de l'article, avec des accents : é à ç œ.\n"


@pytest.mark.parametrize(
    "data",
    [
        PAGE.encode("utf-8"),
        codecs.BOM_UTF8 + PAGE.encode("utf-8"),
        PAGE.encode("cp1252"),
        PAGE.replace("\n", "\r\n").encode("utf-8"),
        PAGE.encode("utf-16"),
    ],
    ids=["utf-8", "utf-8-bom", "cp1252", "crlf", "utf-16"],
)
def test_decode_gives_the_same_text_for_every_encoding(data: bytes) -> None:
    assert decode(data) == PAGE


def test_cp1252_punctuation_is_decoded() -> None:
    assert decode("l’été — «oui»".encode("cp1252")) == "l’été — «oui»"


@pytest.mark.parametrize("data", [b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", b"\x7fELF\x02\x01\x01\x00" * 50,
                                  bytes(range(1, 32)) * 100])
def test_binary_data_is_not_text(data: bytes) -> None:
    with pytest.raises(NotText):
        decode(data)


@given(st.text(alphabet=st.sampled_from([*map(chr, range(33)), "é", "\x7f"]), min_size=1, max_size=200))
def test_binary_is_a_share_of_the_controls_text_never_has(text: str) -> None:
    control = sum(1 for char in text if ord(char) < 32 and char not in "\n\t\f\v")
    assert _looks_binary(text) == (control / len(text) > BINARY_RATIO)


def test_walk_sorts_filters_and_reports_missing_paths(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    for name in ["b/2.txt", "1.txt", "b/0.jsonl", "skip.png", ".hidden.txt", "c.jsonl.gz"]:
        (tmp_path / name).write_text("x")
    os.symlink(tmp_path / "nowhere", tmp_path / "dangling.txt")
    os.symlink(tmp_path, tmp_path / "b" / "loop")
    sources, roots, skipped = walk([tmp_path, tmp_path / "missing"])
    assert [Path(s.key).relative_to(tmp_path).as_posix() for s in sources] == [
        "1.txt", "c.jsonl.gz", "b/0.jsonl", "b/2.txt"]
    assert roots == [str(tmp_path)]
    reasons = {Path(s.path).name: s.reason for s in skipped}
    assert reasons["missing"] == "no such file or directory"
    assert reasons["dangling.txt"] == "broken link"
    assert "loop" in reasons


def test_jsonl_bad_lines_are_reported_with_their_numbers(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "a", "title": "Un", "body": "corps", "date": "2023-11-28", "agency": "AFP"}),
        "{not json",
        json.dumps({"title": "sans id"}),
        json.dumps({"id": "b", "title": 3}),
        "",
        json.dumps({"id": "c", "title": "Deux", "body": "x", "date": "2023-11-28T08:34:00Z",
                    "agencies": ["Xinhua", "VNA"], "extra": {"ignored": True}}),
        json.dumps({"id": "d", "title": "Trois", "date": "28/11/2023"}),
    ]
    path = tmp_path / "a.jsonl"
    path.write_text("\n".join(lines))
    items = list(read_jsonl(Source(str(path), "a.jsonl"), path.read_bytes()))
    articles = [i for i in items if not isinstance(i, Skip)]
    skips = [i for i in items if isinstance(i, Skip)]
    assert [a.id for a in articles] == ["a", "c"]
    assert [s.path for s in skips] == ["a.jsonl:2", "a.jsonl:3", "a.jsonl:4", "a.jsonl:7"]
    assert articles[0].agencies == ["AFP"] and articles[0].date == dt.date(2023, 11, 28)
    assert articles[1].agencies == ["Xinhua", "VNA"] and articles[1].time == "08:34"


def test_truncated_gzip_keeps_the_lines_before_the_damage(tmp_path: Path) -> None:
    records = [json.dumps({"id": str(n), "title": f"titre {n}", "body": "mot " * 200}) for n in range(200)]
    data = gzip.compress("\n".join(records).encode())
    items = list(read_jsonl(Source("/x/a.jsonl.gz", "a.jsonl.gz"), data[: len(data) // 2]))
    assert isinstance(items[-1], Skip) and items[-1].path == "a.jsonl.gz"
    assert 0 < len(items) - 1 < 200


def test_record_with_lede_url_and_publisher() -> None:
    article = article_from_record({"id": 7, "title": " T ", "body": "B", "lede": "L", "url": "u",
                                   "publisher": "P"}, "f.jsonl")
    assert (article.id, article.title, article.lede, article.url, article.publisher) == ("7", "T", "L", "u", "P")
