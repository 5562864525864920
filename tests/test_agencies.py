"""Agency credits: the table of wire services and where a name counts as a credit."""

from __future__ import annotations

import pytest

from seekwire.extract import parse_page
from seekwire.extract.agencies import agencies_in, is_credit_line, split_closing_tag, split_dateline


@pytest.mark.parametrize(
    ("credit", "agencies"),
    [
        ("Par Jeanne Martin avec l'Agence France-Presse", ["AFP"]),
        ("Photo : Keystone-ATS", ["ATS"]),
        ("Par la rédaction avec Algérie Presse Service", ["APS"]),
        ("Source : Maghreb Arabe Presse", ["MAP"]),
        ("Photo : Agence ivoirienne de presse", ["AIP"]),
        ("Crédit : KYODO", ["Kyodo"]),
        ("Photo : Yonhap / EPA", ["Yonhap"]),
        ("Source : Prensa Latina", ["Prensa Latina"]),
        ("Photo : Vietnam News Agency", ["VNA"]),
        ("Avec TAP et PANA", ["TAP", "PANA"]),
        ("Photo : RIA Novosti / Sputnik", ["RIA Novosti", "Sputnik"]),
        ("Par Belga", ["Belga"]),
    ],
)
def test_wire_services_and_their_aliases(credit, agencies):
    assert is_credit_line(credit)
    assert agencies_in(credit) == agencies


def test_short_names_count_only_as_spelled():
    assert agencies_in("un map du quartier, Ami de longue date, ap") == []
    assert agencies_in("MAP, AMI, AP") == ["MAP", "AMI", "AP"]


@pytest.mark.parametrize(
    ("caption", "agencies"),
    [
        ("Une rue du centre-ville. © Jeanne Martin/REUTERS", ["Reuters"]),
        ("Vue générale de la salle. | AFP", ["AFP"]),
        ("Des policiers sur les lieux. (Paul Durand/AP)", ["AP"]),
        ("Photo d'archives. (Photo: AP Photo/Marc Petit)", ["AP"]),
        ("Le port d'Abidjan, le 3 juin. © Awa Koné/AIP", ["AIP"]),
    ],
)
def test_a_caption_closed_by_its_photo_credit_is_a_credit_line(caption, agencies):
    assert is_credit_line(caption)
    assert agencies_in(caption) == agencies


@pytest.mark.parametrize(
    "paragraph",
    [
        "Les secours sont arrivés dans la nuit, a-t-il précisé. (AFP)",
        "Il a déclaré à l'AFP qu'il ne se représenterait pas.",
        "Le ministre a confirmé la nouvelle à Reuters | dans la soirée",
    ],
)
def test_article_text_is_not_a_credit_line(paragraph):
    assert not is_credit_line(paragraph)


def test_an_acronym_after_the_name_it_abbreviates_is_no_closing_tag():
    sentence = "a réagi le président de l'Association brésilienne de la presse (ABP)."
    assert split_closing_tag(sentence) == (sentence, [])
    assert split_closing_tag("a-t-il précisé (AP)") == ("a-t-il précisé", ["AP"])
    # Initials that happen to spell the tag, in a finished sentence, do not make it an abbreviation.
    closed = "Il sera débattu à l'Assemblée à partir du 28 septembre. (APS)"
    assert split_closing_tag(closed) == (closed.removesuffix(" (APS)"), ["APS"])


def test_photo_credits_of_an_unknown_site_are_found_in_page_order():
    page = """Le Courrier des Lagunes

Un nouveau pont inauguré à Abidjan

Par Awa Koné avec APA

Publié le 3 juin 2020 à 10h15

Le pont, le jour de l'inauguration. © Paul Yao/AIP

Le nouveau pont relie désormais les deux rives de la lagune, a annoncé le ministre, qui a déclaré à l'AFP \
que les travaux avaient duré quatre ans.

La circulation y sera gratuite pendant un mois.
"""
    article = parse_page(page, doc_id="t", path="t.txt")
    assert article.agencies == ["APA", "AIP"]
    assert "Paul Yao" not in article.body


@pytest.mark.parametrize(
    ("paragraph", "text", "agencies"),
    [
        ("Abidjan (AFP) - Le président a dissous", "Le président a dissous", ["AFP"]),
        ("Rio de Janeiro (Reuters) -- Le carnaval", "Le carnaval", ["Reuters"]),
        ("Dakar, 3 juin (APS) - Le gouvernement", "Le gouvernement", ["APS"]),
        ("Abidjan - Une phrase qui commence par un nom", "Abidjan - Une phrase qui commence par un nom", []),
    ],
)
def test_a_dateline_with_a_place_written_as_a_name_needs_its_credit(paragraph, text, agencies):
    assert split_dateline(paragraph) == (text, agencies)
