"""Site furniture learned from the pages themselves: what repeats across many pages of one site.

No list of words can name every site's menus, section labels, subscription prompts and footers, but every site
repeats them on all its pages, while an article's lines appear on one page (or on the few pages that link to
it). So the pages of a collection are grouped by site — greedily, a page joining the group whose recurring lines
it shares, since a folder may mix sites and a site may span folders — and in each group every line is counted
once per page, after normalisation (case, spacing and digits masked: "Lecture 3 min" and "Lecture 5 min",
"© Site 2019" and "© Site 2020" are one line). Month and weekday names stay: a date line is recognised by its
shape anyway, and a sentence giving the day ("... lundi 7 novembre.") belongs to its article. A line found on
a large share of its group's pages is furniture, whatever its words. A group of a handful of pages teaches
nothing: below `MIN_PAGES` nothing is furniture, and the page-level signals in `page` and `boilerplate` carry
it alone.

Lines are kept as short digests, so the counts of a large collection stay small enough to be saved with the
index (`to_json` / `from_json`) and updated page by page by an incremental run (`add`, `remove`).

A site also teaches where it sets its standfirst. Some put it under the byline or date line, where on one page
it reads as the article's first paragraph; over a site's pages it shows: a standfirst is shorter than the
paragraph after it and its words come back in the article, much more often than a first paragraph's. Each page
counts that evidence as pseudo-lines (keys no line has, outside the site's signature), so it is added,
removed, merged and saved with the line counts (see `Site.standfirst_after_byline`).
"""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from seekwire.extract.boilerplate import classify_lines, paragraph_after_byline

# A group needs this many pages before any of its lines counts as furniture.
MIN_PAGES = 4
# Share of a group's pages a line must appear on to be furniture.
MIN_SHARE = 0.1
# Lines longer than this are prose on any site: never counted (see `boilerplate._MAX_FURNITURE_WORDS`).
_MAX_WORDS = 40
# A page joins the group when it holds at least this share of the lines found on most of the group's pages.
_MIN_AFFINITY = 0.3
# A group whose signature holds this share of a larger group's signature is part of the same site.
_TWIN_OVERLAP = 0.8
# Lines added to every signature's size when measuring a page against it.
_SIGNATURE_PRIOR = 2
# How much a tenfold larger group is preferred over one the page matches a little better.
_SIZE_PREFERENCE = 0.1
# Lines on at least this share of a group's pages say which site the group is, when a page is matched.
_SIGNATURE_SHARE = 0.5
_FORMAT = 1
# Pseudo-lines of standfirst evidence: a page with a paragraph under its byline; that paragraph shorter than the
# next; its words echoed by the article.
_SLOT, _SHORTER, _ECHOED = "~standfirst", "~standfirst-shorter", "~standfirst-echoed"
# Share of a paragraph's content words the rest of the article repeats for it to count as echoed.
_ECHO_SHARE = 0.4
# Shares of slot pages with a shorter paragraph and with an echoed one, added, above which a site sets its
# standfirst under the byline. On the development gold, over each layout's pages: 1.40-1.62 for standfirsts,
# 0.50-0.92 for articles' first paragraphs (OrangeSum's ledes 1.51 and first paragraphs 0.92).
STANDFIRST_EVIDENCE = 1.2
_MIN_CONTENT_CHARS = 4
_CONTENT_WORD = re.compile(r"[^\W\d_]+")

_DIGITS = re.compile(r"\d+")
_SPACE = re.compile(r"\s+")


def line_key(line: str) -> str:
    """The digest a line is counted under: the same for lines that differ only by numbers, case or spacing."""
    text = _DIGITS.sub("0", unicodedata.normalize("NFC", line).casefold())
    text = _SPACE.sub(" ", text).strip()
    return hashlib.blake2b(text.encode("utf-8"), digest_size=8).hexdigest()


def page_keys(text: str) -> set[str]:
    """The distinct countable lines of a page, as keys, with its standfirst evidence."""
    return _line_keys(text) | _standfirst_evidence(text)


def _line_keys(text: str) -> set[str]:
    keys = set()
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped and len(stripped.split()) <= _MAX_WORDS:
            keys.add(line_key(stripped))
    return keys


def _standfirst_evidence(text: str) -> set[str]:
    """Pseudo-lines saying whether the page has a paragraph under its byline, and how it looks."""
    lines = [line.strip() for line in text.split("\n")]
    place = paragraph_after_byline(lines, classify_lines(lines))
    if place is None:
        return set()
    first, second = place
    evidence = {_SLOT}
    if len(lines[first].split()) < len(lines[second].split()):
        evidence.add(_SHORTER)
    words = _content_words(lines[first])
    rest = set().union(*(_content_words(line) for line in lines[first + 1 :]))
    if words and len(words & rest) >= _ECHO_SHARE * len(words):
        evidence.add(_ECHOED)
    return evidence


def _content_words(line: str) -> set[str]:
    return {word for word in _CONTENT_WORD.findall(line.casefold()) if len(word) >= _MIN_CONTENT_CHARS}


