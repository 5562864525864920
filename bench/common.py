"""What the benchmark scripts share: where the data lives, the corpora and query sets as plain records, and
the small measuring helpers (percentiles, sizes on disk, child processes with their peak memory).

The benchmarks compare seekwire with engines that know nothing about our files, so every engine is fed the
same `Doc` records read here once; only seekwire is also given the file itself, since reading files is part
of what it does.
"""

from __future__ import annotations

import gzip
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = Path(os.environ.get("SEEKWIRE_SHARED", ROOT.parent / "shared"))
ORANGESUM = Path("corpus/orangesum-dev.jsonl.gz")
KNOWN_ITEM = Path("relevance/known-item-dev.jsonl")
PIAF_DOCS = Path("relevance/piaf-dev-docs.jsonl")
PIAF_QUERIES = Path("relevance/piaf-dev-queries.jsonl")
DUMPS = Path("corpus/dumps-dev")
HTML = Path("corpus/html-dev")
# The seekwire source tree the child processes import (a benchmark may point it at another checkout).
SEEKWIRE_SRC = ROOT / "src"


@dataclass(frozen=True)
class Doc:
    """One article as every engine sees it. Engines index the lede with the body."""

    id: str
    title: str
    body: str
    lede: str | None = None
    agency: str | None = None
    date: str | None = None

    @property
    def text(self) -> str:
        """The lede and the body, as one indexed field."""
        return f"{self.lede}\n\n{self.body}" if self.lede else self.body

    @classmethod
    def from_record(cls, record: dict) -> Doc:
        return cls(
            id=str(record["id"]),
            title=record.get("title") or "",
            body=record.get("body") or "",
            lede=record.get("lede") or None,
            agency=record.get("agency") or None,
            date=record.get("date") or None,
        )


@dataclass(frozen=True)
class Query:
    """A query with the ids of the documents that answer it; `kind` groups queries in the reports."""

    qid: str
    text: str
    kind: str
    relevant: frozenset[str] = field(default_factory=frozenset)


def open_text(path: Path):
    return gzip.open(path, "rt", encoding="utf-8") if path.suffix == ".gz" else path.open(encoding="utf-8")


def read_jsonl(path: Path) -> Iterator[dict]:
    with open_text(path) as lines:
        for line in lines:
            if line.strip():
                yield json.loads(line)


def read_docs(path: Path, limit: int | None = None) -> Iterator[Doc]:
    """The first `limit` documents of a JSONL corpus (all when None), in file order."""
    for count, record in enumerate(read_jsonl(path)):
        if limit is not None and count >= limit:
            return
        yield Doc.from_record(record)


def write_docs(docs: Iterable[Doc], path: Path) -> int:
    """Write documents as seekwire's JSONL input (id, title, lede, body, date, agency); returns the count."""
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("w", encoding="utf-8") as out:
        for doc in docs:
            out.write(json.dumps(asdict(doc), ensure_ascii=False) + "\n")
            count += 1
    return count


def known_item_queries(shared: Path) -> list[Query]:
    return [
        Query(r["qid"], r["query"], r["kind"], frozenset([r["target_id"]]))
        for r in read_jsonl(shared / KNOWN_ITEM)
    ]


def piaf_queries(shared: Path) -> list[Query]:
    return [Query(r["qid"], r["query"], "question", frozenset(r["relevant"])) for r in read_jsonl(shared / PIAF_QUERIES)]


def answerable(queries: Sequence[Query], ids: set[str]) -> list[Query]:
    """The queries that still have a relevant document in a (possibly truncated) corpus."""
    return [q for q in queries if q.relevant & ids]


def percentile(samples: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile (fraction in [0, 1]) of non-empty samples."""
    ordered = sorted(samples)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def median(samples: Sequence[float]) -> float:
    return statistics.median(samples)


def dir_size(path: Path) -> int:
    """Bytes of every file under `path`."""
    return sum(entry.stat().st_size for entry in path.rglob("*") if entry.is_file())


@dataclass
class ChildRun:
    """A finished child process: what it printed, its wall time and its peak resident memory."""

    stdout: str
    seconds: float
    max_rss_mb: float

    def answer(self) -> dict:
        """The JSON object on the child's last line of output."""
        lines = self.stdout.strip().splitlines()
        try:
            return json.loads(lines[-1])
        except (IndexError, json.JSONDecodeError):
            raise RuntimeError(f"child printed no JSON answer: {self.stdout[-500:]!r}") from None


def run_child(code: str, *, argv: Sequence[str] | None = None, ok: tuple[int, ...] = (0,)) -> ChildRun:
    """Run Python `code` (or the command `argv`) in a fresh process with seekwire and this harness importable.

    The peak RSS is the child's own (with its finished children), read with wait4 so that runs of
    different systems do not mix. An exit status outside `ok` raises RuntimeError with the end of stderr.
    """
    command = list(argv) if argv is not None else [sys.executable, "-c", code]
    env = child_env()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if process.returncode not in ok:
        raise RuntimeError(f"child failed ({process.returncode}): {' '.join(command)[:200]}\n{stderr[-2000:]}")
    return ChildRun(stdout, seconds, usage.ru_maxrss / 1024)


def child_env() -> dict[str, str]:
    """The environment of a child process: seekwire (`SEEKWIRE_SRC`) and this harness importable, first."""
    return dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(SEEKWIRE_SRC), str(ROOT),
                                                                     os.environ.get("PYTHONPATH")])))


@dataclass
class SampledRun:
    """A finished child process: what it printed (when kept), its wall time, its peak RSS and its peak heap
    (RssAnon) in MB."""

    stdout: str
    seconds: float
    max_rss_mb: float
    max_anon_mb: float

    def answer(self) -> dict:
        return ChildRun(self.stdout, self.seconds, self.max_rss_mb).answer()


def memory_kb(pid: int) -> tuple[int, int] | None:
    """The process's peak resident memory so far (VmHWM) and its anonymous resident memory (RssAnon), in kB,
    from /proc; None once it is gone."""
    found = {}
    try:
        with open(f"/proc/{pid}/status", "rb") as status:
            for line in status:
                if line.startswith((b"VmHWM:", b"RssAnon:")):
                    found[line[:5]] = int(line.split()[1])
    except OSError:
        return None
    return (found[b"VmHWM"], found[b"RssAn"]) if len(found) == 2 else None


def run_sampled(argv: Sequence[str], *, ok: tuple[int, ...] = (0,), keep_output: bool = False,
                interval: float = 0.001) -> SampledRun:
    """Run `argv` in a fresh process, reading its memory from /proc every `interval` seconds.

    The peak RSS is the process's own high-water mark (VmHWM) at the last reading before it exits, so that it
    is never the parent's: wait4's ru_maxrss can report the memory of the process that spawned the child. The
    heap is the largest RssAnon read, a lower bound: a peak shorter than the interval can be missed. Mapped
    index files read from the page cache count in RSS (as RssFile), not in the heap. The output is thrown
    away unless `keep_output`.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(list(argv), cwd=ROOT, env=child_env(),
                                   stdout=out if keep_output else subprocess.DEVNULL, stderr=err)
        peak_rss = peak_anon = 0
        while True:
            pid, status, _ = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if memory := memory_kb(process.pid):
                peak_rss, peak_anon = max(peak_rss, memory[0]), max(peak_anon, memory[1])
            time.sleep(interval)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode(errors="replace")
    if process.returncode not in ok:
        raise RuntimeError(f"child failed ({process.returncode}): {' '.join(argv)[:200]}\n{stderr[-2000:]}")
    return SampledRun(stdout, seconds, peak_rss / 1024, peak_anon / 1024)
