"""A sharded index: the documents of one index split by a hash of their ids into shards, each an ordinary index.

    index/
      .seekwire-index    the marker, as for any index
      .lock              held by the run that writes the shards (each shard has its own lock too)
      shards.json        the shards, their document counts, the schema and seekwire versions that built them
      shard-0/           an index of `storage`'s layout: generations, manifest, lock
      shard-1/ …

A document goes to the shard its id hashes to (a hash of the id as its file or record claims it, before any
suffix that tells apart two files claiming the same id, so that every claimant of an id is in one shard and
the claims are settled there as on one machine). An update of a file therefore reaches the shard that holds
its documents, and each shard is updated incrementally, generation by generation, as a whole index is: a
shard run publishes its new generation atomically or leaves the last one, and a killed run's half-built
generation is cleared by the next. So a re-run after a killed client or worker finishes the job, and a shard
whose inputs did not change only stats its files. Page files whose ids hash to another shard are not read at
all; an article file (JSONL) is read by every shard, each keeping its own records.

`shards.json` is written when every shard has finished: until the first build completes, there is no index.
A reader opens every shard's current generation and searches them as one index whose segments are the
shards' segments (`open_reader`): document frequencies, field lengths and counts are summed over all of them,
so ids, scores, totals and facets are those of one index of the same documents.

What this layout does not give: site furniture is learned per shard, from the pages of that shard (a shard
of a few thousand pages learns what one machine learns; a small collection split into many shards may
learn less), and a reader opened while a run publishes may see some shards before the run and some after.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from whoosh.reading import IndexReader, MultiReader

from seekwire import __version__, storage
from seekwire.errors import CorruptIndexError, NoIndexError, SchemaMismatchError, SeekwireError
from seekwire.results import IndexReport, Skip
from seekwire.schema import SCHEMA_VERSION

PREFIX = "shard-"


class ShardingError(SeekwireError):
    """The shards asked for do not fit the index (another count, an index that is not sharded)."""


class VersionMismatchError(SeekwireError):
    """A worker runs another seekwire than the client."""


@dataclass(frozen=True)
class Shard:
    """Shard `number` of `count`: called with an id, says whether the id belongs here. Sent to workers."""

    number: int
    count: int

    @property
    def name(self) -> str:
        return f"{PREFIX}{self.number}"

    def __call__(self, doc_id: str) -> bool:
        return shard_of(doc_id, self.count) == self.number


def shard_of(doc_id: str, count: int) -> int:
    """The shard of an id: a hash that every process computes alike (Python's own `hash` of a string is
    salted per process)."""
    digest = hashlib.blake2b(doc_id.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % count


@dataclass
class ShardRun:
    """What one shard's task did, where, and how long it took (the figures of a model of the build time)."""

    shard: int
    report: IndexReport
    seconds: float
    worker: str = ""


@dataclass
class ShardedRun:
    """A whole sharded run: the summed report and each shard's task."""

    report: IndexReport
    shards: list[ShardRun] = field(default_factory=list)


def versions() -> dict[str, object]:
    """What must agree between a client and the workers that build its shards."""
    return {"seekwire": __version__, "schema": SCHEMA_VERSION}


def check_versions(worker: str, workers: dict[str, object], clients: dict[str, object]) -> None:
    """Refuse a worker that runs another seekwire or schema version than the client."""
    if workers != clients:
        raise VersionMismatchError(
            f"worker {worker} runs seekwire {workers.get('seekwire')} (schema {workers.get('schema')}), this "
            f"client {clients.get('seekwire')} (schema {clients.get('schema')}) — install the same seekwire on "
            "every worker")


def index_shard(paths: list[str], index_dir: str, shard: Shard, *, rebuild: bool, entities: bool, wait: float,
                expected: dict[str, object], recognizer=None, worker: str = "") -> ShardRun:
    """Build or update one shard from the inputs: the task a worker runs. It receives paths, never pages, and
    checks its own versions against the client's (`expected`) before it writes anything."""
    check_versions(worker or f"pid {os.getpid()}", versions(), expected)
    from seekwire.indexer import index_paths

    started = time.monotonic()
    report = index_paths(paths, Path(index_dir) / shard.name, rebuild=rebuild, entities=entities, wait=wait,
                         keep=shard, recognizer=recognizer)
    return ShardRun(shard.number, report, time.monotonic() - started, worker)


def index_here(paths: Iterable[str | os.PathLike], index_dir: str | os.PathLike, *, shards: int | None,
               rebuild: bool = False, entities: bool = True, wait: float = 10.0) -> ShardedRun:
    """Index into a sharded index from this process, shard after shard (no cluster: an update of a few files,
    or a machine that has the cores for it)."""
    paths = [os.fspath(path) for path in paths]
    recognizer = None
    if entities:
        from seekwire.extract.entities import EntityRecognizer

        recognizer = EntityRecognizer()  # one for every shard

    def here(tasks: list[Shard]) -> Iterator[ShardRun]:
        for shard in tasks:
            yield index_shard(paths, os.fspath(index_dir), shard, rebuild=rebuild, entities=entities, wait=wait,
                              expected=versions(), recognizer=recognizer)

    return index_sharded(paths, index_dir, here, shards=shards, rebuild=rebuild, wait=wait)


Runner = Callable[[list[Shard]], Iterable[ShardRun]]


