"""Building and updating the index: only the work that changed, one writer at a time, nothing half-done.

A run compares every input file with the manifest of the last run (size and mtime first, then a digest of
the bytes), re-reads only what changed, deletes the documents of files that disappeared from an indexed
directory, and commits once. Articles stream from reading through extraction (and entity recognition, which
runs in worker processes) into segment builders (see `segments`; two worker processes for a large input), so
memory does not grow with the size of the corpus. Pages are read with the site furniture learned from the
whole collection (see `sitefurniture`): a run first counts the pages it reads, then also re-reads the indexed
pages whose reading the new counts change.

Each run works in a generation of its own (see `storage`) and publishes it only after the Whoosh commit and
the manifest are both on disk: whenever a run stops, the index is the one the last finished run left.
"""

from __future__ import annotations

import logging
import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from whoosh import index as whoosh_index

from seekwire import sitefurniture, storage
from seekwire.article import Article
from seekwire.engine.segments import BuiltSegmentsWriter, ParallelBuilder, SegmentBuilder
from seekwire.errors import NoIndexError
from seekwire.extract.furniture import Furniture
from seekwire.reading import (
    NotText,
    Source,
    file_fingerprint,
    fingerprint,
    open_input,
    page_id,
    read_jsonl,
    read_page_file,
    walk,
)
from seekwire.results import IndexReport, Skip
from seekwire.schema import build_schema, document_fields
from seekwire.text import os_text

if TYPE_CHECKING:
    from seekwire.extract.entities import EntityRecognizer

Progress = Callable[[int, int], None]
# Told what a run is doing when it is not reading files ("loading the language model"), "" when it reads again.
Stage = Callable[[str], None]
log = logging.getLogger("seekwire")

# Whoosh keeps this much of the postings of small segments it merges in memory before it spills sorted runs
# to disk (new documents do not go through it: see `segments`).
WRITER_MEMORY_MB = 256
# Input larger than this is indexed by two worker processes.
PARALLEL_BYTES = 8 * 1024 * 1024


@dataclass
class _Plan:
    """The files a run must read, and what the manifest said about each before."""

    to_read: list[tuple[Source, os.stat_result]]
    removed_sources: list[str]
    unchanged: list[str]


def index_paths(
    paths: Iterable[str | os.PathLike],
    index_dir: str | os.PathLike,
    *,
    rebuild: bool = False,
    entities: bool = True,
    wait: float = 10.0,
    progress: Progress | None = None,
    keep: Callable[[str], bool] | None = None,
    recognizer: EntityRecognizer | None = None,
    stage: Stage | None = None,
) -> IndexReport:
    """Index files and directories into `index_dir`, creating it when needed.

    With `rebuild`, a fresh index is built beside the current one and swapped in at the end. `keep`, given an
    id as its file or record claims it, says whether it belongs in this index: a shard (see `shards`) holds
    the documents whose ids hash to it, and files of other ids are not even read. `recognizer` is a loaded
    entity recognizer to use instead of a new one (a cluster worker loads the model once for all its tasks). Raises
    ForeignDirectoryError when `index_dir` holds files seekwire did not create, IndexLockedError when another
    writer holds the index longer than `wait` seconds, and a SeekwireError naming the index when it cannot be
    written (a full disk, a read-only place).
    """
    try:
        return _index(paths, index_dir, rebuild, entities, wait, progress, keep, recognizer, stage)
    except OSError as error:
        # Input files are read under their own guards (a bad one is a Skip): what reaches here is the index.
        if error.errno in storage.WRITE_ERRNOS:
            raise storage.unwritable(index_dir, error) from None
        raise


