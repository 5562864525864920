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

import csv
import io
import json
import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import asdict, fields, is_dataclass
from typing import Any

from seekwire.article import Article
from seekwire.results import FacetCount, Hit, IndexReport, Results, Stats, Timeline, WatchSummary
from seekwire.text import BIDI, INVISIBLE, printable, repair

BOLD, RESET = "\x1b[1m", "\x1b[0m"
# Facets whose values are periods: drawn with a bar, newest first.
PERIOD_FACETS = ("years", "months", "weeks", "days")
# Hit tables fit the terminal: the rank, date and agency columns take what they need, and the title and the
# snippet share the rest, TITLE_SHARE of it to the title. When that leaves either under NARROWEST characters, the
# snippet is left out: a title cut to a word per line helps nobody.
TITLE_SHARE = 0.4
NARROWEST = 15
AGENCY_WIDTH = 16
# tabulate's "simple" tables put two spaces between columns and give a header two more than its text.
GAP = 2
HEADER_PADDING = 2
# Width of a table when the terminal's is unknown.
DEFAULT_WIDTH = 100
SPACE = re.compile(r"\s")
WORD = re.compile(r"\S+")
# A spreadsheet reads a cell starting with one of these as a formula (`=HYPERLINK(...)` in a scraped title):
# such a cell is written after a quote, as spreadsheets themselves escape text.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# CSV columns of a hit, and of an exported article.
HIT_COLUMNS = ("rank", "id", "date", "agencies", "publisher", "title", "snippet", "url", "path", "persons",
               "places", "organizations")
ARTICLE_COLUMNS = ("id", "path", "title", "date", "time", "date_source", "date_inferred", "agencies", "publisher",
                   "url", "lede", "body", "persons", "places", "organizations")


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


def render_results(results: Results, fmt: str, color: bool, show_facets: bool = False,
                   width: int = DEFAULT_WIDTH) -> str:
    if fmt == "json":
        return to_json(results_record(results))
    if fmt == "jsonl":
        return "\n".join(to_json(hit_record(hit)) for hit in results.hits)
    if fmt == "csv":
        return to_csv(HIT_COLUMNS, [hit_row(hit) for hit in results.hits])
    parts = []
    if results.hits:
        parts.append(hit_table(results.hits, width, color))
    if show_facets:
        parts += [facet_table(name, counts) for name, counts in results.facets.items() if counts]
    return "\n\n".join(parts)


def hit_table(hits: list[Hit], width: int, color: bool) -> str:
    """The hits as a table `width` columns wide at most (unless the fixed columns alone are wider), cells
    wrapped between words, highlights in bold when `color`."""
    dates = [f"{hit.date}?" if hit.date and hit.date_inferred else hit.date or "" for hit in hits]
    agencies = [clean(", ".join(hit.agencies)) for hit in hits]
    fixed = [_column_width("#", [str(hit.rank) for hit in hits]), _column_width("date", dates),
             min(_column_width("agency", agencies), AGENCY_WIDTH)]
    rest = width - sum(fixed) - GAP * len(fixed)
    title_width = round((rest - GAP) * TITLE_SHARE)
    snippet_width = rest - GAP - title_width
    with_snippet = min(title_width, snippet_width) >= NARROWEST
    if not with_snippet:
        title_width = max(NARROWEST, rest)
    rows = []
    for hit, date, agency in zip(hits, dates, agencies, strict=True):
        title, title_spans = _shorten(*clean_spans(hit.title, hit.title_highlights))
        row = [str(hit.rank), date, wrap(agency, [], fixed[2], False), wrap(title, title_spans, title_width, color)]
        if with_snippet:
            row.append(wrap(*clean_spans(hit.snippet, hit.highlights), snippet_width, color))
        rows.append(row)
    headers = ["#", "date", "agency", "title", "snippet"][: 5 if with_snippet else 4]
    return tabulate(rows, headers=headers, tablefmt="simple", disable_numparse=True,
                    colalign=("right", *["left"] * (len(headers) - 1)))


def _column_width(header: str, cells: list[str]) -> int:
    return max([len(header) + HEADER_PADDING, *map(len, cells)])


def wrap(text: str, spans: Iterable[tuple[int, int]], width: int, color: bool) -> str:
    """`text` in lines of at most `width` characters broken between words (inside a word only when it is
    longer than a line), its spans in bold when `color`."""
    text = SPACE.sub(" ", text)  # one character for one: the spans stay where they were
    lines: list[tuple[int, int]] = []
    for word in WORD.finditer(text):
        start, end = word.span()
        if lines and end - lines[-1][0] <= width:
            lines[-1] = (lines[-1][0], end)
            continue
        while end - start > width:
            lines.append((start, start + width))
            start += width
        lines.append((start, end))
    spans = list(spans)
    return "\n".join(emphasise(text[s:e], [(max(a, s) - s, min(b, e) - s) for a, b in spans if a < e and b > s],
                                color) for s, e in lines)


