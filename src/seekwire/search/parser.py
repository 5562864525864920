"""Whoosh's query parser, set up for seekwire's query language: the one place query syntax is read.

The parser only needs the schema, which is built in code (schema.py), so a query is parsed without an open
index: a plan (plan.py) can be made, and tested, on its own.
"""

from __future__ import annotations

import re

from whoosh import qparser

from seekwire.phrases import WrittenPhrase
from seekwire.schema import TEXT_FIELDS, build_schema


class WrittenPhrasePlugin(qparser.PhrasePlugin):
    """Quoted phrases, and words joined by hyphens ("Notre-Dame", "sino-kazakhe"), as phrases matched on the
    text as written, stopwords included (phrases.py)."""

    # A compound: words joined by hyphens, unless it ends a wildcard or fuzzy pattern.
    compound = re.compile(r"(?<![\w'’])(?P<text>\w+(?:['’]\w+)*(?:-\w+(?:['’]\w+)*)+)(?![\w'’*~-])")

    class PhraseNode(qparser.PhrasePlugin.PhraseNode):
        def query(self, parser):
            phrase = super().query(parser)
            phrase.written = self.text
            return phrase

    class PhraseTagger(qparser.RegexTagger):
        def create(self, parser, match):
            slop = match.groupdict().get("slop")
            return WrittenPhrasePlugin.PhraseNode(match.group("text"), match.start("text"), int(slop) if slop else 1)

    def taggers(self, parser):
        return [(self.PhraseTagger(self.expr), 0), (self.PhraseTagger(self.compound), 0)]


class StarWildcardPlugin(qparser.WildcardPlugin):
    """Wildcards are `*` only: Whoosh also reads `?` as one, which turns every question ("Qui est mort en
    juillet ?") into a wildcard search."""

    expr = r"(?P<text>\*)"


_parsers: dict[float, qparser.QueryParser] = {}


def parser_for(title_boost: float) -> qparser.QueryParser:
    """The parser of the ranked part of a query, the title weighing `title_boost` times the text (one per
    boost, made on first use)."""
    if title_boost not in _parsers:
        parser = qparser.MultifieldParser(list(TEXT_FIELDS), build_schema(), fieldboosts={"title": title_boost},
                                          group=qparser.OrGroup)
        parser.remove_plugin_class(qparser.WildcardPlugin)
        parser.add_plugin(StarWildcardPlugin())
        parser.remove_plugin_class(qparser.PhrasePlugin)
        parser.add_plugin(WrittenPhrasePlugin())
        parser.phraseclass = WrittenPhrase
        parser.add_plugin(qparser.FieldAliasPlugin({"text": ["body", "lede"]}))
        # `+word` and `-word` only at the start of a word: "vice-Roi" and "Saint-Arnaud" are compounds.
        parser.add_plugin(qparser.PlusMinusPlugin(plusexpr=r"(?<![^\s(])\+", minusexpr=r"(?<![^\s(])-"))
        parser.add_plugin(qparser.FuzzyTermPlugin())
        _parsers[title_boost] = parser
    return _parsers[title_boost]