def _index(paths, index_dir, rebuild: bool, entities: bool, wait: float, progress: Progress | None,
           keep: Callable[[str], bool] | None, recognizer: EntityRecognizer | None,
           stage: Stage | None) -> IndexReport:
    started = time.monotonic()
    report = IndexReport(index=os.fspath(index_dir))
    storage.claim(index_dir)
    sources, roots, report.skipped = walk(paths, is_index=storage.is_index_dir)
    if keep is not None:
        # An article file's records are sorted by their own ids, in `_read_file`.
        sources = [source for source in sources if source.is_jsonl or keep(page_id(source))]
    with storage.writer_lock(index_dir, wait) as interrupted:
        if interrupted is not None:
            log.warning("seekwire: the previous indexing run (pid %d) was interrupted; its unfinished work "
                        "is discarded and this run starts from the last finished index", interrupted)
        guard = storage.IndexErrors(index_dir)
        with guard:
            storage.clear_unfinished(index_dir)
        base = None
        if not rebuild:
            try:
                base = storage.current_generation(index_dir)
                storage.check_generation(base)
            except NoIndexError:
                base = None
        with guard:
            generation = storage.new_generation(index_dir, base)
        try:
            if base is None:
                with guard:
                    ix = whoosh_index.create_in(generation, build_schema())
            else:
                ix = storage.open_index(generation)
            manifest = storage.load_manifest(generation)
            committed = _run(ix, generation, manifest, sources, roots, report, entities, progress, guard,
                             keep, recognizer, stage)
            with guard, ix.searcher() as searcher:
                report.documents = searcher.doc_count()
        except BaseException:
            storage.discard(generation)
            raise
        with guard:
            if committed or base is None:
                storage.publish(generation)
            else:
                storage.discard(generation)
    report.seconds = time.monotonic() - started
    return report


def _run(ix, generation: Path, manifest: dict[str, dict], sources: list[Source], roots: list[str],
         report: IndexReport, entities: bool, progress: Progress | None, guard: storage.IndexErrors,
         keep: Callable[[str], bool] | None = None, recognizer: EntityRecognizer | None = None,
         stage: Stage | None = None) -> bool:
    """Apply the changes to the generation's index and manifest; True when something was committed.

    The documents of a file that is read again are deleted after its new ones are added: a Whoosh writer
    deletes only from the segments committed before it, and one searcher serves every deletion.
    """
    plan = _plan(manifest, sources, roots, report)
    learned = _learn_furniture(generation, manifest, plan, report)
    reading = {source.key for source, _ in plan.to_read}
    for key in plan.unchanged:
        if key not in reading:
            report.skipped += [Skip(path, reason) for path, reason in manifest[key].get("skipped", [])]
    with guard:
        # Separate files, never one compound file, which readers would copy onto the heap (engine/files.py).
        writer = BuiltSegmentsWriter(ix, limitmb=WRITER_MEMORY_MB, compound=False)
    builder = _builder(generation, ix.schema, plan, entities)
    try:
        for key in plan.removed_sources:
            report.removed += len(manifest.pop(key)["ids"])
        replaced: list[str] = []
        read = _read(plan, manifest, report, replaced, progress, learned.furniture, keep)
        if entities:
            if recognizer is None:
                from seekwire.extract.entities import EntityRecognizer

                recognizer = EntityRecognizer()
            if stage:
                recognizer.stage = stage
            read = recognizer.recognize_pairs(read)
        for key, article in read:
            fields = document_fields(article, os_text(key))
            with guard:
                builder.add(fields)
        with guard:
            if ix.doc_count_all():
                with writer.searcher() as searcher:
                    for key in plan.removed_sources + replaced:
                        writer.delete_by_term("source", os_text(key), searcher=searcher)
            writer.add_segments(builder.finish())
    except BaseException:
        # Cleaning up can fail for the same reason (a full disk): the first error is the one to report.
        with suppress(Exception):
            builder.cancel()
        with suppress(Exception):
            writer.cancel()
        raise
    if not (report.changed or plan.to_read):
        writer.cancel()
        return False
    for source, _ in plan.to_read:
        learned.read_with(source.key)
    with guard:
        writer.commit()
        storage.save_manifest(generation, manifest)
        sitefurniture.save(generation, learned)
    return True


def _learn_furniture(generation: Path, manifest: dict[str, dict], plan: _Plan,
                     report: IndexReport) -> sitefurniture.LearnedFurniture:
    """Count this run's pages into the furniture learned from the collection, and add to the plan the pages
    already indexed that the new counts make read differently (their bytes unchanged)."""
    learned = sitefurniture.load(generation)
    gone = set(plan.removed_sources)
    indexed = [Source(key, entry["shown"]) for key, entry in manifest.items() if key not in gone]
    stale = sitefurniture.learn(learned, [source for source, _ in plan.to_read], indexed)
    for key in stale:
        entry = manifest.get(key)
        try:
            stat = os.stat(key)
        except OSError:
            continue  # gone since the walk: the next run removes it
        if entry is None:
            continue
        report.unchanged -= len(entry["ids"])
        entry["digest"] = None  # read again, though the bytes are those indexed
        plan.to_read.append((Source(key, entry["shown"], entry.get("reached", key)), stat))
    return learned


