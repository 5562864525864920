"""News-agency credits and the publishing site.

A page credits an agency in a byline ("Orange avec AFP-Services", "Xinhua | 28.11.2023"), a photo credit
("Photo : Xinhua/VNA/CVN", "(Xinhua/Yan Yan)", or at the end of its caption: "Une rue. © Jean Dupont/AFP"),
a dateline ("PEKIN, 28 novembre (Xinhua) --") or a closing tag ("... a-t-il dit. (AFP)"). The same name inside a sentence ("a déclaré à l'AFP") is a source, not a credit, so
names are only collected from lines shaped like credits and from the tag positions. Each alias maps to one
canonical name so that "Agence France-Presse" and "AFP" count once. The table holds the wire services a
French-language page may credit, from any continent, not only those a given site uses: a site never seen
before credits the agencies of its own region.
"""

from __future__ import annotations

import re

# Canonical name -> spellings seen in French-language credits: the world's large wire services and the
# national agencies of the French-speaking world and of the countries French-language news most often covers.
# Acronyms match case-sensitively (see `agencies_in`). Some acronyms stand for two agencies (APS: Algérie
# Presse Service and the Agence de presse sénégalaise; APA: the Agence de presse africaine and the Austria
# Presse Agentur; AGP: the Guinean and the Gabonese agencies): a credit line does not say which, so they are
# one name.
AGENCY_ALIASES: dict[str, tuple[str, ...]] = {
    # World services and Europe.
    "AFP": ("AFP", "Agence France-Presse", "Agence France Presse"),
    "Reuters": ("Reuters", "Thomson Reuters"),
    "AP": ("AP", "Associated Press"),
    "Bloomberg": ("Bloomberg",),
    "ANSA": ("ANSA",),
    "AGI": ("AGI", "Agenzia Italia"),
    "dpa": ("dpa", "DPA", "Deutsche Presse-Agentur"),
    "EFE": ("EFE", "Agencia EFE", "Agence EFE"),
    "Europa Press": ("Europa Press",),
    "Lusa": ("Lusa",),
    "Belga": ("Belga", "Agence Belga"),
    "ATS": ("ATS", "Keystone-ATS", "Keystone ATS", "Agence télégraphique suisse"),
    "APA": ("APA", "Agence de presse africaine", "APA News", "Austria Presse Agentur"),
    "TASS": ("TASS", "ITAR-TASS"),
    "RIA Novosti": ("RIA Novosti", "Ria Novosti"),
    "Sputnik": ("Sputnik",),
    "Interfax": ("Interfax",),
    "Ukrinform": ("Ukrinform",),
    "Anadolu": ("Anadolu", "AA", "Agence Anadolu", "Anadolu Agency"),
    # Asia and the Middle East.
    "Xinhua": ("Xinhua", "Chine nouvelle", "Agence Chine nouvelle"),
    "Kyodo": ("Kyodo", "Kyodo News"),
    "Jiji": ("Jiji", "Jiji Press"),
    "Yonhap": ("Yonhap",),
    "KCNA": ("KCNA",),
    "VNA": ("VNA", "AVI", "Agence vietnamienne d'information", "Vietnam News Agency"),
    "Bernama": ("Bernama",),
    "Antara": ("Antara",),
    "PTI": ("PTI", "Press Trust of India"),
    "Kazinform": ("Kazinform",),
    "IRNA": ("IRNA",),
    "Fars": ("Fars", "Fars News"),
    "Tasnim": ("Tasnim",),
    "QNA": ("QNA", "Qatar News Agency"),
    "SPA": ("SPA", "Saudi Press Agency"),
    "WAM": ("WAM",),
    "KUNA": ("KUNA",),
    "MENA": ("MENA", "Middle East News Agency"),
    "Petra": ("Petra",),
    "SANA": ("SANA",),
    # Africa.
    "APS": ("APS", "Algérie Presse Service", "Agence de presse sénégalaise"),
    "MAP": ("MAP", "Maghreb Arabe Presse"),
    "TAP": ("TAP", "Tunis Afrique Presse"),
    "PANA": ("PANA", "Panapress", "Agence panafricaine d'information"),
    "ACP": ("ACP", "Agence congolaise de presse"),
    "ACI": ("ACI", "Agence congolaise d'information"),
    "AIP": ("AIP", "Agence ivoirienne de presse"),
    "ATOP": ("ATOP", "Agence togolaise de presse"),
    "ANP": ("ANP", "Agence nigérienne de presse"),
    "AIB": ("AIB", "Agence d'information du Burkina"),
    "ABP": ("ABP", "Agence Bénin Presse"),
    "AMI": ("AMI", "Agence mauritanienne d'information"),
    "AGP": ("AGP", "Agence guinéenne de presse", "Agence gabonaise de presse"),
    "AMAP": ("AMAP", "Agence malienne de presse et publicité"),
    "ANGOP": ("ANGOP", "Angop"),
    # The Americas.
    "La Presse canadienne": ("La Presse canadienne", "Presse canadienne"),
    "Prensa Latina": ("Prensa Latina",),
    "Notimex": ("Notimex",),
    "Télam": ("Télam", "Telam"),
    # French services that sell copy to news sites.
    "6Medias": ("6Medias", "6 Medias"),
    "Media Services": ("Media Services",),
    "BFMTV": ("BFMTV", "BFM TV"),
    "franceinfo": ("franceinfo", "France Info", "Franceinfo"),
}

