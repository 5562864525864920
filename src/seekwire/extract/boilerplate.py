"""Which lines of a scraped page are site furniture rather than article text.

Scrapers keep everything a page shows: menus, breadcrumbs, cookie banners, share buttons, "Lire aussi" links,
photo credits and captions, staff credits and the footer with its address. Each line gets a `Kind` from its
shape (menu separators, length, sentence punctuation), its position (a caption sits right above its photo
credit; nothing after the copyright notice is article text) and a short list of French words that only
furniture uses. When the caller knows which lines repeat across the pages of the site (`furniture`), those lines
are furniture too, whatever their shape, and so are the other lines of a block made mostly of them (a menu with
one varying item). Lists of other articles' headlines are furniture with or without a heading: a run of two or
more short, unpunctuated lines set without a blank line between them, where an article sets its paragraphs
apart.
"""

from __future__ import annotations

import re
from collections.abc import Container
from enum import Enum

from seekwire.extract.agencies import agencies_in, is_credit_line, split_closing_tag, split_dateline
from seekwire.extract.dates import find_mentions


class Kind(Enum):
    """What a line of a page is."""

    BLANK = "blank"
    TEXT = "text"
    NAVIGATION = "navigation"
    LINK = "link"
    WIDGET = "widget"
    DATE = "date"
    CREDIT = "credit"
    CAPTION = "caption"
    STAFF = "staff"
    FOOTER = "footer"
    RELATED = "related"
    FURNITURE = "furniture"


