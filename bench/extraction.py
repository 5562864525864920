"""Score page understanding (`parse_page`) against the gold of the development crawls.

For each crawl directory (dumps-dev, dumps-dev-b, wikinews-dev, wikinews-dev-b: eight page layouts, gold
`template` a-d and m-p; html-dev: four layouts of saved web pages, A-D, read with `parse_html`) every page is decoded the simple way a reader would (UTF-8 with or without BOM, else
Windows-1252; CRLF normalised), parsed with the gold modification time, and compared with its gold row: title,
date, time, agencies (as an ordered list), lede and publisher accuracy, body token precision / recall / F1, and
leakage (the share of extracted body tokens absent from the gold body). Figures are given per page layout and
overall, with the parsing speed. Furniture is learned from each crawl's own pages, without gold, as it would be
on a user's folder.

A figure measured on the layouts a setting was chosen on is optimistic, so `--leave-one-out` also scores each
layout with the setting (furniture share, headline weights; see `SETTINGS`) that does best on the other layouts
scored, and reports each left-out score and their mean: the figure to expect on a site never seen. Saved web
pages are scored on their own (`--crawl html-dev --leave-one-out`: fitted on three layouts, scored on the fourth).

    PYTHONPATH=src python bench/extraction.py [--shared DIR] [--crawl NAME]... [--limit N] [--no-furniture]
        [--leave-one-out] [--show-failures N] [--json FILE]

`score_entities(articles, gold_rows)` is the hook where entity scores join the table: it receives the parsed
articles and their gold rows, and returns extra named figures.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import statistics
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import click
from tabulate import tabulate

from seekwire.article import Article
from seekwire.extract import Furniture, HeadlineWeights, learn_furniture, parse_page
from seekwire.extract.html import decode_html, page_text, parse_html, read_markup
from seekwire.reading import decode as decode_page

DEFAULT_SHARED = Path(
    os.environ.get("SEEKWIRE_SHARED", Path(__file__).resolve().parents[1].parent / "shared")
)
CRAWLS = ("dumps-dev", "dumps-dev-b", "wikinews-dev", "wikinews-dev-b", "html-dev")
_TOKEN = re.compile(r"\w+")
FIELDS = ("title", "date", "time", "agencies", "lede", "publisher")


@dataclass(frozen=True)
class Setting:
    """The fitted parts of page understanding: the furniture share and the headline weights."""

    furniture_share: float = Furniture().min_share
    headline: HeadlineWeights = field(default_factory=HeadlineWeights)

    def label(self) -> str:
        return f"share={self.furniture_share} rank={self.headline.rank} words={self.headline.article_words}"


# The grid the leave-one-layout-out check fits over: the clues whose weight is least certain.
SETTINGS = [
    Setting(share, HeadlineWeights(rank=rank, article_words=words))
    for share in (0.1, 0.2, 0.4)
    for rank in (0.2, 0.4, 0.8)
    for words in (0.75, 1.5)
]


@dataclass
class PageScore:
    """How one parsed page compares with its gold row."""

    file: str
    template: str
    matches: dict[str, bool]
    precision: float
    recall: float
    leakage: float

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


@dataclass
class Crawl:
    """The pages of one crawl directory, decoded, with their gold rows."""

    name: str
    texts: list[str] = field(default_factory=list)
    gold: list[dict] = field(default_factory=list)

    @property
    def html(self) -> bool:
        return bool(self.gold) and self.gold[0]["file"].endswith((".html", ".htm"))

    def visible(self) -> list[str]:
        """The pages' text as furniture is learned from it: for saved web pages, their visible text."""
        return [page_text(read_markup(text)) for text in self.texts] if self.html else self.texts


