"""Search finds what the reader means: every matched word highlighted, documents with all the words first,
phrases with their stopwords, forgiving filters, exclusion alone, the nearest spelling, invisible characters,
and bounded fuzzy work — each through the CLI as it is typed, on pages written for these tests.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from conftest import known_entities
from seekwire import Searcher, index_paths, ranking
from seekwire.article import Entities
from seekwire.phrases import contains, word_keys

PAGES = [
    {"id": "lettre", "title": "Une lettre ouverte aux écrivains", "date": "2024-01-05",
     "body": "Suzanne Nossel, présidente de PEN America, répond à Donald Trump sur la liberté d'expression."},
    *({"id": f"trump{n}", "title": title, "date": f"2024-02-0{n}", "body": "Le candidat républicain a parlé."}
      for n, title in enumerate(["Trump en campagne dans l'Iowa", "Trump devant le tribunal",
                                 "Trump et la Chine", "Trump annonce sa candidature"], start=1)),
    {"id": "insoumis", "title": "Les députés votent le budget", "date": "2023-03-01",
     "body": "Les élus de la France insoumise ont voté contre le texte du gouvernement."},
    *({"id": f"france{n}", "title": title, "date": f"2023-04-0{n}", "body": "Un article sur le pays."}
      for n, title in enumerate(["La France gagne la coupe", "France : la météo de la semaine",
                                 "La France et l'Allemagne signent un traité"], start=1)),
    {"id": "notredame", "title": "La cathédrale rouvre ses portes", "date": "2024-12-08",
     "body": "Cinq ans après l'incendie, Notre-Dame de Paris accueille de nouveau les visiteurs."},
    {"id": "premieredame", "title": "Première dame : la petite blague du président", "date": "2024-12-09",
     "body": "La première dame a fait rire la salle."},
    {"id": "pangolin", "title": "Origine du virus", "date": "2020-03-01",
     "body": "Des chercheurs soupçonnent le pangolin d'avoir transmis le virus à l'homme."},
    {"id": "invisible", "title": "Portrait d'un maire", "date": "2022-06-01",
     "body": "Le maire Noen\u00adnec a inauguré la média\u200bthèque, dit Jean\u200d-Pierre."},
    *({"id": f"confinement{n}", "title": title, "date": "2020-04-01", "body": "Les mesures sanitaires."}
      for n, title in enumerate(["Le confinement prolongé", "Fin du confinement"], start=1)),
    *({"id": f"confie{n}", "title": title, "date": "2021-05-01", "body": "Un entretien."}
      for n, title in enumerate(["Il se confie à la presse", "Elle confie ses doutes", "Il nous confie tout",
                                 "Le ministre se confie", "Elle se confie enfin"], start=1)),
    {"id": "essai", "title": "Pyongyang a réalisé un essai nucléaire", "date": "2017-09-03", "body": "Un séisme."},
    {"id": "essai2", "title": "Un essai clinique contre le virus", "date": "2020-05-03", "body": "Un vaccin."},
    *({"id": f"manif{n}", "title": title, "date": "2019-01-01", "body": "Dans la rue."}
      for n, title in enumerate(["Une manifestation à Paris", "Les manifestants défilent",
                                 "Des manifestants à Lyon", "Les manifestants dispersés"], start=1)),
]
ENTITIES = {
    "lettre": Entities(persons=["Suzanne Nossel", "Donald Trump"]),
    "trump1": Entities(persons=["Donald Trump"], places=["Iowa"]),
    "insoumis": Entities(persons=["Marine Le Pen"], organizations=["La France insoumise"]),
    "france1": Entities(persons=["Jean-Marie Le Pen"], places=["France"]),
    "france2": Entities(persons=["Emmanuel Macron"], places=["France"]),
    "france3": Entities(persons=["Emmanuel Macron", "Élisabeth Borne"], places=["France", "Allemagne"]),
}
AGENCIES = {"lettre": ["AFP"], "trump1": ["AFP"], "france1": ["Anadolu"], "pangolin": ["Xinhua"]}
PUBLISHERS = {"pangolin": "Radio France Internationale", "trump2": "Le Courrier du Vietnam", "lettre": "rfi.fr"}


@pytest.fixture
def pages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run):
    """The pages above, indexed (entities from ENTITIES) where `run` looks."""
    monkeypatch.setattr("seekwire.extract.entities.EntityRecognizer", known_entities(ENTITIES))
    source = tmp_path / "pages.jsonl"
    records = [{**page, "agencies": AGENCIES.get(page["id"], []), "publisher": PUBLISHERS.get(page["id"])}
               for page in PAGES]
    source.write_text("".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records), encoding="utf-8")
    assert index_paths([source], run.index_dir).added == len(PAGES)
    return run


def query(run, *args: str) -> dict:
    """`seekwire query --index DIR --format json --limit 50 ARGS…`, which may end with `-- -word`."""
    result = run("query", "--index", str(run.index_dir), "--format", "json", "--limit", "50", *args, index=False)
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


def ids(answer: dict) -> list[str]:
    return [hit["id"] for hit in answer["hits"]]


# 1. Every matched word is highlighted, in the headline or not


def test_a_word_only_in_the_text_is_highlighted_in_the_snippet(pages) -> None:
    hit = query(pages, "pangolin")["hits"][0]
    assert hit["id"] == "pangolin"
    assert [hit["snippet"][s:e] for s, e in hit["highlights"]] == ["pangolin"]


def test_words_of_both_fields_are_highlighted(pages) -> None:
    hit = query(pages, "pangolin virus")["hits"][0]
    assert [hit["snippet"][s:e] for s, e in hit["highlights"]] == ["pangolin", "virus"]
    assert [hit["title"][s:e] for s, e in hit["title_highlights"]] == ["virus"]


# 2. Documents with every word (or the whole phrase) first, headline or not


@pytest.mark.parametrize("text, first", [("Nossel Trump", "lettre"), ("La France insoumise", "insoumis"),
                                         ('"la France insoumise"', "insoumis"), ("insoumise France", "insoumis")])
def test_a_document_with_every_word_outranks_headlines_with_the_commonest(pages, text: str, first: str) -> None:
    assert ids(query(pages, text))[0] == first


def test_more_words_rank_higher_whatever_the_field() -> None:
    scores = np.array([9.0, 1.0, 5.0, 0.5])
    tiers = np.array([1, 2, 1, 2])
    assert [doc for doc, _ in ranking.top(np.arange(4), scores, 4, tiers)] == [1, 3, 0, 2]


def test_a_question_is_not_ordered_by_words(pages) -> None:
    with Searcher(pages.index_dir) as searcher:
        match = searcher._match("Pourquoi Donald Trump parle-t-il de Nossel ?", None, [])
    assert match.tiers is None


# 3. Phrases and compounds keep their stopwords


@pytest.mark.parametrize("text", ['"Notre-Dame"', "Notre-Dame", "notre-dame", '"notre dame"', "Notre-Dame Paris"])
def test_a_phrase_matches_its_words_in_order_stopwords_included(pages, text: str) -> None:
    found = ids(query(pages, text))
    assert found[0] == "notredame" and "premieredame" not in found


def test_a_phrase_finds_inflections_but_misses_a_missing_stopword(pages) -> None:
    assert ids(query(pages, '"ELUS de la France insoumises"')) == ["insoumis"]
    assert ids(query(pages, '"élus de France insoumise"')) == []
    assert ids(query(pages, '"France insoumise"')) == ["insoumis"]


def test_phrases_work_inside_boolean_queries(pages) -> None:
    assert ids(query(pages, '"Notre-Dame" AND Paris')) == ["notredame"]
    assert "notredame" not in ids(query(pages, "--", '-"Notre-Dame"'))
    assert "premieredame" in ids(query(pages, "--", '-"Notre-Dame"'))


def test_phrase_check_on_the_stored_text() -> None:
    assert contains("Cinq ans après, Notre-Dame de Paris", word_keys("notre dame"))
    assert not contains("La première dame", word_keys("Notre-Dame"))
    assert contains("Les élus de la France insoumise", word_keys("elus de LA france insoumises"))
    assert not contains("", word_keys("dame"))


# 4. Filters take a name the way a reader writes it


@pytest.mark.parametrize("option, value, expected", [
    ("--person", "macron", {"france2", "france3"}),
    ("--person", "EMMANUEL MACRON", {"france2", "france3"}),
    ("--person", "elisabeth borne", {"france3"}),
    ("--person", "Borne", {"france3"}),
    ("--person", "nossel", {"lettre"}),
    ("--agency", "Agence France-Presse", {"lettre", "trump1"}),
    ("--agency", "afp", {"lettre", "trump1"}),
    ("--agency", "AA", {"france1"}),
    ("--agency", "Agence Anadolu", {"france1"}),
    ("--agency", "chine nouvelle", {"pangolin"}),
    ("--publisher", "RFI", {"pangolin", "lettre"}),
    ("--publisher", "CVN", {"trump2"}),
    ("--publisher", "courrier du vietnam", {"trump2"}),
])
def test_a_filter_value_names_what_a_reader_means(pages, option: str, value: str, expected: set[str]) -> None:
    answer = query(pages, option, value)
    assert set(ids(answer)) == expected
    assert answer["notes"] == [] or "taken as" in answer["notes"][0]


def test_a_part_of_several_names_takes_them_all_and_says_so(pages) -> None:
    answer = query(pages, "--person", "le pen")
    assert set(ids(answer)) == {"insoumis", "france1"}
    assert answer["notes"] == ["person 'le pen' taken as Jean-Marie Le Pen, Marine Le Pen"]


def test_initials_name_organisations_not_people(pages) -> None:
    assert ids(query(pages, "--org", "LFI")) == ["insoumis"]
    assert query(pages, "--person", "EM")["total"] == 0


def test_words_of_a_name_out_of_order_name_nobody(pages) -> None:
    answer = query(pages, "--person", "pen le")
    assert answer["total"] == 0 and answer["notes"] == ["no document has person 'pen le'"]


# 5. A query that only excludes lists everything else, newest first


@pytest.mark.parametrize("text", ["-Trump", "NOT Trump", "le -Trump"])
def test_excluding_alone_lists_everything_else_newest_first(pages, text: str) -> None:
    answer = query(pages, "--", text) if text.startswith("-") else query(pages, text)
    found = ids(answer)
    assert answer["total"] == len(PAGES) - 5 and answer["sort"] == "-date"
    assert not {"lettre", "trump1", "trump2", "trump3", "trump4"} & set(found)
    dates = [hit["date"] for hit in answer["hits"]]
    assert dates == sorted(dates, reverse=True)
    assert not answer["notes"]


# 6. Spelling: the frequent word nearest to what was typed


@pytest.mark.parametrize("typed, meant", [("confinment", "confinement"), ("manifestaion", "manifestation"),
                                          ("cnofinement", "confinement")])
def test_the_suggestion_is_the_nearest_frequent_word(pages, typed: str, meant: str) -> None:
    answer = query(pages, typed)
    assert answer["suggestion"] == meant


def test_a_misspelt_word_cut_down_by_the_stemmer_is_still_corrected(pages) -> None:
    answer = query(pages, "réaisé essai")  # "réaisé" stems to "re"
    assert answer["suggestion"] == "réalisé essai" and ids(answer)[0] == "essai"


# 7. Invisible characters never split a word


@pytest.mark.parametrize("text", ["Noennec", "médiathèque", "Jean-Pierre", "Noen\u00adnec", "media\u200bth\ufeffeque"])
def test_invisible_characters_vanish_from_pages_and_queries(pages, text: str) -> None:
    hit = query(pages, text)["hits"][0]
    assert hit["id"] == "invisible"
    assert hit["highlights"]


def test_a_piece_of_a_word_split_by_an_invisible_character_is_not_a_word(pages) -> None:
    assert query(pages, "Noen")["total"] == 0


# Issue 19: fuzzy words find themselves, and the work of one word is bounded


def test_a_fuzzy_word_finds_at_least_the_word(pages) -> None:
    exact = set(ids(query(pages, "gouvernement")))
    assert exact and exact <= set(ids(query(pages, "gouvernement~")))
    assert set(ids(query(pages, "confinement~"))) >= {"confinement1", "confinement2"}


@pytest.mark.parametrize("text, note", [
    ("confinement~9", "confinement~9 was searched within 2 edits"),
    ("c" + "onfinement" * 400, "a word of 4001 characters is searched as written, without spelling variants"),
    ("c" + "onfinement" * 400 + "~", "a word of 4001 characters is searched as written, without fuzzy matching"),
])
def test_unbounded_words_are_cut_with_a_note(pages, text: str, note: str) -> None:
    answer = query(pages, text)
    assert note in answer["notes"]


@pytest.mark.parametrize("text, note", [
    ("-".join(["France"] * 2000), "a phrase of 2000 words was searched by its first 20"),
    ('"' + " ".join(["de la France"] * 500) + '"', "a phrase of 500 words was searched by its first 20"),
    ("*", None),
])
def test_long_phrases_and_bare_wildcards_are_bounded(pages, text: str, note: str | None) -> None:
    answer = query(pages, text)
    assert answer["notes"] == ([note] if note else [])


def test_a_pasted_page_of_unknown_words_is_looked_up_word_by_word_only_so_far(pages) -> None:
    words = " ".join(f"mot{n}inconnu" for n in range(3000))
    answer = query(pages, words)
    assert answer["notes"] == ["spelling and inflections were looked up for the first 40 words only"]


def test_a_bare_wildcard_lists_everything_newest_first(pages) -> None:
    answer = query(pages, "*")
    assert answer["total"] == len(PAGES) and answer["sort"] == "-date"


def test_fuzzy_distance_is_capped_in_the_library(pages) -> None:
    with Searcher(pages.index_dir) as searcher:
        far, capped = (searcher.search(text, limit=50) for text in ("manifestants~7", "manifestants~2"))
    assert [hit.id for hit in far.hits] == [hit.id for hit in capped.hits]
    assert far.notes == ["manifestants~7 was searched within 2 edits"]
