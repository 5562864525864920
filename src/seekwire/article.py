"""The article record every stage agrees on.

Reading and extraction produce `Article`s, the indexer stores them, `show` and `export` give them back. It is
a plain dataclass with no dependency on Whoosh, so extraction can grow (or be tested) without an index.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass
class Entities:
    """Canonical named entities of one article, each list distinct and in order of first mention."""

    persons: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    organizations: list[str] = field(default_factory=list)


@dataclass
class Article:
    """One news article, as extracted from a scraped page or a JSONL record.

    `date_source` says where `date` came from: "text" (a full date on the page or in the record),
    "weekday" (day and month on the page, the year pinned by the weekday), "mtime" (day and month on the page,
    the year taken from the file's modification time), "relative" ("hier", "aujourd'hui" against the file's
    modification time), or None when there is no date. `story` is the id of the story it belongs to in an
    index (stories.py), None until it is indexed.
    """

    id: str
    path: str
    title: str
    body: str
    lede: str | None = None
    date: dt.date | None = None
    time: str | None = None
    date_source: str | None = None
    agencies: list[str] = field(default_factory=list)
    publisher: str | None = None
    url: str | None = None
    entities: Entities = field(default_factory=Entities)
    story: int | None = None

    @property
    def date_inferred(self) -> bool:
        """True when the year or the day was not printed on the page but deduced."""
        return is_inferred(self.date_source)


def is_inferred(date_source: str | None) -> bool:
    """True when a date with this `Article.date_source` was deduced rather than printed or given."""
    return date_source not in (None, "text")