# Short names some outlets sign their own copy with; they name the publisher, not an agency.
PUBLISHER_ALIASES: dict[str, str] = {"CVN": "Le Courrier du Vietnam"}

# Short spellings are common words in other cases ("ap", "map", "Ami"): only the exact spelling or capitals count.
_SPELLINGS = {
    spelling for aliases in AGENCY_ALIASES.values() for alias in aliases for spelling in (alias, alias.upper())
}
_CANONICAL = {alias.lower(): name for name, aliases in AGENCY_ALIASES.items() for alias in aliases}
_ALIAS = "(?i:" + "|".join(re.escape(a) for a in sorted(_CANONICAL, key=len, reverse=True)) + ")"
_AGENCY = re.compile(rf"(?<![\w-]){_ALIAS}(?![\w])")

# Words a credit line may hold besides names: "Photo : X", "Orange avec AFP", "Crédit photo : X / Y".
_CREDIT_WORDS = {
    "photo", "photos", "crédit", "crédits", "credit", "source", "sources", "avec", "par", "et", "de", "du",
    "des", "d", "l", "illustration", "archives", "vidéo", "video", "infographie", "services", "le", "la",
    "rédaction", "redaction", "agence", "agences",
}  # fmt: skip
_WORD = re.compile(r"[^\W\d_][\w'’.-]*|\d[\w]*")
_LETTERS = re.compile(r"[^\W\d_]+")
# Words an acronym skips ("Agence France-Presse" is AFP, "Association de la presse" is AP).
_FUNCTION_WORDS = {"de", "du", "des", "d", "la", "le", "les", "l", "et", "en", "pour", "sur", "à", "au", "aux"}  # fmt: skip
# The word a site may set before the agency in a closing tag: "(avec AFP)".
_TAG_WORD = r"(?i:avec|d'après|d’après|source\s*:)\s+"
# A closing tag: "(AFP)", "(Xinhua/Nom)", "(avec AFP)".
_CLOSING_TAG = re.compile(
    rf"\s*\(\s*(?:{_TAG_WORD})?(?P<credit>{_ALIAS}(?:\s*/[^()]{{0,60}})?)\s*\)\s*\.?\s*$"
)
_DATELINE = re.compile(
    r"^(?P<place>[A-ZÀ-Ý][A-ZÀ-Ý'’ .-]{1,40}?)(?:\s*,\s*(?:le\s+)?\d{1,2}(?:er)?\s+[a-zéû]+\.?(?:\s+\d{4})?)?"
    rf"\s*(?:\(\s*(?P<credit>{_ALIAS}(?:\s*/[^()]{{0,40}})?)\s*\))?\s*(?:-{{1,2}}|—|–)\s+(?=\S)",
)
_CREDITED_DATELINE = re.compile(
    r"^(?P<place>[A-ZÀ-Ý][\w'’.-]*(?:\s+(?:(?:de|du|des|la|le|el)\s+)?[A-ZÀ-Ý][\w'’.-]*){0,3})"
    r"(?:\s*,\s*(?:le\s+)?\d{1,2}(?:er)?\s+[a-zéû]+\.?(?:\s+\d{4})?)?"
    rf"\s*\(\s*(?P<credit>{_ALIAS}(?:\s*/[^()]{{0,40}})?)\s*\)\s*(?:-{{1,2}}|—|–)\s+(?=\S)",
)
# A caption closed by its photo credit: "Une rue de Sendai. © Jean Dupont/AFP", "Photo d'archives. | AFP",
# "Des policiers. (Hélène Benali/Reuters)", "Vue de la réunion. (Photo: AP Photo/Elif Dubois)".
_CAPTION_CREDIT = re.compile(r"(?:©|(?<=[.!?»)]) \|)\s*(?P<mark>[^©|]+)$|\((?P<paren>[^()]+)\)[\s.]*$")
# A caption is a sentence or two; a paragraph longer than this that ends with a credit is article text.
_MAX_CAPTION_WORDS = 30
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


