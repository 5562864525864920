"""Reading inputs: which files to index, how to decode them, how JSONL records become articles.

Crawl folders are messy: pages in UTF-8, UTF-8 with a BOM, Windows-1252 or UTF-16, CRLF endings, stray
binaries with a .txt name, broken JSON lines. Every problem here is a `Skip` (a path and a reason) that the
indexer reports and counts; nothing in this module ends a run.
"""

from __future__ import annotations

import codecs
import datetime as dt
import gzip
import hashlib
import json
import os
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from seekwire.article import Article
from seekwire.extract import parse_page
from seekwire.results import Skip

PAGE_SUFFIXES = (".txt",)
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz")
# A JSONL line longer than this is skipped rather than parsed: it cannot be an article we can show.
MAX_JSONL_LINE = 32 * 1024 * 1024


@dataclass(frozen=True)
class Source:
    """One input file: `key` is its absolute path (stable across working directories), `shown` the path as the
    user named it."""

    key: str
    shown: str

    @property
    def is_jsonl(self) -> bool:
        return self.key.endswith(JSONL_SUFFIXES)


def input_kind(name: str) -> bool:
    """True when a file name is one seekwire reads."""
    return name.endswith(PAGE_SUFFIXES + JSONL_SUFFIXES)


def walk(paths: Iterable[str | os.PathLike]) -> tuple[list[Source], list[str], list[Skip]]:
    """Expand the paths to index into sources, sorted within each directory.

    Returns the sources, the absolute directories that were walked (a source that was in one of them and is
    gone has been deleted), and the paths that could not be used.
    """
    sources: dict[str, Source] = {}
    roots: list[str] = []
    skipped: list[Skip] = []
    for given in paths:
        shown = os.fspath(given)
        key = os.path.abspath(shown)
        if os.path.isdir(key):
            roots.append(key)
            for source in _walk_dir(key, shown, skipped):
                sources.setdefault(source.key, source)
        elif os.path.isfile(key):
            sources.setdefault(key, Source(key, shown))
        elif os.path.lexists(key):
            skipped.append(Skip(shown, "not a regular file or directory (broken link?)"))
        else:
            skipped.append(Skip(shown, "no such file or directory"))
    return list(sources.values()), roots, skipped


def _walk_dir(root: str, shown_root: str, skipped: list[Skip]) -> Iterator[Source]:
    seen: set[str] = set()

    def onerror(error: OSError) -> None:
        skipped.append(Skip(error.filename or shown_root, f"cannot list directory: {error.strerror}"))

    for dirpath, dirnames, filenames in os.walk(root, followlinks=True, onerror=onerror):
        real = os.path.realpath(dirpath)
        if real in seen:
            dirnames[:] = []
            skipped.append(Skip(_shown(dirpath, root, shown_root), "directory link loop, not followed again"))
            continue
        seen.add(real)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith(".") or not input_kind(name):
                continue
            path = os.path.join(dirpath, name)
            if not os.path.isfile(path):
                skipped.append(Skip(_shown(path, root, shown_root), "broken link"))
                continue
            yield Source(path, _shown(path, root, shown_root))


def _shown(path: str, root: str, shown_root: str) -> str:
    return os.path.join(shown_root, os.path.relpath(path, root))


def fingerprint(data: bytes) -> str:
    """A digest of a file's bytes: a touched but unchanged file is not re-indexed."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


class NotText(ValueError):
    """The bytes are not a text page."""


def decode(data: bytes) -> str:
    """Decode a page: UTF-8 (with or without BOM), UTF-16 with a BOM, else Windows-1252; `\\n` line endings.

    Raises NotText for binary data (NUL bytes outside UTF-16, or mostly control characters).
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise NotText("invalid UTF-16") from error
    elif b"\x00" in data:
        raise NotText("binary file (NUL bytes)")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            # Windows-1252 leaves five bytes undefined; Latin-1 gives them a character instead of failing.
            text = data.decode("cp1252", errors="ignore") if _is_cp1252(data) else data.decode("latin-1")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _looks_binary(text):
        raise NotText("binary file (control characters)")
    return text


