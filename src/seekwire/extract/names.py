"""Canonical names: from the surface string a recogniser tagged to the name a reader would look up.

A statistical recogniser returns spans as they appear in the sentence: "M. Ding", "le président Hollande",
"la Chine", "Karimov » ,". Search wants one name per entity and per article, so this module strips what is
not part of a name (honorifics, titles, leading determiners, stray punctuation), rejects spans that cannot be
a name, and resolves short mentions ("Ding", "Hollande") to the full name the same article gives once.

Everything here is pure string work, independent of spaCy, so it is cheap to test and to reuse when scoring.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from seekwire.analysis import fold as fold_text

# Honorifics and functions written before a name. Matched case-insensitively, possibly several in a row
# ("M. le président", "l'ancien Premier ministre"); only removed when a capitalised name remains after them.
_TITLE_WORDS = (
    r"m\.|mm\.|mme|mmes|mlle|mlles|dr|pr|me|mgr|sir|lord|lady|monsieur|madame|mademoiselle|messieurs"
    r"|docteur|professeur|ma[iî]tre|monseigneur|saint-p[eè]re|p[eè]re|s[œo]eur|fr[eè]re|abb[ée]"
    r"|pape|roi|reine|prince|princesse|empereur|imp[ée]ratrice|cheikh|[ée]mir|sultan"
    r"|pr[ée]sident|pr[ée]sidente|premi[eè]re?|ministre|vice-premier|vice-pr[ée]sident|secr[ée]taire"
    r"|g[ée]n[ée]ral|g[ée]n[ée]rale|colonel|capitaine|lieutenant|commandant|marshal|mar[ée]chal|amiral|sergent"
    r"|s[ée]nateur|s[ée]natrice|d[ée]put[ée]e?|maire|gouverneur|juge|procureur|chancelier|chanceli[eè]re"
    r"|ancien|ancienne|nouveau|nouvelle|feu|cardinal|archev[eê]que|[ée]v[eê]que|rabbin|imam|ayatollah"
)
_DETERMINERS = r"le|la|les|l['’]|du|des|de|d['’]|au|aux|un|une|ce|cette|cet|ces|son|sa|ses|leur|leurs"
_TITLE = re.compile(rf"^(?i:{_TITLE_WORDS})(?:\s+|$)")
# Determiners are only part of a name when capitalised ("Le Caire", "La Réunion", "Les Républicains").
_DETERMINER = re.compile(rf"^(?:{_DETERMINERS})(?:\s+|(?<=['’]))")
# A title followed by a complement names a function, not a person: "président de la République".
_COMPLEMENT = re.compile(r"^(?:de|du|des|d['’])(?:\s+|(?<=['’]))")
_EDGE_JUNK = " \t\"'’«»“”‘()[]{}<>,;:!?*•·–—-/|"
# A final full stop belongs to the sentence, except after an initial ("Washington, D.C.", "John F.").
_FINAL_STOP = re.compile(r"(?<=[^\W\d_]{2})\.+$|^\.+")
_FOLDED_DETERMINER = re.compile(r"^(?:(?:le|la|les|du|des|de|au|aux) |(?:l|d)')")
_LETTER = re.compile(r"[^\W\d_]")
# Common nouns French writes with a capital by convention, which a recogniser takes for names: "l'État".
# Abbreviations too ("NDLR": note de la rédaction; time zones; "CDD": a work contract).
_CAPITALISED_NOUNS = frozenset(["etat", "etats", "constitution", "ndlr", "utc", "gmt", "cdd", "cdi"])
# Words capitalised at the start of a sentence or by convention that never name anything alone: days, months,
# cardinal points.
_NEVER_ALONE = frozenset([
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche", "janvier", "fevrier", "mars",
    "avril", "mai", "juin", "juillet", "aout", "septembre", "octobre", "novembre", "decembre",
    "nord", "sud", "est", "ouest",
])  # fmt: skip
_DEMONYM = re.compile(r"(?:ais|aise|ois|oise|ien|ienne|[^\W\d_]{2}[cm]aine?|[^\W\d_]{3}ole?|esse|ands|iques)s?$")
# A name is not a menu or a breadcrumb: "International / Élections", "Politique | Afrique".
_SEPARATOR = re.compile(r"\s[|/·>]\s")
# Words that start a surname ("Le Maire", "Van Gogh"): a person's name never ends with one.
_PARTICLES = frozenset([
    "le", "la", "de", "du", "des", "van", "von", "der", "den", "di", "da", "del", "della", "dos", "das", "ben",
    "bin", "el", "al", "abu", "ibn",
])  # fmt: skip
# Capitals that still read as an acronym rather than a shouted name ("ONU", "OTAN"; not "PARIS").
_MAX_ACRONYM_LETTERS = 4


def clean_name(surface: str, *, person: bool = False) -> str | None:
    """The name inside a tagged span, or None when nothing name-like is left.

    Titles and honorifics are stripped from persons only ("Président" can start an organisation's name);
    lower-case determiners from every name ("la Chine" -> "Chine", "Le Caire" kept). A span that crosses a
    line break is cut at it: a name never continues into the next paragraph. Rejected: capitalised common
    nouns ("l'État", "NDLR"), a day, month or cardinal point alone, a menu or breadcrumb ("Monde / Afrique").
    """
    name = surface.split("\n", 1)[0]
    name = " ".join(name.split())
    name = _FINAL_STOP.sub("", name.strip(_EDGE_JUNK)).strip(_EDGE_JUNK)
    while True:
        stripped = _DETERMINER.sub("", name, count=1)
        if person and (untitled := _TITLE.sub("", stripped, count=1)) != stripped:
            if _COMPLEMENT.match(untitled):
                return None
            stripped = untitled
        stripped = stripped.lstrip(_EDGE_JUNK)
        if stripped == name:
            break
        name = stripped
    if person and " " in name and name.rsplit(" ", 1)[1].lower() in _PARTICLES:
        name = name.rsplit(" ", 1)[0]  # "Bruno Le" is "Bruno Le Maire" cut short: "Bruno" finds him
    if len(_LETTER.findall(name)) < 2 or not any(word[:1].isupper() for word in name.split()):
        return None
    if fold(name) in _CAPITALISED_NOUNS or fold(name) in _NEVER_ALONE or _SEPARATOR.search(name):
        return None
    return name


def is_demonym(word: str) -> bool:
    """True for a word shaped like a French demonym: "Français", "Américaine", "Québécois", "Italiens".

    The recogniser often tags "le Britannique Froome" or "les Français" as a place. These suffixes almost
    never end a place name (Calais, Vienne, Amiens, Illinois are the price: callers check the context).
    """
    return bool(_DEMONYM.search(word)) and " " not in word.strip()


def after_determiner(word: str, text: str) -> bool:
    """True when `text` writes `word` after a determiner, as a noun: "les Français", "l'Américaine"."""
    return re.search(rf"\b(?:{_DETERMINERS})\s*{re.escape(word)}\b", text, re.IGNORECASE) is not None


def fold(name: str) -> str:
    """The matching key of a name: folded as the index folds words (case, accents, ligatures: "Cœur" is
    "coeur"), and hyphens and runs of spaces made one space ("Jean-Marie" is "Jean Marie")."""
    return " ".join(re.split(r"[\s\-]+", fold_text(name))).strip()


def name_key(name: str) -> str:
    """The identity of a name within an article: folded, without a leading determiner ("La Chine" = "Chine")."""
    return _FOLDED_DETERMINER.sub("", fold(name))


def preferred(name: str, other: str) -> str:
    """Of two writings of one name, the one to show: without a leading article; then not set in capitals
    ("Paris", not "PARIS"; an acronym of up to four letters excepted: "ONU"); then with its accents and
    ligatures ("États-Unis", not "Etats-Unis"); then the longer. Ties keep `other`."""
    return name if _writing_rank(name) > _writing_rank(other) else other


def _writing_rank(name: str) -> tuple[bool, bool, int, int]:
    shouted = name.isupper() and len(_LETTER.findall(name)) > _MAX_ACRONYM_LETTERS
    marks = sum(1 for char in name if not char.isascii())
    return fold(name) == name_key(name), not shouted, marks, len(name)


def alias_targets(names: Iterable[str], full_names: Iterable[str]) -> dict[str, str]:
    """Map each of `names` to the one longer name of `full_names` that contains it as whole words.

    "Ding" and "M. Ding" become "Ding Xuexiang", "Hollande" becomes "François Hollande". A short name that
    fits two longer names ("Karabatic" with "Nikola Karabatic" and "Luka Karabatic") stays as it is: the
    article does not say which one is meant. Returns folded short name -> full name.
    """
    full_by_key = {fold(name): name for name in full_names}
    targets: dict[str, str] = {}
    for short in {fold(name) for name in names}:
        short_tokens = short.split()
        candidates = {
            key
            for key in full_by_key
            if len(key.split()) > len(short_tokens) and _contains(key.split(), short_tokens)
        }
        # Longer names that contain one another ("Le Pen" in "Marine Le Pen" and "Jean-Marie Le Pen" is
        # ambiguous, "Hollande" in "François Hollande" and "François Hollande Jr" is not): keep the maximal.
        maximal = {
            key for key in candidates if not any(key != other and key in other for other in candidates)
        }
        if len(maximal) == 1:
            targets[short] = full_by_key[maximal.pop()]
    return targets


def _contains(haystack: list[str], needle: list[str]) -> bool:
    width = len(needle)
    return any(haystack[start : start + width] == needle for start in range(len(haystack) - width + 1))
