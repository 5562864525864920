"""Batch queries: many queries from one process, one JSON result per line.

Scripts that ask hundreds of questions should not pay for a Python start-up and an index opening each time.
A line is either a plain query or a JSON object: {"query": "...", "agency": ["AFP"], "since": "2023", ...}
with the options of `seekwire query` (singular or plural filter names, values as a string or a list).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from seekwire.errors import SeekwireError
from seekwire.output import results_record, to_json
from seekwire.query import FILTER_FIELDS, Filters, check_date_range, parse_date_bound
from seekwire.search import Searcher
from seekwire.text import repair

# Filter names as the query language spells them (agency, person…), and as Filters' own attributes.
LIST_KEYS = {**{name: field for name, field in FILTER_FIELDS.items() if field != "date"},
             **{field: field for field in FILTER_FIELDS.values() if field != "date"}}
OPTION_KEYS = {"sort", "limit", "offset", "facet_limit"}


@dataclass
class BatchSummary:
    """What a batch did, by lines of its input: queries answered, lines that failed, blank and `#` comment lines
    skipped, and whether any query found something."""

    queries: int = 0
    failed: int = 0
    skipped: int = 0
    found: bool = False


def run_batch(searcher: Searcher, lines: Iterable[str | bytes], emit: Callable[[str], None], *,
              filters: Filters, **defaults) -> BatchSummary:
    """Answer each line (text, or bytes to be read as UTF-8), emitting one JSON object per line that starts with
    `"line": N`, its line number in the input, so that a script can match every result to its question.

    Blank lines and `#` comments are skipped (and counted). A line that fails — not UTF-8, bad JSON, a bad
    query — gives {"line": N, "error": "..."} and the batch goes on.
    """
    summary = BatchSummary()
    for number, line in enumerate(lines, start=1):
        try:
            if isinstance(line, bytes):
                line = _decoded(line)
            if not line.strip() or line.lstrip().startswith("#"):
                summary.skipped += 1
                continue
            text, line_filters, options = parse_line(line)
            merged = filters.merge(line_filters)
            check_date_range(merged.since, merged.until, '"since" is after "until"')
            results = searcher.search(text, filters=merged, **{**defaults, **options})
        except SeekwireError as error:
            summary.failed += 1
            emit(to_json({"line": number, "error": str(error)}))
            continue
        summary.queries += 1
        summary.found = summary.found or results.total > 0
        emit(to_json({"line": number, **results_record(results)}))
    return summary


def _decoded(line: bytes) -> str:
    try:
        return line.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SeekwireError(f"not UTF-8 text (byte {error.start + 1})") from None


def parse_line(line: str) -> tuple[str, Filters, dict]:
    """A batch line as (query text, filters, search options). Raises SeekwireError for a bad line."""
    stripped = line.strip()
    if not stripped.startswith("{"):
        return stripped, Filters(), {}
    try:
        record = json.loads(stripped)
    except ValueError as error:
        raise SeekwireError(f"bad JSON: {error}") from None
    except RecursionError:
        raise SeekwireError("bad JSON: nested too deeply") from None
    if not isinstance(record, dict):
        raise SeekwireError("a JSON line must be an object")
    filters, options = Filters(), {}
    text = record.pop("query", "")
    if not isinstance(text, str):
        raise SeekwireError("'query' must be a string")
    for key, value in record.items():
        if key in LIST_KEYS:
            values = [value] if isinstance(value, str) else value
            if not (isinstance(values, list) and all(isinstance(v, str) for v in values)):
                raise SeekwireError(f"{key!r} must be a string or a list of strings")
            getattr(filters, LIST_KEYS[key]).extend(repair(v) for v in values)
        elif key in ("since", "until"):
            if not isinstance(value, str):
                raise SeekwireError(f"{key!r} must be a date string")
            setattr(filters, key, parse_date_bound(value, end=key == "until"))
        elif key in OPTION_KEYS:
            if key == "sort" and not isinstance(value, str) or key != "sort" and not (
                    isinstance(value, int) and not isinstance(value, bool) and value >= 0):
                raise SeekwireError(f"bad value for {key!r}: {value!r}")
            options[key] = value
        else:
            raise SeekwireError(f"unknown key {key!r}")
    return text, filters, options
