"""The index directory on disk: generations, the current pointer, the writer lock and the manifest.

    index/
      .seekwire-index    the marker: this directory is a seekwire index (written when seekwire creates it)
      .lock              held (flock) by the one process writing; the kernel drops it if that process dies
      current -> gen-3   the generation readers open; replaced atomically by a rename
      gen-3/             a Whoosh index, plus seekwire.json (schema version) and manifest.json

Every run that changes something writes a new generation and only then points `current` at it. A full
rebuild starts from an empty one; an incremental run starts from a copy of the current one made of hard links
(Whoosh never rewrites a segment file: a commit adds segments and a new table of contents, and merging deletes
files, which only drops the copy's links). So a reader never sees a half-written index, a run killed at any
moment leaves the previous index untouched, and the manifest always describes exactly the index beside it.

The manifest records, for every indexed file, its size, mtime, content digest and document ids.

seekwire never owns what it did not create: a directory becomes an index only when it is new or empty (the
marker is then written first), and only generations seekwire numbered and marked (`gen-N/` holding
seekwire.json) are ever removed. A non-empty directory without the marker is refused, so `--index ~/notes` cannot
cost anyone their notes. Indexes built before the marker existed are recognised by their layout and adopted.

Whoosh opens every segment file when a reader is created, so a searcher opened before a run keeps answering
from its generation even after that generation is deleted.
"""

from __future__ import annotations

import errno
import fcntl
import gc
import json
import os
import pickle
import re
import shutil
import struct
import time
import warnings
import zlib
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import whoosh
from whoosh import index as whoosh_index
from whoosh.filedb.filestore import StorageError
from whoosh.filedb.filetables import FileFormatError
from whoosh.reading import IndexReader
from whoosh.searching import Searcher as WhooshSearcher

import seekwire.engine
from seekwire.engine.files import MappedStorage
from seekwire.errors import (
    CorruptIndexError,
    ForeignDirectoryError,
    IndexLockedError,
    NoIndexError,
    SchemaMismatchError,
    SeekwireError,
)
from seekwire.schema import SCHEMA_VERSION, build_schema

MARKER = ".seekwire-index"
MARKER_TEXT = "This directory is a seekwire index: seekwire rewrites and removes what it holds.\n"
LOCK = ".lock"
CURRENT = "current"
META = "seekwire.json"
MANIFEST = "manifest.json"
# The size of every file of a published generation's Whoosh index: a file truncated or lost since is found on
# opening, whichever command opens it, not when a query first reads the damaged part, or never.
FILES = "files.json"
# In the root of a sharded index (see `shards`): its shards, their documents and the versions that built them.
SHARDS = "shards.json"
GENERATION_PREFIX = "gen-"
GENERATION = re.compile(r"gen-[0-9]+")
# Whoosh's own writer lock inside a generation: an flock too, never carried into a copy.
WHOOSH_LOCK = "MAIN_WRITELOCK"
# How the files of Whoosh's index (named MAIN) begin: segment files and the table of contents.
WHOOSH_FILES = ("MAIN_", "_MAIN_")

# What reading damaged Whoosh files raises: a truncated or missing segment, a garbled table of contents or
# posting list surfaces as any of these, at open time or later, when the damaged part is first read. Except
# for OSError, they mean damage only when raised within Whoosh or the engine's readers (`_from_reading`).
READ_ERRORS = (OSError, EOFError, ValueError, KeyError, IndexError, TypeError, AttributeError, OverflowError,
               MemoryError, struct.error, zlib.error, pickle.UnpicklingError, whoosh_index.IndexError,
               FileFormatError, StorageError)
# What writing to a full disk or a read-only place raises.
WRITE_ERRNOS = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EACCES, errno.EPERM, errno.ENOTDIR)


def current_generation(index_dir: str | os.PathLike) -> Path:
    """The generation directory readers should open. Raises NoIndexError, CorruptIndexError."""
    root = Path(index_dir)
    pointer = root / CURRENT
    if not pointer.is_symlink():
        if any(root.glob("*.toc")):
            raise SchemaMismatchError(
                f"index at {root} was built by an older seekwire — run `seekwire index --rebuild PATH` to "
                "rebuild it"
            )
        if root.is_dir() and any(root.glob(GENERATION_PREFIX + "*")):
            # Generations but no pointer: the first build was interrupted before it finished.
            raise NoIndexError(f"no finished index at {root} — run `seekwire index PATH` to build it")
        raise NoIndexError(f"no index at {root} — run `seekwire index PATH` first")
    generation = root / os.readlink(pointer)
    if not generation.is_dir():
        raise CorruptIndexError(
            f"index at {root} points at a missing {generation.name}/ — run `seekwire index --rebuild PATH`"
        )
    return generation


