"""Saved web pages: HTML turned into what a text page gives, plus the evidence its markup carries.

A saved page is the same article as a text dump with its structure left in. Rather than a second page reader,
the page is rendered to its visible text, one block (paragraph, heading, list item, table cell) a paragraph,
and read by `parse_page` like any text page: seekwire's French dates, agencies, standfirsts and learned site
furniture apply unchanged. The markup adds evidence, each piece distrusted where it is known to mislead:

- the headline: an `<h1>`, `og:title`, JSON-LD `headline` or `<title>`, used only when it is also a line of
  visible text (a `<title>` or `og:title` ends with " - Site", a site puts its logo in its only `<h1>`);
- the date: `article:published_time`, JSON-LD `datePublished`, `<time datetime>`, only when the visible
  text gives none or gives only a year inferred from the file's time (never `modified_time`, a "Mis à jour");
- the publisher: `og:site_name` or the JSON-LD publisher, else the suffix the `<title>` adds to the headline;
- the url: `<link rel=canonical>`, else `og:url`.

`trafilatura`, made for finding the main text of a page, gives the metadata it knows how to collect and the
main text, which serves as a fallback when the visible text yields no article at all.

Pages are parsed with lxml's recovering HTML parser and rendered without recursion, so truncated markup and
deeply nested tags read as far as they go. The HTML itself is never stored.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field

from seekwire.article import Article
from seekwire.extract.agencies import agencies_in
from seekwire.extract.dates import find_mentions, publication_part, resolve
from seekwire.extract.furniture import Furniture
from seekwire.extract.page import parse_page

# Elements whose content is never visible text.
_HIDDEN = frozenset({
    "script", "style", "noscript", "template", "svg", "head", "title", "textarea", "select", "option",
    "iframe", "object", "embed", "canvas", "math", "button", "input",
})  # fmt: skip
# Elements that start a new paragraph of text.
_BLOCKS = frozenset({
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details", "dialog", "div",
    "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
    "header", "hr", "html", "legend", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table",
    "tbody", "td", "tfoot", "th", "thead", "time", "tr", "ul",
})  # fmt: skip
# Class or id words that web templates give to what is around an article, never in it (comments, share
# buttons, related-story boxes, tag lists, cookie banners): a generic convention, the one main-text extractors rely on.
_AROUND = re.compile(r"(?:^|[\s_-])(comments?|commentaires?|reactions?|share|sharing|social|related|tags?|keywords|"
                     r"cookies?|newsletter|sidebar|outbrain|taboola)(?:$|[\s_-])", re.IGNORECASE)
# Class or id words that web templates give to a standfirst, the paragraph between headline and article:
# the French press's "chapô" and its English and French synonyms, a convention as generic as the one above.
_LEAD = re.compile(r"(?:^|[\s_-])(chap[oô]s?|chapeau|intro|introduction|lead|lede|standfirst|summary|r[ée]sum[ée]|"
                   r"excerpt|deck|accroche|sapo|sous-titre|subtitle|subheadline|descriptif)(?:$|[\s_-])", re.IGNORECASE)
# Inline elements that set a whole paragraph apart, as a standfirst often is.
_EMPHASIS = frozenset({"b", "strong", "i", "em"})
# Captions and photo credits: not article text, but a photo credit names an agency the page credits.
_CAPTION = re.compile(r"caption|legend|credit|l[ée]gende", re.IGNORECASE)
# Visible text kept of one page, in characters: twice what an article keeps, so that the furniture after the
# article can still be recognised, and no more, as reading a page costs time in proportion to its text.
_MAX_VISIBLE = 2 * 1024 * 1024
# Paragraphs set apart as a standfirst could be that are kept per page: the standfirst comes early.
_MAX_LEADS = 8
# A block whose whole text is one link of this many words is a link to another story, not article text.
_MIN_LINK_WORDS = 4
_SPACE = re.compile(r"[ \t\r\n\f]+")  # a no-break space is text, as in a text page
# Separators a site sets between the headline and its own name in `<title>` and `og:title`.
_TITLE_SUFFIX = re.compile(r"\s+[-|–—·]\s+(?=[^-|–—·]+$)")
_SEPARATOR = re.compile(r"\s+[-|–—·]\s+")
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([-\w.:]+)""", re.IGNORECASE)
# Browsers read these labels as Windows-1252.
_WESTERN = frozenset({"iso-8859-1", "iso8859-1", "latin1", "latin-1", "us-ascii", "ascii", "windows-1252",
                      "cp1252", "x-cp1252", "l1"})
