"""Page understanding: turn the text of one scraped page into an `Article`.

A scraped page is a headline, a dateline, the article and whatever furniture the site wrapped around it.
This package owns every rule that tells them apart; reading files and decoding bytes happen before it,
indexing after it. `boilerplate` labels lines, `dates` reads French dates, `agencies` reads credits and
`page` puts them together.
"""

from __future__ import annotations

import importlib

# Imported on first use: a query reads the agency aliases (`extract.agencies`) and should not pay for
# loading the page reader's rules, a third of a cold query's own imports.
_EXPORTS = {"Furniture": "furniture", "learn_furniture": "furniture", "HeadlineWeights": "page",
            "parse_page": "page"}
__all__ = list(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)
