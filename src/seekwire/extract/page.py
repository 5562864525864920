"""Segmenting a page: headline, standfirst, article text, publication date, credits and publisher.

Once every line has a `Kind` (see `boilerplate`), a news page reads the same whatever the site: the headline is
the first line of text, the standfirst is the paragraph between the headline and the dateline (or a lone
one-sentence paragraph opening a page that has no dateline), and the article is the text that follows. The
dateline closest to the headline gives the publication date; credits come from bylines, photo credits,
datelines and closing tags, in page order.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from seekwire.article import Article
from seekwire.extract.agencies import (
    agencies_in,
    copyright_holder,
    publisher_aliases_in,
    split_closing_tag,
    split_dateline,
)
from seekwire.extract.boilerplate import Kind, classify_lines
from seekwire.extract.dates import ResolvedDate, find_mentions, publication_part, resolve

# A standfirst is one paragraph; a lone opening sentence longer than this is article text.
_MAX_LEDE_WORDS = 60
# A line this short without final punctuation, opening or closing the text, is a label (author, site name).
_MAX_LABEL_WORDS = 3
_SENTENCE_BREAK = re.compile(r"[.!?…]\s+[A-ZÀ-Ý«\"]")
_FINAL_PUNCTUATION = re.compile(r"[.!?…:;»\"”)]$")


@dataclass
class _Credits:
    """Agencies credited on the page, each with the line that credits it, and the publisher it names."""

    found: list[tuple[int, str]] = field(default_factory=list)
    publisher: str | None = None

    def add(self, line_index: int, names: list[str]) -> None:
        self.found.extend((line_index, name) for name in names)

    def agencies(self) -> list[str]:
        """Canonical names in order of first credit on the page."""
        ordered: list[str] = []
        for _, name in sorted(self.found, key=lambda found: found[0]):
            if name not in ordered:
                ordered.append(name)
        return ordered


def parse_page(
    text: str,
    *,
    doc_id: str,
    path: str,
    mtime: float | None = None,
    furniture: frozenset[str] | None = None,
    today: dt.date | None = None,
) -> Article:
    """Extract an `Article` from the decoded text of one page.

    `mtime` (POSIX seconds) anchors dates printed without a year and relative dates; `furniture` holds lines
    known to repeat across the crawl (see `learn_furniture`); `today` stands in for the clock when a weekday
    must pin a year and there is no `mtime`.
    """
    lines = [line.strip() for line in text.split("\n")]
    kinds = classify_lines(lines, furniture or frozenset())
    title_index = _title_index(lines, kinds)
    title = lines[title_index] if title_index is not None else ""
    start = -1 if title_index is None else title_index
    text_after = [i for i in range(start + 1, len(lines)) if kinds[i] is Kind.TEXT]
    lede_index = _lede_index(lines, kinds, start, text_after)
    credits = _Credits()
    body = _body(lines, kinds, [i for i in text_after if i != lede_index], credits)
    _collect_credits(lines, kinds, credits)
    published = _publication_date(lines, kinds, start, lede_index, mtime, today)
    return Article(
        id=doc_id,
        path=path,
        title=title,
        body="\n\n".join(body),
        lede=lines[lede_index] if lede_index is not None else None,
        date=published.date if published else None,
        time=published.time if published else None,
        date_source=published.source if published else None,
        agencies=credits.agencies(),
        publisher=credits.publisher,
    )


def _title_index(lines: list[str], kinds: list[Kind]) -> int | None:
    """The first line of text, preferring one of several words over a lone section label.

    A line repeated across the crawl still heads this page when a dateline follows it: other pages only
    list it as a link to this article.
    """
    text = [
        i
        for i, kind in enumerate(kinds)
        if kind is Kind.TEXT or kind is Kind.FURNITURE and _next_kind(kinds, i) is Kind.DATE
    ]
    for index in text[:3]:
        if len(lines[index].split()) >= 3:
            return index
    if text:
        return text[0]
    return next((i for i, line in enumerate(lines) if line), None)


def _lede_index(lines: list[str], kinds: list[Kind], title: int, text_after: list[int]) -> int | None:
    """The standfirst: the one paragraph between headline and dateline or page furniture, else a lone sentence.

    With no furniture after it, the opening paragraph is a standfirst only when it is a single sentence, the
    page has no dateline below the headline and more paragraphs follow.
    """
    if not text_after:
        return None
    after_title = _next_index(kinds, title)
    if (
        after_title is not None
        and kinds[after_title] is Kind.DATE
        and _next_kind(kinds, after_title) is Kind.DATE
        and not any(m.complete for m in find_mentions(lines[after_title]))
    ):
        return after_title  # a day and month set above the full dateline, as a standfirst
    first = text_after[0]
    between = [kinds[i] for i in range(title + 1, first) if kinds[i] is not Kind.BLANK]
    if between:
        return None
    following = _next_kind(kinds, first)
    if following in (Kind.DATE, Kind.CREDIT, Kind.LINK, Kind.CAPTION, Kind.WIDGET) and len(text_after) > 1:
        return first
    has_dateline = any(kind is Kind.DATE for kind in kinds[title + 1 :])
    words = len(lines[first].split())
    if has_dateline or len(text_after) < 2 or words > _MAX_LEDE_WORDS or _SENTENCE_BREAK.search(lines[first]):
        return None
    return first


def _next_index(kinds: list[Kind], index: int) -> int | None:
    """The next non-blank line after `index`."""
    return next((i for i in range(index + 1, len(kinds)) if kinds[i] is not Kind.BLANK), None)


def _next_kind(kinds: list[Kind], index: int) -> Kind | None:
    following = _next_index(kinds, index)
    return kinds[following] if following is not None else None


def _body(lines: list[str], kinds: list[Kind], indexes: list[int], credits: _Credits) -> list[str]:
    """Article paragraphs without the dateline, closing agency tags or labels around them; credits are kept.

    Labels are the short unpunctuated lines a site sets between the dateline and the article (an author, a
    site name) or below it (a widget caption), which no sentence of the article looks like.
    """
    paragraphs: list[str] = []
    for index in indexes:
        paragraph = lines[index]
        if not paragraphs:
            if _is_label(paragraph):
                continue
            paragraph, named = split_dateline(paragraph)
            credits.add(index, named)
        paragraph, named = split_closing_tag(paragraph)
        credits.add(index, named)
        if paragraph:
            paragraphs.append(paragraph)
    while paragraphs and _is_label(paragraphs[-1]):
        paragraphs.pop()
    return paragraphs


def _is_label(paragraph: str) -> bool:
    return len(paragraph.split()) <= _MAX_LABEL_WORDS and not _FINAL_PUNCTUATION.search(paragraph)


def _collect_credits(lines: list[str], kinds: list[Kind], credits: _Credits) -> None:
    """Agencies from bylines and photo credits; the publisher from copyright lines and credit signatures."""
    holder = None
    for index, (line, kind) in enumerate(zip(lines, kinds, strict=True)):
        if kind in (Kind.CREDIT, Kind.DATE):
            credits.add(index, agencies_in(line))
        if kind in (Kind.CREDIT, Kind.FOOTER):
            credits.publisher = credits.publisher or publisher_aliases_in(line)
            holder = holder or copyright_holder(line)
    if holder is not None:
        credits.publisher = _site_name(lines, holder)


def _site_name(lines: list[str], holder: str) -> str:
    """The site's full name when a short line spells it out from the copyright holder ("Orange" -> "Orange Actu")."""
    for line in lines:
        short = len(line.split()) <= 4 and not _FINAL_PUNCTUATION.search(line)
        if short and line.startswith(holder + " ") and not agencies_in(line.removeprefix(holder)):
            return line
    return holder


