"""Segmenting a page: headline, standfirst, article text, publication date, credits and publisher.

Once every line has a `Kind` (see `boilerplate`), a news page reads the same whatever the site. No site puts
its headline in the same place, so the headline is chosen by evidence among the first lines of text: its
length and shape (a line of a few words with no final full stop and a capital), its words recurring in the
article, the file name's words, and what follows it (a dateline, a byline or a standfirst); a section label or
a town line above it loses on those counts. The standfirst is the paragraph between the headline and the
dateline (or a lone one-sentence paragraph opening a page that has no dateline), and the article is the text
that follows. The dateline closest to the headline gives the publication date; credits come from bylines,
photo credits, datelines and closing tags, in page order.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import PurePath

from seekwire.article import Article
from seekwire.extract.agencies import (
    agencies_in,
    copyright_holder,
    publisher_aliases_in,
    rights_holder,
    split_closing_tag,
    split_dateline,
)
from seekwire.extract.boilerplate import Kind, classify_lines, paragraph_after_byline
from seekwire.extract.dates import ResolvedDate, find_mentions, publication_part, resolve
from seekwire.extract.furniture import Furniture

# A line this short without final punctuation, opening or closing the text, is a label (author, site name).
_MAX_LABEL_WORDS = 3
# A site's rights line is short: a longer line with a © in it is a sentence or a caption.
_MAX_RIGHTS_WORDS = 24
_FINAL_PUNCTUATION = re.compile(r"[.!?…:;»\"”)]$")
# The headline is one of the first lines of text; its usual length and size, in characters and words.
_HEADLINE_CANDIDATES = 8
_MIN_HEADLINE_CHARS = 20
_MAX_HEADLINE_CHARS = 150
_MIN_HEADLINE_WORDS = 3
# A line of text this long is a paragraph of the article.
_MIN_PARAGRAPH_WORDS = 12
# A site's name is a few words; what may follow it on a footer line that names the site.
_MAX_SITE_NAME_WORDS = 5
_NAME_ENDS = " ,;:|.-–—©"
# A standfirst is a sentence of at least this many words.
_MIN_STANDFIRST_WORDS = 4
# Short labels set around a line that make it part of a menu.
_MENU_LABELS = 2
# A file name tells the headline only when it spells a few words of it ("explosion-port-beyrouth.txt").
_MIN_SLUG_WORDS = 3
_SLUG_SEPARATORS = re.compile(r"[-_+.]+")
_MIN_CONTENT_WORD = 4
_WORDS = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class HeadlineWeights:
    """How much each clue counts for or against a line being the headline (see `_headline_score`).

    The defaults are the setting `bench/extraction.py` finds best over the eight development layouts; it also
    scores each layout with the setting fitted on the other seven.
    """

    rank: float = 0.8
    length: float = 1.0
    few_words: float = 2.0
    full_stop: float = 3.0
    lower_case: float = 2.0
    capitals: float = 1.0
    introduces: float = 1.0
    among_labels: float = 1.5
    article_words: float = 1.5
    slug: float = 3.0


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
    furniture: Furniture | None = None,
    today: dt.date | None = None,
    headline: HeadlineWeights = HeadlineWeights(),
    headline_hint: str | None = None,
) -> Article:
    """Extract an `Article` from the decoded text of one page.

    `mtime` (POSIX seconds) anchors dates printed without a year and relative dates; `furniture` holds the
    line counts learned from the collection the page belongs to (see `learn_furniture`); `today` stands in for
    the clock when a weekday must pin a year and there is no `mtime`; `headline` weighs the clues that choose
    the headline; `headline_hint` is a headline the page's markup vouches for, taken when it is a line of text.
    """
    lines = [line.strip() for line in text.split("\n")]
    standfirst_after_byline = False
    if furniture is not None:
        site = furniture.for_page(text)
        standfirst_after_byline = site.standfirst_after_byline
        article = _segment(lines, classify_lines(lines, site), doc_id, path, mtime, today, headline, headline_hint,
                           standfirst_after_byline)
        if article.body:
            return article
        # Learned furniture never empties a page: one of several copies of a story repeats every line.
    return _segment(lines, classify_lines(lines), doc_id, path, mtime, today, headline, headline_hint,
                    standfirst_after_byline)


def _segment(
    lines: list[str],
    kinds: list[Kind],
    doc_id: str,
    path: str,
    mtime: float | None,
    today: dt.date | None,
    headline: HeadlineWeights,
    headline_hint: str | None = None,
    standfirst_after_byline: bool = False,
) -> Article:
    """The article of a page whose lines have their kinds; `standfirst_after_byline` when the page's site was
    learned to set its standfirst under the byline."""
    hinted = [i for i, line in enumerate(lines) if headline_hint and line == headline_hint]
    title_index = hinted[0] if hinted else _title_index(lines, kinds, path, headline)
    title = lines[title_index] if title_index is not None else ""
    start = -1 if title_index is None else title_index
    text_after = [i for i in range(start + 1, len(lines)) if kinds[i] is Kind.TEXT]
    lede_index = _lede_index(lines, kinds, start, text_after)
    if lede_index is None and standfirst_after_byline and (place := paragraph_after_byline(lines, kinds)):
        lede_index = place[0] if place[0] in text_after else None
    credits = _Credits()
    body = _body(lines, kinds, [i for i in text_after if i != lede_index], credits)
    if not body and lede_index is not None:
        # A standfirst with nothing after it is the article itself.
        body = _body(lines, kinds, text_after, _Credits())
        lede_index = None
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


def _title_index(lines: list[str], kinds: list[Kind], path: str, weights: HeadlineWeights) -> int | None:
    """The best-scored of the first lines of text (see `_headline_score`), else the first non-blank line.

    Lines of one or two words (menu items, section labels) are candidates only when there is nothing else.
    """
    text = [i for i, kind in enumerate(kinds) if kind is Kind.TEXT]
    if not text:
        return next((i for i, line in enumerate(lines) if line), None)
    # A headline heads some text: the last line of text is a candidate only on a page of one line.
    heads = text[:-1] or text
    candidates = [i for i in heads if len(_WORDS.findall(lines[i])) >= _MIN_HEADLINE_WORDS] or heads
    # The article's words, counted in its paragraphs: a site name repeated in bylines and labels is not one.
    article_words = Counter(
        word for i in text if len(lines[i].split()) >= _MIN_PARAGRAPH_WORDS for word in set(_content_words(lines[i]))
    )
    slug = set(_content_words(_SLUG_SEPARATORS.sub(" ", PurePath(path).stem)))
    scored = []
    rank = 0  # how many lines of a headline's length come before: short labels do not push it down
    for position, index in enumerate(candidates[:_HEADLINE_CANDIDATES]):
        score = _headline_score(lines, kinds, index, article_words, slug, weights) - weights.rank * rank
        scored.append((score, -position, index))
        rank += len(lines[index]) >= _MIN_HEADLINE_CHARS
    return max(scored)[2]


def _headline_score(
    lines: list[str],
    kinds: list[Kind],
    index: int,
    article_words: Counter[str],
    slug: set[str],
    weights: HeadlineWeights,
) -> float:
    """How much a line of text looks like this page's headline; each clue adds or takes away a little."""
    line = lines[index]
    score = weights.length if _MIN_HEADLINE_CHARS <= len(line) <= _MAX_HEADLINE_CHARS else -weights.length
    if len(_WORDS.findall(line)) < _MIN_HEADLINE_WORDS:
        score -= weights.few_words
    if line.endswith(".") and not line.endswith(".."):
        score -= weights.full_stop
    if not (line[0].isupper() or line[0].isdigit() or line[0] in "\"«“'"):
        score -= weights.lower_case
    if line.isupper():
        score -= weights.capitals
    if _introduces(lines, kinds, index):
        score += weights.introduces
    if _among_labels(lines, kinds, index):
        score -= weights.among_labels
    words = _content_words(line)
    if words:
        # Words the article repeats elsewhere: its own text, not the headline of a listed story.
        own = len(line.split()) >= _MIN_PARAGRAPH_WORDS
        score += weights.article_words * sum(article_words[word] > own for word in words) / len(words)
        if len(slug) >= _MIN_SLUG_WORDS:
            score += weights.slug * len(slug.intersection(words)) / len(slug)
    return score


