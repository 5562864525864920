"""seekwire: French-aware full-text search over scraped news pages.

The library API, for use without the command line:

    from seekwire import index_paths, Searcher

    report = index_paths(["pages/"], "index", entities=False)
    with Searcher("index") as searcher:
        results = searcher.search("coopération Kazakhstan", limit=10)

Names are imported on first use, so that importing the package (as the CLI does for `--help`) does not load
the search engine.
"""

from __future__ import annotations

import importlib

from seekwire.engine.startup import import_whoosh

__version__ = "0.1.0"

import_whoosh()

_EXPORTS = {
    "index_paths": "seekwire.indexer",
    "Searcher": "seekwire.search",
    "Article": "seekwire.article",
    "Entities": "seekwire.article",
    "Hit": "seekwire.results",
    "Results": "seekwire.results",
    "IndexReport": "seekwire.results",
    "Skip": "seekwire.results",
    "SeekwireError": "seekwire.errors",
}

__all__ = [*_EXPORTS, "__version__"]


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'seekwire' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
