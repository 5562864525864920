"""Reading an index's files through memory maps, so that a query costs what it touches.

Whoosh 2.7 reads a segment stored as one compound file by mapping it and handing out each sub-file as a
`BufferFile`, whose `BytesIO(buf)` copies the whole sub-file onto the heap: opening a searcher copied the terms
and postings of every segment, and a cold query's memory grew with the archive (135 MB of heap for one query on
33,000 articles). seekwire writes each segment as separate files instead and opens every file through its own
read-only memory map (`MappedFile`): reading a posting list or a stored document slices the map, and the kernel
reads only the pages touched. Reads are as fast as from Whoosh's in-memory copy: `mmap` has `read`, `seek` and
`tell` of its own, and `get` is a slice.

Writing is Whoosh's own; an index written as compound files (by an older seekwire) is still read, Whoosh's way.
"""

from __future__ import annotations

import mmap
import os
from array import array

from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import _SIZEMAP, StructFile
from whoosh.system import IS_LITTLE


class MappedStorage(FileStorage):
    """A Whoosh file storage that opens files for reading as memory maps."""

    def open_file(self, name: str, **kwargs) -> StructFile:
        with open(self._fpath(name), "rb") as handle:
            if not os.fstat(handle.fileno()).st_size:
                return super().open_file(name, **kwargs)  # an empty file cannot be mapped
            mapping = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        return MappedFile(mapping, name=name, **kwargs)


class MappedFile(StructFile):
    """A file read through its memory map: `read`, `seek` and `tell` are the map's, `get` a slice of it."""

    def __init__(self, mapping: mmap.mmap, name: str | None = None, onclose=None):
        super().__init__(mapping, name=name, onclose=onclose)
        self.is_real = False  # no file descriptor: arrays are read from bytes, not with fromfile

    def get(self, position: int, length: int) -> bytes:
        return self.file[position : position + length]

    def get_array(self, position: int, typecode: str, length: int) -> array:
        values = array(typecode, self.get(position, length * _SIZEMAP[typecode]))
        if IS_LITTLE:
            values.byteswap()
        return values
