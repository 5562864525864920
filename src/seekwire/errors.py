"""The library's exceptions.

The library raises, the CLI translates: every exception here carries a message written for the person at the
terminal (what went wrong and what to do next), and the CLI turns it into exit status 2 without a traceback.
"""


class SeekwireError(Exception):
    """Base class: anything the user can fix, reported as one line."""


class NoIndexError(SeekwireError):
    """There is no index where one was expected."""


class SchemaMismatchError(SeekwireError):
    """The index was built by another version of seekwire's schema."""


class ForeignDirectoryError(SeekwireError):
    """The index directory holds files seekwire did not create."""


class IndexLockedError(SeekwireError):
    """Another process is writing to the index."""


class CorruptIndexError(SeekwireError):
    """The index files cannot be read."""


class QuerySyntaxError(SeekwireError):
    """The query cannot be parsed."""


class NotFoundError(SeekwireError):
    """A document id that the index does not hold."""
