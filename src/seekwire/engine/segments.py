"""Writing new documents as Whoosh segments, without Whoosh's posting pool.

Whoosh's own writer puts every posting of every document through a pool of (field, term, doc, weight, value)
tuples: it pickles them to sorted runs on disk, merges the runs back, and hands them to the codec one posting
per call, each call reading the document's length back from a column. On news text that is most of a build.
Here each field is inverted in memory instead (term -> the documents, weights and values of its postings, in
document order), sorted once when the segment is written, and given to Whoosh's W3 codec a block of postings
at a time. The files are written by the codec's own per-document, field and postings writers (the postings
blocks pickled with a more compact protocol), so the result is a standard Whoosh 2.7 segment that stock
Whoosh reads (kept as separate files, not assembled into one compound file: see `engine/files.py`), and the segments join the index in the commit of an ordinary Whoosh writer, which still does
the deletions and the merging of small segments.

Memory is bounded: a builder writes out its segment once it has taken in POSTING_BUDGET term occurrences, and
starts another. Large inputs are built by two worker processes, each writing its own segments, fed batches of
documents in turn (so the order of documents in the index does not depend on timing). They are started with
"spawn", like the entity recognizers: a script that indexes through the library needs the usual
`if __name__ == "__main__":` guard.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import signal
import traceback
import zlib
from array import array
from collections.abc import Iterable

from whoosh.codec.base import Segment
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3Codec, W3FieldWriter, W3PostingsWriter
from whoosh.fields import Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import SegmentWriter

# Term occurrences a builder takes in before it writes its postings out as a segment.
POSTING_BUDGET = 4_000_000
# The pickle protocol of the data of a block of postings (W3 itself uses 2; see _BlockPostingsWriter).
BLOCK_PICKLE_PROTOCOL = 5
# The data of a block of postings shorter than this is stored as it is: zlib would make it longer.
COMPRESS_MIN_BYTES = 64
# Documents sent to a worker process at a time.
BATCH_SIZE = 100


class SegmentBuilder:
    """Builds segments of new documents in one process; `finish` writes the last one and returns them all."""

    def __init__(self, directory: str | os.PathLike, schema: Schema, indexname: str = "MAIN",
                 budget: int = POSTING_BUDGET):
        self.storage = FileStorage(os.fspath(directory))
        self.schema = schema
        self.indexname = indexname
        self.budget = budget
        self.codec = W3Codec()
        self.segments: list[Segment] = []
        self._segment = self._perdoc = None
        if unsupported := [name for name, field in schema.items() if field.vector or field.separate_spelling()]:
            raise ValueError(f"term vectors and separate spelling words are not supported: {unsupported}")

    def _start(self) -> None:
        self._segment = self.codec.new_segment(self.storage, self.indexname)
        self._perdoc = self.codec.per_document_writer(self.storage, self._segment)
        self._docnum = 0
        self._held = 0
        # field -> term bytes -> its postings as one flat list: document number, weight, value, document
        # number, weight, value... in document order (a list of three-item tuples would take twice the memory)
        self._postings: dict[str, dict[bytes, list]] = {}
        # scorable field -> each document's length as Whoosh stores it (one byte, decoded)
        self._lengths: dict[str, array] = {}

    def add(self, doc: dict) -> None:
        """Add one document, given as the keyword arguments of Whoosh's `add_document`."""
        if self._segment is None:
            self._start()
        docnum = self._docnum
        perdoc = self._perdoc
        perdoc.start_doc(docnum)
        for name in sorted(doc):
            value = doc[name]
            if value is None:
                continue
            field = self.schema[name]
            length = 0
            if field.indexed:
                terms = self._postings.setdefault(name, {})
                held = terms.get
                for btext, freq, weight, vbytes in field.index(value):
                    length += freq
                    postings = held(btext)
                    if postings is None:
                        terms[btext] = [docnum, weight, vbytes]
                    else:
                        postings += (docnum, weight, vbytes)
                self._held += length
                if field.scorable:
                    lengths = self._lengths.setdefault(name, array("I"))
                    lengths.extend(bytes(docnum + 1 - len(lengths)))
                    lengths[docnum] = byte_to_length(length_to_byte(length))
                else:
                    length = 0
            perdoc.add_field(name, field, value if field.stored else None, length)
            if field.column_type:
                perdoc.add_column_value(name, field.column_type, field.to_column_value(value))
        perdoc.finish_doc()
        self._docnum += 1
        if self._held >= self.budget:
            self._write()

    def finish(self) -> list[Segment]:
        """Write the segment being built; every segment built, in the order of their documents."""
        if self._segment is not None:
            self._write()
        return self.segments

    def cancel(self) -> None:
        """Close the segment being built, unfinished; its files are left to the caller (a generation to
        discard)."""
        if self._perdoc is not None:
            self._perdoc.close()
        self._segment = self._perdoc = None

    def _write(self) -> None:
        segment, perdoc = self._segment, self._perdoc
        self._segment = self._perdoc = None
        perdoc.close()
        writer = _BlockFieldWriter(self.codec, self.storage, segment)
        for name in sorted(self._postings):
            terms = self._postings[name]
            lengths = self._lengths.get(name)
            writer.start_field(name, self.schema[name])
            for btext in sorted(terms):
                writer.add_term(btext, terms[btext], lengths)
            writer.finish_field()
        writer.close()
        segment.set_doc_count(self._docnum)
        self.segments.append(segment)
        self._postings = self._lengths = {}