_LINK = re.compile(
    r"^(?:>>|»|→|►|▶|(?:à |a )?(?:lire|voir) (?:aussi|également|egalement|plus)\b|sur le même sujet\b"
    r"|(?:à |a )?lire\s*(?::|$)|(?-i:(?:LIRE|Lire|À LIRE|A LIRE)\s+(?=[A-ZÀ-Ý«\"“])))",
    re.IGNORECASE,
)
# Other stories' headlines strung on one line after a short label: "Dernières dépêches : Un titre | Un autre".
_INLINE_HEADLINES = re.compile(r"^[^:|]{1,40}:\s*[^|]{12,}?(?:\s\|\s[^|]{12,}?)+$")
# A byline: "Par Prénom Nom", "par Prénom Nom, correspondant à ...", "Par Le Site avec AFP", or a signature
# alone, "Prénom NOM.".
_BYLINE = re.compile(r"^(?i:par)\s+(?:[A-ZÀ-Ý]|l[ae]s?\s|l')")
_SIGNATURE = re.compile(r"^[A-ZÀ-Ý][a-zà-ÿ]+(?:-[A-ZÀ-Ý][a-zà-ÿ]+)? [A-ZÀ-Ý][A-ZÀ-Ý' -]+\.?$")
_MAX_BYLINE_WORDS = 12
_RELATED_HEADING = re.compile(
    r"^(?:articles? (?:similaires|liés|connexes)|sur le même sujet|(?:à |a )?lire aussi|voir aussi"
    r"|dans la même rubrique|les plus lus|les plus partagés|nos derniers articles|à voir aussi"
    r"|(?:plus d'|autres )actualités|vous aimerez aussi)\s*:?$",
    re.IGNORECASE,
)
_WIDGET = re.compile(
    r"^(?:•|partager|partagez|envoyer|copier le lien|imprimer|tweeter|accepter|refuser|paramétrer|publicité\s*$"
    r"|s'abonner|abonnez-vous|suivez-nous|newsletter|en savoir plus|réagir|commentaires?\b|votre pseudo"
    r"|vos réactions|ajouter un commentaire|fermer\b)",
    re.IGNORECASE,
)
# Sign-up prompts and share buttons, anywhere in a short line: "La newsletter de ...", "Abonnez-vous pour lire ...".
_SIGNUP = re.compile(
    r"\bnewsletter\b|\badresse (?:e-?mail|électronique)\b|\bje m'(?:inscris|abonne)\b|\babonnez-vous\b"
    r"|^(?:facebook|twitter|whatsapp|linkedin|messenger|pinterest|instagram|mail|e-?mail)\s*,?$",
    re.IGNORECASE,
)
_MAX_SIGNUP_WORDS = 15
# Reading times and counters: "Temps de lecture : 3 min", "Lecture 2 min", "56 partages", "12 réactions".
_COUNTER = re.compile(
    r"^(?:(?:temps de )?lecture\s*:?\s*\d+\s*min\w*\.?|\d+\s+(?:partages?|réactions?|commentaires?|vues?))$",
    re.IGNORECASE,
)
_MAX_FURNITURE_CHARS = 1000
_COOKIES = re.compile(r"\bcookies?\b|\bCGU\b", re.IGNORECASE)
_FOOTER = re.compile(
    r"^(?:©|\(c\)\s|copyright\b)|tous droits réservés|mentions légales|^(?:back to top|haut de page|retour en haut)"
    r"|^permis de publication|^directeur de (?:la )?publication|^r[ée]dact(?:eur|rice) en chef",
    re.IGNORECASE,
)
# A site's rights line set anywhere in a short line: "Le Site © 2020", "Le Site, 2020 ©". With an agency beside the
# sign it is a photo's credit instead.
_RIGHTS_YEAR = re.compile(r"©\s*(?:19|20)\d\d\b|\b(?:19|20)\d\d\s*©")
_MAX_RIGHTS_LINE_WORDS = 24
_CONTACT = re.compile(
    r"^(?:tél(?:éphone)?|tel|fax|e-?mail|courriel|adresse|contact(?:ez-nous|s)?)\b\s*[:.,]?|[\w.+-]+@[\w-]+\.\w"
    r"|https?://|www\.",
    re.IGNORECASE,
)
_STAFF = re.compile(
    r"^\(?\s*(?:r[ée]dact(?:eur|rice)s?|r[ée]daction|éditeur|editeur|auteurs?)\s*:", re.IGNORECASE
)
_PHOTO_CREDIT = re.compile(
    r"^(?:photos?|crédits?(?: photos?)?|credits?|illustration|source)\s*:", re.IGNORECASE
)
# A caption that carries its own photo credit at the end: "... (Photo: Nom / AFP)", "... (Nom/AFP)",
# "... | NOM / AFP", "... © Nom/AFP".
_TRAILING_CREDIT = re.compile(r"(?:\((?P<paren>[^()]{2,80})\)|\s[|©]\s*(?P<bar>[^|©]{2,60}))$")
_BRACKETED_CREDIT = re.compile(r"^(?:capture d'écran|dr|droits réservés|photo d'archives?)$", re.IGNORECASE)
_CREDIT_LINKS = {"pour", "via", "de", "du", "des", "et", "avec"}
_MENU_SEPARATOR = re.compile(r"[|·•]")
_LABELLED_ITEMS = re.compile(r"^[^\W\d][^:|·•\d]{1,29}:\s*(?P<items>.*[|·•].*)$")
_BREADCRUMB = re.compile(r">>|\s>\s|^vous êtes ici\b", re.IGNORECASE)
_STAMP_WORDS = {
    "publié", "publiée", "publie", "le", "la", "à", "a", "mis", "mise", "en", "ligne", "jour", "dernière",
    "derniere", "date", "du", "par", "posté", "modifié", "actualisé", "màj", "il", "y", "et", "de",
}  # fmt: skip
_WORD = re.compile(r"\b[^\W\d_][\w'’-]*")

# Words a date line may hold around its dates ("Publié le ... à ..., mis à jour le ... à ...").
_MAX_STAMP_WORDS = 10
# The stamp words and separators that end a byline and start its date: " | Publié le", ", mis en ligne le".
_STAMP_TAIL = re.compile(rf"(?:[\s,|·–—-]+(?i:{'|'.join(sorted(_STAMP_WORDS, key=len, reverse=True))})\b)*[\s,|·–—-]*$")
# A line longer than this is prose, whatever words it holds.
_MAX_FURNITURE_WORDS = 40
# After a "related articles" heading, lines up to this many words are headlines of other articles.
_MAX_HEADLINE_WORDS = 25
# A text line this long is article prose, which a footer can follow.
_MIN_PROSE_WORDS = 12
# In a block whose lines are mostly learned furniture, a line this short is furniture too.
_MAX_BLOCK_ITEM_WORDS = 15
_BLOCK_FURNITURE_SHARE = 1 / 2
# A headline in a list of other articles: a few words and at most this many, after any time stamp or bullet.
_MIN_LISTED_HEADLINE_WORDS = 3
_LIST_ITEM_PREFIX = re.compile(r"^(?:[•·▪►▶>*-]+\s*|(?:[01]?\d|2[0-3])[h:]\d\d\s+)")


