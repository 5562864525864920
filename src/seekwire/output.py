"""Rendering results: the one place that turns library dataclasses into table, JSON or JSON Lines text.

JSON is an API (its keys are documented in README.md): it is built from the dataclasses' fields, never carries
terminal decoration, and dates are `YYYY-MM-DD`, times `HH:MM`; a table marks a date the page did not print
in full with a final `?` (`2019-10-11?`: the year or the day was deduced). Tables are for people: bold
highlights only on a terminal and only when NO_COLOR is unset; the table library is only loaded when a table is
drawn. Text taken from indexed pages goes through `text.printable` before it reaches a terminal, so a page cannot
smuggle escape sequences or bidirectional overrides into the user's screen; JSON keeps the stored text, made
encodable.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import asdict, fields, is_dataclass
from typing import Any

from seekwire.article import Article
from seekwire.results import FacetCount, Hit, IndexReport, Results, Stats
from seekwire.text import BIDI, INVISIBLE, printable, repair

BOLD, RESET = "\x1b[1m", "\x1b[0m"
# Facets whose values are periods: drawn with a bar, newest first.
PERIOD_FACETS = ("years", "months", "weeks", "days")


def tabulate(*args, **kwargs) -> str:
    """tabulate, imported on first use: JSON output (scripts, the cold query path) never needs it."""
    from tabulate import tabulate as render

    return render(*args, **kwargs)


def clean(text: str) -> str:
    """Text safe to print (see `text.printable`)."""
    return printable(text)


def clean_spans(text: str, spans: Iterable[tuple[int, int]]) -> tuple[str, list[tuple[int, int]]]:
    """Text safe to print, with character spans of the stored text moved to where they fall in it."""
    dropped = [m.start() for pattern in (BIDI, INVISIBLE) for m in pattern.finditer(text)]
    if not dropped:
        return printable(text), list(spans)
    dropped.sort()
    moved = [(start - bisect_right(dropped, start - 1), end - bisect_right(dropped, end - 1)) for start, end in spans]
    return printable(text), moved


def to_json(value: Any) -> str:
    """JSON text; a string that cannot be encoded (an index written before inputs were repaired) is repaired
    here rather than failing the whole output."""
    return repair(json.dumps(value, ensure_ascii=False, default=_json_default))


def _json_default(value: Any) -> Any:
    if is_dataclass(value):
        return asdict(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"cannot serialise {type(value).__name__}")


def article_record(article: Article) -> dict:
    """An article as JSON: every stored field, entities grouped, date `YYYY-MM-DD`."""
    record = asdict(article)
    record["date"] = article.date.isoformat() if article.date else None
    record["date_inferred"] = article.date_inferred
    return record


def shallow(value: Any) -> dict:
    """A dataclass's fields as a dict, values as they are. `asdict` deep-copies every list and string of a
    page of results, twice for the hits: that was a tenth of a warm query's time, for JSON that copies
    nothing (1.1 ms of CPU a query on the OrangeSum articles, against 12 ms for the search, on a loaded
    machine)."""
    return {f.name: getattr(value, f.name) for f in fields(value)}


def hit_record(hit: Hit) -> dict:
    record = shallow(hit)
    record["agencies"] = list(hit.agencies)
    record["highlights"] = [list(span) for span in hit.highlights]
    record["title_highlights"] = [list(span) for span in hit.title_highlights]
    return record


def results_record(results: Results) -> dict:
    record = shallow(results)
    record["hits"] = [hit_record(hit) for hit in results.hits]
    record["facets"] = {name: [shallow(count) for count in counts] for name, counts in results.facets.items()}
    record["notes"] = list(results.notes)
    return record


def report_record(report: IndexReport) -> dict:
    record = asdict(report)
    record["seconds"] = round(report.seconds, 3)
    return record


def render_results(results: Results, fmt: str, color: bool, show_facets: bool = False) -> str:
    if fmt == "json":
        return to_json(results_record(results))
    if fmt == "jsonl":
        return "\n".join(to_json(hit_record(hit)) for hit in results.hits)
    parts = []
    if results.hits:
        rows = [
            [
                hit.rank,
                f"{hit.date}?" if hit.date and hit.date_inferred else hit.date or "",
                clean(", ".join(hit.agencies)),
                emphasise(*_shorten(*clean_spans(hit.title, hit.title_highlights)), color),
                emphasise(*clean_spans(hit.snippet, hit.highlights), color),
            ]
            for hit in results.hits
        ]
        parts.append(tabulate(rows, headers=["#", "date", "agency", "title", "snippet"], tablefmt="simple",
                              maxcolwidths=[None, None, 16, 40, 70]))
    if show_facets:
        parts += [facet_table(name, counts) for name, counts in results.facets.items() if counts]
    return "\n\n".join(parts)


def facet_table(name: str, counts: list[FacetCount]) -> str:
    """One facet as a two-column table; dates get a bar scaled to the largest count."""
    if name in PERIOD_FACETS:
        top = max(c.count for c in counts)
        rows = [[c.value, c.count, "█" * max(1, round(24 * c.count / top))] for c in counts]
        return tabulate(rows, headers=[name, "docs", ""], tablefmt="simple", colalign=("left", "right", "left"),
                        disable_numparse=True)
    return tabulate([[clean(c.value), c.count] for c in counts], headers=[name, "docs"], tablefmt="simple")


def render_facet(name: str, counts: list[FacetCount], fmt: str) -> str:
    if fmt == "json":
        return to_json({"facet": name, "counts": [asdict(c) for c in counts]})
    if fmt == "jsonl":
        return "\n".join(to_json(asdict(c)) for c in counts)
    return facet_table(name, counts) if counts else ""


def render_stats(stats: Stats, fmt: str) -> str:
    if fmt in ("json", "jsonl"):
        return to_json(asdict(stats))
    rows = [
        ["index", clean(stats.index)],
        ["documents", stats.documents],
        ["dates", f"{stats.first_date or '?'} to {stats.last_date or '?'} ({stats.undated} undated)"],
        ["size", f"{stats.size_bytes / 1e6:.1f} MB"],
        ["schema version", stats.schema_version],
    ]
    parts = [tabulate(rows, tablefmt="plain")]
    parts += [facet_table(name, counts) for name, counts in stats.facets.items() if counts]
    return "\n\n".join(parts)


def _shorten(text: str, spans: list[tuple[int, int]], width: int = 300) -> tuple[str, list[tuple[int, int]]]:
    """A table cell of at most `width` characters (a page can make a whole megabyte its title)."""
    if len(text) <= width:
        return text, spans
    return text[: width - 1] + "…", [(s, e) for s, e in spans if e < width]


def emphasise(text: str, spans: Iterable[tuple[int, int]], color: bool) -> str:
    """Wrap each span of `text` in bold when colour is on."""
    if not color:
        return text
    out, last = [], 0
    for start, end in spans:
        out += [text[last:start], BOLD, text[start:end], RESET]
        last = end
    out.append(text[last:])
    return "".join(out)


def render_article(article: Article, fmt: str) -> str:
    record = article_record(article)
    if fmt in ("json", "jsonl"):
        return to_json(record)
    entities = record.pop("entities")
    record.pop("body")
    rows = [[key, _cell(value)] for key, value in record.items()]
    rows += [[kind, _cell(names)] for kind, names in entities.items()]
    return tabulate(rows, tablefmt="plain") + "\n\n" + clean_block(article.body)


def clean_block(text: str) -> str:
    """Multi-line text safe to print: keeps line breaks, drops other control characters."""
    return "\n".join(clean(line) for line in text.split("\n"))


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(clean(str(v)) for v in value)
    return clean(str(value))


def render_report(report: IndexReport, fmt: str) -> str:
    if fmt in ("json", "jsonl"):
        return to_json(report_record(report))
    return summary_line(report)


def summary_line(report: IndexReport) -> str:
    if not report.changed:
        what = "nothing changed"
    else:
        what = f"{report.added} added, {report.updated} updated, {report.removed} removed"
    skipped = f", {len(report.skipped)} skipped" if report.skipped else ""
    return (f"{clean(report.index)}: {what}, {report.unchanged} unchanged{skipped} — {report.documents} documents "
            f"in {report.seconds:.1f}s")
