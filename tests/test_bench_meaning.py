"""The relevance bench's own sets: "all documents with every word first" is scored right, and the meaning set
draws its queries and their relevant documents from the corpus as the module docstring says."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import Doc
from bench.relevance import Scores, all_first, meaning_queries

RELEVANT = frozenset({"a", "b", "c"})


def test_all_first_wants_every_relevant_document_before_any_other() -> None:
    assert all_first(["b", "a", "c", "x"], RELEVANT)
    assert not all_first(["a", "x", "b", "c"], RELEVANT)
    assert not all_first(["a", "b"], RELEVANT)
    assert all_first([f"r{i}" for i in range(10)] + ["x"], frozenset(f"r{i}" for i in range(12)))


def test_scores_count_the_queries_whose_relevant_documents_came_first() -> None:
    assert Scores.of([1, 2, None, 1], [True, False, False, True]).all_first == 0.5


def test_meaning_queries_find_every_document_with_the_words() -> None:
    docs = [Doc(f"d{i}", f"Le président de la République en visite numéro {i}", "Un texte.") for i in range(3)]
    docs += [Doc("body", "Un autre titre", "La République en visite, encore."),
             Doc("apart", "La République, en visite", "Rien."),
             Doc("aix", "Un festival à Aix-en-Provence", "Du théâtre."),
             Doc("aix2", "Le théâtre", "Les rues d'Aix en Provence."),
             Doc("aix3", "Le théâtre", "Aix et Provence.")]
    queries = {q.text: (q.kind, q.relevant) for q in meaning_queries(Path("."), docs)}
    assert queries['"République en visite"'] == ("phrase", frozenset({"d0", "d1", "d2", "body", "apart"}))
    assert queries["Aix-en-Provence"] == ("compound", frozenset({"aix", "aix2"}))