_ARTICLE_TYPES = frozenset({"NewsArticle", "Article", "ReportageNewsArticle", "BlogPosting", "AnalysisNewsArticle"})
_PUBLISHED_META = ("article:published_time", "og:article:published_time", "datepublished", "publishdate",
                   "pubdate", "date", "dc.date", "dc.date.issued")


@dataclass
class Markup:
    """What a page's markup says, beside its visible text."""

    lines: list[str] = field(default_factory=list)
    headlines: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)
    leads: list[str] = field(default_factory=list)
    description: str | None = None
    published: str | None = None
    site_name: str | None = None
    url: str | None = None


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in its first few kilobytes (`<meta charset>` or `http-equiv`), lower case."""
    found = _CHARSET.search(data[:4096])
    return found.group(1).decode("ascii", "replace").lower() if found else None


def decode_html(data: bytes, fallback) -> str:
    """The text of a page's bytes.

    The bytes decide before the declaration: a BOM, then valid UTF-8 (a page saved as UTF-8 that still
    declares its original charset is common); then the declared charset, Windows-1252 for the labels browsers
    read as such; `fallback` (seekwire's own text decoding, which also refuses binaries) for the rest.
    """
    declared = declared_charset(data)
    if declared is None or declared in _WESTERN or declared.replace("_", "-") in ("utf-8", "utf8"):
        return fallback(data)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return fallback(data)
    try:
        text = data.decode(declared, errors="replace")
    except LookupError:
        return fallback(data)
    fallback(text.encode("utf-8"))  # the binary checks
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_markup(text: str) -> Markup:
    """Parse a page and collect its visible text and metadata; an unparsable page gives nothing."""
    from lxml import etree, html

    text = re.sub(r"^\s*<\?xml[^>]*>", "", text)
    markup = Markup()
    if not text.strip():
        return markup
    try:
        root = html.document_fromstring(text, parser=html.HTMLParser(recover=True, huge_tree=False))
    except (etree.LxmlError, ValueError):
        return markup
    if root is None:
        return markup
    _metadata(root, markup)
    markup.lines = _visible_lines(root, markup)
    return markup


def _visible_lines(root, markup: Markup) -> list[str]:
    """The page's visible text, one paragraph per block element; collected on the way: `<h1>` texts, and the
    paragraphs the markup sets apart as a standfirst could be (a block classed as one, or a paragraph that is
    bold or italic throughout)."""
    from lxml import etree

    paragraphs: list[str] = []
    size = 0
    current: list[str] = []
    linked: list[str] = []
    hidden = 0
    heading: list[str] | None = None
    in_link = 0
    caption: list[str] | None = None
    caption_depth = 0
    lead: list[str] | None = None
    lead_element = None
    emphasis = 0
    emphasized: list[str] = []

    def flush() -> None:
        nonlocal size
        line = _SPACE.sub(" ", "".join(current)).strip()
        link = _SPACE.sub(" ", "".join(linked)).strip()
        if line and not (link == line and len(line.split()) >= _MIN_LINK_WORDS) and size < _MAX_VISIBLE:
            paragraphs.append(line)
            size += len(line) + 2
            if _SPACE.sub(" ", "".join(emphasized)).strip() == line and len(markup.leads) < _MAX_LEADS:
                markup.leads.append(line)
        current.clear()
        linked.clear()
        emphasized.clear()

    def add(text: str) -> None:
        if caption is not None:
            caption.append(text)
            return
        current.append(text)
        if in_link:
            linked.append(text)
        if emphasis:
            emphasized.append(text)
        if heading is not None:
            heading.append(text)
        if lead is not None:
            lead.append(text)

    for event, element in etree.iterwalk(root, events=("start", "end")):
        tag = element.tag if isinstance(element.tag, str) else ""
        tag = tag.lower()
        if event == "start":
            if _is_hidden(tag, element):
                hidden += 1
            elif not hidden:
                if tag in _BLOCKS or tag == "br":
                    flush()
                if caption is None and _is_caption(tag, element):
                    flush()
                    caption = []
                if caption is not None:
                    caption_depth += 1
                    if tag in _BLOCKS or tag == "br":
                        caption.append(" ")
                if tag == "h1":
                    heading = []
                if tag == "a":
                    in_link += 1
                if tag in _EMPHASIS:
                    emphasis += 1
                if lead is None and len(markup.leads) < _MAX_LEADS and _is_lead(tag, element):
                    lead, lead_element = [], element
                if element.text:
                    add(element.text)
        else:
            if _is_hidden(tag, element):
                hidden -= 1
            elif not hidden:
                if caption is not None:
                    caption_depth -= 1
                    if caption_depth == 0:
                        found = _SPACE.sub(" ", "".join(caption)).strip()
                        if found:
                            markup.captions.append(found)
                        caption = None
                if tag in _BLOCKS:
                    flush()
                if tag == "a":
                    in_link -= 1
                if tag in _EMPHASIS:
                    emphasis -= 1
                if element is lead_element and lead is not None:
                    found = _SPACE.sub(" ", "".join(lead)).strip()
                    if found:
                        markup.leads.append(found)
                    lead, lead_element = None, None
                if tag == "h1" and heading is not None:
                    found = _SPACE.sub(" ", "".join(heading)).strip()
                    if found:
                        markup.headlines.append(found)
                    heading = None
            if not hidden and element.tail:
                add(element.tail)
    flush()
    return paragraphs


def _is_caption(tag: str, element) -> bool:
    if tag in ("figcaption", "caption"):
        return True
    marks = f"{element.get('class') or ''} {element.get('id') or ''}"
    return _CAPTION.search(marks) is not None


def _is_lead(tag: str, element) -> bool:
    if tag not in _BLOCKS:
        return False
    marks = f"{element.get('class') or ''} {element.get('id') or ''}"
    return bool(marks.strip()) and _LEAD.search(marks) is not None


def _is_hidden(tag: str, element) -> bool:
    """Whether an element's content is never article text: invisible, or a box templates set around it."""
    if not tag or tag in _HIDDEN:
        return True
    if tag in ("p", "span", "h1", "a", "br", "b", "i", "em", "strong"):
        return False
    marks = f"{element.get('class') or ''} {element.get('id') or ''}"
    return bool(marks.strip()) and _AROUND.search(marks) is not None


def _metadata(root, markup: Markup) -> None:
    meta: dict[str, str] = {}
    for element in root.iter("meta"):
        key = (element.get("property") or element.get("name") or element.get("itemprop") or "").strip().lower()
        value = (element.get("content") or "").strip()
        if key and value:
            meta.setdefault(key, value)
    title = root.find(".//title")
    for candidate in (meta.get("og:title"), meta.get("twitter:title"), meta.get("title"),
                      title.text_content() if title is not None else None):
        if candidate and candidate.strip():
            markup.titles.append(_SPACE.sub(" ", candidate).strip())
    markup.site_name = meta.get("og:site_name")
    description = meta.get("og:description") or meta.get("description")
    markup.description = _SPACE.sub(" ", description).strip() if description else None
    for key in _PUBLISHED_META:
        if meta.get(key):
            markup.published = meta[key]
            break
    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() == "application/ld+json" and script.text:
            _json_ld(script.text, markup)
    if markup.published is None:
        time = next((t.get("datetime") for t in root.iter("time") if t.get("datetime")), None)
        markup.published = time
    canonical = next((link.get("href") for link in root.iter("link")
                      if "canonical" in (link.get("rel") or "").lower().split() and link.get("href")), None)
    markup.url = (canonical or meta.get("og:url") or "").strip() or None


def _json_ld(text: str, markup: Markup) -> None:
    """Headline, publication date and publisher of a JSON-LD article, the site's name from its `WebSite`
    when the article names no publisher; anything else is ignored. `og:site_name` comes first."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return
    items = data if isinstance(data, list) else data.get("@graph", [data]) if isinstance(data, dict) else []
    article = publisher = website = None
    for item in items:
        if not isinstance(item, dict):
            continue
        kind = item.get("@type")
        kinds = set(kind) if isinstance(kind, list) else {kind}
        if "WebSite" in kinds:
            website = website or _name(item)
        elif kinds & _ARTICLE_TYPES and article is None:
            article = item
            publisher = _name(item.get("publisher"))
    if article is not None:
        if isinstance(article.get("headline"), str):
            markup.titles.insert(0, _SPACE.sub(" ", article["headline"]).strip())
        if isinstance(article.get("datePublished"), str):
            markup.published = article["datePublished"]
    markup.site_name = markup.site_name or publisher or website


def _name(item) -> str | None:
    name = item.get("name") if isinstance(item, dict) else None
    return name.strip() or None if isinstance(name, str) else None


def page_text(markup: Markup) -> str:
    """The visible text as a text page: paragraphs separated by blank lines."""
    return "\n\n".join(markup.lines)


def headline_of(markup: Markup) -> str | None:
    """The headline the markup vouches for, when it is also a line of visible text.

    An `<h1>` that is a visible line and not the site's name wins; else a title, whole or without a
    " - Site" suffix, that is a visible line.
    """
    visible = {line for line in markup.lines}
    site = {markup.site_name} if markup.site_name else set()
    site |= {suffix for _, suffix in (_split_title(t) for t in markup.titles) if suffix}
    for heading in markup.headlines:
        if heading in visible and heading not in site and len(heading.split()) >= 3:
            return heading
    for title in markup.titles:
        head, _ = _split_title(title)
        for candidate in (title, head):
            if candidate and candidate in visible and len(candidate.split()) >= 3:
                return candidate
    return None


def _split_title(title: str) -> tuple[str, str | None]:
    """A title and the site name it may end with ("Headline - Site" -> ("Headline", "Site"))."""
    parts = _TITLE_SUFFIX.split(title)
    if len(parts) == 2 and parts[0] and len(parts[1].split()) <= 8:
        return parts[0].strip(), parts[1].strip()
    return title, None


def _site_beside(title: str, headline: str | None) -> str | None:
    """The site's name in a title that is the headline shown with it: "Headline - Site" or "Site | Headline"."""
    head, suffix = _split_title(title)
    if headline and suffix and head == headline:
        return suffix
    parts = _SEPARATOR.split(title, maxsplit=1)
    if headline and len(parts) == 2 and parts[1] == headline and len(parts[0].split()) <= 8:
        return parts[0].strip()
    return None


def published_of(markup: Markup) -> tuple[dt.date, str | None] | None:
    """The publication date and time the metadata gives, in the page's own time zone."""
    if not markup.published:
        return None
    value = markup.published.strip()
    try:
        if len(value) == 10:
            return dt.date.fromisoformat(value), None
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    has_time = "T" in value or " " in value
    return moment.date(), moment.strftime("%H:%M") if has_time else None


def parse_html(text: str, *, doc_id: str, path: str, mtime: float | None = None,
               furniture: Furniture | None = None, **options) -> Article:
    """Extract an `Article` from the decoded text of a saved web page (see the module docstring)."""
    markup = read_markup(text)
    article = parse_page(page_text(markup), doc_id=doc_id, path=path, mtime=mtime, furniture=furniture,
                         headline_hint=headline_of(markup), **options)
    if not article.body:
        main = _main_text(text)
        if main:
            fallback = parse_page(main, doc_id=doc_id, path=path, mtime=mtime, **options)
            article.body = fallback.body
            article.title = article.title or fallback.title
    published = published_of(markup)
    if published is not None and (article.date is None or article.date_source != "text"
                                  or (article.date != published[0] and _shown(published[0], markup, mtime))):
        article.date, article.time = published
        article.date_source = "text"  # given by the page, as a record gives it: not inferred
    elif published is not None and article.date == published[0] and article.time is None:
        article.time = published[1]
    _standfirst(article, markup)
    for credited in agencies_in(" ; ".join(markup.captions)):
        if credited not in article.agencies:
            article.agencies.append(credited)
    site = markup.site_name
    if not site:
        site = next(filter(None, (_site_beside(title, article.title) for title in markup.titles)), None)
    article.publisher = site or article.publisher
    article.url = markup.url
    return article


def _shown(date: dt.date, markup: Markup, mtime: float | None) -> bool:
    """Whether the visible text states `date` as a publication date could be stated (not after an update
    stamp): the metadata and the text then agree, and the date the text reading chose elsewhere loses."""
    return any(
        (resolved := resolve(mention, mtime)) is not None and resolved.date == date
        for line in markup.lines
        for mention in find_mentions(publication_part(line))
    )


def _standfirst(article: Article, markup: Markup) -> None:
    """A first paragraph that the markup sets apart (classed as a standfirst, or bold or italic throughout) or
    that the page's description repeats is its standfirst, when text follows it."""
    if article.lede is not None:
        return
    paragraphs = article.body.split("\n\n")
    if len(paragraphs) < 2 or len(paragraphs[0].split()) < 4:
        return
    described = (markup.description or "").rstrip("…. ")
    repeated = (len(described.split()) >= 4 and paragraphs[0].startswith(described)
                and len(described) >= 0.9 * len(paragraphs[0].rstrip(". ")))
    if repeated or paragraphs[0] in markup.leads:
        article.lede = paragraphs[0]
        article.body = "\n\n".join(paragraphs[1:])


def _main_text(text: str) -> str:
    """The main text trafilatura finds, paragraphs separated by blank lines; empty when it finds none."""
    try:
        import trafilatura

        found = trafilatura.extract(text, include_comments=False, include_tables=False, favor_precision=True)
    except Exception:  # noqa: BLE001 — a third-party extractor failing on a page only loses the fallback
        return ""
    return "\n\n".join(line for line in (found or "").split("\n") if line.strip())
