"""News-agency credits and the publishing site.

A page credits an agency in a byline ("Orange avec AFP-Services", "Xinhua | 28.11.2023"), a photo credit
("Photo : Xinhua/VNA/CVN", "(Xinhua/Yan Yan)"), a dateline ("PEKIN, 28 novembre (Xinhua) --") or a closing tag
("... a-t-il dit. (AFP)"). The same name inside a sentence ("a déclaré à l'AFP") is a source, not a credit, so
names are only collected from lines shaped like credits and from the tag positions. Each alias maps to one
canonical name so that "Agence France-Presse" and "AFP" count once.
"""

from __future__ import annotations

import re

# Canonical name -> spellings seen in French-language credits. Acronyms match case-sensitively.
AGENCY_ALIASES: dict[str, tuple[str, ...]] = {
    "AFP": ("AFP", "Agence France-Presse", "Agence France Presse"),
    "Reuters": ("Reuters",),
    "AP": ("AP", "Associated Press"),
    "Xinhua": ("Xinhua", "Chine nouvelle", "Agence Chine nouvelle"),
    "VNA": ("VNA", "AVI", "Agence vietnamienne d'information", "Vietnam News Agency"),
    "APS": ("APS", "Algérie Presse Service"),
    "MAP": ("MAP", "Maghreb Arabe Presse"),
    "Anadolu": ("Anadolu", "AA", "Agence Anadolu"),
    "TASS": ("TASS", "ITAR-TASS"),
    "Kazinform": ("Kazinform",),
    "ANSA": ("ANSA",),
    "EFE": ("EFE",),
    "dpa": ("dpa", "DPA"),
    "Belga": ("Belga",),
    "ATS": ("ATS", "Keystone-ATS"),
    "6Medias": ("6Medias", "6 Medias"),
    "Media Services": ("Media Services",),
    "BFMTV": ("BFMTV", "BFM TV"),
    "franceinfo": ("franceinfo", "France Info", "Franceinfo"),
}

# Short names some outlets sign their own copy with; they name the publisher, not an agency.
PUBLISHER_ALIASES: dict[str, str] = {"CVN": "Le Courrier du Vietnam"}

_SPELLINGS = {alias for aliases in AGENCY_ALIASES.values() for alias in aliases}
_CANONICAL = {alias.lower(): name for name, aliases in AGENCY_ALIASES.items() for alias in aliases}
_ALIAS = "(?i:" + "|".join(re.escape(a) for a in sorted(_CANONICAL, key=len, reverse=True)) + ")"
_AGENCY = re.compile(rf"(?<![\w-]){_ALIAS}(?![\w])")

# Words a credit line may hold besides names: "Photo : X", "Orange avec AFP", "Crédit photo : X / Y".
_CREDIT_WORDS = {
    "photo", "photos", "crédit", "crédits", "credit", "source", "sources", "avec", "par", "et", "de", "du",
    "des", "d", "illustration", "archives", "vidéo", "video", "infographie", "services", "le", "la",
}  # fmt: skip
_WORD = re.compile(r"[^\W\d_][\w'’.-]*|\d[\w]*")
_CLOSING_TAG = re.compile(rf"\s*\(\s*(?P<credit>{_ALIAS}(?:\s*/[^()]{{0,60}})?)\s*\)\s*\.?\s*$")
_DATELINE = re.compile(
    r"^(?P<place>[A-ZÀ-Ý][A-ZÀ-Ý'’ .-]{1,40}?)(?:\s*,\s*(?:le\s+)?\d{1,2}(?:er)?\s+[a-zéû]+\.?(?:\s+\d{4})?)?"
    rf"\s*(?:\(\s*(?P<credit>{_ALIAS}(?:\s*/[^()]{{0,40}})?)\s*\))?\s*(?:-{{1,2}}|—|–)\s+(?=\S)",
)
_COPYRIGHT = re.compile(
    r"^(?:©|\(c\)|copyright)\s*(?:copyright\s*)?(?P<holder>[^\d.]+?)\s*(?:\d{4}|\.|$)", re.IGNORECASE
)


def agencies_in(text: str) -> list[str]:
    """Canonical agency names in `text`, in order, each once; short aliases must be spelled exactly ("AP", not "ap")."""
    names: list[str] = []
    for match in _AGENCY.finditer(text):
        alias = match.group(0)
        if len(alias) <= 5 and alias not in _SPELLINGS:
            continue
        name = _CANONICAL[alias.lower()]
        if name not in names:
            names.append(name)
    return names


def is_credit_line(line: str) -> bool:
    """True for a short line that only credits agencies, photographers or the site (no sentence around it)."""
    if len(line) > 90 or not agencies_in(line):
        return False
    residue = _AGENCY.sub(" ", line)
    for word in _WORD.findall(residue):
        bare = word.strip(".'’-").lower()
        if bare in _CREDIT_WORDS or not bare or word[0].isupper() or word[0].isdigit():
            continue
        return False
    return True


def split_closing_tag(paragraph: str) -> tuple[str, list[str]]:
    """Remove a closing agency tag such as " (AFP)" and return the paragraph and the agencies it credits."""
    match = _CLOSING_TAG.search(paragraph)
    if match is None:
        return paragraph, []
    return paragraph[: match.start()].rstrip(), agencies_in(match.group("credit"))


def split_dateline(paragraph: str) -> tuple[str, list[str]]:
    """Remove a leading dateline ("PARIS - ", "PEKIN, 28 novembre (Xinhua) --") and return what it credits."""
    match = _DATELINE.match(paragraph)
    if match is None or sum(c.isupper() for c in match.group("place")) < 2:
        return paragraph, []
    credit = match.group("credit")
    return paragraph[match.end() :], agencies_in(credit) if credit else []


def copyright_holder(line: str) -> str | None:
    """The holder named by a copyright line ("© APS - Algérie Presse Service" -> "APS"), or None."""
    match = _COPYRIGHT.match(line)
    if match is None:
        return None
    holder = match.group("holder").strip(" -,")
    short = holder.split(" - ", 1)[0].strip()
    return short or None


def publisher_aliases_in(line: str) -> str | None:
    """A publisher named by the short signature some outlets append to credits ("VNA/CVN")."""
    for part in re.split(r"[/|,]", line):
        name = PUBLISHER_ALIASES.get(part.strip())
        if name is not None:
            return name
    return None