def hit_row(hit: Hit) -> list:
    return [hit.rank, hit.id, hit.date, hit.agencies, hit.publisher, hit.title, hit.snippet, hit.url, hit.path,
            *(hit.entities.get(kind, []) for kind in ("persons", "places", "organizations"))]


def to_csv(header: Iterable[str], rows: Iterable[Iterable[Any]]) -> str:
    """CSV text, with a header row unless `header` is empty: lists joined with "; ", control characters but
    line breaks dropped, and cells that a spreadsheet would run as a formula escaped with a quote."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    if header:
        writer.writerow(header)
    writer.writerows([csv_cell(value) for value in row] for row in rows)
    return buffer.getvalue().removesuffix("\n")


def csv_cell(value: Any) -> str:
    if value is None:
        return ""
    text = clean_block("; ".join(value) if isinstance(value, list) else str(value))
    return "'" + text if text.startswith(FORMULA_START) else text


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
    if fmt == "csv":
        return to_csv(("value", "count"), ((c.value, c.count) for c in counts))
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


def render_article(article: Article, fmt: str, width: int = DEFAULT_WIDTH, color: bool = False) -> str:
    """An article as JSON, or as text to read: its fields, then the body, wrapped to `width` columns, the title
    in bold when `color`."""
    record = article_record(article)
    if fmt in ("json", "jsonl"):
        return to_json(record)
    entities = record.pop("entities")
    record.pop("body")
    rows = [[key, _cell(value)] for key, value in record.items()]
    rows += [[kind, _cell(names)] for kind, names in entities.items()]
    values = max(NARROWEST, width - max(map(len, (key for key, _ in rows))) - GAP)
    rows = [[key, wrap(value, [(0, len(value))] if key == "title" else [], values, color)] for key, value in rows]
    body = "\n\n".join(wrap(clean_block(paragraph), [], max(NARROWEST, width), False)
                         for paragraph in article.body.split("\n\n"))
    return tabulate(rows, tablefmt="plain") + "\n\n" + body


def article_row(article: Article) -> list:
    record = article_record(article)
    entities = record.pop("entities")
    return [record.get(column, entities.get(column)) for column in ARTICLE_COLUMNS]


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


def render_timeline(timeline: Timeline, fmt: str, width: int = DEFAULT_WIDTH) -> str:
    """A timeline as JSON, CSV, or a bar chart `width` columns wide, one bar per period, oldest first."""
    if fmt == "json":
        return to_json(asdict(timeline))
    if fmt == "jsonl":
        return "\n".join(to_json(asdict(c)) for c in timeline.counts)
    if fmt == "csv":
        return to_csv(("value", "count"), ((c.value, c.count) for c in timeline.counts))
    if not timeline.counts:
        return ""
    top = max(c.count for c in timeline.counts) or 1
    label = _column_width(timeline.period, [c.value for c in timeline.counts])
    digits = _column_width("docs", [str(top)])
    room = max(1, width - label - digits - 2 * GAP)
    rows = [[c.value, c.count, "█" * round(room * c.count / top)] for c in timeline.counts]
    return tabulate(rows, headers=[timeline.period, "docs", ""], tablefmt="simple", disable_numparse=True,
                    colalign=("left", "right", "left"))


def render_watches(watches: list[WatchSummary], fmt: str) -> str:
    if fmt in ("json", "jsonl"):
        return to_json({"watches": [asdict(watch) for watch in watches]})
    rows = [[clean(w.name), clean(w.query), clean(_filters_text(w.filters)), w.added, w.last_run or "never",
             w.seen] for w in watches]
    return tabulate(rows, headers=["watch", "query", "filters", "added", "last run", "seen"], tablefmt="simple",
                    disable_numparse=True) if rows else ""


def _filters_text(filters: dict) -> str:
    return " ".join(f"{key}:{'|'.join(value) if isinstance(value, list) else value}"
                    for key, value in filters.items())


def render_watch_run(found: list[tuple[str, Results]], fmt: str, color: bool,
                     width: int = DEFAULT_WIDTH) -> str:
    """The new hits of each watch: JSON, one object per watch per line (the `query` object with `watch`
    first); JSON Lines, one hit per line with its `watch`; CSV, one row per hit after a `watch` column; or a
    table per watch under a line naming it."""
    if fmt == "json":
        return "\n".join(to_json({"watch": name, **results_record(results)}) for name, results in found)
    if fmt == "jsonl":
        return "\n".join(to_json({"watch": name, **hit_record(hit)})
                         for name, results in found for hit in results.hits)
    if fmt == "csv":
        return to_csv(("watch", *HIT_COLUMNS),
                      ([name, *hit_row(hit)] for name, results in found for hit in results.hits))
    parts = []
    for name, results in found:
        parts.append(f"{clean(name)}: {results.total} new")
        if results.hits:
            parts.append(hit_table(results.hits, width, color))
    return "\n\n".join(parts)