@dataclass
class Site:
    """Line counts over the pages of one site: `lines[key]` pages hold the line."""

    pages: int = 0
    lines: Counter[str] = field(default_factory=Counter)
    _signature: frozenset[str] = field(default=frozenset(), init=False, repr=False, compare=False)
    _signature_pages: int = field(default=-1, init=False, repr=False, compare=False)

    def threshold(self, min_share: float) -> float:
        return max(MIN_PAGES, min_share * self.pages)

    def affinity(self, keys: set[str]) -> float:
        """Share of this site's signature (the lines on most of its pages) that a page holds.

        Measured on the site's lines, not the page's, so that a long page or a few lines shared by the pages
        of one story do not outweigh a whole menu and footer; a signature of a line or two proves little, so
        every signature counts a few lines more than it has.
        """
        signature = self.signature()
        return len(signature & keys) / (len(signature) + _SIGNATURE_PRIOR)

    def standfirst_after_byline(self) -> bool:
        """Whether the site sets its standfirst under the byline: enough of its pages have a paragraph there,
        and those paragraphs are shorter than the next and echoed by the article about as often as
        standfirsts are (see `STANDFIRST_EVIDENCE`)."""
        slots = self.lines[_SLOT]
        if slots < MIN_PAGES or slots < _SIGNATURE_SHARE * self.pages:
            return False
        return (self.lines[_SHORTER] + self.lines[_ECHOED]) / slots >= STANDFIRST_EVIDENCE

    def signature(self) -> frozenset[str]:
        if self._signature_pages != self.pages:
            # Of two pages, only what both hold: one page's own lines must not stand for its site.
            floor = max(1.0, _SIGNATURE_SHARE * (self.pages + 1))
            self._signature = frozenset(
                key for key, count in self.lines.items() if count >= floor and not key.startswith("~")
            )
            self._signature_pages = self.pages
        return self._signature


@dataclass
class Furniture:
    """Learned furniture of a collection: one `Site` per group of pages that share their recurring lines."""

    sites: list[Site] = field(default_factory=list)
    min_share: float = MIN_SHARE

    def site_of(self, keys: set[str]) -> Site | None:
        """The site a page (given by its line keys) belongs to, or None when it matches none."""
        matched = [(site.affinity(keys), site) for site in self.sites]
        matched = [(affinity, site) for affinity, site in matched if affinity >= _MIN_AFFINITY]
        if not matched:
            return None
        # Of sites the page matches about as well, the larger: a few pages alike are not a site of their own.
        return max(matched, key=lambda found: found[0] + _SIZE_PREFERENCE * math.log10(found[1].pages))[1]

    def add(self, keys: set[str]) -> None:
        """Count one page (its `page_keys`), in the site it matches or as the first page of a new one."""
        site = self.site_of(keys)
        if site is None:
            site = Site()
            self.sites.append(site)
        site.pages += 1
        site.lines.update(keys)
        self._merge_into_twin(site)

    def _merge_into_twin(self, site: Site) -> None:
        """Join two groups when the larger's signature is nearly all in the smaller's: one site whose first
        pages started apart, or a variant of its pages (a subscriber page, a live page) that adds lines."""
        if site.pages < 2:
            return
        for other in self.sites:
            if other is site or other.pages < 2:
                continue
            larger, smaller = (other, site) if other.pages >= site.pages else (site, other)
            theirs = larger.signature()
            if len(theirs & smaller.signature()) >= _TWIN_OVERLAP * len(theirs):
                larger.pages += smaller.pages
                larger.lines.update(smaller.lines)
                self.sites.remove(smaller)
                return

    def remove(self, keys: set[str]) -> None:
        """Forget one page counted before (a deleted or changed file), given by its `page_keys`, from the
        site it matches now (the one it was counted in unless sites have merged since)."""
        site = self.site_of(keys)
        if site is None:
            return
        site.pages -= 1
        site.lines.subtract(keys)
        for key in keys:
            if site.lines[key] <= 0:
                del site.lines[key]
        if site.pages <= 0:
            self.sites.remove(site)

    def for_page(self, text: str) -> PageFurniture:
        """The furniture that applies to one page: its site's recurring lines."""
        return self.for_keys(_line_keys(text))

    def for_keys(self, keys: set[str]) -> PageFurniture:
        return PageFurniture(self.site_of(keys), self.min_share)

    def reading(self, keys: set[str]) -> str:
        """A digest of which of a page's lines are furniture: when it changes, the page reads differently."""
        furniture = self.for_keys(keys)
        marked = "".join(sorted(key for key in keys if furniture.holds(key) and not key.startswith("~")))
        marked += _SLOT if furniture.standfirst_after_byline else ""
        return hashlib.blake2b(marked.encode("ascii"), digest_size=8).hexdigest()

    def __contains__(self, line: str) -> bool:
        """True when the line is furniture on some site."""
        return any(line.strip() in PageFurniture(site, self.min_share) for site in self.sites)

    def to_json(self) -> dict:
        """The counts (not the share, a setting of the code that reads them)."""
        return {
            "format": _FORMAT,
            "sites": [{"pages": site.pages, "lines": dict(site.lines)} for site in self.sites],
        }

    @classmethod
    def from_json(cls, data: dict) -> Furniture:
        """Counts saved by `to_json`; an unknown format gives empty counts (they are relearned)."""
        if data.get("format") != _FORMAT:
            return cls()
        return cls(sites=[Site(site["pages"], Counter(site["lines"])) for site in data["sites"]])


@dataclass(frozen=True)
class PageFurniture:
    """The furniture of one page's site (none when the page matched no site); `in` takes a line."""

    site: Site | None
    min_share: float = MIN_SHARE

    def __contains__(self, line: str) -> bool:
        return self.holds(line_key(line))

    def holds(self, key: str) -> bool:
        site = self.site
        return site is not None and site.lines[key] >= site.threshold(self.min_share)

    @property
    def standfirst_after_byline(self) -> bool:
        return self.site is not None and self.site.standfirst_after_byline()


def learn_furniture(texts: Iterable[str], *, min_share: float = MIN_SHARE) -> Furniture:
    """Count the lines of a collection of pages, grouped by site."""
    furniture = Furniture(min_share=min_share)
    for text in texts:
        furniture.add(page_keys(text))
    return furniture
