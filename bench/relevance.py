"""Ranking quality of seekwire next to SQLite FTS5, tantivy and Whoosh out of the box.

Two query sets, each over its own corpus:

* known-item: 600 queries of 2-4 words from one headline of orangesum-dev (33,228 articles), written exactly,
  without accents, with one word inflected, or with a typo; one target article each.
* piaf: 2,017 natural-language questions over 400 Wikipedia paragraphs; one relevant paragraph each.
* meaning: shapes where a reader expects every document that has all the words, drawn from the first
  10,000 articles of orangesum-dev: a rare word of an article's text with a common word of its headline
  (`rare-common`; relevant: the articles with both words, after analysis), and a phrase of the headlines
  with a stopword inside, quoted (`phrase`) or a compound written with hyphens (`compound`; relevant: the
  articles where the words follow each other as written, case and accents aside).
* surname: seekwire alone, over the Wikinews pages of wikinews-dev indexed with their entities: a person
  filter on a surname (`person:"Hollande"`); relevant: the pages whose gold persons include a name that
  ends with it.

For each system it reports MRR@10 (mean of 1/rank of the first relevant hit, 0 beyond rank 10), Success@1
and Success@10, and All-first (the share of queries whose first min(R, 10) hits are all relevant, R being
how many documents are), overall and by query kind, side by side. Run from the repository root:

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
import re
import sys
import tempfile
import time
from collections import Counter
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
    """A named set of queries over its corpus (`queries` is given the shared folder and the documents read).
    With `max_docs`, at most that many documents are read; with `pages`, the corpus is a folder of pages that
    seekwire alone indexes, with its entities."""

    name: str
    corpus: Path
    queries: Callable[[Path, list[Doc]], list[Query]]
    max_docs: int | None = None
    pages: bool = False


WIKINEWS = Path("corpus/wikinews-dev")
MEANING_DOCS = 10_000
# Per shape of the meaning set, at most this many queries.
MEANING_QUERIES = 100
# Stopwords that join the words of a phrase in the meaning set.
JOINING = ("de", "du", "des", "la", "le", "les", "l", "d", "a", "au", "aux", "en", "sur", "pour", "et")
PLAIN = re.compile(r"\w+")


def meaning_queries(shared: Path, docs: list[Doc]) -> list[Query]:
    """The rare-common, phrase and compound queries of the meaning set (see the module docstring)."""
    from seekwire.analysis import fold, terms

    doc_terms = [frozenset(terms(f"{doc.title} {doc.text}")) for doc in docs]
    df = Counter(term for found in doc_terms for term in found)
    memo: dict[str, str] = {}
    folded = [" ".join(memo.get(w) or memo.setdefault(w, fold(w)) for w in PLAIN.findall(f"{doc.title}\n{doc.text}"))
              for doc in docs]
    queries: list[Query] = []
    for number, doc in enumerate(docs):
        if sum(q.kind == "rare-common" for q in queries) >= MEANING_QUERIES:
            break
        title = frozenset(terms(doc.title))
        common_words = [w for w in PLAIN.findall(doc.title) if len(w) > 3 and (t := terms(w)) and df[t[0]] >= 300]
        rare_words = [w for w in PLAIN.findall(doc.body) if w.isalpha() and len(w) > 5 and (t := terms(w))
                      and t[0] not in title and 3 <= df[t[0]] <= 30]
        if number % 7 or not common_words or not rare_words:
            continue
        rare, common_word = rare_words[0], common_words[0]
        wanted = {terms(rare)[0], terms(common_word)[0]}
        relevant = frozenset(d.id for d, found in zip(docs, doc_terms) if wanted <= found)
        queries.append(Query(f"rare-{doc.id}", f"{rare} {common_word}", "rare-common", relevant))
    seen: set[str] = set()
    for doc in docs:
        for kind, pattern in (("phrase", r"(?<![\w-])([^\W\d]{3,}) (%s) ([^\W\d]{3,})(?![\w-])"),
                              ("compound", r"(?<![\w-])([^\W\d]{2,})-(%s)-([^\W\d]{2,})(?![\w-])")):
            if sum(q.kind == kind for q in queries) >= MEANING_QUERIES:
                continue
            match = re.search(pattern % "|".join(JOINING), doc.title, re.IGNORECASE)
            if not match or fold(match.group()) in seen:
                continue
            seen.add(fold(match.group()))
            words = [fold(word) for word in match.groups()]
            sequence = re.compile(r"\b" + " ".join(map(re.escape, words)) + r"\b")
            relevant = frozenset(d.id for d, text in zip(docs, folded) if words[2] in text and sequence.search(text))
            text = f'"{match.group()}"' if kind == "phrase" else match.group()
            queries.append(Query(f"{kind}-{doc.id}", text, kind, relevant))
    return queries


def surname_queries(shared: Path, docs: list[Doc]) -> list[Query]:
    """A person filter on each surname that names people in at least two gold pages."""
    from seekwire.analysis import fold

    rows = list(common.read_jsonl(shared / WIKINEWS / "gold.jsonl"))
    pages: dict[str, set[str]] = {}
    for row in rows:
        for person in row["entities"]["persons"]:
            words = person.split()
            if len(words) > 1:
                pages.setdefault(fold(words[-1]), set()).add(row["file"].removesuffix(".txt"))
    queries = []
    for surname, found in sorted(pages.items()):
        if len(found) >= 2 and surname.isalpha():
            relevant = {row["file"].removesuffix(".txt") for row in rows
                        if any(fold(p.split()[-1]) == surname for p in row["entities"]["persons"])}
            queries.append(Query(f"surname-{surname}", f'person:"{surname}"', "surname", frozenset(relevant)))
    return queries


QUERY_SETS = {
    "known-item": QuerySet("known-item", common.ORANGESUM, lambda shared, docs: common.known_item_queries(shared)),
    "piaf": QuerySet("piaf", common.PIAF_DOCS, lambda shared, docs: common.piaf_queries(shared)),
    "meaning": QuerySet("meaning", common.ORANGESUM, meaning_queries, max_docs=MEANING_DOCS),
    "surname": QuerySet("surname", WIKINEWS, surname_queries, pages=True),
}


@dataclass
class Scores:
    """Ranking figures over `queries` queries."""

    queries: int
    mrr10: float
    success1: float
    success10: float
    all_first: float = 0.0

    @classmethod
    def of(cls, ranks: Sequence[int | None], complete: Sequence[bool] = ()) -> Scores:
        """Scores from the rank (1-based) of each query's first relevant hit, None when not in the top 10, and
        whether each query's relevant documents came first (`complete`)."""
        n = len(ranks)
        found = [rank for rank in ranks if rank is not None]
        return cls(
            queries=n,
            mrr10=sum(1 / rank for rank in found) / n if n else 0.0,
            success1=sum(rank == 1 for rank in found) / n if n else 0.0,
            success10=len(found) / n if n else 0.0,
            all_first=sum(complete) / n if n else 0.0,
        )


