"""What the library returns: plain dataclasses, free of Whoosh, rendered by `output`.

Keeping them apart from the modules that compute them lets the renderer (and any caller) import them without
pulling in the engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Skip:
    """An input that was not indexed, and why."""

    path: str
    reason: str


@dataclass
class IndexReport:
    """What an indexing run did. Counts are documents; `skipped` lists inputs that were not indexed."""

    index: str
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    skipped: list[Skip] = field(default_factory=list)
    documents: int = 0
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)


@dataclass
class Hit:
    """One matching document. `highlights` are [start, end) character spans into `snippet`,
    `title_highlights` into `title`; `date_source` and `date_inferred` say whether the date was printed or
    deduced (as `Article.date_source`); `url` and `entities` are the article's, for a reviewer's spreadsheet."""

    rank: int
    id: str
    path: str
    title: str
    date: str | None
    time: str | None
    date_source: str | None
    date_inferred: bool
    agencies: list[str]
    publisher: str | None
    score: float | None
    snippet: str
    highlights: list[tuple[int, int]] = field(default_factory=list)
    title_highlights: list[tuple[int, int]] = field(default_factory=list)
    url: str | None = None
    entities: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class FacetCount:
    """How many matching documents carry one facet value."""

    value: str
    count: int


@dataclass
class Results:
    """One page of hits for a query, with the total number of matching documents and facet counts over all
    of them. `suggestion` is a corrected query when some words look misspelt; `notes` explain anything the
    engine changed (a wildcard cut short, a filter value that names nothing)."""

    query: str
    total: int
    offset: int
    limit: int
    sort: str
    hits: list[Hit]
    facets: dict[str, list[FacetCount]] = field(default_factory=dict)
    suggestion: str | None = None
    notes: list[str] = field(default_factory=list)


@dataclass
class Stats:
    """What an index holds."""

    index: str
    documents: int
    first_date: str | None
    last_date: str | None
    undated: int
    size_bytes: int
    schema_version: int
    facets: dict[str, list[FacetCount]] = field(default_factory=dict)


@dataclass
class Timeline:
    """Matching documents per period, oldest first; `undated` matched but have no date."""

    query: str
    period: str
    total: int
    undated: int
    counts: list[FacetCount] = field(default_factory=list)


@dataclass
class WatchSummary:
    """A watch as `watch list` shows it."""

    name: str
    query: str
    filters: dict
    added: str
    last_run: str | None
    seen: int
