"""Reading inputs: which files to index, how to decode them, how JSONL records become articles.

Crawl folders are messy: pages in UTF-8, UTF-8 with a BOM, Windows-1252 or UTF-16, CRLF endings, stray
binaries with a .txt name, FIFOs, link loops, broken JSON lines. Every problem here is a `Skip` (a path and a
reason) that the indexer reports and counts; nothing in this module ends a run.

Memory stays bounded whatever the input: files are hashed and parsed as streams, a JSONL line is read up to a
limit, and an article keeps at most MAX_TEXT characters of text. A news article is a few tens of kilobytes;
text beyond a megabyte is a dump or a mistake, and indexing it whole would only slow every query that hits it.
"""

from __future__ import annotations

import codecs
import datetime as dt
import errno
import gzip
import hashlib
import io
import json
import os
import re
import stat as stat_module
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from seekwire.article import Article
from seekwire.extract import Furniture, parse_page
from seekwire.extract.html import decode_html, parse_html, read_markup
from seekwire.extract.html import page_text as html_text
from seekwire.results import Skip
from seekwire.text import os_text, repair, without_controls

PAGE_SUFFIXES = (".txt",)
HTML_SUFFIXES = (".html", ".htm", ".html.gz")
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz")
MIB = 1024 * 1024
# A JSONL line longer than this is skipped rather than parsed: it cannot be an article we can show.
MAX_JSONL_LINE = 16 * MIB
# The most of a page file that is read, and of an article's body that is kept.
MAX_PAGE_BYTES = MIB
MAX_TEXT = MIB
# The most of a saved web page that is read (after decompression): scripts, styles and inline images make a
# page several times larger than its text, but beyond this it is a dump or a mistake like any other.
MAX_HTML_BYTES = 8 * MIB
CHUNK = MIB
# The openings of common binary formats, for files too regular to be caught by their control characters.
BINARY_SIGNATURES = {b"%PDF-": "PDF", b"\x89PNG": "PNG", b"GIF87a": "GIF", b"GIF89a": "GIF",
                     b"\xff\xd8\xff": "JPEG", b"\x7fELF": "ELF", b"PK\x03\x04": "zip", b"\x1f\x8b": "gzip",
                     b"\xfd7zXZ\x00": "xz", b"\xd0\xcf\x11\xe0": "OLE"}
# Above this share of NUL or control characters (C0 but tab, newline, vertical tab and form feed), bytes are
# not text.
BINARY_RATIO = 0.05
BINARY_CONTROL = re.compile(r"[\x00-\x08\x0d-\x1f]")


NOT_REGULAR = "not a regular file (a FIFO, socket or device)"


@dataclass(frozen=True)
class Source:
    """One input file: `key` is its real absolute path (the same however the file was reached, and stable
    across working directories), `shown` the path as the user named it, `reached` the absolute path it was
    reached by (through any links)."""

    key: str
    shown: str
    reached: str = ""

    @property
    def is_jsonl(self) -> bool:
        return self.key.endswith(JSONL_SUFFIXES)

    @property
    def is_html(self) -> bool:
        return self.key.lower().endswith(HTML_SUFFIXES)

    @property
    def read_limit(self) -> int | None:
        """How many bytes of the file are ever read (and fingerprinted): all of a JSONL file."""
        if self.is_jsonl:
            return None
        return (MAX_HTML_BYTES if self.is_html else MAX_PAGE_BYTES) + 1

    @property
    def term(self) -> str:
        """The file's name in the index: its key as text that can always be encoded."""
        return os_text(self.key)


def input_kind(name: str) -> bool:
    """True when a file name is one seekwire reads."""
    return name.endswith(PAGE_SUFFIXES + JSONL_SUFFIXES) or name.lower().endswith(HTML_SUFFIXES)


