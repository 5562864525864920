"""The site furniture an index has learned from its pages, kept so that incremental runs use it.

Furniture is what repeats across the pages of a site (see `extract.furniture`), so it is learned from the
whole collection, not from the pages one run happens to read. Each generation keeps, in `furniture.json`
beside the manifest, the line counts, every indexed page's line keys (to forget a page exactly when its file
changes or goes) and a digest of how each page was read (which of its lines were furniture). A run counts the
pages it is about to read, forgets the ones that changed or went, and names the pages already indexed whose
reading the new counts change: a line that became furniture on their site, or stopped being it. The indexer
reads those again.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from seekwire import storage
from seekwire.extract.furniture import Furniture, page_keys
from seekwire.reading import NotText, Source, open_input, page_text

FURNITURE = "furniture.json"
_FORMAT = 1


@dataclass
class LearnedFurniture:
    """Line counts of an index's pages, with what each page was counted and read with."""

    furniture: Furniture = field(default_factory=Furniture)
    # source key -> the page's line keys, as counted
    pages: dict[str, list[str]] = field(default_factory=dict)
    # source key -> the furniture reading the page was indexed with
    readings: dict[str, str] = field(default_factory=dict)

    def count(self, key: str, text: str) -> None:
        """Count a page file's text, forgetting what the file held before."""
        self.forget(key)
        keys = page_keys(text)
        self.furniture.add(keys)
        self.pages[key] = sorted(keys)

    def forget(self, key: str) -> None:
        """Uncount a page file that changed or went."""
        keys = self.pages.pop(key, None)
        self.readings.pop(key, None)
        if keys is not None:
            self.furniture.remove(set(keys))

    def read_with(self, key: str) -> None:
        """Record the reading a page file is indexed with now."""
        if key in self.pages:
            self.readings[key] = self.furniture.reading(set(self.pages[key]))

    def stale(self) -> list[str]:
        """Page files indexed with another reading than the counts give now."""
        return [
            key
            for key, keys in self.pages.items()
            if self.readings.get(key) != self.furniture.reading(set(keys))
        ]


def load(generation: Path) -> LearnedFurniture:
    """What a generation learned; nothing when it has no furniture file or one this version cannot read."""
    try:
        data = json.loads((generation / FURNITURE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return LearnedFurniture()
    except (OSError, ValueError):
        # A damaged file only costs relearning: every page is counted again.
        return LearnedFurniture()
    if not isinstance(data, dict) or data.get("format") != _FORMAT:
        return LearnedFurniture()
    return LearnedFurniture(Furniture.from_json(data["counts"]), data["pages"], data["readings"])


def save(generation: Path, learned: LearnedFurniture) -> None:
    data = {
        "format": _FORMAT,
        "counts": learned.furniture.to_json(),
        "pages": learned.pages,
        "readings": learned.readings,
    }
    storage.save_json(generation, FURNITURE, data)


def learn(learned: LearnedFurniture, to_read: Iterable[Source], indexed: Iterable[Source]) -> list[str]:
    """Update the counts for a run, and return the keys of indexed pages to read again.

    `to_read` are the files the run reads; `indexed` the files that stay in the index unread. Pages counted
    before that are in neither are forgotten; indexed pages never counted (in an index built before furniture
    was learned) are counted now.
    """
    reading = {source.key: source for source in to_read}
    kept = {source.key: source for source in indexed if source.key not in reading}
    for key in [key for key in learned.pages if key not in reading and key not in kept]:
        learned.forget(key)
    for source in reading.values():
        _count_file(learned, source)
    for key, source in kept.items():
        if key not in learned.pages:
            _count_file(learned, source)
    return [key for key in learned.stale() if key not in reading]


def _count_file(learned: LearnedFurniture, source: Source) -> None:
    """Count one page file; a file that cannot be read now is left uncounted (its reading then reports it)."""
    if source.is_jsonl:
        return
    try:
        with open_input(source.key) as handle:
            text = page_text(source, handle)
    except (OSError, NotText):
        learned.forget(source.key)
        return
    learned.count(source.key, text)
