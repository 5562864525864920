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
    `title_highlights` into `title`."""

    rank: int
    id: str
    path: str
    title: str
    date: str | None
    time: str | None
    agencies: list[str]
    publisher: str | None
    score: float
    snippet: str
    highlights: list[tuple[int, int]] = field(default_factory=list)
    title_highlights: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class Results:
    """One page of hits for a query, with the total number of matching documents."""

    query: str
    total: int
    offset: int
    limit: int
    hits: list[Hit]