def _is_cp1252(data: bytes) -> bool:
    return not any(byte in data for byte in (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d"))


def _looks_binary(text: str) -> bool:
    sample = text[:8192]
    if not sample:
        return False
    control = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\t\f\v")
    return control / len(sample) > 0.05


def page_id(source: Source) -> str:
    """The id of a page file: its name without the extension."""
    return Path(source.key).name.removesuffix(".txt")


def read_page(source: Source, data: bytes, mtime: float) -> Article:
    """Decode and extract one page file. Raises NotText."""
    text = decode(data)
    if not text.strip():
        raise NotText("empty page")
    return parse_page(text, doc_id=page_id(source), path=source.shown, mtime=mtime)


def read_jsonl(source: Source, data: bytes) -> Iterator[Article | Skip]:
    """Parse a JSON Lines file (gzip-compressed when it ends in .gz), one article per line.

    A bad line is a Skip naming its line number; the rest of the file is still read. A truncated gzip stream
    yields the lines before the damage and then a Skip.
    """
    try:
        lines = _jsonl_lines(source, data)
        for number, line in enumerate(lines, start=1):
            where = f"{source.shown}:{number}"
            if not line.strip():
                continue
            if len(line) > MAX_JSONL_LINE:
                yield Skip(where, f"line longer than {MAX_JSONL_LINE // (1024 * 1024)} MiB")
                continue
            try:
                yield article_from_record(json.loads(line), source.shown)
            except (ValueError, TypeError) as error:
                yield Skip(where, f"bad record: {error}")
    except (OSError, EOFError, zlib.error) as error:
        yield Skip(source.shown, f"unreadable compressed data: {error}")


def _jsonl_lines(source: Source, data: bytes) -> Iterator[bytes]:
    if source.key.endswith(".gz"):
        with gzip.GzipFile(fileobj=_BytesReader(data)) as stream:
            yield from stream
    else:
        yield from data.splitlines()


class _BytesReader:
    """The smallest file object GzipFile needs, without copying the bytes."""

    def __init__(self, data: bytes):
        self._view = memoryview(data)
        self._pos = 0

    def read(self, size: int = -1) -> bytes:
        end = len(self._view) if size < 0 else min(len(self._view), self._pos + size)
        chunk = self._view[self._pos : end].tobytes()
        self._pos = end
        return chunk


def article_from_record(record: object, shown: str) -> Article:
    """Build an article from one decoded JSONL record. Raises ValueError or TypeError on a bad record."""
    if not isinstance(record, dict):
        raise TypeError("a line must be a JSON object")
    doc_id = _text(record, "id", required=True)
    title = _text(record, "title") or ""
    body = _text(record, "body") or ""
    if not (title.strip() or body.strip()):
        raise ValueError("no title and no body")
    agencies = record.get("agencies")
    if agencies is None:
        agency = _text(record, "agency")
        agencies = [agency] if agency else []
    elif not (isinstance(agencies, list) and all(isinstance(a, str) for a in agencies)):
        raise TypeError("'agencies' must be a list of strings")
    date, time = parse_record_date(record.get("date"))
    return Article(
        id=doc_id,
        path=shown,
        title=title.strip(),
        body=body.strip(),
        lede=(_text(record, "lede") or "").strip() or None,
        date=date,
        time=time,
        date_source="text" if date else None,
        agencies=[a.strip() for a in agencies if a.strip()],
        publisher=_text(record, "publisher"),
        url=_text(record, "url"),
    )


def _text(record: dict, key: str, required: bool = False) -> str | None:
    value = record.get(key)
    if value is None:
        if required:
            raise ValueError(f"missing {key!r}")
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool) and key == "id":
        return str(value)
    if not isinstance(value, str):
        raise TypeError(f"{key!r} must be a string")
    if required and not value.strip():
        raise ValueError(f"empty {key!r}")
    return value.strip() if required else value


def parse_record_date(value: object) -> tuple[dt.date | None, str | None]:
    """`YYYY-MM-DD` or an ISO datetime -> (date, "HH:MM" or None). Raises ValueError, TypeError."""
    if value is None or value == "":
        return None, None
    if not isinstance(value, str):
        raise TypeError("'date' must be a string")
    text = value.strip()
    if len(text) == 10:
        return dt.date.fromisoformat(text), None
    moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment.date(), moment.strftime("%H:%M")