def walk(paths: Iterable[str | os.PathLike], is_index: Callable[[str], bool] = lambda path: False
         ) -> tuple[list[Source], list[str], list[Skip]]:
    """Expand the paths to index into sources, sorted within each directory.

    A file reached twice (named twice, through a link, or under a linked directory) is one source. Directories
    for which `is_index` is true are never walked: an index is not an input, even inside a tree being indexed.
    Returns the sources, the absolute directories that were walked, as given and resolved (a source that was
    in one of them and is gone has been deleted), and the paths that could not be used.
    """
    sources: dict[tuple[int, int], Source] = {}
    roots: list[str] = []
    skipped: list[Skip] = []
    for given in paths:
        shown = os_text(os.fspath(given))
        path = os.path.abspath(os.fspath(given))
        if os.path.isdir(path):
            if is_index(path):
                skipped.append(Skip(shown, "an index directory, never indexed"))
                continue
            roots += [path, os.path.realpath(path)]
            for identity, source in _walk_dir(path, shown, skipped, is_index):
                sources.setdefault(identity, source)
        elif os.path.isfile(path):
            status = os.stat(path)
            sources.setdefault((status.st_dev, status.st_ino), Source(os.path.realpath(path), shown, path))
        elif os.path.lexists(path):
            try:
                os.stat(path)
            except OSError as error:
                reason = _stat_failure(error)
            else:
                reason = NOT_REGULAR
            skipped.append(Skip(shown, reason))
        else:
            skipped.append(Skip(shown, "no such file or directory"))
    return list(sources.values()), list(dict.fromkeys(roots)), list(dict.fromkeys(skipped))


def _walk_dir(root: str, shown_root: str, skipped: list[Skip], is_index: Callable[[str], bool]
              ) -> Iterator[tuple[tuple[int, int], Source]]:
    """Depth first, names sorted, links followed once; an explicit stack, so no recursion limit on depth.
    Yields each file's identity (device, inode) with its source."""
    seen: set[tuple[int, int]] = set()
    top = os.stat(root)
    stack = [(root, (top.st_dev, top.st_ino))]
    while stack:
        directory, identity = stack.pop()
        shown = _shown(directory, root, shown_root)
        if identity in seen:
            skipped.append(Skip(shown, "directory link loop, not followed again"))
            continue
        seen.add(identity)
        if directory != root and is_index(directory):
            continue
        try:
            with os.scandir(directory) as entries:
                names = sorted((entry.name, entry.is_symlink()) for entry in entries if not entry.name.startswith("."))
        except OSError as error:
            skipped.append(Skip(shown, f"cannot list directory: {error.strerror}"))
            continue
        real = os.path.realpath(directory)
        subdirectories = []
        for name, link in names:
            path = os.path.join(directory, name)
            try:
                status = os.stat(path)
            except OSError as error:
                if input_kind(name):
                    skipped.append(Skip(_shown(path, root, shown_root), _stat_failure(error)))
                continue
            mode = status.st_mode
            if stat_module.S_ISDIR(mode):
                subdirectories.append((path, (status.st_dev, status.st_ino)))
            elif not input_kind(name):
                continue
            elif stat_module.S_ISREG(mode):
                key = os.path.realpath(path) if link else os.path.join(real, name)
                yield (status.st_dev, status.st_ino), Source(key, _shown(path, root, shown_root), path)
            else:
                skipped.append(Skip(_shown(path, root, shown_root), NOT_REGULAR))
        stack.extend(reversed(subdirectories))


def _stat_failure(error: OSError) -> str:
    return "broken link" if error.errno == errno.ENOENT else f"cannot read: {error.strerror}"


def _shown(path: str, root: str, shown_root: str) -> str:
    return os.path.join(shown_root, os_text(os.path.relpath(path, root)))


def fingerprint(data: bytes) -> str:
    """A digest of some bytes: a touched but unchanged file is not re-indexed."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def open_input(path: str) -> BinaryIO:
    """Open an input file for reading, refusing anything but a regular file.

    O_NONBLOCK keeps a FIFO that took the place of a file from blocking the run. Raises OSError, NotText.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        if not stat_module.S_ISREG(os.fstat(fd).st_mode):
            raise NotText(NOT_REGULAR)
        os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    # Outside the handler: once the file object exists it owns the descriptor, and closing it a second time
    # (an interrupt landing just after) would turn the interrupt into a "bad file descriptor" skip.
    return os.fdopen(fd, "rb")


