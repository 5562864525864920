"""Furniture learned from a folder of pages, headlines chosen by evidence, lists of headlines left out.

The pages are invented: two sites that no rule in the extraction code names, with their own menus, section
labels, reading-time lines, share counters, footers and lists of other headlines.
"""

from __future__ import annotations

import json

from seekwire.extract import Furniture, learn_furniture, parse_page
from seekwire.extract.boilerplate import classify_lines, paragraph_after_byline
from seekwire.extract.furniture import line_key, page_keys

STORIES = [
    ("Les marais salants retrouvent leurs sauniers", "Les sauniers reviennent sur les marais salants de la côte.",
     "Trois jeunes sauniers ont repris cette année les marais salants abandonnés depuis vingt ans."),
    ("Le festival des cerfs-volants attire les familles", "Les cerfs-volants ont envahi la plage dimanche.",
     "Plus de deux mille personnes ont assisté au festival des cerfs-volants sur la grande plage."),
    ("La digue du port sera renforcée avant l'hiver", "Les travaux de la digue commencent lundi au port.",
     "La commune a voté le renforcement de la digue du port, fragilisée par les tempêtes de l'an dernier."),
    ("Une nouvelle ligne de bus relie les villages", "La ligne de bus dessert désormais six villages.",
     "Depuis lundi, une ligne de bus relie les villages de l'arrière-pays à la gare, six fois par jour."),
    ("Le marché couvert rouvre après deux ans de chantier", "Les commerçants retrouvent le marché couvert.",
     "Le marché couvert a rouvert samedi matin, après deux ans d'un chantier plus long que prévu."),
    ("Les bibliothèques ouvrent le dimanche", "Les bibliothèques de la ville ouvrent désormais le dimanche.",
     "À partir du mois prochain, les trois bibliothèques de la ville ouvriront le dimanche après-midi."),
]
DISCLAIMER = "Les articles de la Gazette sont réservés à ses lecteurs et ne peuvent être repris sans accord."
RELATED = [
    "Un phare centenaire ouvre ses portes au public",
    "Les ostréiculteurs inquiets pour la saison",
    "La fête de la mer revient en juillet",
]


def gazette_page(number: int) -> str:
    """A page of an invented regional site: menu, section label, headline, standfirst, byline, reading time,
    share counter, text, an unheaded list of other headlines and a footer."""
    title, lede, text = STORIES[number]
    return "\n".join([
        "La Gazette des Marais",
        "Accueil",
        "Territoires",
        "Mer et littoral",
        "Nos dossiers",
        "",
        "Mer et littoral",
        "",
        title,
        "",
        lede,
        "",
        f"Publié le {number + 3} mai 2021 à 10h{number}5",
        f"Temps de lecture : {number + 2} min",
        f"{12 + number} réactions",
        "",
        text,
        "",
        f"{text.split(',')[0]}, a précisé l'adjoint chargé du dossier lors du conseil municipal de la semaine.",
        "",
        RELATED[number % 3],
        RELATED[(number + 1) % 3],
        "",
        "La Gazette des Marais, le journal des côtes et des îles",
        "Rédaction et abonnements au bureau du port",
        "Tous nos titres reproduits avec l'accord des auteurs",
        "",
        DISCLAIMER,
    ])


def bulletin_page(number: int) -> str:
    """A page of a second invented site with another layout, in the same folder."""
    title, _, text = STORIES[number]
    return "\n".join([
        "LE BULLETIN DU BOCAGE",
        "Vie locale · Agenda · Sports · Annonces",
        "",
        title,
        "Le Bulletin, rédaction de la vallée",
        f"{number + 3}/05/2021",
        "",
        text,
        "",
        "Voir aussi dans la rubrique",
        RELATED[number % 3],
        "",
        "© Le Bulletin du Bocage 2021",
    ])


def test_line_key_masks_numbers_case_and_spacing():
    assert line_key("Temps de lecture : 3 min") == line_key("temps de  lecture : 12 min")
    assert line_key("Temps de lecture : 3 min") != line_key("Temps de lecture : 3 heures")


