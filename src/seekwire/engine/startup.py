"""Importing Whoosh without the part of `whoosh.compat` that Whoosh never uses.

whoosh.compat imports urllib.request, and with it http.client and the email package, only to re-export
`urlretrieve`, which Whoosh never calls: a third of the import time of a query. `import_whoosh` imports it
against a stand-in whose `urlretrieve` imports the real one on first call, and then removes the stand-in, so
that any later `import urllib.request` gets the real module. This module imports nothing of Whoosh itself.
"""

from __future__ import annotations

import importlib
import sys
import types


def import_whoosh() -> None:
    """Import whoosh.compat without urllib.request (nothing happens if either is already imported)."""
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