def file_fingerprint(handle: BinaryIO, limit: int | None = None) -> str:
    """The fingerprint of a file, read in chunks, or of its first `limit` bytes (for a page, all that is ever
    read of it: a huge file is not read whole on every run); leaves the handle at its start."""
    digest = hashlib.blake2b(digest_size=16)
    left = limit
    while chunk := handle.read(CHUNK if left is None else min(CHUNK, left)):
        digest.update(chunk)
        if left is not None:
            left -= len(chunk)
            if not left:
                break
    handle.seek(0)
    return digest.hexdigest()


class NotText(ValueError):
    """The bytes are not a text page."""


def decode(data: bytes, complete: bool = True) -> str:
    """Decode a page: UTF-8 (with or without BOM), UTF-16 with a BOM, else Windows-1252; `\\n` line endings.

    `complete` is False when `data` is the start of a longer file: a character cut in two at its end is
    dropped. A few stray NUL bytes in a text are dropped too. Raises NotText for binary data: the opening of
    a known binary format, or too many NULs and control characters.
    """
    utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if not utf16 and data.count(b"\x00") > len(data) * BINARY_RATIO:
        raise NotText("binary file (NUL bytes)")
    for signature, kind in BINARY_SIGNATURES.items():
        if data.startswith(signature):
            raise NotText(f"binary file ({kind})")
    if utf16:
        try:
            text = _decode(data, "utf-16", complete)
        except UnicodeDecodeError as error:
            raise NotText("invalid UTF-16") from error
    else:
        data = data.replace(b"\x00", b"")
        try:
            text = _decode(data, "utf-8-sig", complete)
        except UnicodeDecodeError:
            # Windows-1252 leaves five bytes undefined; Latin-1 gives them a character instead of failing.
            text = data.decode("cp1252", errors="ignore") if _is_cp1252(data) else data.decode("latin-1")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _looks_binary(text):
        raise NotText("binary file (control characters)")
    return without_controls(text)


def _decode(data: bytes, encoding: str, complete: bool) -> str:
    return codecs.getincrementaldecoder(encoding)().decode(data, final=complete)