def first_relevant(ranked: Sequence[str], relevant: frozenset[str]) -> int | None:
    return next((rank for rank, doc_id in enumerate(ranked[:DEPTH], start=1) if doc_id in relevant), None)


def all_first(ranked: Sequence[str], relevant: frozenset[str]) -> bool:
    """Whether the first min(R, 10) hits are all relevant, R being the number of relevant documents."""
    wanted = min(len(relevant), DEPTH)
    return len(ranked) >= wanted and all(doc_id in relevant for doc_id in ranked[:wanted])


def ready(system: Engine, docs: Sequence[Doc], keep: bool, pages: Path | None = None) -> float | None:
    """Build `system`'s index unless `keep` and a finished build of the same documents is there; with `pages`,
    seekwire's from that folder of pages, with entities.

    Returns the build time in seconds, or None when an existing index was reused.
    """
    marker = system.directory.with_name(f"{system.name}.built")
    signature = {"pages": str(pages)} if pages else {"documents": len(docs), "first": docs[0].id, "last": docs[-1].id}
    if keep and marker.exists() and json.loads(marker.read_text()) == signature:
        return None
    marker.unlink(missing_ok=True)
    started = time.perf_counter()
    if pages:
        system.index([pages], entities=True)
    else:
        system.build(docs)
    seconds = time.perf_counter() - started
    marker.write_text(json.dumps(signature))
    return seconds


def evaluate(system: Engine, queries: Sequence[Query]) -> dict[str, Scores]:
    """Scores overall ("all") and by query kind."""
    system.open()
    try:
        ranked = [system.search(query.text, DEPTH) for query in queries]
    finally:
        system.close()
    ranks = [first_relevant(found, query.relevant) for found, query in zip(ranked, queries)]
    complete = [all_first(found, query.relevant) for found, query in zip(ranked, queries)]

    def scored(chosen: Callable[[Query], bool]) -> Scores:
        picked = [i for i, query in enumerate(queries) if chosen(query)]
        return Scores.of([ranks[i] for i in picked], [complete[i] for i in picked])

    kinds = sorted({query.kind for query in queries})
    scores = {"all": scored(lambda query: True)}
    if len(kinds) > 1:
        scores.update({kind: scored(lambda query, kind=kind: query.kind == kind) for kind in kinds})
    scores.update({f"half {h}": scored(lambda query, h=h: half(query) == h) for h in (0, 1)})
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
        pages = shared / query_set.corpus if query_set.pages else None
        most = min(filter(None, [limit, query_set.max_docs]), default=None)
        docs = [] if pages else list(common.read_docs(shared / query_set.corpus, most))
        queries = query_set.queries(shared, docs)
        if not pages:
            queries = common.answerable(queries, {doc.id for doc in docs})
        built, scores = {}, {}
        for name in ["seekwire"] if pages else systems:
            system = engine(name, work / f"{set_name}-{len(docs)}" / name)
            print(f"{set_name}: {name} over {len(docs) or pages}, {len(queries)} queries", file=sys.stderr)
            built[name] = ready(system, docs, keep, pages)
            scores[name] = evaluate(system, queries)
        figures[set_name] = {"documents": len(docs), "queries": len(queries), "build_seconds": built,
                             "scores": scores}
    return figures


def table(figures: dict, systems: Sequence[str]) -> str:
    """One row per set and query kind; each system's cell is MRR@10 / Success@1 / Success@10 / All-first
    (empty for a system the set does not run)."""
    rows = []
    for set_name, result in figures.items():
        ran = next(iter(result["scores"].values()))
        for kind in ran:
            cells = [result["scores"].get(name, {}).get(kind) for name in systems]
            rows.append([set_name, kind, ran[kind].queries,
                         *(f"{s.mrr10:.3f} / {s.success1:.3f} / {s.success10:.3f} / {s.all_first:.3f}" if s else ""
                           for s in cells)])
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
    print("MRR@10 / Success@1 / Success@10 / All-first")
    print(table(figures, systems))
    if args.json:
        for result in figures.values():
            result["scores"] = {name: {kind: asdict(s) for kind, s in by_kind.items()}
                                for name, by_kind in result["scores"].items()}
        args.json.write_text(json.dumps({"depth": DEPTH, "systems": systems, "sets": figures}, indent=2) + "\n")


if __name__ == "__main__":
    main()