def _introduces(lines: list[str], kinds: list[Kind], index: int) -> bool:
    """Whether a dateline or byline follows the line (directly or under one more line), or a longer
    sentence does: what follows a headline."""
    following = _next_index(kinds, index)
    if following is None:
        return False
    after = _next_index(kinds, following)
    if Kind.DATE in (kinds[following], after is not None and kinds[after]) or kinds[following] is Kind.CREDIT:
        return True
    return (
        kinds[following] is Kind.TEXT
        and len(lines[following]) > len(lines[index])
        and _FINAL_PUNCTUATION.search(lines[following]) is not None
    )


def _among_labels(lines: list[str], kinds: list[Kind], index: int) -> bool:
    """Whether the line is set with short labels around it, as a site name heads its menu."""
    neighbours = []
    for step in (-1, 1):
        other = index + step
        while 0 <= other < len(kinds) and kinds[other] is not Kind.BLANK:
            neighbours.append(other)
            other += step
    labels = [i for i in neighbours if kinds[i] is Kind.TEXT and len(_WORDS.findall(lines[i])) < _MIN_HEADLINE_WORDS]
    return len(labels) >= _MENU_LABELS


def _content_words(text: str) -> list[str]:
    """Lower-case words long enough to carry a topic."""
    return [word for word in _WORDS.findall(text.lower()) if len(word) >= _MIN_CONTENT_WORD]