def _is_cp1252(data: bytes) -> bool:
    return not any(byte in data for byte in (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d"))


def _looks_binary(text: str) -> bool:
    sample = text[:8192]
    if not sample:
        return False
    return len(BINARY_CONTROL.findall(sample)) / len(sample) > BINARY_RATIO


def page_id(source: Source) -> str:
    """The id of a page file: its name without the extension (bytes that are not UTF-8 written `\\xNN`)."""
    name = Path(source.key).name
    for suffix in (".txt", *HTML_SUFFIXES):
        if name.lower().endswith(suffix):
            return os_text(name[: -len(suffix)])
    return os_text(name)


def read_page(source: Source, data: bytes, mtime: float, complete: bool = True,
              furniture: Furniture | None = None) -> Article:
    """Decode and extract one page file (`complete` False: `data` is only its start), with the furniture
    learned from its collection if any. Raises NotText."""
    text = decode(data, complete)
    if not text.strip():
        raise NotText("empty page")
    return parse_page(text, doc_id=page_id(source), path=source.shown, mtime=mtime, furniture=furniture)


def read_html(source: Source, data: bytes, mtime: float, complete: bool = True,
              furniture: Furniture | None = None) -> Article:
    """Decode and extract one saved web page (see `extract.html`). Raises NotText."""
    text = decode_html(data, lambda raw: decode(raw, complete))
    article = parse_html(text, doc_id=page_id(source), path=source.shown, mtime=mtime, furniture=furniture)
    if not (article.title.strip() or article.body.strip()):
        raise NotText("no text in the page")
    article.body = article.body[:MAX_TEXT]
    return article


def page_bytes(source: Source, handle: BinaryIO) -> tuple[bytes, bool]:
    """The bytes of a page file that are read, decompressed for `.html.gz`, and whether they are all of it.
    Raises NotText for a damaged compressed file."""
    limit = MAX_HTML_BYTES if source.is_html else MAX_PAGE_BYTES
    if source.key.lower().endswith(".gz"):
        try:
            data = gzip.GzipFile(fileobj=handle).read(limit + 1)
        except (OSError, EOFError, zlib.error) as error:
            raise NotText(f"unreadable compressed data: {error}") from error
    else:
        data = handle.read(limit + 1)
    return data[:limit], len(data) <= limit


def page_text(source: Source, handle: BinaryIO) -> str:
    """The text of a page file as site furniture is counted on it: for a web page, its visible text.
    Raises NotText."""
    data, complete = page_bytes(source, handle)
    if source.is_html:
        return html_text(read_markup(decode_html(data, lambda raw: decode(raw, complete))))
    return decode(data, complete)


def read_page_file(source: Source, handle: BinaryIO, mtime: float,
                   furniture: Furniture | None = None) -> Iterator[Article | Skip]:
    """The article of a page file, from at most MAX_PAGE_BYTES of it (MAX_HTML_BYTES of a web page), and a
    Skip when the page was cut or cannot be used."""
    if source.is_html:
        try:
            data, complete = page_bytes(source, handle)
            yield read_html(source, data, mtime, complete, furniture)
        except NotText as error:
            yield Skip(source.shown, str(error))
            return
        if not complete:
            yield Skip(source.shown, f"longer than {MAX_HTML_BYTES // MIB} MiB: only its start was indexed")
        return
    data = handle.read(MAX_PAGE_BYTES + 1)
    complete = len(data) <= MAX_PAGE_BYTES
    try:
        yield read_page(source, data[:MAX_PAGE_BYTES], mtime, complete, furniture)
    except NotText as error:
        yield Skip(source.shown, str(error))
        return
    if not complete:
        yield Skip(source.shown, f"longer than {MAX_PAGE_BYTES // MIB} MiB: only its start was indexed")


def read_jsonl(source: Source, data: bytes | BinaryIO) -> Iterator[Article | Skip]:
    """Parse JSON Lines (bytes or an open binary file; gzip-compressed when the name ends in .gz), one article
    per line.

    A bad line is a Skip naming its line number; the rest of the file is still read. A truncated gzip stream
    yields the lines before the damage and then a Skip. A body longer than MAX_TEXT is cut, with a Skip.
    """
    stream = io.BytesIO(data) if isinstance(data, bytes) else data
    compressed = source.key.endswith(".gz")
    try:
        if compressed:
            stream = gzip.GzipFile(fileobj=stream)
        for number, line in enumerate(_bounded_lines(stream, MAX_JSONL_LINE), start=1):
            where = f"{source.shown}:{number}"
            if line is None:
                yield Skip(where, f"line longer than {MAX_JSONL_LINE // MIB} MiB")
                continue
            if not line.strip():
                continue
            try:
                article = article_from_record(json.loads(line), source.shown)
            except (ValueError, TypeError, RecursionError) as error:
                yield Skip(where, f"bad record: {error}")
                continue
            if len(article.body) > MAX_TEXT:
                article.body = article.body[:MAX_TEXT]
                yield Skip(where, f"body longer than {MAX_TEXT // MIB} Mi characters: only its start kept")
            yield article
    except (OSError, EOFError, zlib.error) as error:
        if not compressed:
            raise
        yield Skip(source.shown, f"unreadable compressed data: {error}")


def _bounded_lines(stream: BinaryIO, limit: int) -> Iterator[bytes | None]:
    """The lines of a stream, each read whole only up to `limit` bytes: a longer line is passed over and
    stands as None."""
    while line := stream.readline(limit + 1):
        if len(line) <= limit or line.endswith(b"\n"):
            yield line
            continue
        while (rest := stream.readline(CHUNK)) and not rest.endswith(b"\n"):
            pass
        yield None


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
    agencies = [repair(a) for a in agencies]
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
        agencies=[a for a in (without_controls(a).strip() for a in agencies) if a],
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
    value = repair(value)
    if required and not value.strip():
        raise ValueError(f"empty {key!r}")
    return value.strip() if required else without_controls(value)


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