def current_generations(index_dir: str | os.PathLike) -> list[Path]:
    """The generations readers open: the current one, or each shard's for a sharded index."""
    if (Path(index_dir) / SHARDS).exists():
        from seekwire import shards

        return shards.current_generations(index_dir)
    return [current_generation(index_dir)]


def check_generation(generation: Path) -> None:
    """Refuse an index written under another schema version, and one whose files changed since it was
    published."""
    check_schema(generation)
    try:
        sizes = json.loads((generation / FILES).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return  # published before sizes were recorded
    except (OSError, ValueError) as error:
        raise CorruptIndexError(
            f"index at {generation.parent} is unreadable ({error}) — run `seekwire index --rebuild PATH`"
        ) from None
    for name, size in sizes.items():
        try:
            found = (generation / name).stat().st_size
        except FileNotFoundError:
            found = None
        if found != size:
            what = "is missing" if found is None else f"has {found} bytes instead of {size}"
            raise CorruptIndexError(f"index at {generation.parent} is damaged ({name} {what}) — run "
                                    "`seekwire index --rebuild PATH` to rebuild it")


def check_schema(generation: Path) -> None:
    """Refuse an index written under another schema version."""
    try:
        meta = json.loads((generation / META).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CorruptIndexError(
            f"index at {generation.parent} is incomplete (no {META}) — run `seekwire index --rebuild PATH`"
        ) from None
    except (OSError, ValueError) as error:
        raise CorruptIndexError(
            f"index at {generation.parent} is unreadable ({error}) — run `seekwire index --rebuild PATH`"
        ) from None
    found = meta.get("schema_version") if isinstance(meta, dict) else None
    if found != SCHEMA_VERSION:
        raise SchemaMismatchError(
            f"index at {generation.parent} was built with schema version {found}, this seekwire uses "
            f"{SCHEMA_VERSION} — run `seekwire index --rebuild PATH` to rebuild it"
        )


class IndexErrors:
    """A reusable `with` block around reads of the index: their errors become one SeekwireError that names
    the fix.

    A full disk or a read-only directory is said so; an I/O error, or one of READ_ERRORS raised while Whoosh
    (or seekwire.engine) reads its files, means they are damaged (CorruptIndexError). The same types raised
    by seekwire's own code in the block (a KeyError in the facets, a TypeError in a snippet) are bugs, and
    pass through as they are: the CLI reports them as internal errors, never as a damaged index.
    """

    def __init__(self, index_dir: str | os.PathLike):
        self.index_dir = index_dir

    def __enter__(self) -> IndexErrors:
        return self

    def __exit__(self, kind: type | None, error: BaseException | None, traceback: object) -> None:
        if not isinstance(error, READ_ERRORS) or not (isinstance(error, OSError) or _from_reading(error)):
            return
        if isinstance(error, OSError) and error.errno in WRITE_ERRNOS:
            raise unwritable(self.index_dir, error) from None
        raise _damaged(self.index_dir, error) from None


_READERS = tuple(os.path.dirname(module.__file__) + os.sep for module in (whoosh, seekwire.engine))


def _from_reading(error: BaseException) -> bool:
    """Whether the error was raised inside Whoosh or seekwire.engine (it passed through one of their frames)."""
    frame = error.__traceback__
    while frame is not None:
        if frame.tb_frame.f_code.co_filename.startswith(_READERS):
            return True
        frame = frame.tb_next
    return False


def unwritable(index_dir: str | os.PathLike, error: OSError) -> SeekwireError:
    return SeekwireError(f"cannot write to the index at {index_dir} ({error.strerror}) — free some space, "
                         "check its permissions, or give another --index")


def _damaged(index_dir: str | os.PathLike, error: BaseException) -> CorruptIndexError:
    kind = type(error).__name__
    if kind == "error":  # zlib.error, struct.error
        kind = f"{type(error).__module__}.error"
    detail = f"{kind}: {error}" if str(error) else kind
    _release(error)
    return CorruptIndexError(
        f"index at {index_dir} is damaged ({detail}) — run `seekwire index --rebuild PATH` to rebuild it"
    )


def _release(error: BaseException) -> None:
    """Close, quietly and now, the files Whoosh had opened before it failed.

    Whoosh does not close the segments it opened when a later one fails; they stay reachable from the
    traceback and would be reported as leaked whenever the collector got to them.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        error.__traceback__ = None
        gc.collect()


def open_index(generation: Path) -> whoosh_index.Index:
    """Open the Whoosh index of a generation, with the schema built in code. Raises CorruptIndexError."""
    with IndexErrors(generation.parent):
        return whoosh_index.open_dir(os.fspath(generation), schema=build_schema())


def open_searcher(index_dir: str | os.PathLike, **options: object) -> WhooshSearcher:
    """A Whoosh searcher over the current generation (of every shard, for a sharded index), every segment
    file already open. Raises NoIndexError, SchemaMismatchError, CorruptIndexError."""
    if (Path(index_dir) / SHARDS).exists():
        from seekwire import shards  # each shard is an index of this module's layout

        return WhooshSearcher(shards.open_reader(index_dir), **options)
    return WhooshSearcher(open_reader(index_dir), **options)


def open_reader(index_dir: str | os.PathLike) -> IndexReader:
    """A reader of the current generation, every segment file already open.

    A run may publish a new generation (and delete an older one) between reading `current` and opening its
    files; opening again from the new pointer then succeeds. Raises NoIndexError, SchemaMismatchError,
    CorruptIndexError.
    """
    generation = current_generation(index_dir)
    while True:
        check_generation(generation)
        try:
            with IndexErrors(index_dir):
                return MappedStorage(os.fspath(generation)).open_index(schema=build_schema()).reader()
        except CorruptIndexError:
            newer = current_generation(index_dir)
            if newer == generation:
                raise
            generation = newer


def claim(index_dir: str | os.PathLike) -> None:
    """Make sure `index_dir` is seekwire's to write: create it (or take it while empty) and mark it, or refuse.

    A directory that holds anything and carries no marker belongs to someone else, unless it has the layout
    of an index written before the marker existed. Raises ForeignDirectoryError, or the unwritable error.
    """
    root = Path(index_dir)
    try:
        root.mkdir(parents=True, exist_ok=True)
        if (root / MARKER).is_file():
            return
        with os.scandir(root) as entries:
            names = [entry.name for entry in entries]
        if names and not _older_index(root, names):
            raise ForeignDirectoryError(
                f"{root} is not empty and is not a seekwire index — seekwire never writes into a directory it "
                "did not create: give an empty or new directory with --index"
            )
        with open(root / MARKER, "w", encoding="utf-8") as handle:
            handle.write(MARKER_TEXT)
    except OSError as error:
        raise unwritable(index_dir, error) from None


def is_index_dir(path: str | os.PathLike) -> bool:
    """Whether a directory is a seekwire index (marked, or holding a `current` link as indexes did before
    markers): such a directory is never read as input."""
    root = Path(path)
    if (root / MARKER).is_file():
        return True
    return (root / CURRENT).is_symlink() and _older_index(root, [CURRENT])


def _older_index(root: Path, names: list[str]) -> bool:
    """Whether a directory without the marker holds an index seekwire wrote before markers existed: a
    `current` link to a marked generation, or Whoosh's table of contents from before generations."""
    if CURRENT in names and (root / CURRENT).is_symlink():
        target = os.readlink(root / CURRENT)
        return bool(GENERATION.fullmatch(target)) and (root / target / META).is_file()
    return any(name.startswith("_MAIN_") and name.endswith(".toc") for name in names)


def generations(index_dir: str | os.PathLike) -> list[Path]:
    """The generations seekwire made in an index directory: `gen-N/` directories holding its metadata file
    (or still empty, left by a run killed as it began one)."""
    return [path for path in Path(index_dir).glob(GENERATION_PREFIX + "*")
            if GENERATION.fullmatch(path.name) and path.is_dir() and not path.is_symlink()
            and ((path / META).is_file() or not any(path.iterdir()))]


def new_generation(index_dir: str | os.PathLike, base: Path | None = None) -> Path:
    """Create a generation directory beside the current one: empty, or a copy of `base` made of hard links.

    Its number is one past the highest of seekwire's own generations; a name already taken by something
    else is passed over, never reused.
    """
    root = Path(index_dir)
    number = max((int(p.name[len(GENERATION_PREFIX):]) for p in generations(root)), default=0)
    while True:
        number += 1
        generation = root / f"{GENERATION_PREFIX}{number}"
        try:
            generation.mkdir()
            break
        except FileExistsError:
            continue
    _write_json(generation / META, {"schema_version": SCHEMA_VERSION})
    if base is not None:
        for item in base.iterdir():
            if item.name in (WHOOSH_LOCK, META) or item.name.startswith(".") or not item.is_file():
                continue
            try:
                os.link(item, generation / item.name)
            except OSError:
                shutil.copy2(item, generation / item.name)
    return generation


def publish(generation: Path) -> None:
    """Point `current` at a finished generation atomically, then drop every other generation but the previous.

    Called under the writer lock: any other generation is left over from a run that was killed.
    """
    root = generation.parent
    _write_json(generation / FILES, {path.name: path.stat().st_size for path in generation.iterdir()
                                     if path.name.startswith(WHOOSH_FILES) and path.name != WHOOSH_LOCK})
    temporary = root / f".{CURRENT}.{os.getpid()}"
    if temporary.is_symlink():
        temporary.unlink()
    os.symlink(generation.name, temporary)
    previous = os.readlink(root / CURRENT) if (root / CURRENT).is_symlink() else None
    os.replace(temporary, root / CURRENT)
    _fsync_dir(root)
    clear_unfinished(root, keep={generation.name, previous})


def clear_unfinished(index_dir: str | os.PathLike, keep: set[str | None] | None = None) -> None:
    """Remove every generation but those named in `keep` (by default `current` and the newest one below it,
    which readers opened before the last run may still use). Called under the writer lock: any other
    generation was left by a run that was killed or failed."""
    root = Path(index_dir)
    if keep is None:
        current = os.readlink(root / CURRENT) if (root / CURRENT).is_symlink() else None
        keep = {current, *_previous(root, current)}
    for stale in generations(root):
        if stale.name not in keep:
            shutil.rmtree(stale, ignore_errors=True)
    for stale in root.glob(f".{CURRENT}.*"):
        if stale.is_symlink():
            stale.unlink(missing_ok=True)


def _previous(root: Path, current: str | None) -> list[str]:
    """The newest generation below `current`: the one readers opened before the last run may still use."""
    if current is None or not GENERATION.fullmatch(current):
        return []
    number = int(current[len(GENERATION_PREFIX):])
    older = [p.name for p in generations(root) if int(p.name[len(GENERATION_PREFIX):]) < number]
    return [max(older, key=lambda name: int(name[len(GENERATION_PREFIX):]))] if older else []


def discard(generation: Path) -> None:
    """Remove a generation that was never published."""
    shutil.rmtree(generation, ignore_errors=True)


@contextmanager
def writer_lock(index_dir: str | os.PathLike, wait: float) -> Iterator[int | None]:
    """Hold the index's writer lock, waiting up to `wait` seconds for another writer to finish.

    The lock is an flock, which the kernel releases when its holder dies: a killed run never leaves a lock
    that blocks the next one. The holder writes its pid into the lock file and clears it when it is done, so
    a pid found there on entry is a run that was killed; it is yielded (None after a clean run).
    """
    root = Path(index_dir)
    try:
        fd = os.open(root / LOCK, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError as error:
        raise unwritable(index_dir, error) from None
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as error:
                if error.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "another process"
                    raise IndexLockedError(
                        f"index at {root} is being written by pid {holder}; waited {wait:g}s — "
                        "try again when it finishes (or raise --wait)"
                    ) from None
                time.sleep(0.1)
        left = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, str(os.getpid()).encode(), 0)
        except OSError as error:
            raise unwritable(index_dir, error) from None
        try:
            yield int(left) if left.isdigit() else None
        finally:
            with suppress(OSError):  # the pid is only a hint: failing to clear it must not hide the run's outcome
                os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def load_manifest(generation: Path) -> dict[str, dict]:
    """The manifest of a generation (empty when it has none yet)."""
    try:
        manifest = json.loads((generation / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError):
        # A damaged manifest only costs a full re-read: every file then looks changed.
        return {}
    return manifest if isinstance(manifest, dict) else {}


def save_manifest(generation: Path, manifest: dict[str, dict]) -> None:
    _write_json(generation / MANIFEST, manifest)


def save_json(generation: Path, name: str, value: object) -> None:
    """Write another file of a generation (what it learned from its pages) the way the manifest is written."""
    _write_json(generation / name, value)


def _write_json(path: Path, value: object) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    with open(temporary, "w", encoding="utf-8") as handle:
        # ASCII, escapes included: file names that are not UTF-8 (surrogates in Python) survive the round trip.
        json.dump(value, handle, ensure_ascii=True, separators=(",", ":"))
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
