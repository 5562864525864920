"""Timelines: how many documents matching a query were published per day, week or month.

The period follows the span of the matching dates, so that a chart has enough bars to show a shape and few
enough to fit a screen: days up to SPAN_DAYS days, weeks up to SPAN_WEEKS weeks, months beyond. Periods without
a document are listed with 0: a gap in the news is part of its shape.
"""

from __future__ import annotations

import datetime as dt

from seekwire.facets import period_label
from seekwire.query import Filters
from seekwire.results import FacetCount, Timeline
from seekwire.search import Searcher

SPAN_DAYS = 62
SPAN_WEEKS = 60


def timeline(searcher: Searcher, text: str = "", filters: Filters | None = None) -> Timeline:
    """The timeline of the documents matching `text` and `filters`. Raises QuerySyntaxError."""
    days = {dt.date.fromisoformat(c.value): c.count for c in searcher.facet("days", text, filters)}
    total = searcher.search(text, filters=filters, limit=0, facets=False).total
    if not days:
        return Timeline(text, "days", total, total)
    first, last = min(days), max(days)
    span = (last - first).days + 1
    period = "days" if span <= SPAN_DAYS else "weeks" if span <= SPAN_WEEKS * 7 else "months"
    counts: dict[str, int] = {}
    day = first
    while day <= last:
        label = period_label(period, day.year * 10000 + day.month * 100 + day.day)
        counts[label] = counts.get(label, 0) + days.get(day, 0)
        day += dt.timedelta(days=1)
    return Timeline(text, period, total, total - sum(days.values()),
                    [FacetCount(label, count) for label, count in counts.items()])
