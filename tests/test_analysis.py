"""The French analyzer: what must match, what must not, and invariants over arbitrary text."""

from __future__ import annotations

import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from seekwire.analysis import ANALYZER, FrenchAnalyzer, fold, strip_elision, terms

MATCHING = [
    ("coopération", "cooperation"),
    ("coopération", "coopérations"),
    ("Coopération", "COOPERATIONS"),
    ("l'économie", "economie"),
    ("l’économie", "économie"),
    ("d'Astana", "Astana"),
    ("jusqu'Astana", "astana"),
    ("Pékin", "pekin"),
    ("cœur", "coeur"),
    ("Kazakhstan", "kazakhstan"),
    ("sécurité", "securite"),
    ("sino-kazakhe", "kazakhe"),
    ("sino-kazakhe", "sino"),
    ("Chine-Kazakhstan", "Chine"),
    ("Xinhua/VNA/CVN", "VNA"),
    ("ministres", "ministre"),
    ("Noël", "noel"),
    ("Ærø", "aero"),
]

NOT_MATCHING = [
    ("coopération", "opération"),
    ("Chine", "Inde"),
    ("pêche", "chasse"),
    ("2023", "2022"),
    ("Kazakhstan", "Ouzbékistan"),
    ("sino-kazakhe", "sinokazakhe"),
]


def the_terms(text: str) -> set[str]:
    return set(terms(text))


@pytest.mark.parametrize(("indexed", "typed"), MATCHING)
def test_pairs_that_must_match(indexed: str, typed: str) -> None:
    assert the_terms(typed) <= the_terms(indexed) or the_terms(indexed) <= the_terms(typed)
    assert the_terms(typed) & the_terms(indexed)


@pytest.mark.parametrize(("indexed", "typed"), NOT_MATCHING)
def test_pairs_that_must_not_match(indexed: str, typed: str) -> None:
    assert not the_terms(typed) & the_terms(indexed)


def test_stopwords_and_elisions_vanish() -> None:
    assert terms("le la les de des l'un qu'il") == []
    assert terms("L’Astana") == ["astan"]


def test_numbers_and_years_stay_searchable() -> None:
    assert terms("le 28 novembre 2023") == ["28", "novembr", "2023"]


def test_strip_elision_handles_both_apostrophes() -> None:
    assert strip_elision("l'économie") == "économie"
    assert strip_elision("qu’il") == "il"
    assert strip_elision("aujourd'hui") == "aujourd'hui"


def test_fold_ligatures_and_accents() -> None:
    assert fold("Œuvre Ça Été") == "oeuvre ca ete"


def test_analyzer_pickles_to_an_equal_analyzer() -> None:
    clone = pickle.loads(pickle.dumps(FrenchAnalyzer()))
    assert clone == FrenchAnalyzer()
    assert [t.text for t in clone("coopérations")] == ["cooper"]
    assert "memo" not in pickle.loads(pickle.dumps(ANALYZER)).__getstate__()


def test_tokens_carry_offsets_of_the_original_words() -> None:
    text = "La coopération sino-kazakhe"
    spans = [(t.text, text[t.startchar : t.endchar]) for t in ANALYZER(text, chars=True)]
    assert spans == [("cooper", "coopération"), ("sino", "sino"), ("kazakh", "kazakhe")]


def test_stopped_tokens_are_reported_when_asked() -> None:
    tokens = [(t.text, t.stopped) for t in ANALYZER("la Chine", removestops=False)]
    assert tokens == [("la", True), ("chin", False)]


@given(st.text())
def test_terms_are_lowercase_ascii(text: str) -> None:
    for term in terms(text):
        assert term and term.isascii() and term == term.lower()


FRENCH = st.text(alphabet="abcdeéèêëàâîïôùûüçœænrstl ABCDEÉÈÀÇŒ'’-/.,0123456789")


@given(FRENCH)
def test_analysis_ignores_case_and_accents(text: str) -> None:
    assert terms(text) == terms(text.upper()) == terms(fold(text))


@given(st.text())
def test_positions_agree_with_the_token_stream(text: str) -> None:
    expected: dict[str, list[int]] = {}
    for token in ANALYZER(text, positions=True):
        expected.setdefault(token.text, []).append(token.pos)
    assert ANALYZER.positions(text) == expected


@pytest.mark.parametrize("invisible", list("\u00ad\u200b\u200c\u200d\u2060\ufeff"))
def test_invisible_characters_never_split_a_word(invisible: str) -> None:
    text = f"Noen{invisible}nec et la média{invisible}thèque"
    assert terms(text) == terms("Noennec et la médiathèque")
    spans = [text[t.startchar : t.endchar] for t in ANALYZER(text, chars=True)]
    assert spans == [f"Noen{invisible}nec", f"média{invisible}thèque"]


@given(st.text(alphabet="abcé \u00ad\u200b\ufeff"))
def test_invisible_characters_change_no_term(text: str) -> None:
    assert terms(text) == terms(text.translate(dict.fromkeys(map(ord, "\u00ad\u200b\ufeff"))))