def _publication_date(
    lines: list[str],
    kinds: list[Kind],
    title: int,
    lede: int | None,
    mtime: float | None,
    today: dt.date | None,
) -> ResolvedDate | None:
    """The date of the dateline nearest the headline (full dates first), else one stated in the standfirst."""
    candidates = []
    for index, kind in enumerate(kinds):
        if kind is Kind.DATE:
            for mention in find_mentions(publication_part(lines[index]), numeric_without_year=True):
                rank = 0 if mention.complete else 1 if mention.days_ago is not None else 2
                candidates.append((rank, abs(index - title), mention.start, mention))
    for *_, mention in sorted(candidates, key=lambda c: c[:3]):
        resolved = resolve(mention, mtime, today=today)
        if resolved is not None:
            return resolved
    opening = (
        lede
        if lede is not None
        else next((i for i in range(title + 1, len(lines)) if kinds[i] is Kind.TEXT), None)
    )
    if opening is None:
        return None
    # A standfirst recounts earlier events and ends on the day of the news: take its latest date, preferring
    # dates pinned by a weekday or a year ("mardi 29 novembre") over bare ones ("le 28 juin").
    mentions = [m for m in find_mentions(lines[opening]) if m.days_ago is None]
    for pinned in (True, False):
        resolved = [
            r
            for m in mentions
            if (m.weekday is not None or m.complete) == pinned
            and (r := resolve(m, mtime, today=today)) is not None
        ]
        if resolved:
            latest = max(resolved, key=lambda r: r.date)
            return ResolvedDate(latest.date, latest.source, None)
    return None
