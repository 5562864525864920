"""Per-document columns of a whole index as numpy arrays: field lengths, days, and which documents are live.

Ranking needs every matching document's field length and facets need every matching document's day; asking
Whoosh for them one document at a time costs a Python call each, which is most of a query's time when it
matches thousands of articles. Fixed-width columns are plain byte arrays on disk, so one read per segment
gives the whole column. Like postings.py this relies on the file layout of Whoosh 2.7's W3 codec, pinned in
pyproject.toml.
"""

from __future__ import annotations

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN
from whoosh.reading import IndexReader
from whoosh.util.numeric import byte_to_length

# Whoosh stores a field's length in a document as one byte, on a logarithmic scale.
_LENGTH_OF_BYTE = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)


def field_lengths(reader: IndexReader, fieldname: str) -> np.ndarray:
    """Each document's length in a field (in terms, as Whoosh scores it), by document number."""
    return _LENGTH_OF_BYTE[_fixed_column(reader, f"_{fieldname}_len", LENGTHS_COLUMN)]


def numeric_column(reader: IndexReader, fieldname: str) -> np.ndarray:
    """A sortable NUMERIC field's values by document number (the field's default where a document has none)."""
    field = reader.schema[fieldname]
    raw = _fixed_column(reader, fieldname, field.column_type).astype(np.int64)
    # Whoosh stores signed numbers shifted into unsigned ones so that byte order sorts them.
    return raw - (1 << (field.bits - 1)) if field.signed else raw


def live_docs(reader: IndexReader) -> np.ndarray:
    """The numbers of the documents not deleted, ascending."""
    return np.fromiter(reader.all_doc_ids(), dtype=np.int64)


def _fixed_column(reader: IndexReader, name: str, column) -> np.ndarray:
    parts = []
    for leaf, _ in reader.leaf_readers():
        perdoc = getattr(leaf, "_perdoc", None)  # an empty index has a reader without one
        count = leaf.doc_count_all()
        part = np.full(count, column.default_value(), dtype=f">{column._typecode}")
        if perdoc is not None and perdoc.has_column(name):
            values = perdoc.column_reader(name, column)
            stored = min(values._count, count)
            data = values._dbfile.get(values._basepos, stored * values._fixedlen)
            part[:stored] = np.frombuffer(data, dtype=part.dtype)
        parts.append(part)
    return np.concatenate(parts) if parts else np.zeros(0, dtype=f">{column._typecode}")


def fixed_column(reader: IndexReader, fieldname: str) -> np.ndarray:
    """A column-only field of fixed-width numbers by document number, as stored (big-endian)."""
    return _fixed_column(reader, fieldname, reader.schema[fieldname].column_type)
