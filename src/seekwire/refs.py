"""Hit references: `seekwire show 3` acts on hit 3 of the last list of hits shown from an index.

Ids are long (`001_bb09c2c84650f315`) and a table has no room for them, so every `query` and `similar` keeps the
ids of the page it printed, by rank, in `last-hits.json` in the index directory, and `show` and `similar` take a
hit's number, as well as an id, an unambiguous start of one, or the file's name or path. The file lives beside
the generations, so it survives re-indexing; a hit whose document has left the index since is refused by name.
Keeping it is best effort: a read-only index answers queries without it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from seekwire.errors import NotFoundError
from seekwire.results import Results
from seekwire.search import Searcher
from seekwire.storage import is_index_dir

LAST_HITS = "last-hits.json"


def remember(index_dir: str | os.PathLike, results: Results) -> None:
    """Keep the ranks and ids of the hits just shown (nothing when the directory is not writable)."""
    root = Path(index_dir)
    if not is_index_dir(root):
        return
    record = {"query": results.query, "hits": {str(hit.rank): hit.id for hit in results.hits}}
    temporary = root / f".{LAST_HITS}.{os.getpid()}"
    try:
        with open(temporary, "w", encoding="utf-8") as handle:
            # ASCII escapes keep ids that are not UTF-8 (surrogates) intact.
            json.dump(record, handle, ensure_ascii=True)
        os.replace(temporary, root / LAST_HITS)
    except OSError:
        temporary.unlink(missing_ok=True)


def last_hits(index_dir: str | os.PathLike) -> dict[int, str]:
    """Rank -> id of the last hits shown from this index (empty when there are none, or the file is damaged)."""
    try:
        record = json.loads((Path(index_dir) / LAST_HITS).read_text(encoding="utf-8"))
        return {int(rank): str(doc_id) for rank, doc_id in record["hits"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def resolve(searcher: Searcher, ref: str) -> tuple[str, str | None]:
    """The id `ref` stands for, and a sentence saying how when it was not the id itself.

    A number is a hit of the last list shown, when that list has it; otherwise `ref` is an id, a file's name
    or path, or the start of one id. Raises NotFoundError naming the candidates when `ref` is ambiguous.
    """
    if ref.isdigit():
        hits = last_hits(searcher.index_dir)
        if int(ref) in hits:
            doc_id = hits[int(ref)]
            if searcher.ids_for(doc_id)[:1] != [doc_id]:
                raise NotFoundError(f"hit {ref} of the last query ({doc_id}) is no longer in the index — run the "
                                    "query again")
            return doc_id, f"hit {ref} of the last query: {doc_id}"
    found = searcher.ids_for(ref)
    if not found:
        raise NotFoundError(f"no document with id {ref!r} — `seekwire query` shows the ids, and `seekwire show N` "
                            "shows its hit N")
    if len(found) > 1:
        shown = ", ".join(found[:5]) + (", …" if len(found) > 5 else "")
        raise NotFoundError(f"{ref!r} names several documents ({shown}) — give more of the id")
    return found[0], None if found[0] == ref else f"{ref} is {found[0]}"