def agency_named(name: str) -> str | None:
    """The canonical agency `name` spells out whole ("Agence France-Presse", "AFP"), or None."""
    match = _AGENCY.fullmatch(name.strip())
    return agencies_in(name)[0] if match and agencies_in(name) else None


def is_credit_line(line: str) -> bool:
    """True for a line that credits agencies: a short line of credits only (agencies, photographers, the site),
    or a photo caption closed by its credit ("… © Jean Dupont/AFP", "… | AFP", "… (Jean Dupont/AFP)").

    A paragraph closed by a bare agency tag in brackets ("… a-t-il dit. (AFP)", "… (avec AFP)") is article
    text, not a credit.
    """
    if len(line) <= 90 and _names_only(line) is not None:
        return True
    match = _CAPTION_CREDIT.search(line)
    if match is None or len(line.split()) > _MAX_CAPTION_WORDS:
        return False
    residue = _names_only(match.group("mark") or re.sub(rf"^\s*{_TAG_WORD}", "", match.group("paren")))
    return residue is not None and (match.group("mark") is not None or bool(residue))


def _names_only(credit: str) -> list[str] | None:
    """The words of `credit` besides its agency names when it names an agency and holds nothing but names and
    credit words ("Photo : Jean Dupont / AFP" -> ["Photo", "Jean", "Dupont"]); None otherwise."""
    if not agencies_in(credit):
        return None
    words = _WORD.findall(_AGENCY.sub(" ", credit))
    for word in words:
        bare = word.strip(".'’-").lower()
        if not (bare in _CREDIT_WORDS or not bare or word[0].isupper() or word[0].isdigit()):
            return None
    return words


def split_closing_tag(paragraph: str) -> tuple[str, list[str]]:
    """Remove a closing agency tag such as " (AFP)" and return the paragraph and the agencies it credits.

    An acronym in brackets right after the words it abbreviates ("l'Association brésilienne de la presse
    (ABP)") ends a sentence about that body, not the article: it is left alone.
    """
    match = _CLOSING_TAG.search(paragraph)
    if match is None or _spelled_out_before(match.group("credit"), paragraph[: match.start()]):
        return paragraph, []
    return paragraph[: match.start()].rstrip(), agencies_in(match.group("credit"))