def classify_lines(lines: list[str], furniture: Container[str] = frozenset()) -> list[Kind]:
    """One `Kind` per stripped line of a page; `furniture` holds the lines learned to repeat on its site."""
    kinds = [_classify(line, furniture) for line in lines]
    _mark_captions(lines, kinds)
    _mark_furniture_blocks(lines, kinds)
    _mark_related_and_footer(lines, kinds)
    _mark_headline_lists(lines, kinds)
    return kinds


def is_date_line(line: str) -> bool:
    """A short line that states when the page was published or updated, with little else around the date."""
    if len(line) > 120:
        return False
    mentions = find_mentions(line, numeric_without_year=True)
    if not mentions:
        return False
    residue = line
    for mention in reversed(mentions):
        residue = residue[: mention.start] + " " + residue[mention.end :]
    if all(m.days_ago is not None and m.time is None for m in mentions) and not re.match(
        r"publi|mis", line, re.IGNORECASE
    ):
        return False
    words = _WORD.findall(residue)
    prose = [w for w in words if w.lower() not in _STAMP_WORDS and not w[0].isupper() and not agencies_in(w)]
    return len(words) <= _MAX_STAMP_WORDS and len(prose) <= 1


def _classify(line: str, furniture: Container[str]) -> Kind:
    if not line:
        return Kind.BLANK
    # Furniture is short: a long line is text, and the patterns below never scan more than a screenful.
    if len(line) > _MAX_FURNITURE_CHARS or len(line.split()) > _MAX_FURNITURE_WORDS:
        return Kind.TEXT
    if _COOKIES.search(line) or _WIDGET.match(line) or _COUNTER.match(line):
        return Kind.WIDGET
    if len(line.split()) <= _MAX_SIGNUP_WORDS and _SIGNUP.search(line):
        return Kind.WIDGET
    if _LINK.match(line):
        return Kind.LINK
    if _FOOTER.search(line) and not (line.startswith("©") and is_credit_line(line[1:])):
        return Kind.FOOTER
    if _RIGHTS_YEAR.search(line) and len(line.split()) <= _MAX_RIGHTS_LINE_WORDS and not agencies_in(line):
        return Kind.FOOTER
    if _CONTACT.search(line) or _STAFF.match(line):
        return Kind.STAFF
    if _is_menu(line):
        return Kind.NAVIGATION
    if is_date_line(line):
        return Kind.DATE
    if _INLINE_HEADLINES.match(line):
        return Kind.LINK
    if _PHOTO_CREDIT.match(line) or is_credit_line(line) or line.startswith("©") or _has_trailing_credit(line):
        return Kind.CREDIT
    if _is_dated_byline(line):
        return Kind.CREDIT
    if _BYLINE.match(line) and len(line.split()) <= _MAX_BYLINE_WORDS and not line.endswith(".") or (
        _SIGNATURE.match(line)
    ):
        return Kind.CREDIT
    if line in furniture:
        return Kind.FURNITURE
    return Kind.TEXT


def _is_dated_byline(line: str) -> bool:
    """A byline followed by its date stamp on one line, as a page's inline elements run together: "Par la
    rédaction avec AFP Publié le 5 mai 2020 à 09h30 Mis à jour le 6 mai 2020 à 18h00"."""
    if not _BYLINE.match(line):
        return False
    mentions = find_mentions(line)
    if not mentions:
        return False
    head = line[: mentions[0].start]
    stamp = _STAMP_TAIL.search(head)
    assert stamp is not None  # the pattern matches the empty tail
    return (len(head[: stamp.start()].split()) <= _MAX_BYLINE_WORDS
            and is_date_line(line[stamp.start():].strip(" ,|·-–—")))


def _has_trailing_credit(line: str) -> bool:
    """A caption ending in a photo credit: a photographer and agency after "|" or "©", or in brackets."""
    match = _TRAILING_CREDIT.search(line)
    if match is None:
        return False
    credit = match.group("paren") or match.group("bar")
    if split_closing_tag(line)[1]:
        return False  # "... (AFP)", "... (Xinhua/Nom)": an agency's closing tag on a paragraph of the article
    if match.group("paren") is None:
        return bool(agencies_in(credit)) or credit.isupper() or "©" in match.group(0)
    caption = line[: match.start()].rstrip()
    return (
        bool(agencies_in(credit))
        or ":" in credit
        or caption.endswith(".") and (_is_photographer(credit) or _BRACKETED_CREDIT.match(credit) is not None)
    )


