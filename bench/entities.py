"""How well, and how fast, seekwire finds people, places and organisations, on pages of every layout.

Scores are document-level, as search uses them: per article, the set of (type, name) predicted against the
set annotated in French Wikinews (the `entities` of `corpus/wikinews-dev/gold.jsonl`, layouts a-d, and of
`corpus/wikinews-dev-b/gold.jsonl`, the same articles in layouts m-p; WiNER-fr annotations), summed over
articles into precision, recall and F1, typed and untyped, and per type; per layout, per crawl and over all.

The recogniser reads what the index would give it: each page is decoded, the lines repeated across its crawl
are learned as furniture, and the page is parsed with its gold modification time; the title, lede and body
found go to the model. Errors of page understanding (furniture left in the body, a site name taken for the
headline) therefore count here, as they do for a user. `--gold-text` feeds the annotated title and text
instead: the score with perfect page understanding.

The gold lists surface strings ("Hollande" and "François Hollande", "l'Irak"), the systems compared write
names differently, so every name, gold or predicted, goes through the same matching normalisation:

* case and accents folded, apostrophe and hyphen variants unified, leading determiners stripped, capitalised
  or not (`names.name_key`: "la Chine", "Le Caire" -> "chine", "caire");
* in the "canonical" scores, within one article and one type, a name that is whole words of exactly one
  longer name of the set is counted as that name ("Hollande" with "François Hollande" is one person).
  Gold and every system's output are collapsed alike, so listing both forms is neither rewarded nor punished.
  The "surface" F1 column skips this step.

Systems: "model" is the spaCy model's PER / LOC / ORG spans as written, deduplicated; "seekwire" is the same
spans through seekwire's clean-up (`entities_from_spans`). Both read one model output per text, which
`--cache DIR` keeps on disk so that a run that only changes the clean-up skips the model.

Leave one layout out: the clean-up's word lists are French vocabulary (titles, determiners, days, months,
institution nouns, the agency table), not names seen here; its one number, how many words a line may have
and still be a heading or a byline rather than a sentence (`entities._MAX_SHORT_LINE_WORDS`), is chosen
again in turn on seven layouts among `SHORT_LINE_WORDS` and scored on the eighth. The table gives the value
each fold chose and the left-out score, beside the score of the value shipped.

`--speed` also times, in texts per second (median of `--repeat` runs), the model alone (one process) and the
full recogniser with one and two processes.

    PYTHONPATH=src python bench/entities.py [--shared DIR] [--limit N] [--gold-text] [--cache DIR]
        [--speed] [--repeat N] [--json FILE]
"""

from __future__ import annotations

import datetime as dt
import hashlib
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
from seekwire.extract import entities as recogniser
from seekwire.extract import learn_furniture, parse_page
from seekwire.extract.entities import (
    EntityRecognizer,
    article_text,
    entities_from_spans,
    installed_model,
    load_model,
    model_spans,
)
from seekwire.extract.names import alias_targets, name_key
from seekwire.reading import decode

SHARED = Path(os.environ.get("SEEKWIRE_SHARED", Path(__file__).resolve().parents[1].parent / "shared"))
CRAWLS = ("wikinews-dev", "wikinews-dev-b")
TYPES = {"persons": "PER", "places": "LOC", "organizations": "ORG"}
FIELDS = {label: field for field, label in TYPES.items()}
# The values of `entities._MAX_SHORT_LINE_WORDS` each leave-one-layout-out fold chooses among.
SHORT_LINE_WORDS = (6, 8, 10, 15, 20, 25, 30, 40)

Spans = list[tuple[str, int, int]]


@dataclass
class Score:
    precision: float
    recall: float
    f1: float


@dataclass
class Page:
    """One gold article as the recogniser sees it."""

    crawl: str
    layout: str
    gold: dict
    text: str


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


def evaluate(predictions: Iterable[Entities], gold_rows: Iterable[dict], *, canonical: bool = True) -> dict:
    """Document-level scores of predicted entities against gold rows (with an `entities` mapping).

    Returns {"typed" | "untyped" | "PER" | "LOC" | "ORG": {"precision", "recall", "f1"}}.
    """
    counts = {name: [0, 0, 0] for name in ["typed", "untyped", *TYPES.values()]}
    for entities, row in zip(predictions, gold_rows, strict=True):
        predicted = match_set(entities, canonical=canonical)
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


