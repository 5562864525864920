"""The French analyzer: the one place where text becomes index terms.

The same analyzer runs when a page is indexed and when a query is parsed, so the two can never disagree
("ecole" must find "école"). Whoosh pickles it into the index schema, which is why it is a module-level class
whose pickled state is only its settings.

It works in one pass rather than as a chain of Whoosh filters: a word is split off, lower-cased, stripped of
its elision (l', qu', jusqu'…), dropped if it is a stopword, folded to ASCII with unidecode and only then stemmed.
Folding comes before stemming on purpose: stemming first turns "sécurité" and "securite" into different terms.
Each distinct word is analysed once and remembered, which makes the analyzer several times faster than a filter
chain on news text, where a few thousand words make up most of the tokens.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import Stemmer
from unidecode import unidecode
from whoosh.analysis import Analyzer, Token

from seekwire.text import INVISIBLE_CHARACTERS

# Characters that are invisible in print — the soft hyphen, zero-width spaces and joiners, the word joiner
# and the byte-order mark — but break a run of letters: a page typeset with them ("Noen\u00adnec") must give
# the word the reader sees. They belong to the word around them and vanish from its term (the set is text.py's).
_VANISH = dict.fromkeys(map(ord, INVISIBLE_CHARACTERS))
# A word is a run of letters and digits; an apostrophe inside a word is kept so that elisions can be seen.
# Hyphens and slashes split words, so each part of "sino-kazakhe" or "Xinhua/VNA" is a term of its own.
WORD = re.compile(rf"\w+(?:[{INVISIBLE_CHARACTERS}]+\w+|['’]\w+)*")

ELISIONS = frozenset("l d j m n s t c qu jusqu lorsqu puisqu quoiqu presqu".split())

# Snowball's French list, plus the plural articles and pronouns it leaves out; compared after folding.
STOPWORDS = frozenset(
    unidecode(word)
    for word in """
    au aux avec ce ces dans de des du elle en et eux il je la le leur lui ma mais me même mes moi mon ne nos
    notre nous on ou où par pas pour qu que qui sa se ses son sur ta te tes toi ton tu un une vos votre vous
    c d j l à m n s t y été étée étées étés étant suis es est sommes êtes sont serai seras sera serons serez
    seront serais serait serions seriez seraient étais était étions étiez étaient fus fut fûmes fûtes furent
    sois soit soyons soyez soient ai as avons avez ont aurai auras aura aurons aurez auront aurais aurait
    aurions auriez auraient avais avait avions aviez avaient eut les leurs ils elles cette cet
    """.split()
)

# How many distinct words the memo keeps before it starts afresh: bounds memory on endless input.
MEMO_LIMIT = 500_000

_stemmer = Stemmer.Stemmer("french")


def visible(text: str) -> str:
    """`text` without its invisible characters (INVISIBLE_CHARACTERS)."""
    return text.translate(_VANISH)


def fold(text: str) -> str:
    """Lower-case and transliterate to ASCII, invisible characters dropped: "Cœur" -> "coeur", "Pékin" -> "pekin"."""
    return unidecode(visible(text)).lower()


def strip_elision(word: str) -> str:
    """Remove a leading French elision: "l'économie" -> "économie", "jusqu’à" -> "à"."""
    for apostrophe in ("'", "’"):
        head, sep, tail = word.partition(apostrophe)
        if sep and tail and fold(head) in ELISIONS:
            return tail
    return word


def normalize(word: str) -> str | None:
    """The index term for one word, or None when it is a stopword."""
    folded = fold(strip_elision(word)).replace("'", "")
    if not folded or folded in STOPWORDS:
        return None
    if folded.isdigit():
        return folded
    return _stemmer.stemWord(folded)


class FrenchAnalyzer(Analyzer):
    """Whoosh analyzer for French text: elisions, stopwords, accent folding, Snowball stemming.

    With `stem=False` it keeps the folded word instead of its stem, for fields whose terms are shown back to
    the user, such as the words offered as spelling corrections.
    """

    def __init__(self, stem: bool = True):
        self.stem = stem
        self.memo: dict[str, str | None] = {}

    def __getstate__(self) -> dict:
        return {"stem": self.stem}

    def __setstate__(self, state: dict) -> None:
        self.__init__(**state)

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.stem == self.stem

    def __hash__(self) -> int:
        return hash((type(self), self.stem))

    def term(self, word: str) -> str | None:
        """The term `word` is indexed under (None for a stopword), memoised."""
        memo = self.memo
        try:
            return memo[word]
        except KeyError:
            if len(memo) >= MEMO_LIMIT:
                memo.clear()
            if self.stem:
                term = normalize(word)
            else:
                folded = fold(strip_elision(word)).replace("'", "")
                term = folded if folded and folded not in STOPWORDS else None
            memo[word] = term
            return term

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            # Whoosh asks for the whole value as one term for wildcard and prefix text: fold it, never stem
            # a fragment of a word.
            token.text, token.stopped, token.boost = fold(value), False, 1.0
            if positions:
                token.pos = start_pos
            if chars:
                token.startchar, token.endchar = start_char, start_char + len(value)
            yield token
            return
        pos = start_pos
        for match in WORD.finditer(value):
            word = match.group()
            term = self.term(word)
            if term is None:
                if removestops:
                    continue
                token.stopped = True
                token.text = fold(word)
            else:
                token.stopped = False
                token.text = term
            token.boost = 1.0
            if keeporiginal:
                token.original = word
            if positions:
                token.pos = pos
                pos += 1
            if chars:
                token.startchar = start_char + match.start()
                token.endchar = start_char + match.end()
            yield token


    def positions(self, value: str) -> dict[str, list[int]]:
        """Each term of `value` with the positions it occurs at (stopwords removed, positions renumbered),
        as the indexer needs them: the same result as __call__ with positions, without a Token per word."""
        found: dict[str, list[int]] = {}
        term = self.term
        pos = 0
        for word in WORD.findall(value):
            text = term(word)
            if text is not None:
                found.setdefault(text, []).append(pos)
                pos += 1
        return found


def terms(text: str) -> list[str]:
    """The index terms of a piece of text, in order (stopwords removed)."""
    return [token.text for token in ANALYZER(text)]


ANALYZER = FrenchAnalyzer()
