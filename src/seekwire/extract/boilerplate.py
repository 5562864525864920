"""Which lines of a scraped page are site furniture rather than article text.

Scrapers keep everything a page shows: menus, breadcrumbs, cookie banners, share buttons, "Lire aussi" links,
photo credits and captions, staff credits and the footer with its address. Each line gets a `Kind` from its
shape (menu separators, length, sentence punctuation), its position (a caption sits right above its photo
credit; nothing after the copyright notice is article text) and a short list of French words that only
furniture uses. When the caller knows which lines repeat across a whole crawl (`learn_furniture`), those lines
are furniture too, whatever their shape.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from enum import Enum

from seekwire.extract.agencies import agencies_in, is_credit_line
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
    r"^(?:>>|»|→|►|▶|(?:à |a )?(?:lire|voir) (?:aussi|également|egalement|plus)\b|sur le même sujet\b)",
    re.IGNORECASE,
)
_RELATED_HEADING = re.compile(
    r"^(?:articles? (?:similaires|liés|connexes)|sur le même sujet|(?:à |a )?lire aussi|voir aussi"
    r"|dans la même rubrique|les plus lus|les plus partagés|nos derniers articles|à voir aussi"
    r"|(?:plus d'|autres )actualités|vous aimerez aussi)\s*:?$",
    re.IGNORECASE,
)
_WIDGET = re.compile(
    r"^(?:•|partager|partagez|envoyer|copier le lien|imprimer|tweeter|accepter|refuser|paramétrer|publicité"
    r"|s'abonner|abonnez-vous|suivez-nous|newsletter|en savoir plus|réagir|commentaires?\b|votre pseudo"
    r"|vos réactions|ajouter un commentaire|fermer\b)",
    re.IGNORECASE,
)
_COOKIES = re.compile(r"\bcookies?\b|\bCGU\b", re.IGNORECASE)
_FOOTER = re.compile(
    r"^(?:©|\(c\)\s|copyright\b)|tous droits réservés|mentions légales|^(?:back to top|haut de page|retour en haut)"
    r"|^permis de publication|^directeur de (?:la )?publication|^r[ée]dact(?:eur|rice) en chef",
    re.IGNORECASE,
)
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
_BREADCRUMB = re.compile(r">>|\s>\s|^vous êtes ici\b", re.IGNORECASE)
_STAMP_WORDS = {
    "publié", "publiée", "publie", "le", "la", "à", "a", "mis", "mise", "en", "ligne", "jour", "dernière",
    "derniere", "date", "du", "par", "posté", "modifié", "actualisé", "màj", "il", "y", "et", "de",
}  # fmt: skip
_WORD = re.compile(r"\b[^\W\d_][\w'’-]*")

# Words a date line may hold around its dates ("Publié le ... à ..., mis à jour le ... à ...").
_MAX_STAMP_WORDS = 10
# A line longer than this is prose, whatever words it holds.
_MAX_FURNITURE_WORDS = 40
# After a "related articles" heading, lines up to this many words are headlines of other articles.
_MAX_HEADLINE_WORDS = 25
# A text line this long is article prose, which a footer can follow.
_MIN_PROSE_WORDS = 12


def classify_lines(lines: list[str], furniture: frozenset[str] = frozenset()) -> list[Kind]:
    """One `Kind` per stripped line of a page."""
    kinds = [_classify(line, furniture) for line in lines]
    _mark_captions(lines, kinds)
    _mark_related_and_footer(lines, kinds)
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


def learn_furniture(texts: Iterable[str], *, min_share: float = 0.02, min_pages: int = 5) -> frozenset[str]:
    """Lines that repeat across many pages of one crawl (menus, footers, captions), as stripped strings.

    A line is furniture when it appears in at least `min_pages` pages and in at least `min_share` of them.
    """
    counts: Counter[str] = Counter()
    pages = 0
    for text in texts:
        pages += 1
        counts.update({line.strip() for line in text.split("\n")} - {""})
    threshold = max(min_pages, min_share * pages)
    return frozenset(line for line, count in counts.items() if count >= threshold)


def _classify(line: str, furniture: frozenset[str]) -> Kind:
    if not line:
        return Kind.BLANK
    words = len(line.split())
    if words > _MAX_FURNITURE_WORDS:
        return Kind.TEXT
    if _COOKIES.search(line) or _WIDGET.match(line):
        return Kind.WIDGET
    if _LINK.match(line):
        return Kind.LINK
    if _FOOTER.search(line) and not (line.startswith("©") and is_credit_line(line[1:])):
        return Kind.FOOTER
    if _CONTACT.search(line) or _STAFF.match(line):
        return Kind.STAFF
    if _is_menu(line):
        return Kind.NAVIGATION
    if is_date_line(line):
        return Kind.DATE
    if _PHOTO_CREDIT.match(line) or is_credit_line(line) or line.startswith("©"):
        return Kind.CREDIT
    if line in furniture:
        return Kind.FURNITURE
    return Kind.TEXT


def _is_menu(line: str) -> bool:
    """Breadcrumbs ("Actu > Monde", "Page d'accueil>>Chine") and menus ("A | B | C") of short items."""
    if _BREADCRUMB.search(line):
        parts = re.split(r">>|>|:", line)
        return all(len(part.split()) <= 5 for part in parts)
    parts = line.split("|")
    return len(parts) >= 3 and all(len(part.split()) <= 4 for part in parts)


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
        elif _RELATED_HEADING.match(line):
            kinds[index] = Kind.RELATED
            in_related = True
        elif in_related and kind is Kind.TEXT:
            if len(line.split()) > _MAX_HEADLINE_WORDS or line.endswith("."):
                in_related = False
            else:
                kinds[index] = Kind.RELATED
        elif kind is Kind.TEXT and len(line.split()) >= _MIN_PROSE_WORDS:
            seen_prose = True