def load_pages(shared: Path, limit: int | None, gold_text: bool) -> list[Page]:
    """The gold articles of every crawl, each with the text the recogniser reads (see the module docstring)."""
    pages = []
    for crawl in CRAWLS:
        directory = shared / "corpus" / crawl
        if not (directory / "gold.jsonl").is_file():
            raise click.ClickException(f"no gold file in {directory}: pass --shared DIR or set SEEKWIRE_SHARED")
        with (directory / "gold.jsonl").open(encoding="utf-8") as lines:
            rows = [json.loads(line) for line in lines][:limit]
        texts = [decode((directory / row["file"]).read_bytes()) for row in rows]
        furniture = learn_furniture(texts)
        for row, text in zip(rows, texts, strict=True):
            if gold_text:
                article = Article(id=row["file"], path=row["file"], title=row["title"], body=row["body"])
            else:
                mtime = dt.datetime.fromisoformat(row["mtime"]).timestamp()
                article = parse_page(text, doc_id=row["file"], path=row["file"], mtime=mtime, furniture=furniture)
            pages.append(Page(crawl, row["template"], row, article_text(article)))
    return pages


class SpanCache:
    """The model's spans per text, kept in `directory` (when given) across runs."""

    def __init__(self, model: str, directory: Path | None) -> None:
        self.model = model
        self.path = directory / f"entity-spans-{model}.json" if directory else None
        self.spans: dict[str, Spans] = {}
        if self.path and self.path.is_file():
            self.spans = {key: [tuple(s) for s in spans] for key, spans in json.loads(self.path.read_text()).items()}
        self._nlp = None

    def __call__(self, texts: list[str]) -> list[Spans]:
        keys = [hashlib.sha1(text.encode()).hexdigest() for text in texts]
        missing = {key: text for key, text in zip(keys, texts, strict=True) if key not in self.spans}
        if missing:
            self._nlp = self._nlp or load_model(self.model)
            self.spans.update(zip(missing, model_spans(self._nlp, list(missing.values())), strict=True))
            if self.path:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self.path.write_text(json.dumps(self.spans))
        return [self.spans[key] for key in keys]


def raw_entities(spans: Spans, text: str) -> Entities:
    """The model alone: its PER / LOC / ORG spans as written, no clean-up."""
    found = Entities()
    for label, start, end in spans:
        field = FIELDS.get(label)
        if field and text[start:end] not in getattr(found, field):
            getattr(found, field).append(text[start:end])
    return found


def quality(pages: list[Page], spans: list[Spans]) -> list[dict]:
    """Rows of scores of both systems: per layout, per crawl, and over all pages."""
    systems = {"model": raw_entities, "seekwire": entities_from_spans}
    predicted = {
        name: [system(found, page.text) for found, page in zip(spans, pages, strict=True)]
        for name, system in systems.items()
    }
    groups: dict[tuple[str, str], list[int]] = {}
    for index, page in enumerate(pages):
        for key in ((page.crawl, page.layout), (page.crawl, "all"), ("all", "all")):
            groups.setdefault(key, []).append(index)
    rows = []
    for (crawl, layout), indexes in sorted(groups.items(), key=lambda item: _group_order(*item[0])):
        gold = [pages[i].gold for i in indexes]
        scores = {name: evaluate([found[i] for i in indexes], gold) for name, found in predicted.items()}
        surface = evaluate([predicted["seekwire"][i] for i in indexes], gold, canonical=False)
        ours = scores["seekwire"]
        rows.append(
            {
                "crawl": crawl,
                "layout": layout,
                "pages": len(indexes),
                "model F1": scores["model"]["typed"]["f1"],
                **{key: ours["typed"][name] for key, name in (("P", "precision"), ("R", "recall"), ("F1", "f1"))},
                "F1 surface": surface["typed"]["f1"],
                "F1 untyped": ours["untyped"]["f1"],
                **{f"{label} F1": ours[label]["f1"] for label in TYPES.values()},
            }
        )
    return rows


def _group_order(crawl: str, layout: str) -> tuple:
    """Crawls in order with their layouts, each crawl's total after its layouts, the grand total last."""
    return crawl == "all", crawl, layout == "all", layout


