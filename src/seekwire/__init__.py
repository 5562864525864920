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
import sys
import types

__version__ = "0.1.0"


def _import_whoosh_compat() -> None:
    """Import whoosh.compat without urllib.request.

    whoosh.compat imports urllib.request, and with it http.client and the email package, only to re-export
    `urlretrieve`, which Whoosh never calls: a third of the import time of a query. It is imported here against
    a stand-in whose `urlretrieve` imports the real one on first call, and the stand-in is then removed, so
    that any later `import urllib.request` gets the real module.
    """
    if "whoosh.compat" in sys.modules or "urllib.request" in sys.modules:
        return
    stand_in = types.ModuleType("urllib.request")

    def urlretrieve(*args, **kwargs):
        from urllib.request import urlretrieve as real

        return real(*args, **kwargs)

    stand_in.urlretrieve = urlretrieve
    sys.modules["urllib.request"] = stand_in
    try:
        importlib.import_module("whoosh.compat")
    finally:
        del sys.modules["urllib.request"]


_import_whoosh_compat()

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