def test_furniture_learned_from_a_folder_mixing_two_sites():
    furniture = learn_furniture([gazette_page(n) for n in range(6)] + [bulletin_page(n) for n in range(6)])
    assert sorted(site.pages for site in furniture.sites) == [6, 6]
    for line in ("Nos dossiers", "Temps de lecture : 9 min", "Tous nos titres reproduits avec l'accord des auteurs",
                 "LE BULLETIN DU BOCAGE", "Le Bulletin, rédaction de la vallée"):
        assert line in furniture
    assert STORIES[0][0] not in furniture and STORIES[0][2] not in furniture


def test_invented_site_read_with_its_learned_furniture():
    pages = [gazette_page(n) for n in range(6)]
    furniture = learn_furniture(pages)
    for number, page in enumerate(pages):
        title, lede, text = STORIES[number]
        article = parse_page(page, doc_id="g", path=f"gazette/{number}.txt", furniture=furniture)
        assert (article.title, article.lede) == (title, lede)
        assert article.body.split("\n\n")[0] == text
        assert len(article.body.split("\n\n")) == 2
        for furniture_line in ("Gazette", "Temps de lecture", "réactions", "Nos dossiers", "Tous nos titres",
                               DISCLAIMER):
            assert furniture_line not in article.body
        assert not any(headline in article.body for headline in RELATED)


def test_a_folder_of_two_pages_teaches_nothing_and_the_page_still_reads():
    pages = [gazette_page(0), gazette_page(1)]
    furniture = learn_furniture(pages)
    assert "Nos dossiers" not in furniture
    article = parse_page(pages[0], doc_id="g", path="g.txt", furniture=furniture)
    assert article.title == STORIES[0][0]
    assert article.body.startswith(STORIES[0][2])
    assert not any(headline in article.body for headline in RELATED)


def test_second_site_read_alone_then_with_its_folder():
    alone = parse_page(bulletin_page(2), doc_id="b", path="b.txt")
    assert alone.title == STORIES[2][0]
    assert alone.body.startswith(STORIES[2][2]) and RELATED[2] not in alone.body
    furniture = learn_furniture([bulletin_page(n) for n in range(6)])
    learned = parse_page(bulletin_page(2), doc_id="b", path="b.txt", furniture=furniture)
    assert (learned.title, learned.body) == (STORIES[2][0], STORIES[2][2])


def test_counts_round_trip_through_json_and_forget_removed_pages():
    pages = [gazette_page(n) for n in range(6)]
    furniture = learn_furniture(pages)
    restored = Furniture.from_json(json.loads(json.dumps(furniture.to_json())))
    assert restored == furniture
    for page in pages[:3]:
        restored.remove(page_keys(page))
    assert [site.pages for site in restored.sites] == [3]
    assert "Nos dossiers" not in restored
    assert Furniture.from_json({"format": -1}) == Furniture()


def test_incremental_counting_matches_learning_at_once():
    pages = [gazette_page(n) for n in range(6)] + [bulletin_page(n) for n in range(6)]
    one_by_one = Furniture()
    for page in pages:
        one_by_one.add(page_keys(page))
    assert one_by_one == learn_furniture(pages)


def test_headline_chosen_over_site_name_section_and_town_lines():
    paragraphs = [
        "Le Courrier des Vallées",
        "Faits divers",
        "Saint-Jean-des-Prés",
        "Un randonneur secouru après deux nuits en montagne",
        "Par Claire Dumas",
        "Un randonneur égaré depuis samedi a été retrouvé sain et sauf par les secours en montagne.",
        "Le randonneur souffrait d'une légère hypothermie selon les secours.",
    ]
    page = "\n\n".join(paragraphs)
    article = parse_page(page, doc_id="r", path="r.txt")
    assert article.title == "Un randonneur secouru après deux nuits en montagne"
    assert "Saint-Jean" not in article.body and "Claire Dumas" not in article.body