def _builder(generation: Path, schema, plan: _Plan, entities: bool) -> SegmentBuilder | ParallelBuilder:
    """Build a large batch in two worker processes when the cores are not already busy with entity
    recognition; small updates are quicker in this one."""
    size = sum(stat.st_size for _, stat in plan.to_read)
    cores = os.cpu_count() or 1
    if entities or cores < 2 or size < PARALLEL_BYTES:
        return SegmentBuilder(generation, schema)
    return ParallelBuilder(generation, schema, processes=min(cores, 2))


def _plan(manifest: dict[str, dict], sources: list[Source], roots: list[str], report: IndexReport) -> _Plan:
    """The files to read (new or changed, in path order), the files gone from the walked directories, and the
    unchanged ones.

    An unchanged file is not read; what was skipped in it is reported again, from the manifest (see `_run`), so
    a run over the same inputs always reports the same skips (a 10 GB file that is no page is judged once).
    """
    to_read = []
    unchanged: list[str] = []
    seen = set()
    for source in sources:
        seen.add(source.key)
        try:
            stat = os.stat(source.key)
        except OSError as error:
            report.skipped.append(Skip(source.shown, f"cannot read: {error.strerror}"))
            continue
        entry = manifest.get(source.key)
        if entry and entry["size"] == stat.st_size and entry["mtime_ns"] == stat.st_mtime_ns:
            report.unchanged += len(entry["ids"])
            unchanged.append(source.key)
        else:
            to_read.append((source, stat))
    prefixes = tuple(root.rstrip(os.sep) + os.sep for root in roots)
    removed = [key for key, entry in manifest.items()
               if key not in seen and (key.startswith(prefixes) or entry.get("reached", "").startswith(prefixes))]
    to_read.sort(key=lambda item: item[0].key)
    return _Plan(to_read, removed, unchanged)


class _Claims:
    """Which files claim each id, so that an id depends only on the current inputs, never on history.

    A page's id is its file name, a record's its own `id`; when several files claim the same id, the file whose
    path sorts first keeps it and every other gets a suffix made from its path. Files are read in path order,
    so when a file is read every file that sorts before it has been read already (or is unchanged, its claims
    in the manifest): its ids are final at once. A file read this run may take an id from an unchanged file
    that sorts after it, or leave one to it; that file is then read again.
    """

    def __init__(self, manifest: dict[str, dict], to_read: list[tuple[Source, os.stat_result]]):
        self._by_id: dict[str, set[str]] = {}
        for key, entry in manifest.items():
            for doc_id in entry["ids"]:
                self._by_id.setdefault(claimed(doc_id, key), set()).add(key)
        for source, _ in to_read:
            if not source.is_jsonl:
                self._by_id.setdefault(page_id(source), set()).add(source.key)

    def forget(self, key: str, ids: Iterable[str]) -> None:
        for doc_id in ids:
            self._by_id.get(claimed(doc_id, key), set()).discard(key)

    def claim(self, key: str, raw: str) -> str:
        """The id a file gets for the id `raw` it claims."""
        owners = self._by_id.setdefault(raw, set())
        owners.add(key)
        return raw if key == min(owners) else suffixed(raw, key)

    def misplaced(self, manifest: dict[str, dict], keys: Iterable[str]) -> list[str]:
        """The files among `keys` whose ids in the manifest are no longer the ids they should have."""
        return [key for key in keys
                if any(doc_id != self.final(key, claimed(doc_id, key)) for doc_id in manifest[key]["ids"])]

    def final(self, key: str, raw: str) -> str:
        owners = self._by_id.get(raw) or {key}
        return raw if key == min(owners | {key}) else suffixed(raw, key)


def suffixed(raw: str, key: str) -> str:
    """`raw` for a file that shares it with a file whose path sorts first: a suffix from this file's path."""
    return f"{raw}~{fingerprint(os.fsencode(key))[:8]}"


def claimed(doc_id: str, key: str) -> str:
    """The id a file claimed, from the id it was given."""
    return doc_id.removesuffix(suffixed("", key))


