"""Whoosh 2.7's encoding of a word's positions in a document, written without building a list per word.

`formats.Positions.encode` stores the deltas between positions as a packed count and a pickled list. The
French analyzer produces the positions of every word in one pass (schema.FrenchPositions); encoding them here
the same way, byte for byte, lets the value of a word seen once at a given position (most postings) be one
shared bytes object instead of a new one per document.
"""

from __future__ import annotations

import pickle

from whoosh.system import pack_uint

# The encoded value of a word seen once, by position, for the first positions of a text.
SINGLE_POSITIONS_KEPT = 100_000
_SINGLE_POSITIONS: dict[int, bytes] = {}


def encode_positions(positions: list[int]) -> bytes:
    """The bytes `formats.Positions.encode` writes for these ascending positions."""
    if len(positions) != 1:
        deltas = [after - before for before, after in zip([0, *positions], positions)]
        return pack_uint(len(deltas)) + pickle.dumps(deltas, 2)
    position = positions[0]
    value = _SINGLE_POSITIONS.get(position)
    if value is None:
        value = pack_uint(1) + pickle.dumps(positions, 2)
        if len(_SINGLE_POSITIONS) < SINGLE_POSITIONS_KEPT:
            _SINGLE_POSITIONS[position] = value
    return value