def test_file_name_slug_is_evidence_for_the_headline():
    paragraphs = [
        "Nouvelle saison au théâtre municipal",
        "La mairie annonce la fermeture du pont suspendu",
        "Travaux tout l'été.",
    ]
    page = "\n\n".join(paragraphs)
    plain = parse_page(page, doc_id="p", path="p.txt")
    slugged = parse_page(page, doc_id="p", path="mairie-fermeture-pont-suspendu.txt")
    assert plain.title == "Nouvelle saison au théâtre municipal"
    assert slugged.title == "La mairie annonce la fermeture du pont suspendu"


def test_headline_lists_teasers_captions_and_tags_are_not_text():
    body = [
        "Le conseil régional a adopté jeudi un budget en hausse de quatre pour cent pour l'année prochaine.",
        "La majorité a salué un budget tourné vers les transports, l'opposition a voté contre le texte.",
    ]
    page_lines = [
        "Le budget régional adopté en hausse",
        "",
        "Une vue de l'hémicycle régional. (Photo : Paul Martin / Agence Régionale)",
        "",
        body[0],
        "",
        "Lire",
        "Les lycées de la région rénovés d'ici trois ans",
        "",
        body[1],
        "",
        "Les transports gratuits pour les moins de vingt ans",
        "Un nouveau président pour le comité du tourisme",
        "",
        "Mots-clés : Région · Budget · Conseil régional",
    ]
    page = "\n".join(page_lines)
    article = parse_page(page, doc_id="b", path="b.txt")
    assert article.body == "\n\n".join(body)


def test_signatures_and_photographer_credits_are_not_text_but_bracketed_names_in_headlines_are():
    paragraphs = [
        "Le départ surprise du directeur (Jean Valmont)",
        "Claire MOREAU.",
        "Publié le 03/06/2021 à 13h00",
        "La façade du siège, le 2 juin. (Paul Lenoir pour Le Quotidien)",
        "Le directeur de l'usine a annoncé son départ mardi, après dix ans à la tête du site.",
        "Son successeur sera nommé avant l'été, a précisé la direction du groupe. (AFP)",
    ]
    page = "\n\n".join(paragraphs)
    article = parse_page(page, doc_id="s", path="s.txt")
    assert article.title == "Le départ surprise du directeur (Jean Valmont)"
    assert article.lede is None
    assert article.body == (
        "Le directeur de l'usine a annoncé son départ mardi, après dix ans à la tête du site.\n\n"
        "Son successeur sera nommé avant l'été, a précisé la direction du groupe."
    )
    assert article.agencies == ["AFP"]


def test_signup_boxes_share_buttons_footer_blocks_and_labelled_teasers_without_learning():
    text = [
        "Les pêcheurs de la baie ont obtenu mardi un report de la fermeture de la pêche à la coquille.",
        "La préfecture a accepté de repousser la date de deux semaines, a indiqué le comité des pêches.",
    ]
    page_lines = [
        "Les pêcheurs obtiennent un report de la fermeture",
        "",
        "Le port au petit matin. (Capture d'écran)",
        "",
        text[0],
        "",
        "Facebook",
        "WhatsApp",
        "",
        text[1],
        "",
        "En continu",
        "08:15 Un chalutier en difficulté au large du cap",
        "07:50 La criée ouvre un nouveau hangar",
        "",
        "Réservé",
        "Les îles manquent de médecins cet été",
        "",
        "La lettre du Littoral",
        "Chaque soir, les nouvelles de la côte et des ports, dans votre boîte.",
        "Votre adresse e-mail",
        "Je m'inscris",
        "",
        "Le Littoral",
        "Qui sommes-nous ?",
        "Mentions légales",
    ]
    page = "\n".join(page_lines)
    article = parse_page(page, doc_id="l", path="l.txt")
    assert article.title == "Les pêcheurs obtiennent un report de la fermeture"
    assert article.body == "\n\n".join(text)


