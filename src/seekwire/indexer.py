"""Building and updating the index: only the work that changed, one writer at a time, nothing half-done.

A run compares every input file with the manifest of the last run (size and mtime first, then a digest of
the bytes), re-reads only what changed, deletes the documents of files that disappeared from an indexed
directory, and commits once. Articles stream from reading through extraction (and entity recognition, which
runs in worker processes) into the Whoosh writer, so memory does not grow with the size of the corpus.
"""

from __future__ import annotations

import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from whoosh import index as whoosh_index

from seekwire import storage
from seekwire.article import Article
from seekwire.errors import NoIndexError
from seekwire.reading import NotText, Source, fingerprint, read_jsonl, read_page, walk
from seekwire.results import IndexReport, Skip
from seekwire.schema import build_schema, document_fields

Progress = Callable[[int, int], None]

# Whoosh keeps this much of each segment's postings in memory before it spills sorted runs to disk.
WRITER_MEMORY_MB = 256
# Input larger than this is indexed by two writer processes (Whoosh's multi-segment writer).
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
    with storage.writer_lock(index_dir, wait):
        fresh = rebuild
        if not fresh:
            try:
                generation = storage.current_generation(index_dir)
                storage.check_schema(generation)
            except NoIndexError:
                fresh = True
        if fresh:
            generation = storage.new_generation(index_dir)
            ix = whoosh_index.create_in(generation, build_schema())
            manifest: dict[str, dict] = {}
        else:
            ix = whoosh_index.open_dir(generation)
            manifest = storage.load_manifest(generation)
        try:
            _run(ix, generation, manifest, sources, roots, report, entities, progress)
        except BaseException:
            if fresh:
                storage.discard(generation)
            raise
        if fresh:
            storage.publish(generation)
        with ix.searcher() as searcher:
            report.documents = searcher.doc_count()
        ix.close()
    report.seconds = time.monotonic() - started
    return report


def _run(ix, generation: Path, manifest: dict[str, dict], sources: list[Source], roots: list[str],
         report: IndexReport, entities: bool, progress: Progress | None) -> None:
    plan = _plan(manifest, sources, roots, report)
    writer = ix.writer(**_writer_options(plan, entities))
    try:
        for key in plan.removed_sources:
            writer.delete_by_term("source", key)
            report.removed += len(manifest.pop(key)["ids"])
        keys: deque[str] = deque()
        articles = _read(plan, manifest, report, writer, keys, progress)
        if entities:
            from seekwire.extract.entities import EntityRecognizer

            articles = EntityRecognizer().recognize(articles)
        for article in articles:
            writer.add_document(**document_fields(article, keys.popleft()))
    except BaseException:
        writer.cancel()
        raise
    if report.changed or plan.to_read:
        writer.commit()
        storage.save_manifest(generation, manifest)
    else:
        writer.cancel()


def _writer_options(plan: _Plan, entities: bool) -> dict:
    """Index a large batch with a second writer process when the cores are not already busy with entity
    recognition; small updates are quicker in one process."""
    size = sum(stat.st_size for _, stat in plan.to_read)
    cores = os.cpu_count() or 1
    if entities or cores < 2 or size < PARALLEL_BYTES:
        return {"limitmb": WRITER_MEMORY_MB}
    return {"limitmb": WRITER_MEMORY_MB, "procs": min(cores, 2), "multisegment": True}


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


def _read(plan: _Plan, manifest: dict[str, dict], report: IndexReport, writer, keys: deque[str],
          progress: Progress | None) -> Iterator[Article]:
    """Read the changed files, yielding their articles in order and appending each one's file to `keys`;
    keeps the manifest and the counts in step."""
    owners = {doc_id: key for key, entry in manifest.items() for doc_id in entry["ids"]}
    total = len(plan.to_read)
    for done, (source, stat) in enumerate(plan.to_read, start=1):
        if progress:
            progress(done, total)
        try:
            with open(source.key, "rb") as handle:
                data = handle.read()
        except OSError as error:
            report.skipped.append(Skip(source.shown, f"cannot read: {error.strerror}"))
            continue
        entry = manifest.get(source.key)
        digest = fingerprint(data)
        if entry and entry["digest"] == digest:
            entry.update(size=stat.st_size, mtime_ns=stat.st_mtime_ns)
            report.unchanged += len(entry["ids"])
            continue
        old_ids = set(entry["ids"]) if entry else set()
        for doc_id in old_ids:
            owners.pop(doc_id, None)
        writer.delete_by_term("source", source.key)
        ids: list[str] = []
        for article in _articles(source, data, stat, report):
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
        report.removed += len(old_ids - set(ids))
        # A file that gave no article is not remembered: it is read, and reported, again on the next run.
        if ids:
            manifest[source.key] = {"shown": source.shown, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns,
                                    "digest": digest, "ids": ids}
        else:
            manifest.pop(source.key, None)


def _articles(source: Source, data: bytes, stat: os.stat_result, report: IndexReport) -> Iterator[Article]:
    if source.is_jsonl:
        for item in read_jsonl(source, data):
            if isinstance(item, Skip):
                report.skipped.append(item)
            else:
                yield item
        return
    try:
        yield read_page(source, data, stat.st_mtime)
    except NotText as error:
        report.skipped.append(Skip(source.shown, str(error)))


def _unique_id(doc_id: str, key: str, owners: dict[str, str]) -> str:
    """Keep ids unique across files: a name already held by another file gets a suffix from this path."""
    owner = owners.get(doc_id)
    if owner is None or owner == key:
        return doc_id
    return f"{doc_id}~{fingerprint(key.encode())[:8]}"
