"""Filters as a document set: each value resolved to the facet values it names (facets.py), the values of one
option OR'ed, the options and the date range AND'ed. Filters never add to a score."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from seekwire.facets import NO_DAY, FacetReader
from seekwire.query import Filters
from seekwire.schema import ENTITY_FIELDS, day_number

# A filter value that names several values is said in a note, with at most this many of them.
NAMES_SHOWN = 10
# Filter option -> (the fields it looks in, its name in messages).
FILTER_OPTIONS = {
    "agencies": (("agencies",), "agency"),
    "persons": (("persons",), "person"),
    "places": (("places",), "place"),
    "organizations": (("organizations",), "organization"),
    "entities": (ENTITY_FIELDS, "entity"),
    "publishers": (("publisher",), "publisher"),
}


def allowed(filters: Filters, facets: FacetReader, live: Callable[[], np.ndarray],
            notes: list[str]) -> np.ndarray | None:
    """Documents passing every filter, ascending (None when there are no filters); `live` gives every live
    document, and what a value was taken to name is appended to `notes`."""
    if not filters:
        return None
    passing: np.ndarray | None = None
    for option, (fieldnames, label) in FILTER_OPTIONS.items():
        values = getattr(filters, option)
        if not values:
            continue
        found: list[np.ndarray] = []
        for value in values:
            names = {fieldname: facets.resolve(fieldname, value) for fieldname in fieldnames}
            taken = list(dict.fromkeys(name for known in names.values() for name in known))
            if not taken:
                notes.append(f"no document has {label} {value!r}")
            elif len(taken) > 1:
                shown = ", ".join(taken[:NAMES_SHOWN]) + (f" and {len(taken) - NAMES_SHOWN} more"
                                                          if len(taken) > NAMES_SHOWN else "")
                notes.append(f"{label} {value!r} taken as {shown}")
            found += [facets.docs_with(fieldname, known) for fieldname, known in names.items()]
        docs = np.unique(np.concatenate(found))
        passing = docs if passing is None else np.intersect1d(passing, docs, assume_unique=True)
    if filters.since or filters.until:
        every = live()
        days = facets.days(every)
        inside = days <= NO_DAY
        if filters.since:
            inside &= days >= day_number(filters.since)
        if filters.until:
            inside &= days <= day_number(filters.until)
        dated = every[inside]
        passing = dated if passing is None else np.intersect1d(passing, dated, assume_unique=True)
    return passing
