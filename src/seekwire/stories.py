"""Stories: the copies of one article that several sites published, found when the index is built.

Wire copy is republished by every site that buys it, with a lede kept or dropped and the last paragraphs cut.
Each document is sketched where its text is analysed (in the segment builders, see `engine/segments`): the
shingles of SHINGLE consecutive terms of its text (the analyser's stems, stopwords left out, so the folding
and the inflections are the index's own), one in SAMPLE kept by hash (consistent sampling: two copies keep
the same shingles of the text they share), and a MinHash signature of those. The banding of locality-sensitive
hashing (BANDS bands of ROWS rows) proposes the pairs whose signatures agree on a whole band; each candidate is
then confirmed by the real overlap of its sampled shingles: at least MIN_SHARED shared, and at least
MIN_CONTAINMENT of the smaller document's. Containment rather than Jaccard, because a copy cut in half is
contained in the whole; a real count rather than the estimate, so that two stories of the same day about the
same people, which share names, quotes and stock phrases but not runs of five words, never merge. Confirmed
pairs join their documents into stories (connected components).

The thresholds were chosen on `bench/stories.py`'s set: 400 known stories in 1,383 copies on seven invented
sites, with 800 look-alikes; on its half A, containment 0.6 and 4 shared shingles give the best pairwise F1
(0.993; 0.986 at 0.5, 0.991 at 0.7, fewer shared shingles changing little), and on half B, left for scoring,
precision 0.997, recall 0.994. 32 bands of 2 rows make a pair whose sampled shingles have a Jaccard similarity of 0.3 (a
copy missing its lede and half its text) a candidate with probability 1 - (1 - 0.3²)³² = 0.95, and one of
0.05 (the same topic) with 0.08; the confirmation removes those.

Hashing and signatures are numpy over whole batches of documents: the cost of clustering must stay a small
part of an index run (the README gives the figure). Everything is deterministic (fixed seeds, document order
never matters), so a run computes every story from the sketches of every document, and a story keeps its id
while it keeps a document (`assign`).

What a generation knows of its stories is one file, STORIES_FILE, beside the manifest: for each document its
key (`schema.doc_key`, the hash of its id, which the index also keeps as a column: see `schema`), its id, its story
and its sketch, so that an incremental run sketches only the documents it reads.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import chain, pairwise
from pathlib import Path

import numpy as np

from seekwire import storage

SHINGLE = 5
SAMPLE = 4
PERMUTATIONS = 64
ROWS = 2
BANDS = PERMUTATIONS // ROWS
MIN_SHARED = 4
MIN_CONTAINMENT = 0.6
# Documents whose band values are equal are paired with the next WINDOW of them at most: thousands of copies
# of one text (or of empty texts) then make a chain of pairs, not millions.
WINDOW = 32
# Documents sketched together in one numpy pass.
SKETCH_BATCH = 256
STORIES_FILE = "stories.npz"

_SEED = 20261207
_random = np.random.default_rng(_SEED)
# Multiply-shift hashing (Dietzfelbinger): odd 64-bit multipliers, the top 32 bits of the product and sum.
_MULTIPLIERS = (_random.integers(1, 2**63, PERMUTATIONS, dtype=np.uint64) << np.uint64(1)) | np.uint64(1)
_ADDENDS = _random.integers(0, 2**63, PERMUTATIONS, dtype=np.uint64)
# Powers of an odd constant combining SHINGLE term hashes into one, first term first.
_POWERS = np.array([pow(0x9E3779B97F4A7C15, SHINGLE - 1 - i, 2**64) for i in range(SHINGLE)], dtype=np.uint64)
_EMPTY_SIGNATURE = np.full(PERMUTATIONS, np.iinfo(np.uint32).max, dtype=np.uint32)


@dataclass
class Sketches:
    """The sketches of some documents, in order: `keys` (`schema.doc_key`), `signatures` (n × PERMUTATIONS), and the
    sampled shingles of document i, `shingles[offsets[i]:offsets[i + 1]]` (sorted, distinct)."""

    keys: np.ndarray
    signatures: np.ndarray
    offsets: np.ndarray
    shingles: np.ndarray

    @classmethod
    def empty(cls) -> Sketches:
        return cls(np.zeros(0, np.uint64), np.zeros((0, PERMUTATIONS), np.uint32), np.zeros(1, np.int64),
                   np.zeros(0, np.uint32))

    def __len__(self) -> int:
        return len(self.keys)

    def sizes(self) -> np.ndarray:
        return np.diff(self.offsets)

    def shingles_of(self, i: int) -> np.ndarray:
        return self.shingles[self.offsets[i] : self.offsets[i + 1]]

    def take(self, index: np.ndarray) -> Sketches:
        """The sketches of documents `index` (positions), in that order."""
        index = np.asarray(index, dtype=np.int64)
        sizes = self.sizes()[index]
        offsets = np.zeros(len(index) + 1, np.int64)
        np.cumsum(sizes, out=offsets[1:])
        starts = np.repeat(self.offsets[:-1][index] - offsets[:-1], sizes)
        shingles = self.shingles[np.arange(offsets[-1]) + starts]
        return Sketches(self.keys[index], self.signatures[index], offsets, shingles)

    @classmethod
    def concat(cls, parts: Sequence[Sketches]) -> Sketches:
        parts = [part for part in parts if len(part)]
        if not parts:
            return cls.empty()
        sizes = np.concatenate([part.sizes() for part in parts])
        offsets = np.zeros(len(sizes) + 1, np.int64)
        np.cumsum(sizes, out=offsets[1:])
        return cls(np.concatenate([part.keys for part in parts]),
                   np.concatenate([part.signatures for part in parts]), offsets,
                   np.concatenate([part.shingles for part in parts]))


class _TermHashes(dict):
    """Term -> a 32-bit hash, stable across processes (Python's own hash is salted per process)."""

    def __missing__(self, term: str) -> int:
        value = self[term] = zlib.crc32(term.encode("utf-8", "surrogatepass"))
        return value


class Sketcher:
    """Sketches documents from the positions of their terms, as the analyser gives them to the indexer."""

    def __init__(self) -> None:
        self._hashes = _TermHashes()
        self._keys: list[int] = []
        self._sequences: list[np.ndarray] = []
        self._done: list[Sketches] = []

    def add(self, key: int, positions: dict[str, list[int]]) -> None:
        """Take one document: its key and each of its terms with the positions it occurs at."""
        hashes = np.fromiter(map(self._hashes.__getitem__, positions), np.uint64, len(positions))
        counts = np.fromiter(map(len, positions.values()), np.int64, len(positions))
        total = int(counts.sum())
        sequence = np.empty(total, np.uint64)
        where = np.fromiter(chain.from_iterable(positions.values()), np.int64, total)
        sequence[where] = np.repeat(hashes, counts)
        self._keys.append(key)
        self._sequences.append(sequence)
        if len(self._keys) >= SKETCH_BATCH:
            self._flush()

    def finish(self) -> Sketches:
        """The sketches of every document taken, in order."""
        self._flush()
        return Sketches.concat(self._done)

    def _flush(self) -> None:
        if self._keys:
            self._done.append(sketch(self._keys, self._sequences))
            self._keys, self._sequences = [], []


def sketch(keys: Sequence[int], sequences: Sequence[np.ndarray]) -> Sketches:
    """The sketches of documents given as the hashes of their terms in order, all at once."""
    lengths = np.fromiter(map(len, sequences), np.int64, len(sequences))
    flat = np.concatenate(sequences) if sequences else np.zeros(0, np.uint64)
    count = max(len(flat) - SHINGLE + 1, 0)
    combined = np.zeros(count, np.uint64)
    for i in range(SHINGLE):
        combined += flat[i : i + count] * _POWERS[i]
    # A shingle belongs to the document it starts in when it also ends there.
    owner = np.repeat(np.arange(len(lengths)), lengths)[:count]
    ends = np.cumsum(lengths)
    valid = np.arange(count) + SHINGLE <= ends[owner] if count else np.zeros(0, bool)
    mixed = _mix(combined)
    kept = valid & (mixed >> np.uint64(62) == 0) if SAMPLE == 4 else valid & (mixed % np.uint64(SAMPLE) == 0)
    shingles = (mixed[kept] & np.uint64(0xFFFFFFFF)).astype(np.uint32)
    owner = owner[kept]
    # Sorted and distinct within each document.
    order = np.lexsort((shingles, owner))
    owner, shingles = owner[order], shingles[order]
    if len(shingles):
        first = np.ones(len(shingles), bool)
        first[1:] = (owner[1:] != owner[:-1]) | (shingles[1:] != shingles[:-1])
        owner, shingles = owner[first], shingles[first]
    sizes = np.bincount(owner, minlength=len(lengths))
    offsets = np.zeros(len(lengths) + 1, np.int64)
    np.cumsum(sizes, out=offsets[1:])
    signatures = np.tile(_EMPTY_SIGNATURE, (len(lengths), 1))
    if len(shingles):
        permuted = ((shingles.astype(np.uint64)[:, None] * _MULTIPLIERS + _ADDENDS) >> np.uint64(32)).astype(np.uint32)
        present = sizes > 0
        signatures[present] = np.minimum.reduceat(permuted, offsets[:-1][present], axis=0)
    return Sketches(np.array(keys, dtype=np.uint64), signatures, offsets, shingles)


def _mix(values: np.ndarray) -> np.ndarray:
    """A 64-bit finaliser (MurmurHash3's), so that every bit of a shingle's hash depends on all its terms."""
    values = values ^ (values >> np.uint64(33))
    values *= np.uint64(0xFF51AFD7ED558CCD)
    values ^= values >> np.uint64(33)
    values *= np.uint64(0xC4CEB93FE53A87E3)
    return values ^ (values >> np.uint64(33))


def candidates(sketches: Sketches) -> np.ndarray:
    """The pairs (i, j), i < j, whose signatures agree on at least one band, as an (m, 2) array."""
    usable = np.flatnonzero(sketches.sizes() >= min(MIN_SHARED, 2))
    if len(usable) < 2:
        return np.zeros((0, 2), np.int64)
    bands = np.ascontiguousarray(sketches.signatures[usable]).view(np.uint64)  # two rows make one value
    found = []
    for band in range(bands.shape[1]):
        values = bands[:, band]
        order = np.argsort(values, kind="stable")
        ordered = values[order]
        for distance in range(1, WINDOW + 1):
            same = np.flatnonzero(ordered[distance:] == ordered[:-distance])
            if not len(same):
                break
            found.append(np.stack([order[same], order[same + distance]], axis=1))
    if not found:
        return np.zeros((0, 2), np.int64)
    pairs = usable[np.concatenate(found)]
    pairs.sort(axis=1)
    return np.unique(pairs, axis=0)


def confirmed(sketches: Sketches, pairs: np.ndarray, min_shared: int = MIN_SHARED,
              min_containment: float = MIN_CONTAINMENT) -> np.ndarray:
    """The pairs whose sampled shingles overlap enough: `min_shared` shared, `min_containment` of the smaller's."""
    if not len(pairs):
        return pairs
    sizes = sketches.sizes()
    sets: dict[int, set[int]] = {}

    def shingle_set(i: int) -> set[int]:
        found = sets.get(i)
        if found is None:
            found = sets[i] = set(sketches.shingles_of(i).tolist())
        return found

    keep = np.zeros(len(pairs), bool)
    for n, (i, j) in enumerate(pairs.tolist()):
        shared = len(shingle_set(i) & shingle_set(j))
        keep[n] = shared >= min_shared and shared >= min_containment * min(sizes[i], sizes[j])
    return pairs[keep]


def components(count: int, pairs: np.ndarray) -> np.ndarray:
    """Each of `count` documents' component under the pairs, numbered by its first document."""
    parent = np.arange(count)

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in pairs.tolist():
        a, b = root(i), root(j)
        if a != b:
            parent[max(a, b)] = min(a, b)
    return np.array([root(i) for i in range(count)], dtype=np.int64) if len(pairs) else parent


def cluster(sketches: Sketches) -> np.ndarray:
    """Each document's story as the position of its first document: near-duplicates share it."""
    return components(len(sketches), confirmed(sketches, candidates(sketches)))


def assign(groups: np.ndarray, previous: np.ndarray, next_id: int) -> tuple[np.ndarray, int]:
    """Story ids for documents grouped by `groups`, given each one's story before this run (-1 if new).

    A story keeps its id while it keeps a document: each old id goes to the group holding most of its documents
    (ties to the group that comes first), a group taking the old id it holds most of (ties to the oldest id);
    groups without one get new ids from `next_id` on, in order. Returns the ids and the next free id.
    """
    stories = np.full(len(groups), -1, np.int64)
    old = previous >= 0
    if old.any():
        pair_groups, pair_stories = groups[old], previous[old]
        keys, counts = np.unique(np.stack([pair_groups, pair_stories], axis=1), axis=0, return_counts=True)
        order = np.lexsort((keys[:, 0], keys[:, 1], -counts))
        given: dict[int, int] = {}
        taken: set[int] = set()
        for group, story in keys[order].tolist():
            if group not in given and story not in taken:
                given[group] = story
                taken.add(story)
        if given:
            known = np.array(sorted(given), dtype=np.int64)
            values = np.array([given[g] for g in known.tolist()], dtype=np.int64)
            position = np.searchsorted(known, groups)
            hit = (position < len(known)) & (known[np.minimum(position, len(known) - 1)] == groups)
            stories[hit] = values[position[hit]]
    unnamed = np.unique(groups[stories < 0])
    for group in unnamed.tolist():
        stories[groups == group] = next_id
        next_id += 1
    return stories, next_id


@dataclass
class StoryTable:
    """A generation's stories: per document (in index order of no importance) its key, id, story and sketch."""

    ids: list[str]
    stories: np.ndarray
    sketches: Sketches
    next_id: int = 0

    @property
    def keys(self) -> np.ndarray:
        return self.sketches.keys

    @classmethod
    def empty(cls) -> StoryTable:
        return cls([], np.zeros(0, np.int64), Sketches.empty(), 0)


def update(previous: StoryTable, live_ids: Iterable[str], new_ids: Sequence[str], new: Sketches) -> StoryTable:
    """The stories after a run: the documents of `previous` still live and not read again, with the new ones.

    `live_ids` are the ids of every document in the index after the run; `new_ids` and `new` the documents it
    read (a document read again replaces its earlier sketch, and keeps its story if its text still joins it).
    """
    live = set(live_ids)
    fresh = dict(zip(new.keys.tolist(), range(len(new))))
    if len(fresh) < len(new):  # a document read twice: its last reading is the one indexed
        last = np.array(sorted(fresh.values()), dtype=np.int64)
        new, new_ids = new.take(last), [new_ids[n] for n in last.tolist()]
    kept = np.array([n for n, (doc_id, key) in enumerate(zip(previous.ids, previous.keys.tolist()))
                     if doc_id in live and key not in fresh], dtype=np.int64)
    # A document read again takes its earlier story into the clustering.
    earlier = dict(zip(previous.keys.tolist(), previous.stories.tolist()))
    sketches = Sketches.concat([previous.sketches.take(kept), new])
    ids = [previous.ids[n] for n in kept.tolist()] + list(new_ids)
    before = np.concatenate([previous.stories[kept],
                             np.array([earlier.get(key, -1) for key in new.keys.tolist()], dtype=np.int64)])
    stories, next_id = assign(cluster(sketches), before, previous.next_id)
    return StoryTable(ids, stories, sketches, next_id)


def save(generation: Path, table: StoryTable) -> None:
    """Write a generation's stories."""
    encoded = [doc_id.encode("utf-8", "surrogatepass") for doc_id in table.ids]
    id_offsets = np.zeros(len(encoded) + 1, np.int64)
    np.cumsum([len(e) for e in encoded], out=id_offsets[1:])
    sk = table.sketches
    storage.save_arrays(generation, STORIES_FILE, {
        "ids": np.frombuffer(b"".join(encoded), np.uint8), "id_offsets": id_offsets, "stories": table.stories,
        "next_id": np.array([table.next_id]), "keys": sk.keys, "signatures": sk.signatures, "offsets": sk.offsets,
        "shingles": sk.shingles})


def load(generation: Path) -> StoryTable:
    """A generation's stories (none when it has no file yet)."""
    path = Path(generation) / STORIES_FILE
    if not path.exists():
        return StoryTable.empty()
    with np.load(path) as data:
        blob = data["ids"].tobytes()
        bounds = data["id_offsets"].tolist()
        ids = [blob[a:b].decode("utf-8", "surrogatepass") for a, b in pairwise(bounds)]
        sketches = Sketches(data["keys"], data["signatures"], data["offsets"], data["shingles"])
        return StoryTable(ids, data["stories"], sketches, int(data["next_id"][0]))


class StoryMap:
    """Which story each document of an open index belongs to, and the documents of each story.

    Built when a searcher opens, from the index's `key` column and the ids and stories of its generation's
    STORIES_FILE (the sketches are not read): two arrays by document number. A document the file does not
    know is a story of its own, as is every document of a sharded index (whose shards find their stories
    apart: not grouped yet).
    """

    def __init__(self, generation: Path | None, keys: np.ndarray, live: np.ndarray):
        path = Path(generation) / STORIES_FILE if generation is not None else None
        if path is not None and path.exists():
            with np.load(path) as data:
                known, stories = data["keys"], data["stories"]
                self._blob, self._bounds = data["ids"].tobytes(), data["id_offsets"]
        else:
            known, stories = np.zeros(0, np.uint64), np.zeros(0, np.int64)
            self._blob, self._bounds = b"", np.zeros(1, np.int64)
        order = np.argsort(known, kind="stable")
        position = np.searchsorted(known[order], keys) if len(known) else np.zeros(len(keys), np.int64)
        position = np.minimum(position, max(len(known) - 1, 0))
        found = known[order][position] == keys if len(known) else np.zeros(len(keys), bool)
        # Unknown documents get a story of their own, below every real id: -1 - document number.
        self.row = np.where(found, order[position] if len(known) else 0, -1)
        self.story = np.where(found, stories[self.row] if len(known) else 0, -1 - np.arange(len(keys)))
        self._live = live
        self._by_story = live[np.argsort(self.story[live], kind="stable")]
        self._sorted = self.story[self._by_story]

    def __getitem__(self, docnum: int) -> int | None:
        story = int(self.story[docnum])
        return story if story >= 0 else None

    def count(self, docs: np.ndarray) -> int:
        """How many stories the documents `docs` belong to (a mark per story rather than a sort: a query may
        match most of the index)."""
        found = self.story[docs]
        alone = found < 0
        seen = np.zeros(int(found.max(initial=-1)) + 1, bool)
        seen[found[~alone]] = True
        return int(seen.sum() + alone.sum())

    def members(self, docnum: int) -> np.ndarray:
        """The live documents of `docnum`'s story (itself included), in document order."""
        story = self.story[docnum]
        start, end = np.searchsorted(self._sorted, [story, story + 1])
        return np.sort(self._by_story[start:end])

    def doc_id(self, docnum: int) -> str | None:
        row = int(self.row[docnum])
        if row < 0:
            return None
        return self._blob[self._bounds[row] : self._bounds[row + 1]].decode("utf-8", "surrogatepass")

    def first_of_each(self, docs: Sequence[int]) -> list[int]:
        """The positions in `docs` (best first) of the first document of each story."""
        seen: set[int] = set()
        kept = []
        for n, story in enumerate(self.story[np.asarray(docs, dtype=np.int64)].tolist()):
            if story not in seen:
                seen.add(story)
                kept.append(n)
        return kept
