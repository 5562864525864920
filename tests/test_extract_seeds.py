"""The two seed pages shipped with the repository, pinned field by field."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from seekwire.extract import parse_page

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def parse_seed(name: str, **options):
    path = next(SEEDS.glob(f"{name}_*.txt"))
    return parse_page(path.read_text(encoding="utf-8-sig"), doc_id=name, path=str(path), **options)


@pytest.fixture(scope="module")
def seed_000():
    return parse_seed("000")


@pytest.fixture(scope="module")
def seed_001():
    return parse_seed("001")


def test_seed_000_headline_not_update_stamp_or_breadcrumb(seed_000):
    assert seed_000.title == "La Chine souhaite renforcer la coopération institutionnelle avec le Kazakhstan"


def test_seed_000_publication_not_update_time(seed_000):
    assert (seed_000.date, seed_000.time, seed_000.date_source) == (dt.date(2023, 11, 28), "08:34", "text")


def test_seed_000_credits_and_body(seed_000):
    assert seed_000.agencies == ["Xinhua"]
    assert seed_000.body.startswith("La Chine est prête")
    assert seed_000.body.endswith("à un nouveau niveau.")
    for furniture in ("(Xinhua/Yan Yan)", "Rédacteurs", "Votre pseudo", "Page d'accueil", "mise à jour"):
        assert furniture not in seed_000.body
    assert seed_000.lede is None
    assert len(seed_000.body.split("\n\n")) == 7


def test_seed_001_headline_and_weekday_year_without_mtime(seed_001):
    assert seed_001.title == "Une liaison vidéo entre le Premier ministre chinois et son homologue kazakh"
    assert (seed_001.date, seed_001.date_source, seed_001.time) == (dt.date(2022, 11, 29), "weekday", None)


def test_seed_001_weekday_agrees_with_mtime():
    saved = dt.datetime(2022, 11, 30, 8, 0, tzinfo=dt.UTC).timestamp()
    assert parse_seed("001", mtime=saved).date == dt.date(2022, 11, 29)


def test_seed_001_credits_and_publisher(seed_001):
    assert seed_001.agencies == ["Xinhua", "VNA"]
    assert seed_001.publisher == "Le Courrier du Vietnam"


def test_seed_001_standfirst_apart_from_body(seed_001):
    assert seed_001.lede.startswith("Le Premier ministre chinois Li Keqiang a rencontré mardi 29 novembre")
    assert seed_001.body.startswith("La Chine et le Kazakhstan sont des voisins amis")
    assert seed_001.lede not in seed_001.body


def test_seed_001_body_has_no_furniture(seed_001):
    caption = "Le Premier ministre chinois Li Keqiang prend la parole lors d'un événement à Pékin."
    for furniture in (
        ">>",
        "Photo :",
        caption,
        "Adresse",
        "Tél",
        "E-mail",
        "back to top",
        "Rédactrice en chef",
        "Permis de publication",
        "VNA/CVN",
        "@",
    ):
        assert furniture not in seed_001.body
    assert len(seed_001.body.split("\n\n")) == 3
