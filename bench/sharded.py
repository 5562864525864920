"""A sharded index built on Dask, beside the single-machine pipeline on the same pages and the same cores.

    python bench/sharded.py [--workers 1,2,4] [--docs N] [--no-entities] [--work DIR] [--keep]

Builds `dumps-dev` (the 3,000 scraped pages, entities included) once with `seekwire index` as on one machine,
then with `seekwire index --local-workers K` (K one-thread worker processes on this machine, K shards) for
each K, every build a fresh process into a fresh index. Reports each build's wall time and its ratio to the
single-machine build, and each shard task's time as the workers measured it. From those task times it fits a
model of a build on N machines: a fixed part (the client, the cluster's start, each worker loading the model:
wall time minus the longest task) and a per-page part (the pages a worker indexes per second of task time),
T(N) = fixed + pages / (N × workers per machine × rate). The model assumes storage every machine reads as
fast as this disk and no other contention: it is an estimate, printed as one.

Then queries the 4-shard index and the single index with the same queries (two or three words of the headlines
of 300 indexed pages), one process holding both open and taking turns: top 10 with snippets and facets, p50 and p95.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import common

# The child that builds on a LocalCluster and prints each shard task's time, as the library reports it.
CLUSTER_BUILD = """
import json, sys, time
from seekwire.distributed import index_sharded
started = time.perf_counter()
run = index_sharded([sys.argv[1]], sys.argv[2], local_workers=int(sys.argv[3]), entities=sys.argv[4] == "1")
print(json.dumps({"seconds": time.perf_counter() - started, "documents": run.report.documents,
                  "tasks": [[task.shard, task.seconds, task.report.documents] for task in run.shards]}))
"""

SINGLE_BUILD = """
import json, sys, time
from seekwire import index_paths
started = time.perf_counter()
report = index_paths([sys.argv[1]], sys.argv[2], entities=sys.argv[3] == "1")
print(json.dumps({"seconds": time.perf_counter() - started, "documents": report.documents}))
"""

QUERY_TURNS = r"""
import json, random, re, sys, time
from seekwire.search import Searcher
searchers = {"one": Searcher(sys.argv[1]), "sharded": Searcher(sys.argv[2])}
rng = random.Random(16)
titles = sorted(article.title for article in searchers["one"].articles() if article.title)
queries = []
for title in rng.sample(titles, min(int(sys.argv[3]), len(titles))):
    words = [word for word in re.findall(r"\w[\w'-]*", title) if len(word) > 3]
    if len(words) >= 2:
        queries.append(" ".join(rng.sample(words, min(len(words), rng.choice((2, 3))))))
samples = {name: [] for name in searchers}
for name, searcher in searchers.items():
    for text in queries[:20]:
        searcher.search(text)  # warm-up
for text in queries:
    for name, searcher in searchers.items():
        started = time.perf_counter()
        searcher.search(text, facets=True)
        samples[name].append((time.perf_counter() - started) * 1000)
print(json.dumps({"queries": len(queries), **samples}))
"""


def child(code: str, *args: str) -> dict:
    return common.run_child(code, argv=[sys.executable, "-c", code, *args]).answer()


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=common.DEFAULT_SHARED)
    parser.add_argument("--workers", default="1,2,4", help="worker counts of the local clusters")
    parser.add_argument("--docs", type=int, default=None, help="only the first N pages")
    parser.add_argument("--no-entities", dest="entities", action="store_false")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument("--keep", action="store_true", help="keep the indexes in --work")
    args = parser.parse_args(argv)
    dumps = args.shared / common.DUMPS
    if not dumps.is_dir():
        sys.exit(f"no {dumps}: this benchmark needs the development corpora")
    work = args.work or Path(tempfile.mkdtemp(prefix="seekwire-sharded-"))
    work.mkdir(parents=True, exist_ok=True)
    pages = sorted(dumps.glob("*.txt"))[: args.docs]
    source = work / "pages"
    if args.docs is not None:
        shutil.rmtree(source, ignore_errors=True)
        source.mkdir()
        for page in pages:
            shutil.copy2(page, source / page.name)
    else:
        source = dumps
    entities = "1" if args.entities else "0"
    counts = [int(k) for k in args.workers.split(",")]
    print(f"{len(pages)} pages of {dumps}, entities {'on' if args.entities else 'off'}, {os.cpu_count()} cores",
          file=sys.stderr)

    shutil.rmtree(work / "one", ignore_errors=True)
    single = child(SINGLE_BUILD, str(source), str(work / "one"), entities)
    print("| build | seconds | × one machine | shard tasks (seconds/pages) |\n|---|---|---|---|", flush=True)
    print(f"| one machine (seekwire index) | {single['seconds']:.1f} | ×1.00 |  |", flush=True)
    model = None
    for count in counts:
        shutil.rmtree(work / f"k{count}", ignore_errors=True)
        built = child(CLUSTER_BUILD, str(source), str(work / f"k{count}"), str(count), entities)
        assert built["documents"] == single["documents"], (built, single)
        tasks = sorted(built["tasks"])
        longest = max(seconds for _, seconds, _ in tasks)
        rate = sum(docs for _, _, docs in tasks) / sum(seconds for _, seconds, _ in tasks)
        fixed = built["seconds"] - longest
        tasks_shown = ", ".join(f"{seconds:.1f}s/{docs}" for _, seconds, docs in tasks)
        print(f"| {count} local worker{'s' * (count > 1)}, {count} shards | {built['seconds']:.1f} | "
              f"×{built['seconds'] / single['seconds']:.2f} | {tasks_shown}; fixed {fixed:.1f}s |", flush=True)
        if count == 1:
            model = (fixed, rate)
    if model:
        fixed, rate = model
        print(f"\nmodel (1 worker's tasks: {rate:.1f} pages/s per worker, fixed {fixed:.1f} s), "
              "machines of 2 one-thread workers, a million pages:")
        for machines in (1, 4, 16, 64):
            hours = (fixed + 1_000_000 / (machines * 2 * rate)) / 3600
            print(f"  {machines:3d} machine(s): {hours:.2f} h (estimate)")

    sharded = work / "k4" if 4 in counts else work / f"k{max(counts)}"
    samples = child(QUERY_TURNS, str(work / "one"), str(sharded), str(args.queries))
    print(f"\nwarm queries ({samples.pop('queries')}, top 10 with snippets and facets, taking turns), ms:")
    for name, values in samples.items():
        print(f"  {name:8s} p50 {common.percentile(values, 0.5):.1f}  p95 {common.percentile(values, 0.95):.1f}")
    ratio = common.median(samples["sharded"]) / common.median(samples["one"])
    print(f"  shards ({sharded.name}) / one: ×{ratio:.2f} (p50)")
    if not args.keep and args.work is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