class _BlockPostingsWriter(W3PostingsWriter):
    """W3's postings writer, given the postings of a term a block at a time rather than one per call.

    The blocks are cut where W3 cuts them (every `blocklimit` postings, the last one written by
    `finish_postings`) and laid out as W3 lays them out, with one difference: W3 pickles a block's data with
    protocol 2, which spells every value (a bytes object) as a call to `_codecs.encode` on a latin-1 string;
    protocol 5 writes bytes as bytes. On news text that halves the compressed postings and the time spent
    pickling and compressing them. W3's reader unpickles blocks with `pickle.loads`, which reads any protocol.

    W3 also compresses every block, although its comment says a pickle under 20 bytes is not worth it: most
    terms are in a few documents, and zlib's header and checksum make their short blocks longer. A block under
    `COMPRESS_MIN_BYTES` is stored uncompressed, with compression level 0 in its header as W3's reader
    expects. On news text that is three blocks in four: the index is a little smaller, writing the postings
    (the last step of a build, which nothing else overlaps) compresses a quarter as many blocks, and reading
    them decompresses fewer.
    """

    def _write_block(self, last: bool = False) -> None:
        if not self._blockcount:
            self._postfile.write(WHOOSH3_HEADER_MAGIC)
        self._terminfo.add_block(self)
        data = pickle.dumps((self._mini_ids(), self._mini_weights(), self._mini_values()), BLOCK_PICKLE_PROTOCOL)
        level = self._compression if len(data) >= COMPRESS_MIN_BYTES else 0
        if level:
            data = zlib.compress(data, level)
        ids = self._ids
        info = pickle.dumps((len(ids), ids[-1], self._maxweight, level, length_to_byte(self._minlength),
                             length_to_byte(self._maxlength)), 2)
        size = len(info) + len(data)
        self._postfile.write_int(-size if last else size)
        self._postfile.write(info)
        self._postfile.write(data)
        self._blockcount += 1
        self._new_block()

    def add_block(self, ids: array, weights: array, values: list[bytes], lengths: list[int]) -> None:
        if self._ids:
            self._write_block()
        self._ids, self._weights, self._values = ids, weights, values
        self._maxweight = max(0, max(weights))
        present = [length for length in lengths if length]
        self._minlength = min(present) if present else None
        self._maxlength = max(present, default=0)


class _BlockFieldWriter(W3FieldWriter):
    """W3's field writer, taking a whole term's postings at once."""

    def start_field(self, fieldname, fieldobj) -> None:
        super().start_field(fieldname, fieldobj)
        codec = self._codec
        self._postwriter = _BlockPostingsWriter(self._postfile, codec._blocklimit, compression=codec._compression,
                                                inlinelimit=codec._inlinelimit)

    def add_term(self, btext: bytes, postings: list, lengths: array | None) -> None:
        """Write a term's postings, given as a flat list of document number, weight, value..."""
        self.start_term(btext)
        step = 3 * self._postwriter._blocklimit
        for start in range(0, len(postings), step):
            block = postings[start : start + step]
            ids = array("I", block[0::3])
            block_lengths = [lengths[doc] for doc in ids] if lengths is not None else []
            # Values of formats without any (b"") are dropped by W3's writer; kept here, they are ignored.
            self._postwriter.add_block(ids, array("f", block[1::3]), block[2::3], block_lengths)
        self.finish_term()


