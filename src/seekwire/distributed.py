"""Building a sharded index on a Dask cluster, or shard after shard on this machine.

Past a few hundred thousand pages one machine is not enough, mostly for entity recognition (about 80 pages/s
on two cores). seekwire then runs on Dask distributed, an engine that already schedules tasks, restarts
workers and re-runs the tasks of a worker that died: each shard of the index (see `shards`) is one task,
which receives the paths of the inputs on storage every worker sees and the path of the index, and builds or
updates its shard there. A task never receives page content, and the client holds no index state: a killed
task's shard keeps its last finished generation and the task runs again elsewhere; a killed client leaves
shards that the next run finds finished, or finishes.

Each worker loads the NER model once, when it joins (`EntityModel`, a worker plugin), not once per task.
The client refuses workers that run another seekwire or schema version before any task starts, and each
task checks again (a worker may join later).

Dask is an optional extra (`seekwire[distributed]`): only this module imports it, and only a command that is
given a cluster imports this module.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from seekwire import shards
from seekwire.errors import SeekwireError
from seekwire.shards import Shard, ShardedRun, ShardRun

try:
    from distributed import Client, KilledWorker, LocalCluster, WorkerPlugin, as_completed, get_worker
except ImportError:
    raise SeekwireError("a cluster needs Dask distributed — install it with `pip install "
                        "'seekwire[distributed]'`") from None

# How long to wait for a first worker to join the scheduler.
CONNECT_SECONDS = 30


def index_sharded(paths: Iterable[str | os.PathLike], index_dir: str | os.PathLike, *,
                  scheduler: str | None = None, scheduler_file: str | None = None,
                  local_workers: int | None = None, shards_count: int | None = None, rebuild: bool = False,
                  entities: bool = True, wait: float = 10.0) -> ShardedRun:
    """Index into a sharded index on the cluster at `scheduler` (or described by `scheduler_file`), or on a
    LocalCluster of `local_workers` processes.

    A new index gets `shards_count` shards (by default one per worker). Raises SeekwireError when the cluster
    cannot be reached or runs another seekwire, and the errors of `shards.index_sharded`.
    """
    paths = [os.path.abspath(path) for path in paths]  # the workers' working directories are not ours
    index_dir = os.path.abspath(index_dir)
    with connect(scheduler, scheduler_file, local_workers) as client:
        workers = check_workers(client)
        if entities:
            client.register_plugin(EntityModel())

        def on_cluster(tasks: list[Shard]) -> Iterator[ShardRun]:
            yield from _run_tasks(client, tasks, paths, index_dir, rebuild, entities, wait)

        return shards.index_sharded(paths, index_dir, on_cluster, shards=shards_count or workers,
                                    rebuild=rebuild, wait=wait)


@contextmanager
def connect(scheduler: str | None, scheduler_file: str | None, local_workers: int | None) -> Iterator[Client]:
    """A client of the cluster asked for (a LocalCluster of one-thread worker processes for `local_workers`)."""
    if sum(bool(option) for option in (scheduler, scheduler_file, local_workers)) > 1:
        raise SeekwireError("give one of --scheduler, --scheduler-file and --local-workers")
    if local_workers:
        # One thread per worker: a worker runs one shard's pipeline at a time, with its one copy of the model.
        with LocalCluster(n_workers=local_workers, threads_per_worker=1, dashboard_address=None,
                          scheduler_port=0) as cluster, Client(cluster) as client:
            yield client
        return
    where = scheduler or f"the scheduler of {scheduler_file}"
    try:
        client = Client(scheduler, scheduler_file=scheduler_file)  # Dask's connect timeout: 30 s unless set
    except (OSError, TimeoutError, ValueError) as error:
        raise SeekwireError(f"cannot reach {where} ({error}) — is `dask scheduler` running there?") from None
    with client:
        yield client


def check_workers(client: Client) -> int:
    """Wait for a worker, refuse any that runs another seekwire or schema version; the number of workers."""
    try:
        client.wait_for_workers(1, timeout=CONNECT_SECONDS)
    except TimeoutError:
        raise SeekwireError(f"no worker joined the scheduler in {CONNECT_SECONDS}s — start one with "
                            "`dask worker ADDRESS`") from None
    found = client.run(shards.versions, on_error="return")
    for worker, versions in sorted(found.items()):
        if isinstance(versions, BaseException):
            raise shards.VersionMismatchError(f"worker {worker} cannot run seekwire ({versions}) — install the "
                                              "same seekwire on every worker")
        shards.check_versions(worker, versions, shards.versions())
    return len(found)


def _run_tasks(client: Client, tasks: list[Shard], paths: list[str], index_dir: str, rebuild: bool,
               entities: bool, wait: float) -> Iterator[ShardRun]:
    futures = {client.submit(_shard_task, paths, index_dir, shard, rebuild, entities, wait, shards.versions(),
                             pure=False, key=f"seekwire-{shard.name}-{os.getpid()}-{id(tasks)}"): shard
               for shard in tasks}
    try:
        for future in as_completed(futures):
            try:
                yield future.result()
            except KilledWorker:
                raise SeekwireError(f"{futures[future].name} killed every worker that ran it — see the workers' "
                                    "logs; the next run starts again from what finished") from None
    finally:
        client.cancel(list(futures))


def _shard_task(paths: list[str], index_dir: str, shard: Shard, rebuild: bool, entities: bool, wait: float,
                expected: dict[str, object]) -> ShardRun:
    """One shard's build, on a worker, with the model the worker loaded when it joined."""
    worker = get_worker()
    plugin = worker.plugins.get(EntityModel.name) if entities else None
    return shards.index_shard(paths, index_dir, shard, rebuild=rebuild, entities=entities, wait=wait,
                              expected=expected, recognizer=plugin.recognizer if plugin else None,
                              worker=worker.address)


class EntityModel(WorkerPlugin):
    """A worker plugin: the NER model, loaded once per worker process when it joins, for all its tasks.

    The recogniser runs the model in the worker itself (one process: the worker is the unit of parallelism
    here, and a worker's process may not start processes of its own).
    """

    name = "seekwire-entities"

    def __init__(self) -> None:
        self.recognizer = None

    def setup(self, worker) -> None:
        from seekwire.extract.entities import EntityRecognizer

        self.recognizer = EntityRecognizer(processes=1)
        self.recognizer.nlp  # noqa: B018 — load it now, not in the first task

    def teardown(self, worker) -> None:
        self.recognizer = None