def _is_photographer(credit: str) -> bool:
    """A bracketed credit naming a photographer and who they work for: "(Nom Prénom. Studio)", "(Nom pour X)"."""
    words = credit.replace("/", " ").replace(".", " ").split()
    names = [word for word in words if word[0].isupper()]
    return len(names) >= 2 and all(word[0].isupper() or word in _CREDIT_LINKS for word in words)


def _is_menu(line: str) -> bool:
    """Breadcrumbs ("Actu > Monde", "Page d'accueil>>Chine"), menus ("A | B | C") and tag lines
    ("Sujets : A · B") of short items."""
    if _BREADCRUMB.search(line):
        parts = re.split(r">>|>|:", line)
        return all(len(part.split()) <= 5 for part in parts)
    labelled = _LABELLED_ITEMS.match(line)
    parts = _MENU_SEPARATOR.split(labelled.group("items") if labelled else line)
    return len(parts) >= (2 if labelled else 3) and all(len(part.split()) <= 4 for part in parts)


def _mark_captions(lines: list[str], kinds: list[Kind]) -> None:
    """A line printed right above a photo credit, with no blank line between, is that photo's caption."""
    for index in range(1, len(lines)):
        if (
            kinds[index] is Kind.CREDIT
            and _PHOTO_CREDIT.match(lines[index])
            and kinds[index - 1] is Kind.TEXT
        ):
            kinds[index - 1] = Kind.CAPTION


def _mark_related_and_footer(lines: list[str], kinds: list[Kind]) -> None:
    """Headlines listed under a "related articles" heading, and everything after the copyright footer.

    The footer only starts once some prose has been seen, so a copyright notice above the article hides nothing.
    """
    in_related = in_footer = seen_prose = False
    for index, line in enumerate(lines):
        kind = kinds[index]
        if kind is Kind.BLANK:
            continue
        if in_footer:
            kinds[index] = Kind.FOOTER if kind is Kind.TEXT else kind
        elif kind is Kind.FOOTER:
            in_footer = seen_prose
            above = index - 1
            while in_footer and above >= 0 and kinds[above] is not Kind.BLANK and not _is_prose(lines, kinds, above):
                # The footer's block: the site name and links set with its legal line, up to the article's
                # prose on a page that sets no blank line between them.
                kinds[above] = Kind.FOOTER if kinds[above] is Kind.TEXT else kinds[above]
                above -= 1
        elif _RELATED_HEADING.match(line):
            kinds[index] = Kind.RELATED
            in_related = True
        elif in_related and kind is Kind.TEXT:
            if len(line.split()) > _MAX_HEADLINE_WORDS or line.endswith("."):
                in_related = False
            else:
                kinds[index] = Kind.RELATED
        elif _is_prose(lines, kinds, index):
            seen_prose = True


def _is_prose(lines: list[str], kinds: list[Kind], index: int) -> bool:
    return kinds[index] is Kind.TEXT and len(lines[index].split()) >= _MIN_PROSE_WORDS


def _blocks(kinds: list[Kind]) -> list[list[int]]:
    """Runs of non-blank lines: what a page sets together without a blank line between."""
    blocks: list[list[int]] = [[]]
    for index, kind in enumerate(kinds):
        if kind is Kind.BLANK:
            if blocks[-1]:
                blocks.append([])
        else:
            blocks[-1].append(index)
    return [block for block in blocks if block]


def _mark_furniture_blocks(lines: list[str], kinds: list[Kind]) -> None:
    """Short text lines inside a block made mostly of learned furniture or widgets (a menu, a footer, a
    newsletter box) are furniture."""
    for block in _blocks(kinds):
        learned = sum(kinds[index] in (Kind.FURNITURE, Kind.WIDGET) for index in block)
        if learned < 2 or learned < _BLOCK_FURNITURE_SHARE * len(block):
            continue
        for index in block:
            if kinds[index] is Kind.TEXT and len(lines[index].split()) <= _MAX_BLOCK_ITEM_WORDS:
                kinds[index] = Kind.FURNITURE