class ParallelBuilder:
    """Builds segments in worker processes, each its own; the same interface as SegmentBuilder.

    Its workers are not a `multiprocessing.Pool`, and share no helper with the entity recogniser's pool
    (extract/entities.py), because they keep state: each worker holds a SegmentBuilder that turns the
    batches it is sent into its own segment files. A batch must go to a chosen worker, and each worker must be
    told when the input ends and answer with its segments; a Pool gives a task to whichever worker is free and
    has no end per worker. The recogniser's tasks are pure (texts in, entities out), which is what a Pool is
    for. What the two have in common — spawned processes that ignore Ctrl-C, which the parent handles — is
    two lines in each.
    """

    def __init__(self, directory: str | os.PathLike, schema: Schema, processes: int = 2,
                 indexname: str = "MAIN", budget: int = POSTING_BUDGET):
        self._args = (os.fspath(directory), schema, indexname, budget)
        self.processes = processes
        self._workers: list[tuple[multiprocessing.Process, object]] = []
        self._batch: list[dict] = []
        self._turn = 0

    def add(self, doc: dict) -> None:
        self._batch.append(doc)
        if len(self._batch) >= BATCH_SIZE:
            self._send()

    def _send(self) -> None:
        if not self._workers:
            context = multiprocessing.get_context("spawn")
            for _ in range(self.processes):
                ours, theirs = context.Pipe()
                worker = context.Process(target=_work, args=(theirs, *self._args), daemon=True)
                worker.start()
                theirs.close()
                self._workers.append((worker, ours))
        _, connection = self._workers[self._turn]
        self._post(connection, self._batch)
        self._batch = []
        self._turn = (self._turn + 1) % len(self._workers)

    def finish(self) -> list[Segment]:
        """Wait for the workers to write their last segments; all the segments, in the order of their
        documents within each worker."""
        if self._batch:
            self._send()
        for _, connection in self._workers:
            self._post(connection, None)
        segments = []
        for worker, connection in self._workers:
            segments.extend(self._answer(connection))
            worker.join()
        self._workers = []
        return segments

    def cancel(self) -> None:
        """Stop the workers; the files they wrote are left to the caller (a generation to discard)."""
        for worker, connection in self._workers:
            worker.terminate()
            worker.join()
            connection.close()
        self._workers = []

    def _post(self, connection, message: list[dict] | None) -> None:
        try:
            connection.send(message)
        except OSError:
            # The worker stopped: its answer says why.
            self._answer(connection)
            raise

    @staticmethod
    def _answer(connection) -> list[Segment]:
        try:
            kind, value = connection.recv()
        except EOFError:
            raise RuntimeError("an indexing worker process died") from None
        if kind == "error":
            raise value
        return value


def _work(connection, directory: str, schema: Schema, indexname: str, budget: int) -> None:
    """A worker process: build segments from the batches received until None, then send them back (or the
    exception that stopped it). Ctrl-C reaches the whole process group: the parent stops the workers."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    builder = SegmentBuilder(directory, schema, indexname, budget)
    try:
        while (batch := connection.recv()) is not None:
            for doc in batch:
                builder.add(doc)
        answer = ("segments", builder.finish())
    except EOFError:
        return  # the parent is gone: no one is waiting for an answer
    except BaseException as error:  # noqa: BLE001 - the parent raises it
        answer = ("error", error)
    try:
        connection.send(answer)
    except pickle.PicklingError:
        connection.send(("error", RuntimeError("".join(traceback.format_exception(answer[1])))))
    finally:
        connection.close()


class BuiltSegmentsWriter(SegmentWriter):
    """A Whoosh writer whose commit also publishes segments built apart (see `SegmentBuilder`).

    The writer itself deletes documents and merges small existing segments as Whoosh always does; the built
    segments join the table of contents after those.
    """

    def __init__(self, ix, **options):
        super().__init__(ix, **options)
        self.built: list[Segment] = []

    def add_segments(self, segments: Iterable[Segment]) -> None:
        self.built.extend(segments)

    def _commit_toc(self, segments):
        super()._commit_toc(list(segments) + self.built)
