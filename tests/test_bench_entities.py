"""The entity benchmark's scoring on hand-made articles: names are matched as search matches them, and
leaving one layout out chooses the setting on the other layouts only. The model is never run here."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.entities import Page, evaluate, leave_one_layout_out, match_set

from seekwire.article import Entities


def test_names_match_without_case_accents_articles_or_surnames_alone():
    predicted = Entities(persons=["François Hollande", "Hollande"], places=["la Chine", "ETATS-UNIS"])
    gold = Entities(persons=["Francois Hollande"], places=["Chine", "États-Unis"])
    assert match_set(predicted) == match_set(gold)
    assert match_set(predicted, canonical=False) > match_set(gold, canonical=False)


def test_typed_scores_count_a_wrong_type_as_a_miss():
    rows = [{"entities": {"persons": ["Astana"], "places": [], "organizations": []}}]
    scores = evaluate([Entities(places=["Astana"])], rows)
    assert scores["typed"]["f1"] == 0.0 and scores["untyped"]["f1"] == 1.0


def test_each_left_out_layout_is_scored_with_a_setting_chosen_elsewhere():
    text = "Le sommet de Lomé\nJeanne Martin et ses invités\nLe sommet a réuni les dirigeants de la région."
    spans = [(label, text.index(name), text.index(name) + len(name)) for label, name in [("LOC", "Lomé"),
                                                                                        ("PER", "Jeanne Martin")]]
    gold = {"entities": {"persons": [], "places": ["Lomé"], "organizations": []}}
    pages = [Page("crawl", layout, gold, text) for layout in ("a", "b")]
    rows = leave_one_layout_out(pages, [spans, spans])
    assert [row["layout"] for row in rows] == ["a", "b", "mean"]
    # A short heading is no sentence for any setting shorter than it: Jeanne Martin is left out, Lomé found.
    assert all(row["left-out F1"] == 1.0 for row in rows)
