"""The index directory on disk: generations, the current pointer, the writer lock and the manifest.

    index/
      .lock              held (flock) by the one process writing; the kernel drops it if that process dies
      current -> gen-3   the generation readers open; replaced atomically by a rename
      gen-3/             a Whoosh index, plus seekwire.json (schema version) and manifest.json

Incremental runs commit into the current generation (Whoosh commits write new segments, then a new table of
contents). A full rebuild writes a new generation beside it and only then points `current` at it, so a reader
never sees a half-built index and a killed rebuild leaves the previous one untouched.

The manifest records, for every indexed file, its size, mtime, content digest and document ids. It is written
after each Whoosh commit, atomically: if a run dies between the two, the files it covers look changed to the
next run and are simply indexed again.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from seekwire.errors import CorruptIndexError, IndexLockedError, NoIndexError, SchemaMismatchError
from seekwire.schema import SCHEMA_VERSION

LOCK = ".lock"
CURRENT = "current"
META = "seekwire.json"
MANIFEST = "manifest.json"
GENERATION_PREFIX = "gen-"


def current_generation(index_dir: str | os.PathLike) -> Path:
    """The generation directory readers should open. Raises NoIndexError."""
    root = Path(index_dir)
    pointer = root / CURRENT
    if not pointer.exists():
        raise NoIndexError(f"no index at {root} — run `seekwire index PATH` first")
    return root / os.readlink(pointer)


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
    found = meta.get("schema_version")
    if found != SCHEMA_VERSION:
        raise SchemaMismatchError(
            f"index at {generation.parent} was built with schema version {found}, this seekwire uses "
            f"{SCHEMA_VERSION} — run `seekwire index --rebuild PATH` to rebuild it"
        )


def new_generation(index_dir: str | os.PathLike) -> Path:
    """Create an empty generation directory beside the current one."""
    root = Path(index_dir)
    root.mkdir(parents=True, exist_ok=True)
    numbers = [int(p.name[len(GENERATION_PREFIX) :]) for p in root.glob(GENERATION_PREFIX + "*")
               if p.name[len(GENERATION_PREFIX) :].isdigit()]
    generation = root / f"{GENERATION_PREFIX}{max(numbers, default=0) + 1}"
    generation.mkdir()
    _write_json(generation / META, {"schema_version": SCHEMA_VERSION})
    return generation


def publish(generation: Path) -> None:
    """Point `current` at a finished generation atomically, then drop generations older than the previous."""
    root = generation.parent
    temporary = root / f".{CURRENT}.{os.getpid()}"
    if temporary.is_symlink():
        temporary.unlink()
    os.symlink(generation.name, temporary)
    previous = os.readlink(root / CURRENT) if (root / CURRENT).is_symlink() else None
    os.replace(temporary, root / CURRENT)
    _fsync_dir(root)
    keep = {generation.name, previous}
    for stale in root.glob(GENERATION_PREFIX + "*"):
        if stale.name not in keep:
            shutil.rmtree(stale, ignore_errors=True)


def discard(generation: Path) -> None:
    """Remove a generation that was never published."""
    shutil.rmtree(generation, ignore_errors=True)


@contextmanager
def writer_lock(index_dir: str | os.PathLike, wait: float) -> Iterator[None]:
    """Hold the index's writer lock, waiting up to `wait` seconds for another writer to finish.

    The lock is an flock, which the kernel releases when its holder dies: a killed run never leaves a lock
    that blocks the next one.
    """
    root = Path(index_dir)
    root.mkdir(parents=True, exist_ok=True)
    fd = os.open(root / LOCK, os.O_RDWR | os.O_CREAT, 0o666)
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
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def load_manifest(generation: Path) -> dict[str, dict]:
    """The manifest of a generation (empty when it has none yet)."""
    try:
        return json.loads((generation / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError):
        # A damaged manifest only costs a full re-read: every file then looks changed.
        return {}


def save_manifest(generation: Path, manifest: dict[str, dict]) -> None:
    _write_json(generation / MANIFEST, manifest)


def _write_json(path: Path, value: object) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    with open(temporary, "w", encoding="utf-8") as handle:
        json.dump(value, handle, ensure_ascii=False, separators=(",", ":"))
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
