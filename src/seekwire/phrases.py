"""Phrases as the reader wrote them: every word, in order, stopwords included.

The index leaves stopwords out and numbers the remaining words without them, so Whoosh's phrase query for
`"Notre-Dame"` looks for "dame" alone and finds "Première dame", and `"la France insoumise"` finds "la France,
insoumise…" as well. A phrase — quoted, or a compound written with hyphens — is therefore matched in two steps:
the positions of the words the index keeps pick the candidates, then the stored text of each candidate is
read to find the whole sequence as written, each word compared by its index term (so `"cooperation pratique"`
still finds "coopération pratique") and each stopword as it is written, accents and case aside.

Reading stored text rather than indexing the stopwords keeps the index, its size and the scores of every other
query as they were; the cost falls only on phrase queries, in proportion to their candidates. Each candidate
text is searched for the longest word of the phrase (a pattern for all its accents), and only the few words
around each place it may occur are analysed. Over the 33,228 OrangeSum articles, `"Notre-Dame"` takes 0.15 s
and `"la France"`, whose candidates are half of them, 3 s (9 s when every word of them was analysed).
"""

from __future__ import annotations

import re
from functools import lru_cache

from whoosh import matching
from whoosh import query as wq
from whoosh.matching.wrappers import FilterMatcher

from seekwire.analysis import ANALYZER, MEMO_LIMIT, STOPWORDS, WORD, fold
from seekwire.text import INVISIBLE_CHARACTERS

# The stored fields holding the text of each indexed field.
STORED_PARTS = {"title": ("title",), "text": ("lede", "body")}
# Letters written otherwise than in ASCII: those that fold to one letter, by that letter ("e": "éèêë…"), and
# those that fold to several, with their folding ("œ": "oe").
_ACCENTED: dict[str, str] = {}
_LIGATURES: dict[str, str] = {}
for _char in map(chr, (*range(0x80, 0x250), *range(0x1E00, 0x1F00), *range(0xFB00, 0xFB07))):
    if _char == _char.lower() and (_folded := fold(_char)).isalpha():
        if len(_folded) == 1:
            _ACCENTED[_folded] = _ACCENTED.get(_folded, "") + _char
        else:
            _LIGATURES[_char] = _folded
# Characters of text around a place where the phrase may be, per word of the phrase before or after it.
WORD_REACH = 40
# Letters a stem may have changed at its end ("journaux" -> "journal").
STEM_CHANGE = 2
_keys: dict[str, str] = {}


def word_keys(text: str) -> list[str]:
    """What a phrase compares, word by word: the index term, or for a stopword the word folded."""
    keys = _keys
    if len(keys) >= MEMO_LIMIT:
        keys.clear()
    found = []
    for word in WORD.findall(text):
        key = keys.get(word)
        if key is None:
            key = keys[word] = ANALYZER.term(word) or fold(word)
        found.append(key)
    return found


def contains(text: str, wanted: list[str]) -> bool:
    """Whether `text` holds the words `wanted` (word_keys) one after the other."""
    if not wanted:
        return False
    # Look only around the places where the longest word may be: a stopword as it is, a stem by the letters
    # it shares with every word it stands for.
    at = max(range(len(wanted)), key=lambda i: len(wanted[i]))
    anchor = wanted[at]
    if anchor not in STOPWORDS:
        anchor = anchor[: max(2, len(anchor) - STEM_CHANGE)]
    before, after = WORD_REACH * at + 1, WORD_REACH * (len(wanted) - at)
    text = text.lower()
    if not text.isascii():
        for ligature, letters in _LIGATURES.items():
            if ligature in text:
                text = text.replace(ligature, letters)
    for match in _written(anchor).finditer(text):
        left = text.rfind(" ", 0, max(0, match.start() - before)) + 1
        right = text.find(" ", match.end() + after)
        if _in_order(word_keys(text[left : right if right >= 0 else len(text)]), wanted):
            return True
    return False


@lru_cache(maxsize=1024)
def _written(folded: str) -> re.Pattern:
    """A pattern for every way of writing `folded` (ASCII) in lower case without ligatures: any accent, and
    invisible characters anywhere between its letters."""
    letters = (f"[{re.escape(letter + _ACCENTED.get(letter, ''))}]" for letter in folded)
    return re.compile(f"[{INVISIBLE_CHARACTERS}]*".join(letters))


def _in_order(keys: list[str], wanted: list[str]) -> bool:
    first, size = wanted[0], len(wanted)
    return any(keys[i : i + size] == wanted for i, key in enumerate(keys) if key == first)


class WrittenPhrase(wq.Phrase):
    """A phrase query that matches only where the words of `written` follow each other, stopwords included."""

    def __init__(self, fieldname, words, slop=1, boost=1.0, char_ranges=None, written=""):
        super().__init__(fieldname, words, slop=slop, boost=boost, char_ranges=char_ranges)
        self.written = written

    def __eq__(self, other):
        return super().__eq__(other) and self.written == other.written

    def __hash__(self):
        return super().__hash__() ^ hash(self.written)

    def first(self, count: int) -> WrittenPhrase:
        """The phrase cut after its first `count` words that are not stopwords."""
        kept = 0
        for match in WORD.finditer(self.written):
            kept += ANALYZER.term(match.group()) is not None
            if kept == count:
                break
        return WrittenPhrase(self.fieldname, self.words[:count], slop=self.slop, boost=self.boost,
                             written=self.written[: match.end()])

    def normalize(self):
        # Unlike Whoosh's, a phrase of one word stays a phrase: "Notre-Dame" is "dame" only after "notre".
        return wq.NullQuery if not self.words else self

    def matcher(self, searcher, context=None):
        wanted = word_keys(self.written)
        parts = STORED_PARTS.get(self.fieldname, (self.fieldname,))
        candidates = super().matcher(searcher, searcher.boolean_context())
        found = set()
        while candidates.is_active():
            docnum = candidates.id()
            stored = searcher.stored_fields(docnum)
            if any(contains(stored.get(part) or "", wanted) for part in parts):
                found.add(docnum)
            candidates.next()
        if not found:
            return matching.NullMatcher()
        return FilterMatcher(super().matcher(searcher, context), frozenset(found))
