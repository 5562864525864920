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
from dataclasses import dataclass
from pathlib import Path

from whoosh import index as whoosh_index

from seekwire import sitefurniture, storage
from seekwire.article import Article
from seekwire.errors import NoIndexError
from seekwire.extract.furniture import Furniture
from seekwire.reading import (
    NotText,
    Source,
    file_fingerprint,
    fingerprint,
    open_input,
    read_jsonl,
    read_page_file,
    walk,
)
from seekwire.results import IndexReport, Skip
from seekwire.schema import build_schema, document_fields
from seekwire.segments import BuiltSegmentsWriter, ParallelBuilder, SegmentBuilder

Progress = Callable[[int, int], None]
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


def index_paths(
    paths: Iterable[str | os.PathLike],
    index_dir: str | os.PathLike,
    *,
    rebuild: bool = False,
    entities: bool = True,
    wait: float = 10.0,
    progress: Progress | None = None,
) -> IndexReport:
    """Index files and directories into `index_dir`, creating it when needed.

    With `rebuild`, a fresh index is built beside the current one and swapped in at the end. Raises
    IndexLockedError when another writer holds the index longer than `wait` seconds.
    """
    started = time.monotonic()
    report = IndexReport(index=os.fspath(index_dir))
    sources, roots, report.skipped = walk(paths)
    with storage.writer_lock(index_dir, wait) as interrupted:
        if interrupted is not None:
            log.warning("seekwire: the previous indexing run (pid %d) was interrupted; its unfinished work "
                        "is discarded and this run starts from the last finished index", interrupted)
        base = None
        if not rebuild:
            try:
                base = storage.current_generation(index_dir)
                storage.check_schema(base)
            except NoIndexError:
                base = None
        guard = storage.IndexErrors(index_dir)
        with guard:
            generation = storage.new_generation(index_dir, base)
        try:
            if base is None:
                with guard:
                    ix = whoosh_index.create_in(generation, build_schema())
            else:
                ix = storage.open_index(generation)
            manifest = storage.load_manifest(generation)
            committed = _run(ix, generation, manifest, sources, roots, report, entities, progress, guard)
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
         report: IndexReport, entities: bool, progress: Progress | None, guard: storage.IndexErrors) -> bool:
    """Apply the changes to the generation's index and manifest; True when something was committed.

    The documents of a file that is read again are deleted after its new ones are added: a Whoosh writer
    deletes only from the segments committed before it, and one searcher serves every deletion.
    """
    plan = _plan(manifest, sources, roots, report)
    learned = _learn_furniture(generation, manifest, plan, report)
    with guard:
        writer = BuiltSegmentsWriter(ix, limitmb=WRITER_MEMORY_MB)
    builder = _builder(generation, ix.schema, plan, entities)
    try:
        for key in plan.removed_sources:
            report.removed += len(manifest.pop(key)["ids"])
        keys: deque[str] = deque()
        replaced: list[str] = []
        articles = _read(plan, manifest, report, keys, replaced, progress, learned.furniture)
        if entities:
            from seekwire.extract.entities import EntityRecognizer

            articles = EntityRecognizer().recognize(articles)
        for article in articles:
            fields = document_fields(article, keys.popleft())
            with guard:
                builder.add(fields)
        with guard:
            if ix.doc_count_all():
                with writer.searcher() as searcher:
                    for key in plan.removed_sources + replaced:
                        writer.delete_by_term("source", key, searcher=searcher)
            writer.add_segments(builder.finish())
    except BaseException:
        builder.cancel()
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
        plan.to_read.append((Source(key, entry["shown"]), stat))
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
    to_read = []
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
        else:
            to_read.append((source, stat))
    prefixes = tuple(root.rstrip(os.sep) + os.sep for root in roots)
    removed = [key for key in manifest if key not in seen and key.startswith(prefixes)]
    return _Plan(to_read, removed)


def _read(plan: _Plan, manifest: dict[str, dict], report: IndexReport, keys: deque[str], replaced: list[str],
          progress: Progress | None, furniture: Furniture) -> Iterator[Article]:
    """Read the changed files, yielding their articles in order and appending each one's file to `keys`
    and each file read again to `replaced`; keeps the manifest and the counts in step."""
    owners = {doc_id: key for key, entry in manifest.items() for doc_id in entry["ids"]}
    total = len(plan.to_read)
    for done, (source, stat) in enumerate(plan.to_read, start=1):
        if progress:
            progress(done, total)
        try:
            handle = open_input(source.key)
        except OSError as error:
            report.skipped.append(Skip(source.shown, f"cannot read: {error.strerror}"))
            continue
        except NotText as error:
            report.skipped.append(Skip(source.shown, str(error)))
            continue
        with handle:
            yield from _read_file(source, stat, handle, manifest, owners, report, keys, replaced, furniture)


def _read_file(source: Source, stat: os.stat_result, handle, manifest: dict[str, dict],
               owners: dict[str, str], report: IndexReport, keys: deque[str],
               replaced: list[str], furniture: Furniture) -> Iterator[Article]:
    """Read one changed file unless its bytes are those already indexed.

    `stat` was taken before the file was opened: if the file changes while it is read, the manifest holds the
    older stat and the next run looks at the file again.
    """
    entry = manifest.get(source.key)
    try:
        digest = file_fingerprint(handle)
    except OSError as error:
        report.skipped.append(Skip(source.shown, f"cannot read: {error.strerror or error}"))
        return
    if entry and entry["digest"] == digest:
        entry.update(size=stat.st_size, mtime_ns=stat.st_mtime_ns)
        report.unchanged += len(entry["ids"])
        return
    old_ids = set(entry["ids"]) if entry else set()
    for doc_id in old_ids:
        owners.pop(doc_id, None)
    replaced.append(source.key)
    ids: list[str] = []
    try:
        for article in _articles(source, handle, stat, report, furniture):
            article.id = _unique_id(article.id, source.key, owners)
            if article.id in ids:
                report.skipped.append(Skip(f"{source.shown}", f"duplicate id {article.id!r}"))
                continue
            owners[article.id] = source.key
            ids.append(article.id)
            if article.id in old_ids:
                report.updated += 1
            else:
                report.added += 1
            keys.append(source.key)
            yield article
    except OSError as error:
        # The articles read so far stay; forgetting the file makes the next run read it whole again.
        report.skipped.append(Skip(source.shown, f"cannot read: {error.strerror or error}"))
        ids = []
    report.removed += len(old_ids - set(ids))
    # A file that gave no article is not remembered: it is read, and reported, again on the next run.
    if ids:
        manifest[source.key] = {"shown": source.shown, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns,
                                "digest": digest, "ids": ids}
    else:
        manifest.pop(source.key, None)


def _articles(source: Source, handle, stat: os.stat_result, report: IndexReport,
              furniture: Furniture) -> Iterator[Article]:
    if source.is_jsonl:
        items = read_jsonl(source, handle)
    else:
        items = read_page_file(source, handle, stat.st_mtime, furniture)
    for item in items:
        if isinstance(item, Skip):
            report.skipped.append(item)
        else:
            yield item


def _unique_id(doc_id: str, key: str, owners: dict[str, str]) -> str:
    """Keep ids unique across files: a name already held by another file gets a suffix from this path."""
    owner = owners.get(doc_id)
    if owner is None or owner == key:
        return doc_id
    return f"{doc_id}~{fingerprint(key.encode())[:8]}"