def decode(raw: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252, with `\\n` line endings."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def load_crawl(directory: Path, limit: int | None) -> Crawl:
    crawl = Crawl(directory.name)
    with (directory / "gold.jsonl").open(encoding="utf-8") as rows:
        for line in rows:
            row = json.loads(line)
            crawl.gold.append(row)
            raw = (directory / row["file"]).read_bytes()
            crawl.texts.append(decode_html(raw, decode_page) if row["file"].endswith((".html", ".htm")) else decode(raw))
            if limit is not None and len(crawl.gold) >= limit:
                break
    return crawl


def mtime_of(row: dict) -> float:
    return dt.datetime.fromisoformat(row["mtime"]).timestamp()


def score_page(article: Article, row: dict) -> PageScore:
    extracted = Counter(_TOKEN.findall(article.body.lower()))
    gold = Counter(_TOKEN.findall(row["body"].lower()))
    overlap = sum((extracted & gold).values())
    found, expected = sum(extracted.values()), sum(gold.values())
    leaked = sum(count for token, count in extracted.items() if token not in gold)
    matches = {
        "title": article.title == row["title"],
        "date": (article.date.isoformat() if article.date else None) == row["date"],
        "time": article.time == row["time"],
        "agencies": article.agencies == row["agencies"],
        "lede": article.lede == row["lede"],
        "publisher": article.publisher == row["publisher"],
    }
    return PageScore(
        file=row["file"],
        template=row["template"],
        matches=matches,
        precision=overlap / found if found else float(expected == 0),
        recall=overlap / expected if expected else 1.0,
        leakage=leaked / found if found else 0.0,
    )


def score_entities(articles: list[Article], gold_rows: list[dict]) -> dict[str, float]:
    """Entity figures for pages whose gold has entities; none until entity extraction fills `Article.entities`."""
    with_gold = [(a, r) for a, r in zip(articles, gold_rows, strict=True) if r.get("entities")]
    if not with_gold or not any(a.entities.persons or a.entities.places for a, _ in with_gold):
        return {}
    hits = sum(
        len(set(getattr(a.entities, kind)) & set(r["entities"][kind]))
        for a, r in with_gold
        for kind in ("persons", "places", "organizations")
    )
    found = sum(
        len(getattr(a.entities, k)) for a, _ in with_gold for k in ("persons", "places", "organizations")
    )
    expected = sum(
        len(r["entities"][k]) for _, r in with_gold for k in ("persons", "places", "organizations")
    )
    precision = hits / found if found else 0.0
    recall = hits / expected if expected else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"entities P": precision, "entities R": recall, "entities F1": f1}


def summarise(scores: list[PageScore]) -> dict[str, float]:
    summary = {name: statistics.fmean(s.matches[name] for s in scores) for name in FIELDS}
    summary["body P"] = statistics.fmean(s.precision for s in scores)
    summary["body R"] = statistics.fmean(s.recall for s in scores)
    summary["body F1"] = statistics.fmean(s.f1 for s in scores)
    summary["leakage"] = statistics.fmean(s.leakage for s in scores)
    summary["pages"] = len(scores)
    return summary


def run_crawl(
    crawl: Crawl, furniture: Furniture | None, setting: Setting = Setting()
) -> tuple[list[Article], list[PageScore], float]:
    started = time.perf_counter()
    if furniture is not None:
        furniture = Furniture(furniture.sites, min_share=setting.furniture_share)
    parse = parse_html if crawl.html else parse_page
    articles = [
        parse(
            text,
            doc_id=row["file"],
            path=row["file"],
            mtime=mtime_of(row),
            furniture=furniture,
            headline=setting.headline,
        )
        for text, row in zip(crawl.texts, crawl.gold, strict=True)
    ]
    elapsed = time.perf_counter() - started
    scores = [score_page(a, r) for a, r in zip(articles, crawl.gold, strict=True)]
    return articles, scores, elapsed


def fitness(scores: list[PageScore]) -> float:
    """What a setting is chosen for: titles right, bodies whole, no furniture in them."""
    summary = summarise(scores)
    return summary["title"] + summary["body F1"] - summary["leakage"]


def score_left_out(crawls: list[Crawl], learned: list[Furniture | None]) -> list[dict]:
    """Each layout scored with the setting that does best on the others (mean of per-layout fitness)."""
    by_setting: list[dict[str, list[PageScore]]] = []
    for setting in SETTINGS:
        by_layout: dict[str, list[PageScore]] = defaultdict(list)
        for crawl, furniture in zip(crawls, learned, strict=True):
            for score in run_crawl(crawl, furniture, setting)[1]:
                by_layout[score.template].append(score)
        by_setting.append(by_layout)
    layouts = sorted(by_setting[0])
    rows = []
    for left_out in layouts:
        others = [layout for layout in layouts if layout != left_out]
        best = max(
            range(len(SETTINGS)),
            key=lambda i: statistics.fmean(fitness(by_setting[i][layout]) for layout in others),
        )
        figures = summarise(by_setting[best][left_out])
        rows.append(
            {
                "left out": left_out,
                "fitted on the others": SETTINGS[best].label(),
                **{name: figures[name] for name in ("title", "date", "agencies", "lede", "body F1", "leakage", "pages")},
            }
        )
    mean = {
        name: statistics.fmean(row[name] for row in rows)
        for name in ("title", "date", "agencies", "lede", "body F1", "leakage")
    }
    rows.append({"left out": "mean", "fitted on the others": "", **mean, "pages": sum(r["pages"] for r in rows)})
    overall = max(
        range(len(SETTINGS)),
        key=lambda i: statistics.fmean(fitness(by_setting[i][layout]) for layout in layouts),
    )
    rows.append({"left out": "none", "fitted on the others": SETTINGS[overall].label()})
    return rows


