"""Regular inflections that the French stemmer leaves on another stem, for widening query words.

Snowball's French stemmer puts some forms of one word on different stems: verb plurals in -ent ("suscitent"
-> suscitent, "suscite" -> suscit), feminine past participles ("cambriolée" -> cambriole, "cambriolé" ->
cambriol), infinitive and participle ("remanier" -> remani, "remanié" -> reman). A query word is therefore
also looked for under the stems of its regular inflections, at a lower weight (ranking.py). Only a stem that
extends the other by a short ending is kept: "eur" and "eurent", "petit" and "pet" are different words.
"""

from __future__ import annotations

from seekwire.analysis import fold, normalize, strip_elision

# The shorter of two related stems has at least this many letters, and the longer adds at most
# SHORT_ENDING letters to it (or the verb ending "ent").
MIN_STEM = 4
SHORT_ENDING = 2


def related_stems(word: str) -> set[str]:
    """The stems of the regular inflections of `word` that differ from its own stem but are close kin."""
    stem = normalize(word)
    if stem is None:
        return set()
    related = {normalize(form) for form in inflections(fold(strip_elision(word)).replace("'", ""))}
    return {other for other in related if other and other != stem and _kin(stem, other)}


def _kin(a: str, b: str) -> bool:
    short, long = sorted((a, b), key=len)
    if len(short) < MIN_STEM or not long.startswith(short):
        return False
    return long[len(short):] == "ent" or len(long) - len(short) <= SHORT_ENDING


def inflections(word: str) -> set[str]:
    """Regular inflections of a folded French word: number, gender, the -ent plural of verbs, -er/-é."""
    if len(word) < 4 or word.isdigit():
        return set()
    forms = {word + "s", word + "x"}
    if word.endswith(("s", "x")):
        forms.add(word[:-1])
    if word.endswith("e"):
        forms |= {word[:-1], word + "nt", word + "r", word + "s", word[:-1] + "es"}
    else:
        forms |= {word + "e", word + "es", word + "ent"}
    endings = {
        "ent": (word[:-2], word[:-3], word[:-3] + "er", word[:-2] + "s"),
        "es": (word[:-1], word[:-2]),
        "ee": (word[:-1], word[:-2] + "er"),
        "er": (word[:-1], word[:-2] + "ent", word[:-1] + "e", word[:-2] + "ee"),
        "aux": (word[:-3] + "al",),
        "al": (word[:-2] + "aux",),
        "eux": (word[:-1] + "se", word[:-1] + "ses"),
        "euse": (word[:-2] + "x",),
        "if": (word[:-1] + "ve", word[:-1] + "ves"),
        "ive": (word[:-2] + "f",),
        "ons": (word[:-3] + "er", word[:-3] + "ent"),
        "ez": (word[:-2] + "er", word[:-2] + "ent"),
    }
    for ending, more in endings.items():
        if word.endswith(ending):
            forms.update(more)
    forms.discard(word)
    return forms