def _read(plan: _Plan, manifest: dict[str, dict], report: IndexReport, replaced: list[str],
          progress: Progress | None, furniture: Furniture, keep: Callable[[str], bool] | None = None
          ) -> Iterator[tuple[str, Article]]:
    """Read the changed files, yielding each article with the key of its file, in order, and appending each
    file read again to `replaced`; keeps the manifest and the counts in step.

    Unchanged files whose ids the changes move (see `_Claims`) are read again, after the others.
    """
    claims = _Claims(manifest, plan.to_read)
    queue: deque[tuple[Source, os.stat_result | None]] = deque(plan.to_read)
    planned = {source.key for source, _ in plan.to_read}
    pending = set(planned)
    done: set[str] = set()
    for key in claims.misplaced(manifest, manifest.keys() - pending):
        queue.append((Source(key, manifest[key]["shown"], manifest[key].get("reached", key)), None))
        pending.add(key)
    total = len(queue)
    while queue:
        source, stat = queue.popleft()
        done.add(source.key)
        if progress:
            progress(len(done), max(total, len(done)))
        try:
            handle = open_input(source.key)
            stat = stat or os.fstat(handle.fileno())
        except OSError as error:
            report.skipped.append(Skip(source.shown, f"cannot read: {error.strerror}"))
            continue
        except NotText as error:
            report.skipped.append(Skip(source.shown, str(error)))
            continue
        with handle:
            articles = _read_file(source, stat, handle, manifest, claims, report, replaced, furniture,
                                  forced=source.key not in planned, keep=keep)
            yield from ((source.key, article) for article in articles)
        if not queue:
            # What this run read may have moved the ids of files it did not read.
            for key in claims.misplaced(manifest, manifest.keys() - done):
                queue.append((Source(key, manifest[key]["shown"], manifest[key].get("reached", key)), None))
                total += 1


def _read_file(source: Source, stat: os.stat_result, handle, manifest: dict[str, dict], claims: _Claims,
               report: IndexReport, replaced: list[str], furniture: Furniture, *,
               forced: bool, keep: Callable[[str], bool] | None = None) -> Iterator[Article]:
    """Read one changed file unless its bytes, and the ids they give, are those already indexed.

    `stat` was taken before the file was opened: if the file changes while it is read, the manifest holds the
    older stat and the next run looks at the file again. What is skipped in the file is remembered with it.
    """
    entry = manifest.get(source.key)
    try:
        digest = file_fingerprint(handle, source.read_limit)
    except OSError as error:
        report.skipped.append(Skip(source.shown, f"cannot read: {error.strerror or error}"))
        return
    if entry and entry["digest"] == digest and not forced and not claims.misplaced(manifest, [source.key]):
        entry.update(size=stat.st_size, mtime_ns=stat.st_mtime_ns)
        report.unchanged += len(entry["ids"])
        report.skipped += [Skip(path, reason) for path, reason in entry.get("skipped", [])]
        return
    old_ids = entry["ids"] if entry else []
    claims.forget(source.key, old_ids)
    replaced.append(source.key)
    ids: list[str] = []
    raws: set[str] = set()
    skips: list[Skip] = []
    try:
        for article in _articles(source, handle, stat, skips, furniture):
            if keep is not None and not keep(article.id):
                continue
            if article.id in raws:
                skips.append(Skip(f"{source.shown}", f"duplicate id {article.id!r}"))
                continue
            raws.add(article.id)
            article.id = claims.claim(source.key, article.id)
            ids.append(article.id)
            if article.id in old_ids:
                report.updated += 1
            else:
                report.added += 1
            yield article
    except OSError as error:
        # The articles read so far stay; forgetting the file makes the next run read it whole again.
        report.skipped += skips + [Skip(source.shown, f"cannot read: {error.strerror or error}")]
        manifest.pop(source.key, None)
        report.removed += len(set(old_ids) - set(ids))
        return
    report.skipped += skips
    report.removed += len(set(old_ids) - set(ids))
    manifest[source.key] = {"shown": source.shown, "reached": source.reached or source.key,
                            "size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "digest": digest, "ids": ids,
                            "skipped": [[skip.path, skip.reason] for skip in skips]}


def _articles(source: Source, handle, stat: os.stat_result, skips: list[Skip],
              furniture: Furniture) -> Iterator[Article]:
    if source.is_jsonl:
        items = read_jsonl(source, handle)
    else:
        items = read_page_file(source, handle, stat.st_mtime, furniture)
    for item in items:
        if isinstance(item, Skip):
            skips.append(item)
        else:
            yield item
