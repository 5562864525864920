"""`seekwire serve`: the index in a browser, and a warm JSON API (`app.py`), answered by a pool of searchers
(`pool.py`). Imported only by the `serve` command: the other commands never load the web stack."""