def _lede_index(lines: list[str], kinds: list[Kind], title: int, text_after: list[int]) -> int | None:
    """The standfirst: the one paragraph between headline and dateline or page furniture.

    An opening paragraph followed directly by more text is the article's first paragraph: guessing a
    standfirst there would move text out of the body of plain pages.
    """
    if not text_after:
        return None
    after_title = _next_index(kinds, title)
    if (
        after_title is not None
        and kinds[after_title] is Kind.DATE
        and _kind_past_labels(lines, kinds, after_title) is Kind.DATE
        and not any(m.complete for m in find_mentions(lines[after_title]))
    ):
        return after_title  # a day and month set above the full dateline, as a standfirst
    first = text_after[0]
    between = [kinds[i] for i in range(title + 1, first) if kinds[i] is not Kind.BLANK]
    if between:
        return None
    if len(_WORDS.findall(lines[first])) < _MIN_STANDFIRST_WORDS:
        return None  # a name or a label under the headline, not a sentence
    # An author's name or the site's under the standfirst ("Prénom Nom", "Journaliste au ...") is a label.
    following = _kind_past_labels(lines, kinds, first)
    if following in _AFTER_STANDFIRST and len(text_after) > 1:
        return first
    return None


def _kind_past_labels(lines: list[str], kinds: list[Kind], index: int) -> Kind | None:
    """The kind of the next line after `index` that is not blank nor a short label."""
    following = _next_index(kinds, index)
    while following is not None and kinds[following] is Kind.TEXT and _is_label(lines[following]):
        following = _next_index(kinds, following)
    return kinds[following] if following is not None else None