def index_sharded(paths: Iterable[str | os.PathLike], index_dir: str | os.PathLike, runner: Runner, *,
                  shards: int | None, rebuild: bool = False, wait: float = 10.0) -> ShardedRun:
    """Index into a sharded index, each shard a task of `runner` (the tasks of a cluster, or one after another
    here), then record the shards. `shards` is the count for a new index (an existing index keeps its own).

    Raises ShardingError when `index_dir` is an index that is not sharded or has another count of shards, and
    the errors of `storage` and of the tasks.
    """
    started = time.monotonic()
    root = Path(index_dir)
    storage.claim(root)
    with storage.writer_lock(root, wait):
        count = _count(root, shards)
        runs = sorted(runner([Shard(number, count) for number in range(count)]), key=lambda run: run.shard)
        report = IndexReport(index=os.fspath(index_dir))
        for run in runs:
            report.added += run.report.added
            report.updated += run.report.updated
            report.removed += run.report.removed
            report.unchanged += run.report.unchanged
            report.documents += run.report.documents
            report.skipped += run.report.skipped
        # Every shard walks the same inputs: a path it could not use is reported once.
        report.skipped = list(dict.fromkeys(Skip(skip.path, skip.reason) for skip in report.skipped))
        storage.save_json(root, storage.SHARDS, {
            "schema_version": SCHEMA_VERSION, "seekwire_version": __version__,
            "shards": [{"name": Shard(run.shard, count).name, "documents": run.report.documents} for run in runs],
        })
    report.seconds = time.monotonic() - started
    return ShardedRun(report, runs)


def _count(root: Path, asked: int | None) -> int:
    """The number of shards of the index at `root`, `asked` for a new one; clears shard directories a first
    run left unfinished with another count."""
    if (root / storage.CURRENT).is_symlink():
        raise ShardingError(f"index at {root} is not sharded — index into another --index to shard")
    recorded = _manifest(root)
    if recorded is not None:
        count = len(recorded["shards"])
        if asked is not None and asked != count:
            raise ShardingError(f"index at {root} has {count} shards, not {asked} — give --shards {count}, or "
                                "another --index")
        return count
    count = asked or 1
    if count < 1:
        raise ShardingError("--shards must be at least 1")
    for stale in _shard_dirs(root):
        if int(stale.name[len(PREFIX):]) >= count:
            shutil.rmtree(stale, ignore_errors=True)  # left by a first run with more shards, never finished
    return count


def _shard_dirs(root: Path) -> list[Path]:
    """Shard directories seekwire made (marked as indexes)."""
    return [path for path in root.glob(PREFIX + "*") if path.name[len(PREFIX):].isdigit()
            and path.is_dir() and not path.is_symlink() and storage.is_index_dir(path)]


def _manifest(root: Path) -> dict | None:
    try:
        recorded = json.loads((root / storage.SHARDS).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as error:
        raise CorruptIndexError(f"index at {root} is unreadable ({error}) — run `seekwire index --rebuild "
                                "PATH` to rebuild it") from None
    shards = recorded.get("shards") if isinstance(recorded, dict) else None
    if not isinstance(shards, list) or not shards or not all(
            isinstance(entry, dict) and entry.get("name") == f"{PREFIX}{number}"
            for number, entry in enumerate(shards)):
        raise CorruptIndexError(f"index at {root} has a damaged {storage.SHARDS} — index into another --index")
    return recorded


def is_sharded(index_dir: str | os.PathLike) -> bool:
    """Whether an index is sharded (or a first sharded build of it has begun)."""
    root = Path(index_dir)
    return (root / storage.SHARDS).is_file() or (storage.is_index_dir(root) and bool(_shard_dirs(root)))


def current_generations(index_dir: str | os.PathLike) -> list[Path]:
    """Each shard's current generation."""
    root = Path(index_dir)
    return [storage.current_generation(root / entry["name"]) for entry in _recorded(root)["shards"]]


def _recorded(root: Path) -> dict:
    """The shards of a finished sharded index. Raises NoIndexError, SchemaMismatchError, CorruptIndexError."""
    recorded = _manifest(root)
    if recorded is None:
        raise NoIndexError(f"no index at {root} — run `seekwire index PATH` first")
    if recorded.get("schema_version") != SCHEMA_VERSION:
        raise SchemaMismatchError(
            f"index at {root} was built with schema version {recorded.get('schema_version')}, this seekwire "
            f"uses {SCHEMA_VERSION} — run `seekwire index --rebuild PATH` to rebuild it")
    return recorded


def open_reader(index_dir: str | os.PathLike) -> IndexReader:
    """One reader over every shard's current generation, whose segments are all the shards' segments.

    Raises NoIndexError, SchemaMismatchError, CorruptIndexError.
    """
    root = Path(index_dir)
    recorded = _recorded(root)
    readers: list[IndexReader] = []
    try:
        for entry in recorded["shards"]:
            reader = storage.open_reader(root / entry["name"])
            readers.append(reader)
    except BaseException:
        for reader in readers:
            reader.close()
        raise
    leaves = [leaf for reader in readers for leaf, _ in reader.leaf_readers()]
    # An empty shard's reader is Whoosh's EmptyReader, which has no segment to join.
    filled = [leaf for leaf in leaves if leaf.doc_count_all()] or leaves[:1]
    for leaf in leaves:
        if leaf not in filled:
            leaf.close()
    return filled[0] if len(filled) == 1 else MultiReader(filled)
