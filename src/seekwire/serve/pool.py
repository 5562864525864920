"""Searchers for a server: a few worker threads, each owning one `Searcher`, fed from one queue.

A `Searcher` keeps per-query state (a spelling memo, facet columns) and is not meant to be shared
between threads, so each worker opens its own and never hands it to another. Jobs wait in one queue and go to
whichever worker is free: a slow or hostile query occupies one worker while the others keep answering, and a
request that is not answered within `timeout` seconds is given up on (the server says 503), never waited for
without end. A thread cannot be stopped from outside; the worker finishes the abandoned query and then takes
the next job.

Before each job a worker compares the index's `current` generation with the one its Searcher opened (one
`readlink`, a few microseconds; a sharded index's list of shards and each shard's pointer) and reopens when a finished `seekwire index` run has published a new one: the
next request after a run sees it, without a restart. A Searcher opened before the run keeps answering from the
old generation until then (the index keeps it for readers still open on it).
"""

from __future__ import annotations

import asyncio
import os
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import TypeVar

from seekwire import shards, storage
from seekwire.errors import SeekwireError
from seekwire.search import Searcher

T = TypeVar("T")


class TooSlow(SeekwireError):
    """A request that was not answered in time (the server answers 503)."""


class SearcherPool:
    """`workers` threads, each with its own Searcher on `index_dir`; `run(job)` calls `job(searcher)` on one of
    them. Opening happens here, in the caller's thread, so that a missing or damaged index is reported before
    a server starts listening. Raises the library's errors (NoIndexError, SchemaMismatchError…)."""

    def __init__(self, index_dir: str | os.PathLike, workers: int = 4, timeout: float = 10.0):
        self.index_dir = os.fspath(index_dir)
        self.timeout = timeout
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._threads = []
        for number in range(workers):
            searcher = self._open()
            thread = threading.Thread(target=self._work, args=(searcher,), name=f"searcher-{number}", daemon=True)
            thread.start()
            self._threads.append(thread)

    async def run(self, job: Callable[[Searcher], T]) -> T:
        """`job(searcher)` on a free worker; raises what it raises, or TooSlow after `timeout` seconds."""
        future: Future = Future()
        self._jobs.put((job, future))
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future), self.timeout)
        except TimeoutError:
            raise TooSlow(f"no answer within {self.timeout:g} s — the server is busy or the query too costly; "
                          "try again, or narrow the query") from None

    def call(self, job: Callable[[Searcher], T]) -> T:
        """`run` for a caller outside the event loop (tests, benchmarks): waits for the answer."""
        future: Future = Future()
        self._jobs.put((job, future))
        return future.result(self.timeout)

    def close(self) -> None:
        """Stop the workers once their current job is done; each closes its Searcher."""
        for _ in self._threads:
            self._jobs.put(None)
        for thread in self._threads:
            thread.join(self.timeout)

    def _open(self) -> tuple[tuple[str, ...], Searcher]:
        # Read the pointer first: a run publishing meanwhile makes the next job reopen, never miss a change.
        generation = self._generation()
        return generation, Searcher(self.index_dir)

    def _generation(self) -> tuple[str, ...]:
        """What names the index's published state: its `current` pointer or, for a sharded index, each shard's
        (a sharded run publishes shard by shard, then rewrites the shard list, whose time is taken too)."""
        root = self.index_dir
        try:
            return (os.readlink(os.path.join(root, storage.CURRENT)),)
        except OSError:
            pass
        try:
            listed = str(os.stat(os.path.join(root, storage.SHARDS)).st_mtime_ns)
            names = sorted(name for name in os.listdir(root) if name.startswith(shards.PREFIX))
        except OSError:
            return ()
        return (listed, *(_pointer(os.path.join(root, name, storage.CURRENT)) for name in names))

    def _work(self, opened: tuple[tuple[str, ...], Searcher]) -> None:
        generation, searcher = opened
        while (item := self._jobs.get()) is not None:
            job, future = item
            if not future.set_running_or_notify_cancel():
                continue  # given up on while it waited
            try:
                if self._generation() != generation:
                    searcher.close()
                    generation, searcher = self._open()
                future.set_result(job(searcher))
            except Exception as error:  # noqa: BLE001 — handed to the request, which decides what the user sees
                future.set_exception(error)
        searcher.close()


def _pointer(path: str) -> str:
    try:
        return os.readlink(path)
    except OSError:
        return ""