# An invented site that sets its standfirst under the byline, where one page cannot tell it from the text.
CHRONICLE = [
    ("Le vieux pont de pierre sera restauré cet été", "Le vieux pont de pierre sera restauré par la commune.",
     ("La commune a choisi une entreprise locale pour restaurer le vieux pont de pierre, fermé aux voitures "
     "depuis deux ans, et les travaux dureront tout l'été selon le maire.")),
    ("La fromagerie du village agrandit son atelier", "La fromagerie du village agrandit son atelier de caves.",
     ("Pour répondre aux commandes, la fromagerie du village va doubler la taille de son atelier et creuser "
     "deux nouvelles caves d'affinage sous la colline, a annoncé sa gérante.")),
    ("Un club de randonnée balise trente kilomètres de sentiers", "Le club de randonnée balise de nouveaux sentiers.",
     ("Les bénévoles du club de randonnée ont balisé trente kilomètres de sentiers entre les trois villages de la "
     "vallée, avec des panneaux qui racontent l'histoire des lieux.")),
    ("L'école de musique accueille deux cents élèves", "L'école de musique accueille deux cents élèves cette année.",
     ("Avec deux cents élèves inscrits à la rentrée, l'école de musique a dû ouvrir deux classes de guitare et "
     "recruter un professeur de batterie, une première depuis sa création.")),
    ("Les vendanges commencent avec une semaine d'avance", "Les vendanges commencent plus tôt dans les vignes.",
     ("La chaleur de l'été a mûri les raisins plus vite que prévu et les vendanges commencent dans les vignes "
     "de la côte avec une semaine d'avance sur le calendrier habituel.")),
    ("La piscine municipale rouvre ses bassins rénovés", "La piscine municipale rouvre après sa rénovation.",
     ("Fermée depuis l'automne pour une rénovation complète, la piscine municipale rouvre lundi ses deux bassins "
     "et un toboggan tout neuf, au prix d'entrée inchangé.")),
]


def chronicle_page(number: int) -> str:
    """A page of an invented site: masthead, headline, a byline with the date, the standfirst under it."""
    title, lede, text = CHRONICLE[number]
    return "\n".join([
        "La Chronique du Val",
        "",
        title,
        "",
        f"Par Jeanne Morel | {number + 3}/06/2022",
        "",
        lede,
        "",
        text,
        "",
        "Les habitants pourront suivre le projet lors des prochaines réunions publiques organisées à la mairie.",
    ])


def test_a_site_that_sets_its_standfirst_under_the_byline_is_learned():
    pages = [chronicle_page(number) for number in range(len(CHRONICLE))]
    alone = parse_page(pages[0], doc_id="c", path="c.txt")
    assert alone.lede is None and alone.body.startswith(CHRONICLE[0][1])
    learned = learn_furniture(pages)
    for number, page in enumerate(pages):
        article = parse_page(page, doc_id="c", path="c.txt", furniture=learned)
        assert article.lede == CHRONICLE[number][1]
        assert article.body.startswith(CHRONICLE[number][2])
    # Saved with the counts: an index reading its furniture back knows the place too.
    again = Furniture.from_json(json.loads(json.dumps(learned.to_json())))
    assert parse_page(pages[1], doc_id="c", path="c.txt", furniture=again).lede == CHRONICLE[1][1]


def _kinds(page: str) -> tuple[list[str], list]:
    lines = [line.strip() for line in page.split("\n")]
    return lines, classify_lines(lines)


def test_a_first_paragraph_under_the_byline_stays_in_the_text():
    """A site whose first paragraph under the byline is longer than the next and says new things has no
    standfirst there, however many pages it has."""
    pages = [
        chronicle_page(number).replace(CHRONICLE[number][1] + "\n\n" + CHRONICLE[number][2],
                                       CHRONICLE[number][2] + "\n\n" + "Rien n'a encore été décidé pour la suite, ont "
                                       "prévenu les élus lors de la dernière séance du conseil.")
        for number in range(len(CHRONICLE))
    ]
    learned = learn_furniture(pages)
    assert all(paragraph_after_byline(*_kinds(page)) for page in pages)
    article = parse_page(pages[2], doc_id="c", path="c.txt", furniture=learned)
    assert article.lede is None and article.body.startswith(CHRONICLE[2][2])
