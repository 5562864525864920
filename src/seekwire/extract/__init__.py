"""Page understanding: turn the text of one scraped page into an `Article`.

A scraped page is a headline, a dateline, the article and whatever furniture the site wrapped around it.
This package owns every rule that tells them apart; reading files and decoding bytes happen before it,
indexing after it. `boilerplate` labels lines, `dates` reads French dates, `agencies` reads credits and
`page` puts them together.
"""

from __future__ import annotations

from seekwire.extract.furniture import Furniture, learn_furniture
from seekwire.extract.page import HeadlineWeights, parse_page

__all__ = ["Furniture", "HeadlineWeights", "learn_furniture", "parse_page"]
