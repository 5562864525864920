"""Everything seekwire knows of Whoosh beyond Whoosh's public interface, kept in one place.

Being fast needs Whoosh 2.7.4's private layout in a few places; each lives in one module here, behind a small
interface, and tests/test_engine.py names every private attribute and method they rely on, so that a change
of Whoosh fails one test rather than a query. Nothing outside this package touches a private Whoosh name.

- `startup.py`: importing Whoosh without urllib.request
- `files.py`: reading an index's files through memory maps
- `segments.py`: building segments in bulk, written as Whoosh's W3 codec writes them
- `positions.py`: the bytes of a word's positions, as `formats.Positions` encodes them
- `postings.py`, `columns.py`: posting lists and fixed-width columns read whole, as numpy arrays
- `matching.py`: an AND NOT that excludes in every segment
- `automata.py`: the Levenshtein walk over a list of terms in memory
"""
