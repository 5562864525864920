"""Ranking quality of seekwire next to SQLite FTS5, tantivy and Whoosh out of the box.

Two query sets, each over its own corpus:

* known-item: 600 queries of 2-4 words from one headline of orangesum-dev (33,228 articles), written exactly,
  without accents, with one word inflected, or with a typo; one target article each.
* piaf: 2,017 natural-language questions over 400 Wikipedia paragraphs; one relevant paragraph each.

For each system it reports MRR@10 (mean of 1/rank of the first relevant hit, 0 beyond rank 10), Success@1
and Success@10, overall and by query kind, side by side. Run from the repository root:

    python bench/relevance.py                                  # every system, both sets
    python bench/relevance.py --systems fts5,tantivy --sets piaf --json relevance.json
    python bench/relevance.py --docs 5000 --work /tmp/bench --keep   # smaller corpus, reuse indexes

`--docs N` keeps the first N documents of each corpus and drops the queries whose target is not among them.

Each set is also scored on its two halves ("half 0", "half 1": the parity of the first hex digit of the MD5 of
the query id). Ranking settings are chosen on half 0 and checked on half 1, so that a gain that only fits
these dev queries shows up as a gap between the two.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import common
from bench.common import Doc, Query
from bench.peers import ENGINES, Engine, engine
from tabulate import tabulate

DEPTH = 10


@dataclass(frozen=True)
class QuerySet:
    """A named set of queries over its corpus."""

    name: str
    corpus: Path
    queries: Callable[[Path], list[Query]]


QUERY_SETS = {
    "known-item": QuerySet("known-item", common.ORANGESUM, common.known_item_queries),
    "piaf": QuerySet("piaf", common.PIAF_DOCS, common.piaf_queries),
}


@dataclass
class Scores:
    """Ranking figures over `queries` queries."""

    queries: int
    mrr10: float
    success1: float
    success10: float

    @classmethod
    def of(cls, ranks: Sequence[int | None]) -> Scores:
        """Scores from the rank (1-based) of each query's first relevant hit, None when not in the top 10."""
        n = len(ranks)
        found = [rank for rank in ranks if rank is not None]
        return cls(
            queries=n,
            mrr10=sum(1 / rank for rank in found) / n if n else 0.0,
            success1=sum(rank == 1 for rank in found) / n if n else 0.0,
            success10=len(found) / n if n else 0.0,
        )


def first_relevant(ranked: Sequence[str], relevant: frozenset[str]) -> int | None:
    return next((rank for rank, doc_id in enumerate(ranked[:DEPTH], start=1) if doc_id in relevant), None)


def ready(system: Engine, docs: Sequence[Doc], keep: bool) -> float | None:
    """Build `system`'s index unless `keep` and a finished build of the same documents is there.

    Returns the build time in seconds, or None when an existing index was reused.
    """
    marker = system.directory.with_name(f"{system.name}.built")
    signature = {"documents": len(docs), "first": docs[0].id, "last": docs[-1].id}
    if keep and marker.exists() and json.loads(marker.read_text()) == signature:
        return None
    marker.unlink(missing_ok=True)
    started = time.perf_counter()
    system.build(docs)
    seconds = time.perf_counter() - started
    marker.write_text(json.dumps(signature))
    return seconds


def evaluate(system: Engine, queries: Sequence[Query]) -> dict[str, Scores]:
    """Scores overall ("all") and by query kind."""
    system.open()
    try:
        ranks = [(query.kind, first_relevant(system.search(query.text, DEPTH), query.relevant)) for query in queries]
    finally:
        system.close()
    kinds = sorted({kind for kind, _ in ranks})
    scores = {"all": Scores.of([rank for _, rank in ranks])}
    if len(kinds) > 1:
        scores.update({kind: Scores.of([rank for k, rank in ranks if k == kind]) for kind in kinds})
    halves = [half(query) for query in queries]
    scores.update({f"half {h}": Scores.of([rank for (_, rank), q in zip(ranks, halves) if q == h]) for h in (0, 1)})
    return scores


def half(query: Query) -> int:
    """The half of its set a query belongs to (0: where settings are tuned, 1: where they are checked)."""
    return int(hashlib.md5(query.qid.encode()).hexdigest()[0], 16) % 2


def run(shared: Path, work: Path, systems: Sequence[str], sets: Sequence[str], limit: int | None,
        keep: bool) -> dict:
    """Figures for every set and system: {set: {"documents", "queries", "build_seconds", "scores"}}."""
    figures = {}
    for set_name in sets:
        query_set = QUERY_SETS[set_name]
        docs = list(common.read_docs(shared / query_set.corpus, limit))
        queries = common.answerable(query_set.queries(shared), {doc.id for doc in docs})
        built, scores = {}, {}
        for name in systems:
            system = engine(name, work / f"{set_name}-{len(docs)}" / name)
            print(f"{set_name}: {name} over {len(docs)} documents, {len(queries)} queries", file=sys.stderr)
            built[name] = ready(system, docs, keep)
            scores[name] = evaluate(system, queries)
        figures[set_name] = {"documents": len(docs), "queries": len(queries), "build_seconds": built,
                             "scores": scores}
    return figures


def table(figures: dict, systems: Sequence[str]) -> str:
    """One row per set and query kind; each system's cell is MRR@10 / Success@1 / Success@10."""
    rows = []
    for set_name, result in figures.items():
        for kind in result["scores"][systems[0]]:
            cells = [result["scores"][name][kind] for name in systems]
            rows.append([set_name, kind, cells[0].queries,
                         *(f"{s.mrr10:.3f} / {s.success1:.3f} / {s.success10:.3f}" for s in cells)])
    return tabulate(rows, headers=["set", "kind", "queries", *systems])


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=common.DEFAULT_SHARED, help="the shared data directory")
    parser.add_argument("--systems", default=",".join(ENGINES), help="comma-separated: %(default)s")
    parser.add_argument("--sets", default=",".join(QUERY_SETS), help="comma-separated: %(default)s")
    parser.add_argument("--docs", type=int, help="index only the first N documents of each corpus")
    parser.add_argument("--work", type=Path, help="where indexes are built (default: a temporary directory)")
    parser.add_argument("--keep", action="store_true", help="reuse indexes already built in --work")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    systems = [name for name in args.systems.split(",") if name]
    sets = [name for name in args.sets.split(",") if name]
    unknown = [name for name in systems if name not in ENGINES] + [name for name in sets if name not in QUERY_SETS]
    if unknown:
        parser.error(f"unknown system or set: {', '.join(unknown)}")
    if args.keep and args.work is None:
        parser.error("--keep needs --work")
    with tempfile.TemporaryDirectory(prefix="seekwire-relevance-") as scratch:
        figures = run(args.shared, args.work or Path(scratch), systems, sets, args.docs, args.keep)
    print("MRR@10 / Success@1 / Success@10")
    print(table(figures, systems))
    if args.json:
        for result in figures.values():
            result["scores"] = {name: {kind: asdict(s) for kind, s in by_kind.items()}
                                for name, by_kind in result["scores"].items()}
        args.json.write_text(json.dumps({"depth": DEPTH, "systems": systems, "sets": figures}, indent=2) + "\n")


if __name__ == "__main__":
    main()
