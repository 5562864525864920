"""Watches: saved searches that report only what is new.

Analysts re-run the same searches every morning and want only the articles they have not seen. A watch is a
query and its filters, kept by name in `watches.json` in the index directory (beside the generations, so it
survives re-indexing and `--rebuild`), with the ids of the documents it has already reported. When a watch is
added, what the index holds now counts as seen; each run reports the matching documents it has not reported
before — pages that arrived in the index since — newest first, and counts them as seen.

The file is the user's data: it is written whole to a temporary file and renamed over the old one, and a file
seekwire cannot read is reported, never rewritten.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from seekwire.errors import NotFoundError, SeekwireError
from seekwire.query import Filters
from seekwire.results import Results, WatchSummary
from seekwire.search import Searcher
from seekwire.storage import is_index_dir

WATCHES = "watches.json"
# A name is typed on command lines: letters, digits and a few signs, no spaces.
NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")
# Far more than any index holds: a run lists every new hit.
EVERY = 10**9


@dataclass
class Watch:
    """A saved search: its query, filters (as `Filters` takes them, dates `YYYY-MM-DD`), when it was added and
    last run (ISO times, UTC), and the ids of the documents it has reported (or found when added)."""

    name: str
    query: str
    filters: dict = field(default_factory=dict)
    added: str = ""
    last_run: str | None = None
    seen: list[str] = field(default_factory=list)

    def to_filters(self) -> Filters:
        values = {key: value for key, value in self.filters.items() if key not in ("since", "until")}
        dates = {key: dt.date.fromisoformat(self.filters[key]) for key in ("since", "until") if self.filters.get(key)}
        return Filters(**values, **dates)


class WatchError(SeekwireError):
    """A watch that cannot be added, found or kept."""


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _filters_record(filters: Filters) -> dict:
    record = {key: value for key, value in asdict(filters).items() if value}
    for key in ("since", "until"):
        if key in record:
            record[key] = record[key].isoformat()
    return record


class Watches:
    """The watches of one index."""

    def __init__(self, index_dir: str | os.PathLike):
        self.root = Path(index_dir)
        self.path = self.root / WATCHES

    def load(self) -> dict[str, Watch]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        except OSError as error:
            raise WatchError(f"cannot read {self.path} ({error.strerror})") from None
        try:
            record = json.loads(text)
            watches = {name: Watch(name=name, **fields) for name, fields in record["watches"].items()}
            for watch in watches.values():
                watch.to_filters()
            return watches
        except (ValueError, KeyError, TypeError, AttributeError):
            raise WatchError(f"{self.path} is not a watch file seekwire can read — it is left as it is; move it "
                             "away to start again") from None

    def save(self, watches: dict[str, Watch]) -> None:
        record = {"watches": {name: {k: v for k, v in asdict(w).items() if k != "name"}
                              for name, w in sorted(watches.items())}}
        temporary = self.root / f".{WATCHES}.{os.getpid()}"
        try:
            with open(temporary, "w", encoding="utf-8") as handle:
                json.dump(record, handle, ensure_ascii=True, indent=1)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, self.path)
        except OSError as error:
            temporary.unlink(missing_ok=True)
            raise WatchError(f"cannot write {self.path} ({error.strerror})") from None

    def add(self, searcher: Searcher, name: str, query: str, filters: Filters) -> WatchSummary:
        """Save a watch; what it matches now counts as seen. Raises WatchError for a bad or taken name, and
        QuerySyntaxError for a query that cannot run."""
        if not name or not set(name) <= NAME_CHARS:
            raise WatchError(f"bad watch name {name!r} — use letters, digits, '-', '_' and '.'")
        if not is_index_dir(self.root):
            raise WatchError(f"no index at {self.root} — run `seekwire index PATH` first")
        watches = self.load()
        if name in watches:
            raise WatchError(f"a watch named {name!r} exists — `seekwire watch rm {name}` first")
        current = searcher.search(query, filters=filters, sort="-date", limit=EVERY, facets=False, snippets=False)
        watch = Watch(name, query, _filters_record(filters), added=_now(), seen=[hit.id for hit in current.hits])
        watches[name] = watch
        self.save(watches)
        return _summary(watch)

    def remove(self, name: str) -> None:
        watches = self.load()
        if name not in watches:
            raise NotFoundError(f"no watch named {name!r} — `seekwire watch list` shows them")
        del watches[name]
        self.save(watches)

    def list(self) -> list[WatchSummary]:
        return [_summary(watch) for watch in self.load().values()]

    def run(self, searcher: Searcher, names: list[str]) -> list[tuple[str, Results]]:
        """The new hits of each watch named (all without names), newest first. They count as seen only once
        `mark_seen` is called with them, after they were shown."""
        watches = self.load()
        unknown = [name for name in names if name not in watches]
        if unknown:
            raise NotFoundError(f"no watch named {unknown[0]!r} — `seekwire watch list` shows them")
        found = []
        for name in dict.fromkeys(names or watches):
            watch = watches[name]
            results = searcher.search(watch.query, filters=watch.to_filters(), sort="-date", limit=EVERY,
                                      facets=False, skip_ids=frozenset(watch.seen))
            results.limit = len(results.hits)
            found.append((name, results))
        return found

    def mark_seen(self, found: list[tuple[str, Results]]) -> None:
        """Count the hits of a run as seen and note when each watch ran (a watch removed meanwhile stays so)."""
        watches = self.load()
        for name, results in found:
            if name in watches:
                watches[name].seen += [hit.id for hit in results.hits]
                watches[name].last_run = _now()
        self.save(watches)


def _summary(watch: Watch) -> WatchSummary:
    return WatchSummary(watch.name, watch.query, watch.filters, watch.added, watch.last_run, len(watch.seen))
