"""Page segmentation rules, each on a small hand-made page."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from seekwire.extract import learn_furniture, parse_page
from seekwire.extract.agencies import agencies_in, is_credit_line, split_closing_tag, split_dateline

PAGES = Path(__file__).resolve().parent / "fixtures" / "pages"
SAVED = dt.datetime(2023, 12, 2, 9, 30, tzinfo=dt.UTC).timestamp()


def parse(text: str, **options):
    return parse_page(text, doc_id="t", path="t.txt", **options)


def parse_fixture(name: str, **options):
    return parse((PAGES / name).read_text(encoding="utf-8"), **options)


@pytest.fixture(scope="module")
def wire():
    return parse_fixture("wire_dateline.txt")


def test_headline_after_menu_and_breadcrumb(wire):
    assert wire.title == "Un séisme de magnitude 6,1 frappe le nord du Japon"


def test_publication_time_not_update_time(wire):
    assert (wire.date, wire.time, wire.date_source) == (dt.date(2022, 3, 14), "07:05", "text")


def test_dateline_and_closing_tag_stripped(wire):
    assert wire.body.startswith("Un séisme de magnitude 6,1 a frappé lundi")
    assert wire.body.endswith("n'ont pas émis d'alerte au tsunami.")
    assert "(AFP)" not in wire.body and "TOKYO" not in wire.body


def test_furniture_kept_out_of_body(wire):
    for furniture in (
        "Partager",
        "Lire aussi",
        "Une rue de Sendai",
        "Photo :",
        "Articles similaires",
        "Inondations",
        "©",
        "12 rue des Lilas",
        "Contact",
        "Par Jeanne Martin",
    ):
        assert furniture not in wire.body
    assert wire.body.count("\n\n") == 2


def test_credits_in_page_order_without_story_mentions(wire):
    # The byline credits the AFP, the photo AP and Kyodo; "a déclaré à Reuters" in the story is not a credit.
    assert wire.agencies == ["AFP", "AP", "Kyodo"]


def test_publisher_from_copyright_line(wire):
    assert wire.publisher == "Le Journal du Monde"


def test_relative_date_against_mtime_and_byline_label_dropped():
    article = parse_fixture("relative_date.txt", mtime=SAVED)
    assert (article.date, article.time, article.date_source) == (dt.date(2023, 12, 1), "16:39", "relative")
    assert article.body.startswith("Le plus ancien marché de Noël")


def test_relative_date_without_mtime_is_none():
    assert parse_fixture("relative_date.txt").date is None


def test_page_without_date():
    article = parse_fixture("no_date.txt", mtime=SAVED)
    assert (article.date, article.time, article.date_source) == (None, None, None)
    assert article.title == "Les abeilles sauvages menacées par la chaleur"
    assert "Votre pseudo" not in article.body and "Menu" not in article.body
    assert article.agencies == [] and article.publisher is None


def test_year_from_mtime_when_no_weekday():
    page = (
        "Titre de la dépêche du jour\n\n31 décembre\n\nLe texte de la dépêche, assez long pour en être une."
    )
    article = parse(page, mtime=dt.datetime(2021, 1, 2, tzinfo=dt.UTC).timestamp())
    assert (article.date, article.date_source) == (dt.date(2020, 12, 31), "mtime")


def test_standfirst_between_headline_and_dateline():
    page = (
        "Le gouvernement présente son budget\n\nLes dépenses baissent pour la première fois depuis dix ans.\n\n"
        "Publié le 27/09/2017 à 16h41\n\nOrange avec AFP-Services\n\n"
        "Le ministre a détaillé mercredi les grandes lignes du projet de loi de finances."
    )
    article = parse(page)
    assert article.lede == "Les dépenses baissent pour la première fois depuis dix ans."
    assert article.body == "Le ministre a détaillé mercredi les grandes lignes du projet de loi de finances."
    assert article.agencies == ["AFP"]


def test_no_standfirst_when_dateline_follows_headline():
    page = "Un titre de quelques mots\n\nAFP | 05.01.2019 16h13\n\nUne seule phrase.\n\nUne autre phrase ici."
    article = parse(page)
    assert article.lede is None
    assert article.body == "Une seule phrase.\n\nUne autre phrase ici."
    assert (article.date, article.time, article.agencies) == (dt.date(2019, 1, 5), "16:13", ["AFP"])


@pytest.mark.parametrize(
    ("credit", "agencies"),
    [
        ("Orange avec AFP-Services", ["AFP"]),
        ("Par Chine nouvelle", ["Xinhua"]),
        ("Photo : AVI/CVN", ["VNA"]),
        ("(AA/Ali Balli)", ["Anadolu"]),
        ("Orange avec Media Services", ["Media Services"]),
        ("Crédit photo : Agence France-Presse / Reuters", ["AFP", "Reuters"]),
    ],
)
def test_credit_aliases(credit, agencies):
    assert is_credit_line(credit)
    assert agencies_in(credit) == agencies


@pytest.mark.parametrize(
    "sentence",
    ["Il a déclaré à l'AFP que rien ne changerait.", "L'AFP licencie des journalistes", "un map du quartier"],
)
def test_story_mentions_are_not_credits(sentence):
    assert not is_credit_line(sentence)


def test_in_story_mention_not_credited():
    page = "Un titre sans crédit\n\n12/03/2021\n\nLe ministre a déclaré à l'AFP qu'il resterait en poste."
    assert parse(page).agencies == []


@pytest.mark.parametrize(
    ("paragraph", "text", "agencies"),
    [
        ("PARIS - Le gouvernement a annoncé", "Le gouvernement a annoncé", []),
        ("PEKIN, 28 novembre (Xinhua) -- La Chine est prête", "La Chine est prête", ["Xinhua"]),
        ("NEW YORK (Reuters) - Wall Street a ouvert", "Wall Street a ouvert", ["Reuters"]),
        ("Paris - pas une dateline en majuscules", "Paris - pas une dateline en majuscules", []),
    ],
)
def test_datelines(paragraph, text, agencies):
    assert split_dateline(paragraph) == (text, agencies)


def test_closing_tags():
    assert split_closing_tag("a-t-il ajouté. (AFP)") == ("a-t-il ajouté.", ["AFP"])
    assert split_closing_tag("Fin du texte (Xinhua/Yan Yan)") == ("Fin du texte", ["Xinhua"])
    assert split_closing_tag("selon le rapport (page 3)") == ("selon le rapport (page 3)", [])
    assert split_closing_tag("a-t-il ajouté. (avec AFP)") == ("a-t-il ajouté.", ["AFP"])


def test_a_last_paragraph_closed_by_a_tag_stays_text_and_credits_the_agency():
    page = ("Un titre sur le port de commerce\n\nLe port a annoncé mercredi un plan d'investissement de dix millions "
            "d'euros, le plus important de son histoire.\n\nLe chantier commencera en mai. (avec AFP)\n")
    article = parse(page)
    assert article.body.endswith("\n\nLe chantier commencera en mai.") and article.agencies == ["AFP"]


def test_crawl_furniture_removes_repeated_unshaped_lines():
    footer = "La rédaction vous remercie de votre fidélité et de votre confiance renouvelée"
    topics = ["la pluie", "le marché", "la rentrée", "le concert", "la course", "le budget", "la récolte"]
    pages = [
        f"Titre sur {topic} du jour\n\n0{n}/03/2021\n\nUn texte sur {topic}.\n\n{footer}"
        for n, topic in enumerate(topics, start=1)
    ]
    furniture = learn_furniture(pages)
    assert footer in furniture and "Un texte sur la pluie." not in furniture
    assert footer in parse(pages[0]).body
    with_furniture = parse(pages[0], furniture=furniture)
    assert with_furniture.body == "Un texte sur la pluie."
    assert with_furniture.title == "Titre sur la pluie du jour"


def test_a_byline_that_carries_the_date_dates_the_page():
    page = ("Une radio régionale\n\nUn titre sur le port de commerce\n\nPar la rédaction avec AFP | 11.06.2020, 13:03\n\n"
            "Le port a annoncé mercredi un plan d'investissement de dix millions d'euros.\n\n"
            "Une vue du port, le 21 juin. © AFP\n")
    article = parse_page(page, doc_id="p", path="p.txt", mtime=dt.datetime(2020, 6, 12, 9).timestamp())
    assert (article.date, article.time, article.date_source) == (dt.date(2020, 6, 11), "13:03", "text")


def test_a_byline_running_into_its_date_and_update_stamp_dates_the_page():
    page = ("Un titre sur le port de commerce\n\nPar la rédaction avec AFP Publié le 11 juin 2020 à 13h03 Mis à jour "
            "le 12 juin 2020 à 15h03\n\nLe port a annoncé le 9 juin un plan d'investissement de dix millions "
            "d'euros.\n\nLe chantier commencera en mai.\n")
    article = parse_page(page, doc_id="p", path="p.txt", mtime=dt.datetime(2020, 6, 13, 9).timestamp())
    assert (article.date, article.time) == (dt.date(2020, 6, 11), "13:03")
    assert article.body.startswith("Le port a annoncé") and article.agencies == ["AFP"]


def test_the_dateline_states_the_day_whatever_the_text_names():
    page = ("Un titre sur le conseil\n\nNICE, 11 octobre (Xinhua) -- Le conseil municipal a voté le budget, "
            "après la séance du jeudi 10 octobre consacrée aux transports.\n\nUn deuxième paragraphe suit.\n")
    article = parse_page(page, doc_id="p", path="p.txt", mtime=dt.datetime(2019, 10, 12, 9).timestamp())
    assert article.date == dt.date(2019, 10, 11)


def test_headlines_strung_on_one_line_are_not_text():
    page = ("Un titre sur le conseil\n\nPARIS, 11 octobre (AFP) - Le conseil a voté le budget de la ville.\n\n"
            "Un deuxième paragraphe suit, avec une phrase.\n\n"
            "Dernières dépêches : Séoul ferme bars et discothèques | Un avocat parisien mis en examen\n")
    article = parse_page(page, doc_id="p", path="p.txt", mtime=dt.datetime(2019, 10, 12, 9).timestamp())
    assert "Séoul" not in article.body and article.body.endswith("avec une phrase.")


def test_a_breadcrumb_over_the_headline_does_not_make_it_a_list_of_headlines():
    page = ("Rechercher\nInfo › Économie\nLe port de commerce annonce un plan d'investissement record\n"
            "Le port a présenté mercredi un plan de dix millions d'euros, le plus important de son histoire.\n"
            "Publié le 27/06/2019 à 16h39\nLe directeur du port a détaillé les travaux prévus, qui dureront "
            "trois ans et concerneront les quais.\n")
    article = parse_page(page, doc_id="p", path="p.txt")
    assert article.title == "Le port de commerce annonce un plan d'investissement record"


@pytest.mark.parametrize(
    ("line", "site"),
    [
        ("© TéléInfo 24 2019 — Conditions générales d'utilisation", "TéléInfo 24"),
        ("© 2019 Le Portail Sahel. Tous droits réservés.", "Le Portail Sahel"),
        ("Radio Horizon Sud © 2019 - Tous droits réservés - Mentions légales", "Radio Horizon Sud"),
        ("Copyright © 2020 Ouest-France", "Ouest-France"),
        ("Une vue du port. © Jean Dupont / AFP", None),
    ],
)
def test_the_site_is_named_by_its_rights_line(line, site):
    page = (f"Un titre sur le port de commerce\n\nPARIS, 11 octobre (AFP) - Le port a voté son budget annuel.\n\n"
            f"Un deuxième paragraphe suit, avec une phrase.\n\n{line}\n")
    assert parse_page(page, doc_id="p", path="p.txt").publisher == site


def test_footer_of_a_page_without_blank_lines_stops_at_the_prose():
    """A legal line under a page that sets no blank line takes its own block (site name, links) with it, not the
    article above."""
    paragraphs = [
        "Le conseil municipal a voté jeudi soir la rénovation complète de la piscine du quartier nord.",
        "Les travaux commenceront au printemps et dureront dix-huit mois, selon le maire de la commune.",
    ]
    article = parse("\n".join([
        "Le conseil vote la rénovation de la piscine du quartier nord",
        *paragraphs,
        "Plus d'infos",
        "Le Journal du Val, depuis 1998 — Nous écrire — Mentions légales",
    ]))
    assert article.title == "Le conseil vote la rénovation de la piscine du quartier nord"
    assert article.body == "\n\n".join(paragraphs)


def test_a_rights_line_with_the_year_after_the_name_is_the_footer_and_names_the_publisher():
    article = parse(
        "La ville ouvre une nouvelle ligne de tramway vers l'hôpital\n\n"
        "La nouvelle ligne desservira l'hôpital et le campus à partir de lundi, a annoncé la métropole.\n\n"
        "Les rames passeront toutes les six minutes aux heures de pointe, selon l'exploitant du réseau.\n\n"
        "Association des Amis du Tram © 2020\n"
    )
    assert article.publisher == "Association des Amis du Tram"
    assert "2020" not in article.body and article.body.endswith("selon l'exploitant du réseau.")


def test_a_site_named_by_its_masthead_and_again_under_the_article_is_the_publisher():
    paragraphs = [
        "Le conseil régional a adopté vendredi un plan de soutien aux pêcheurs touchés par la hausse du gazole.",
        "Les aides seront versées dès le mois prochain aux armateurs qui en feront la demande, selon la région.",
    ]
    page = "\n".join([
        "L'ÉCHO DES CÔTES",
        "Actualité   Région   Sports   Culture",
        "",
        "La région vote un plan de soutien aux pêcheurs",
        "",
        *[part for paragraph in paragraphs for part in (paragraph, "")],
        "L'Écho des Côtes - Journal d'information régionale - Brest",
    ])
    assert parse(page).publisher == "L'Écho des Côtes"
    # A page that opens with its headline names no site, even when a line below starts with the same words.
    plain = page.split("\n", 2)[2].replace("L'Écho des Côtes -", "La région vote un plan de soutien aux pêcheurs -")
    assert parse(plain).publisher is None