def _spelled_out_before(acronym: str, text: str) -> bool:
    """True when the last words of `text` are the name `acronym` abbreviates: a capitalised word, then words
    whose initials, skipping French function words, spell it ("Association brésilienne de la presse" before
    "ABP"; not "il a précisé" before "AP"). A sentence that ends before the brackets is closed by a tag."""
    if not acronym.isupper() or not acronym.isalpha() or not text.rstrip()[-1:].isalpha():
        return False
    words = [word for word in _LETTERS.findall(text)[-3 * len(acronym) :] if word.lower() not in _FUNCTION_WORDS]
    name = words[-len(acronym) :]
    return len(name) == len(acronym) and name[0][0].isupper() and "".join(w[0] for w in name).upper() == acronym


def split_dateline(paragraph: str) -> tuple[str, list[str]]:
    """Remove a leading dateline ("PARIS - ", "PEKIN, 28 novembre (Xinhua) --", "Abidjan (AFP) - ") and return
    what it credits. A place in capitals is enough to make a dateline; a place written as a name needs the
    agency credit, since "Paris - " alone may open a sentence."""
    match = _DATELINE.match(paragraph)
    if match is None or sum(c.isupper() for c in match.group("place")) < 2:
        match = _CREDITED_DATELINE.match(paragraph)
    if match is None:
        return paragraph, []
    credit = match.group("credit")
    return paragraph[match.end() :], agencies_in(credit) if credit else []


def copyright_holder(line: str) -> str | None:
    """The holder named by a copyright line ("© APS - Algérie Presse Service" -> "APS"), or None."""
    match = _COPYRIGHT.match(line)
    if match is None:
        return None
    holder = _RIGHTS_SIGN.sub(" ", match.group("holder")).strip(" -,")  # "Copyright © 2020 Le Site"
    short = holder.split(" - ", 1)[0].strip()
    return short or None


_RIGHTS_SIGN = re.compile(r"©|\(c\)|\bcopyright\b", re.IGNORECASE)
_RIGHTS_YEARS = re.compile(r"\b(?:19|20)\d\d(?:\s*[-–]\s*(?:19|20)\d\d)?\b")
# What follows a site's name on its rights line: a legal sentence, links, or a separator before them.
_RIGHTS_END = re.compile(r"\s+[-–—|•/]\s+|\s*[|•]\s*|[.;,](?:\s|$)|\s*\b(?:tous droits|all rights|droits "
                         r"réservés|reproduction|mentions légales|conditions)\b", re.IGNORECASE)
_MAX_SITE_NAME_WORDS = 5


def rights_holder(line: str) -> str | None:
    """The name set beside the sign of a site's rights line, on either side and with or without a year:
    "© Le Site 2019 — Conditions…", "© 2019 Le Site. Tous droits réservés.", "Le Site © 2019 - Mentions
    légales". None when no name of a few words stands there, or when the line credits an agency (a photo's
    credit)."""
    sign = _RIGHTS_SIGN.search(line)
    if sign is None or agencies_in(line):
        return None
    after = _RIGHTS_YEARS.sub(" ", _RIGHTS_SIGN.sub(" ", line[sign.end() :])).strip(" -–—:,")
    before = _RIGHTS_YEARS.sub(" ", line[: sign.start()]).strip(" -–—:,")
    for name in (_RIGHTS_END.split(after, maxsplit=1)[0], _RIGHTS_END.split(before)[-1]):
        words = name.split()
        if 0 < len(words) <= _MAX_SITE_NAME_WORDS and words[0][0].isupper():
            return " ".join(words)
    return None


def publisher_aliases_in(line: str) -> str | None:
    """A publisher named by the short signature some outlets append to credits ("VNA/CVN")."""
    for part in re.split(r"[/|,]", line):
        name = PUBLISHER_ALIASES.get(part.strip())
        if name is not None:
            return name
    return None
