"""Facet counts over a document set, and the figures of a whole index (`seekwire stats`)."""

from __future__ import annotations

import os
from collections.abc import Iterable

import numpy as np

from seekwire import storage
from seekwire.facets import LIST_FACETS, NO_DAY, FacetReader
from seekwire.results import FacetCount, Stats
from seekwire.schema import SCHEMA_VERSION


def facet_counts(facets: FacetReader, docs: np.ndarray, names: Iterable[str],
                 limit: int | None) -> dict[str, list[FacetCount]]:
    """The `limit` most frequent values of each facet of `names` among `docs` (every value: None)."""
    return {name: facets.count(name, docs, limit) for name in names}


def index_stats(index_dir: str | os.PathLike, facets: FacetReader, docs: np.ndarray, facet_limit: int | None) -> Stats:
    """The size of an index, and the date range and most frequent facet values of its documents `docs` (every
    live document, or those a query matched)."""
    days = facets.days(docs)
    days = days[days <= NO_DAY]
    counts = facet_counts(facets, docs, (*LIST_FACETS, "years"), facet_limit)
    size = sum(path.stat().st_size for generation in storage.current_generations(index_dir)
               for path in generation.iterdir() if path.is_file())
    return Stats(
        index=os.fspath(index_dir),
        documents=len(docs),
        first_date=_iso_day(int(days.min())) if len(days) else None,
        last_date=_iso_day(int(days.max())) if len(days) else None,
        undated=len(docs) - len(days),
        size_bytes=size,
        schema_version=SCHEMA_VERSION,
        facets=counts,
    )


def _iso_day(day: int) -> str:
    text = str(day)
    return f"{text[:4]}-{text[4:6]}-{text[6:]}"