def is_headline_shaped(line: str) -> bool:
    """A line that reads like a headline: a few words (marks such as a breadcrumb's "›" are none), no final full
    stop."""
    if not _MIN_LISTED_HEADLINE_WORDS <= len(_WORD.findall(line)) <= _MAX_HEADLINE_WORDS:
        return False
    return not line.rstrip("\"»”’)' ").endswith((".", ":", ",", ";", "…"))


def _is_short_label(line: str) -> bool:
    """A line of a word or two without final punctuation: a heading or a label, not a sentence."""
    return len(line.split()) < _MIN_LISTED_HEADLINE_WORDS and not line.endswith((".", "!", "?"))


def _mark_headline_lists(lines: list[str], kinds: list[Kind]) -> None:
    """Headlines of other articles: two or more headline-shaped text lines set together, with or without a
    heading; and, once the article has begun, a headline set under a label ("Lire", "Abonnés") as a teaser."""
    seen_prose = False
    for block in _blocks(kinds):
        shaped = [
            index
            for index in block
            if kinds[index] is Kind.TEXT and is_headline_shaped(_LIST_ITEM_PREFIX.sub("", lines[index]))
        ]
        labels = [index for index in block if kinds[index] is Kind.TEXT and _is_short_label(lines[index])]
        labelled = seen_prose and len(block) >= 2 and all(
            kinds[index] is not Kind.TEXT or index in shaped or index in labels for index in block
        )
        run: list[int] = []
        for index in [*block, None]:
            if index in shaped:
                run.append(index)
                continue
            # A headline and the byline under it, set right above the page's dateline, are not a list.
            dated = index is not None and kinds[index] is Kind.DATE
            if run and (len(run) >= 2 and not dated or labelled):
                # The list's own heading ("En continu", "Abonnés") goes with it.
                heading = run[0] - 1
                listed = [heading, *run] if heading in labels else run
                for item in listed:
                    kinds[item] = Kind.RELATED
            run = []
        seen_prose = seen_prose or any(
            kinds[index] is Kind.TEXT and len(lines[index].split()) >= _MIN_PROSE_WORDS for index in block
        )


# A standfirst is a sentence of a few words at least; the paragraph after it, a paragraph of the article.
_MIN_STANDFIRST_WORDS = 4
# Lines a site may set between its byline or date line and the text: more stamps, a reading time, a share bar.
_BYLINE_BLOCK = (Kind.DATE, Kind.CREDIT, Kind.WIDGET, Kind.FURNITURE, Kind.NAVIGATION)


def paragraph_after_byline(lines: list[str], kinds: list[Kind]) -> tuple[int, int] | None:
    """The paragraph set right under the page's byline or date line, and the article paragraph after it.

    Some sites put their standfirst there, where nothing on one page sets it apart from the article's first
    paragraph; `furniture` learns per site whether they do. The byline is the first date or credit line under
    the headline and above any prose; the paragraph under it must be a sentence (not a dateline, which opens
    an article), and a paragraph of the article must follow it. None when the page has no such place.
    """
    seen_text = False
    for index, kind in enumerate(kinds):
        if kind is Kind.TEXT:
            if _is_prose(lines, kinds, index) and not is_headline_shaped(lines[index]):
                return None  # the article began above any byline (a long headline is not prose)
            seen_text = True
        elif kind in (Kind.DATE, Kind.CREDIT) and seen_text:
            first = _next_text(kinds, index)
            if first is None or len(_WORD.findall(lines[first])) < _MIN_STANDFIRST_WORDS:
                return None
            if split_dateline(lines[first])[0] != lines[first]:
                return None
            second = _next_text(kinds, first)
            if second is None or not _is_prose(lines, kinds, second):
                return None
            return first, second
    return None


def _next_text(kinds: list[Kind], index: int) -> int | None:
    """The next text line after `index`, past blank lines and the stamps, labels and bars a byline block holds;
    None when something else comes first."""
    for following in range(index + 1, len(kinds)):
        if kinds[following] is Kind.TEXT:
            return following
        if kinds[following] is not Kind.BLANK and kinds[following] not in _BYLINE_BLOCK:
            return None
    return None