def print_failures(articles: list[Article], crawl: Crawl, scores: list[PageScore], count: int) -> None:
    ranked = sorted(
        zip(articles, crawl.gold, scores, strict=True),
        key=lambda t: sum(not ok for ok in t[2].matches.values()) + (1 - t[2].f1) * 3,
        reverse=True,
    )
    for article, row, score in ranked[:count]:
        wrong = [name for name, ok in score.matches.items() if not ok]
        click.echo(
            f"--- {crawl.name}/{row['file']} [{row['template']}] wrong: {wrong} "
            f"P={score.precision:.2f} R={score.recall:.2f}",
            err=True,
        )
        for name in wrong:
            got = getattr(article, name)
            click.echo(f"    {name}: got {got!r:.120} want {row[name]!r:.120}", err=True)


@click.command()
@click.option(
    "--shared",
    type=click.Path(path_type=Path, file_okay=False),
    default=DEFAULT_SHARED,
    show_default=True,
    help="The shared data directory holding corpus/.",
)
@click.option(
    "--crawl",
    "crawl_names",
    multiple=True,
    type=click.Choice(CRAWLS),
    help="Score only this crawl (repeatable); all five by default.",
)
@click.option("--limit", type=int, default=None, help="Score at most N pages per crawl.")
@click.option(
    "--furniture/--no-furniture",
    default=True,
    show_default=True,
    help="Learn the lines that repeat across each crawl's sites and treat them as furniture.",
)
@click.option(
    "--leave-one-out",
    is_flag=True,
    help=f"Also score each layout with the setting fitted on the others ({len(SETTINGS)} settings).",
)
@click.option("--show-failures", type=int, default=0, help="Print the N worst pages per crawl on stderr.")
@click.option(
    "--json",
    "json_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Also write the figures as JSON to FILE.",
)
def main(
    shared: Path,
    crawl_names: tuple[str, ...],
    limit: int | None,
    furniture: bool,
    leave_one_out: bool,
    show_failures: int,
    json_path: Path | None,
) -> None:
    """Score parse_page on the development crawls against their gold."""
    corpus = shared / "corpus"
    if not corpus.is_dir():
        raise click.ClickException(f"no corpus in {corpus} — pass --shared or set SEEKWIRE_SHARED")
    crawls = [load_crawl(corpus / name, limit) for name in crawl_names or CRAWLS]
    learned = [learn_furniture(crawl.visible()) if furniture else None for crawl in crawls]
    rows = []
    all_scores: list[PageScore] = []
    for crawl, crawl_furniture in zip(crawls, learned, strict=True):
        articles, scores, elapsed = run_crawl(crawl, crawl_furniture)
        all_scores.extend(scores)
        by_template: dict[str, list[PageScore]] = defaultdict(list)
        for score in scores:
            by_template[score.template].append(score)
        for template, group in sorted(by_template.items()):
            rows.append({"crawl": crawl.name, "layout": template, **summarise(group)})
        overall = {**summarise(scores), **score_entities(articles, crawl.gold)}
        overall["pages/s"] = len(scores) / elapsed if elapsed else 0.0
        rows.append({"crawl": crawl.name, "layout": "all", **overall})
        if show_failures:
            print_failures(articles, crawl, scores, show_failures)
    rows.append({"crawl": "all", "layout": "all", **summarise(all_scores)})
    click.echo(tabulate(rows, headers="keys", floatfmt=".3f"))
    held_out = score_left_out(crawls, learned) if leave_one_out else []
    if held_out:
        click.echo(
            "\nleave one layout out: each layout scored with the setting fitted on the others"
            f" (the defaults are {Setting().label()}; 'none' is the setting fitted on all of them)"
        )
        click.echo(tabulate(held_out, headers="keys", floatfmt=".3f"))
    if json_path is not None:
        figures = {"furniture": furniture, "results": rows, "leave_one_layout_out": held_out}
        json_path.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    sys.exit(main())