_AFTER_STANDFIRST = (
    Kind.DATE, Kind.CREDIT, Kind.LINK, Kind.CAPTION, Kind.WIDGET, Kind.FURNITURE, Kind.RELATED, Kind.NAVIGATION,
)  # fmt: skip


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
    # Labels only frame an article: a page whose every line looks like one keeps them as its text.
    framed = not all(_is_label(lines[index]) for index in indexes)
    for index in indexes:
        paragraph = lines[index]
        if not paragraphs:
            if framed and _is_label(paragraph):
                continue
            paragraph, named = split_dateline(paragraph)
            credits.add(index, named)
        paragraph, named = split_closing_tag(paragraph)
        credits.add(index, named)
        if paragraph:
            paragraphs.append(paragraph)
    while framed and paragraphs and _is_label(paragraphs[-1]):
        paragraphs.pop()
    return paragraphs


def _is_label(paragraph: str) -> bool:
    return len(paragraph.split()) <= _MAX_LABEL_WORDS and not _FINAL_PUNCTUATION.search(paragraph)


def _collect_credits(lines: list[str], kinds: list[Kind], credits: _Credits) -> None:
    """Agencies from bylines and photo credits; the publisher from copyright lines and credit signatures."""
    holder = rights = None
    for index, (line, kind) in enumerate(zip(lines, kinds, strict=True)):
        if kind in (Kind.CREDIT, Kind.DATE):
            credits.add(index, agencies_in(line))
        if kind in (Kind.CREDIT, Kind.FOOTER):
            credits.publisher = credits.publisher or publisher_aliases_in(line)
            holder = holder or copyright_holder(line)
        if kind in (Kind.FOOTER, Kind.WIDGET, Kind.FURNITURE, Kind.TEXT) and len(line.split()) <= _MAX_RIGHTS_WORDS:
            rights = rights or rights_holder(line)
    if holder is not None:
        credits.publisher = _site_name(lines, holder)
    elif credits.publisher is None and rights is not None:
        # The site's own rights line, wherever the page sets it: the name beside its sign.
        credits.publisher = rights
    if credits.publisher is None:
        credits.publisher = _masthead_name(lines, kinds)


def _masthead_name(lines: list[str], kinds: list[Kind]) -> str | None:
    """The site's name when the page opens with it and names it again under the article, as a masthead and a
    footer do ("LE JOURNAL" ... "Le Journal - Quotidien régional"); spelled as the footer spells it when the
    masthead is in capitals. None when the opening line is not a short name or comes back nowhere below."""
    first = next((i for i, line in enumerate(lines) if line), None)
    if first is None:
        return None
    masthead = lines[first]
    if (
        len(masthead.split()) > _MAX_SITE_NAME_WORDS
        or _FINAL_PUNCTUATION.search(masthead)
        or not masthead[0].isupper()
        or agencies_in(masthead)
    ):
        return None
    folded = masthead.casefold()
    below_article = False
    for index in range(first + 1, len(lines)):
        line = lines[index]
        if kinds[index] is Kind.TEXT and len(line.split()) >= _MIN_PARAGRAPH_WORDS:
            below_article = True
        elif below_article and line.casefold().startswith(folded) and len(line.casefold()) == len(line):
            rest = line[len(masthead) :]
            if not rest or rest[0] in _NAME_ENDS:
                return line[: len(masthead)] if masthead.isupper() else masthead
    return None


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
    """The date of the date line nearest the headline (full dates first), else the date of the text's opening
    dateline ("LYON, 12 mars (AFP) - "), else one stated in the standfirst.

    A byline or credit line often carries the date too ("Par la rédaction avec AFP | 12.03.2019, 14:05"): a full
    date on such a line counts as a date line's.
    """
    candidates = []
    for index, kind in enumerate(kinds):
        if kind is Kind.DATE or kind is Kind.CREDIT:
            for mention in find_mentions(publication_part(lines[index]), numeric_without_year=kind is Kind.DATE):
                if kind is Kind.CREDIT and not mention.complete:
                    continue
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
    # A dateline states the day of the news, whatever other days the sentence after it names.
    rest, _ = split_dateline(lines[opening])
    if rest != lines[opening]:
        for mention in find_mentions(lines[opening][: len(lines[opening]) - len(rest)]):
            if (resolved := resolve(mention, mtime, today=today)) is not None:
                return resolved
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
