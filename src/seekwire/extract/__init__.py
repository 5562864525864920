"""Page understanding: turn the text of one scraped page into an `Article`.

A scraped page is a headline, a dateline, the article and whatever furniture the site wrapped around it.
This package owns every rule that tells them apart; reading files and decoding bytes happen before it,
indexing after it.
"""

from __future__ import annotations

from seekwire.article import Article


def parse_page(text: str, *, doc_id: str, path: str, mtime: float | None = None) -> Article:
    """Split a page into title (its first non-empty line) and body (the rest)."""
    lines = [line.strip() for line in text.splitlines()]
    content = [line for line in lines if line]
    title = content[0] if content else ""
    body = "\n\n".join(content[1:])
    return Article(id=doc_id, path=path, title=title, body=body)