def leave_one_layout_out(pages: list[Page], spans: list[Spans]) -> list[dict]:
    """For each layout: the short-line length that scores best on the seven others, and its score on it."""
    shipped = recogniser._MAX_SHORT_LINE_WORDS
    found = {}
    for words in SHORT_LINE_WORDS:
        recogniser._MAX_SHORT_LINE_WORDS = words
        try:
            found[words] = [entities_from_spans(s, page.text) for s, page in zip(spans, pages, strict=True)]
        finally:
            recogniser._MAX_SHORT_LINE_WORDS = shipped

    def f1(words: int, indexes: list[int]) -> float:
        return evaluate([found[words][i] for i in indexes], [pages[i].gold for i in indexes])["typed"]["f1"]

    rows = []
    for layout in sorted({page.layout for page in pages}):
        inside = [i for i, page in enumerate(pages) if page.layout != layout]
        outside = [i for i, page in enumerate(pages) if page.layout == layout]
        chosen = max(SHORT_LINE_WORDS, key=lambda words: f1(words, inside))
        rows.append({"layout": layout, "chosen": chosen, "left-out F1": f1(chosen, outside),
                     f"F1 with {shipped}": f1(shipped, outside)})  # fmt: skip
    rows.append({"layout": "mean", "chosen": None, **{
        key: round(statistics.fmean(row[key] for row in rows), 4) for key in list(rows[0])[2:]
    }})  # fmt: skip
    return rows


def speed(texts: list[str], model: str, repeat: int) -> dict[str, float]:
    """Texts per second, median of `repeat` runs: the model alone, and the recogniser with 1 and 2 processes."""
    nlp = load_model(model)
    runs: dict[str, Callable[[], object]] = {"model, 1 process": lambda: model_spans(nlp, texts)}
    for processes in (1, 2):
        ner = EntityRecognizer(model, processes=processes)
        articles = [Article(id=str(i), path="", title="", body=text) for i, text in enumerate(texts)]
        runs[f"seekwire, {processes} process{'es' if processes > 1 else ''}"] = (
            lambda ner=ner, articles=articles: list(ner.recognize(articles))
        )
    rates = {}
    for name, run in runs.items():
        samples = []
        for _ in range(repeat):
            start = time.perf_counter()
            run()
            samples.append(len(texts) / (time.perf_counter() - start))
        rates[name] = round(statistics.median(samples), 1)
    return rates


@click.command()
@click.option("--shared", type=click.Path(file_okay=False, path_type=Path), default=SHARED, show_default=True)
@click.option("--limit", type=int, help="Only the first N gold articles of each crawl.")
@click.option("--gold-text", is_flag=True, help="Feed the annotated title and text instead of the parsed pages.")
@click.option("--cache", type=click.Path(file_okay=False, path_type=Path), help="Keep the model's spans here.")
@click.option("--speed", "with_speed", is_flag=True, help="Also time the model and the recogniser.")
@click.option("--repeat", type=int, default=3, show_default=True, help="Timed runs per system (median).")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path), help="Write results.")
def main(
    shared: Path,
    limit: int | None,
    gold_text: bool,
    cache: Path | None,
    with_speed: bool,
    repeat: int,
    json_path: Path | None,
) -> None:
    pages = load_pages(shared, limit, gold_text)
    model = installed_model()
    spans = SpanCache(model, cache)([page.text for page in pages])
    rows = quality(pages, spans)
    source = "annotated title and text" if gold_text else "parsed pages"
    click.echo(f"{len(pages)} Wikinews articles ({source}), {model}; document-level scores, typed unless said")
    click.echo(tabulate(rows, headers="keys", floatfmt=".3f"))
    folds = leave_one_layout_out(pages, spans)
    click.echo("\nleave one layout out: the short-line length chosen on the seven other layouts, typed F1")
    click.echo(tabulate(folds, headers="keys", floatfmt=".3f"))
    results: dict[str, object] = {"model": model, "source": source, "quality": rows, "leave_one_out": folds}
    if with_speed:
        results["texts_per_second"] = rates = speed([page.text for page in pages], model, repeat)
        click.echo(tabulate(rates.items(), headers=["system", "texts/s"]))
    if json_path:
        json_path.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
