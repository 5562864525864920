"""The query language: the words the engine ranks, and the facet filters written inline.

A query string mixes two things. Words, phrases, operators and `title:`/`body:`/`lede:` clauses are handed to
the ranking engine. Facet clauses — `agency:xinhua`, `person:"li keqiang"`, `date:2023-11`,
`date:[2022-01 TO 2023-06]` — are filters: they restrict which documents match but never add to a score,
exactly like the `--agency` or `--since` options, with which they combine (values of one field are OR'ed,
different fields AND'ed).

This module checks the string before the engine sees it (balanced quotes and parentheses, known field names,
real dates), so every malformed query gets one sentence that says what is wrong.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field, fields

from seekwire.errors import QuerySyntaxError

# Longest query accepted: far beyond any typed query, short enough that parsing cannot stall.
MAX_QUERY_CHARS = 50_000

TEXT_FIELD_NAMES = ("title", "body", "lede")
FILTER_FIELDS = {
    "agency": "agencies",
    "agencies": "agencies",
    "person": "persons",
    "persons": "persons",
    "place": "places",
    "places": "places",
    "org": "organizations",
    "organization": "organizations",
    "organizations": "organizations",
    "entity": "entities",
    "publisher": "publishers",
    "date": "date",
}

CLAUSE = re.compile(
    r"""(?<![\w:])(?P<name>[A-Za-z_]+):(?=\S)
        (?P<value>"[^"]*"?|\[[^\]]*\]?|[^\s()]+)""",
    re.VERBOSE,
)
DATE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")


@dataclass
class Filters:
    """Facet restrictions. Each list is OR'ed within itself; the lists and the date range are AND'ed."""

    agencies: list[str] = field(default_factory=list)
    persons: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    organizations: list[str] = field(default_factory=list)
    entities: list[str] = field(default_factory=list)
    publishers: list[str] = field(default_factory=list)
    since: dt.date | None = None
    until: dt.date | None = None

    def __bool__(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))

    def merge(self, other: Filters) -> Filters:
        """Both sets of restrictions at once (values appended, the narrower date range)."""
        merged = Filters()
        for f in fields(self):
            mine, theirs = getattr(self, f.name), getattr(other, f.name)
            if isinstance(mine, list):
                setattr(merged, f.name, mine + [v for v in theirs if v not in mine])
        merged.since = max(filter(None, [self.since, other.since]), default=None)
        merged.until = min(filter(None, [self.until, other.until]), default=None)
        return merged


@dataclass
class ParsedQuery:
    """The ranked part of a query (engine syntax, filters removed) and its filters."""

    text: str
    filters: Filters


def parse(qstring: str) -> ParsedQuery:
    """Split a query string into engine text and filters. Raises QuerySyntaxError."""
    if len(qstring) > MAX_QUERY_CHARS:
        raise QuerySyntaxError(f"query is {len(qstring)} characters long; the limit is {MAX_QUERY_CHARS}")
    filters = Filters()
    kept: list[str] = []
    last = 0
    for match in CLAUSE.finditer(qstring):
        if _inside_quotes(qstring, match.start()):
            continue
        name, value = match.group("name"), match.group("value")
        lowered = name.lower()
        if lowered in TEXT_FIELD_NAMES:
            continue
        if lowered not in FILTER_FIELDS:
            known = ", ".join([*TEXT_FIELD_NAMES, "agency", "person", "place", "org", "entity", "publisher", "date"])
            raise QuerySyntaxError(f"unknown field {name!r} — fields are {known} (quote the words to search "
                                   f"for a colon)")
        before = qstring[last : match.start()].rstrip()
        if before.endswith(("-", "NOT")):
            raise QuerySyntaxError(f"a filter cannot be negated: {match.group()!r}")
        kept.append(qstring[last : match.start()])
        last = match.end()
        _add_filter(filters, FILTER_FIELDS[lowered], value)
    kept.append(qstring[last:])
    text = " ".join("".join(kept).split())
    check_balance(text)
    return ParsedQuery(text=text, filters=filters)


def _inside_quotes(text: str, index: int) -> bool:
    return text.count('"', 0, index) % 2 == 1


def check_balance(text: str) -> None:
    """Refuse unbalanced quotes and parentheses rather than guessing what was meant."""
    if text.count('"') % 2:
        raise QuerySyntaxError('unbalanced quote (") in query — close the phrase or remove the quote')
    depth = 0
    for part in text.split('"')[::2]:
        for char in part:
            depth += {"(": 1, ")": -1}.get(char, 0)
            if depth < 0:
                raise QuerySyntaxError("unbalanced parenthesis: ')' without '(' in query")
    if depth:
        raise QuerySyntaxError("unbalanced parenthesis: '(' without ')' in query")


def _add_filter(filters: Filters, name: str, value: str) -> None:
    if name == "date":
        since, until = parse_date_range(value)
        merged = filters.merge(Filters(since=since, until=until))
        filters.since, filters.until = merged.since, merged.until
        return
    if value.startswith('"'):
        if not value.endswith('"') or len(value) < 2:
            raise QuerySyntaxError(f"unbalanced quote in filter {value!r}")
        value = value[1:-1]
    value = value.strip()
    if not value:
        raise QuerySyntaxError("empty filter value")
    getattr(filters, name).append(value)


def parse_date_range(value: str) -> tuple[dt.date | None, dt.date | None]:
    """`2023`, `2023-11`, `2023-11-28` or `[A TO B]` (either end may be empty or `*`) -> (since, until)."""
    if value.startswith("["):
        if not value.endswith("]"):
            raise QuerySyntaxError(f"unclosed date range {value!r} — write date:[2022-01 TO 2023-06]")
        parts = re.split(r"\s*\bTO\b\s*", value[1:-1].strip(), flags=re.IGNORECASE)
        if len(parts) != 2:
            raise QuerySyntaxError(f"bad date range {value!r} — write date:[2022-01 TO 2023-06]")
        low, high = (p.strip() for p in parts)
        since = None if low in ("", "*") else parse_date_bound(low, end=False)
        until = None if high in ("", "*") else parse_date_bound(high, end=True)
        check_date_range(since, until, f"date:{value} ends before it starts")
        return since, until
    return parse_date_bound(value, end=False), parse_date_bound(value, end=True)


def check_date_range(since: dt.date | None, until: dt.date | None, lead: str = "--since is after --until") -> None:
    """Refuse a range that ends before it starts: it can only be a slip (the bounds swapped), and answering it
    with 0 hits would read as "nothing was published". Raises QuerySyntaxError."""
    if since and until and since > until:
        raise QuerySyntaxError(f"{lead}: {since} to {until} holds no day — swap the bounds")


def parse_date_bound(value: str, *, end: bool) -> dt.date:
    """The first (or, with `end`, the last) day of `2023`, `2023-11` or `2023-11-28`. Raises QuerySyntaxError."""
    match = DATE.fullmatch(value.strip())
    if not match:
        raise QuerySyntaxError(f"bad date {value!r} — use YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = (int(g) if g else None for g in match.groups())
    try:
        if month is None:
            return dt.date(year, 12, 31) if end else dt.date(year, 1, 1)
        if day is None:
            return dt.date(year, month, calendar.monthrange(year, month)[1] if end else 1)
        return dt.date(year, month, day)
    except (ValueError, calendar.IllegalMonthError):
        raise QuerySyntaxError(f"bad date {value!r}: no such day") from None
