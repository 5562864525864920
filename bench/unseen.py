"""Page understanding on sites it has never seen: articles rendered in page layouts no rule was written on.

The eight development layouts have all been looked at while the extraction rules were written, so their
figures, even left out one at a time, are optimistic. This script renders OrangeSum articles that are in none
of the development crawls as the pages of three invented sites, written after the rules and never used to change
them: a regional radio (breadcrumb, menu, share line, "À lire aussi" inside the text, a photo credit, a list of
latest headlines, a legal footer), a weekly magazine (subscription bar, a full date with a weekday and "Lecture :
N min", a newsletter box, "Sur le même sujet" headlines, an address footer), a wire-service feed (a year-less
dateline "LYON, 12 mars (AFP) - ", keywords and a reserved-rights line, Windows-1252 with CRLF, the year given by
the file's modification time only), a television news site (publication and update times, a video label,
"À voir aussi" and a numbered "Les plus lus" list) and a news portal (a byline with a weekday date, "Source :
AFP", a share line, "Articles similaires", UTF-8 with a BOM). The first three were looked at once, and the date
and one-line-list rules mended after; the last two were scored as they came. Each page gets a gold row in the development crawls' format and is scored
as `bench/extraction.py` scores a crawl, with furniture learned from the folder and without:

    python bench/unseen.py [--shared DIR] [--out DIR] [--per-layout N]

The rendered pages are written to a temporary directory (or --out) and never kept in the repository.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import os
import random
import sys
import tempfile
from pathlib import Path

import click
from tabulate import tabulate

sys.path.insert(0, str(Path(__file__).resolve().parent))

import extraction

MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre"]
WEEKDAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
CITIES = ["LYON", "MARSEILLE", "BRUXELLES", "GENÈVE", "DAKAR", "MONTRÉAL", "TUNIS", "BORDEAUX", "LILLE", "NANTES"]
SECTIONS = ["Monde", "France", "Société", "Économie", "Politique"]


def page(lines: list[str], publisher: str | None, lede: str | None, *, date_source: str = "text",
         encoding: str = "utf-8", crlf: bool = False) -> tuple[str, dict]:
    """A page's text, and the gold keys its layout decides."""
    text = "\n".join(lines) + "\n"
    return text.replace("\n", "\r\n") if crlf else text, {
        "publisher": publisher, "date_source": date_source, "lede": lede, "encoding": encoding, "crlf": crlf}


def radio(article: dict, others: list[str], moment: dt.datetime, rng: random.Random) -> tuple[str, dict]:
    site = "Radio Horizon Sud"
    section = rng.choice(SECTIONS)
    paragraphs = article["paragraphs"]
    middle = len(paragraphs) // 2
    body = paragraphs[:middle] + [f"À lire aussi : {others[0]}"] + paragraphs[middle:]
    lines = [
        f"Accueil > {section} > Actualités",
        f"{site} - L'info en continu, 24h/24",
        "Direct | Podcasts | Météo | Trafic | Nous contacter",
        section.upper(),
        "",
        article["title"],
        "",
        article["lede"],
        "",
        f"Par la rédaction avec AFP | {moment:%d.%m.%Y}, {moment:%H:%M}",
        "Partager sur Facebook   Partager sur X   Copier le lien",
        "",
        *[part for paragraph in body for part in (paragraph, "")],
        f"Une vue de la ville, le {moment.day} {MONTHS[moment.month - 1]}. © AFP",
        "",
        "Nos derniers articles",
        *others[1:5],
        "",
        f"{site} © {moment.year} - Tous droits réservés - Mentions légales - Politique de confidentialité",
        "Fréquences : 98.4 FM Nîmes, 101.2 FM Montpellier, 95.1 FM Alès",
    ]
    return page(lines, site, article["lede"])


def magazine(article: dict, others: list[str], moment: dt.datetime, rng: random.Random) -> tuple[str, dict]:
    site = "Hebdo-Monde"
    minutes = max(2, len(" ".join(article["paragraphs"]).split()) // 200)
    date = f"{WEEKDAYS[moment.weekday()]} {moment.day} {MONTHS[moment.month - 1]} {moment.year}"
    lines = [
        "HEBDO-MONDE",
        "S'abonner   Se connecter   Le kiosque",
        f"{rng.choice(SECTIONS)} · {rng.choice(['Enquête', 'Décryptage', 'Actualité'])}",
        article["title"],
        f"Mis en ligne le {date} à {moment:%H}h{moment:%M} — Lecture : {minutes} min",
        article["lede"],
        *article["paragraphs"],
        "(avec AFP)",
        "Vous avez aimé cet article ? Recevez notre lettre d'information chaque matin.",
        "Votre adresse e-mail",
        "Je m'inscris",
        "Sur le même sujet",
        *others[:3],
        "Publicité",
        f"{site} SAS, 12 rue des Lilas, 75011 Paris — Directeur de la publication : Paul Martin",
    ]
    return page(lines, site, article["lede"])


def wire(article: dict, others: list[str], moment: dt.datetime, rng: random.Random) -> tuple[str, dict]:
    city = rng.choice(CITIES)
    first, *rest = article["paragraphs"]
    lines = [
        "Fil d'actualité | Les dépêches | Les plus lus",
        "",
        article["title"],
        "",
        f"{city}, {moment.day} {MONTHS[moment.month - 1]} (AFP) - {first}",
        "",
        *[part for paragraph in rest for part in (paragraph, "")],
        f"Mots-clés : {rng.choice(SECTIONS)}, {rng.choice(SECTIONS)}, AFP",
        "Tous droits de reproduction et de représentation réservés.",
        f"Dernières dépêches : {others[0]} | {others[1]}",
    ]
    return page(lines, None, None, date_source="text+mtime", encoding="cp1252", crlf=True)


def television(article: dict, others: list[str], moment: dt.datetime, rng: random.Random) -> tuple[str, dict]:
    site = "TéléInfo 24"
    updated = moment + dt.timedelta(hours=rng.randrange(1, 5))
    lines = [
        "TéléInfo 24 | En direct | Replay | Programmes TV",
        "Rechercher",
        f"Info › {rng.choice(SECTIONS)}",
        article["title"],
        article["lede"],
        (f"Publié le {moment:%d/%m/%Y} à {moment:%H}h{moment:%M}, mis à jour le {updated:%d/%m/%Y} à "
         f"{updated:%H}h{updated:%M}"),
        "Temps de lecture : 3 min",
        "VIDÉO - Les images de la journée",
        *article["paragraphs"],
        "Avec AFP",
        "À voir aussi",
        *others[:2],
        "Les plus lus",
        *[f"{n}. {title}" for n, title in enumerate(others[2:5], start=1)],
        f"© {site} {moment.year} — Conditions générales d'utilisation — Gestion des cookies",
    ]
    return page(lines, site, article["lede"])


def portal(article: dict, others: list[str], moment: dt.datetime, rng: random.Random) -> tuple[str, dict]:
    site = "Le Portail Sahel"
    weekday = WEEKDAYS[moment.weekday()].capitalize()
    lines = [
        "Accueil | Politique | Économie | Sport | Culture | Contact",
        "",
        article["title"],
        "",
        (f"Par Ahmed Koné | Publié le {weekday}, {moment.day} {MONTHS[moment.month - 1]} {moment.year} "
         f"{moment:%H:%M}"),
        "",
        article["lede"],
        "",
        *[part for paragraph in article["paragraphs"] for part in (paragraph, "")],
        "Source : AFP",
        "",
        "Partager : Facebook Twitter WhatsApp LinkedIn",
        "",
        "Articles similaires",
        *others[:4],
        "",
        f"© {moment.year} {site}. Tous droits réservés. Reproduction interdite sans autorisation.",
    ]
    return page(lines, site, article["lede"], encoding="utf-8-sig")


LAYOUTS = {"x": radio, "y": magazine, "z": wire, "v": television, "w": portal}


def held_out_articles(shared: Path, count: int) -> list[dict]:
    """AFP articles of the OrangeSum file that no development crawl holds, with a lede and three paragraphs,
    in a fixed pseudo-random order."""
    used = set()
    for crawl in ("dumps-dev", "dumps-dev-b", "html-dev", "wikinews-dev", "wikinews-dev-b"):
        gold = shared / "corpus" / crawl / "gold.jsonl"
        if gold.exists():
            with gold.open(encoding="utf-8") as rows:
                used |= {json.loads(line).get("source_id") for line in rows}
    found = []
    with gzip.open(shared / "corpus" / "orangesum-dev.jsonl.gz", "rt", encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            paragraphs = [p.strip() for p in (record.get("body") or "").split("\n\n") if p.strip()]
            if (record["id"] in used or record.get("agency") != "AFP" or not record.get("lede")
                    or len(paragraphs) < 3 or not all(_encodable(p) for p in [record["title"], *paragraphs])):
                continue
            found.append({**record, "paragraphs": paragraphs})
    found.sort(key=lambda r: hashlib.blake2b(r["id"].encode(), digest_size=8).digest())
    return found[:count]


def _encodable(text: str) -> bool:
    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def render(shared: Path, out: Path, per_layout: int, *, layouts: dict = LAYOUTS, suffix: str = ".txt",
           name: str = "unseen") -> Path:
    """Write the pages of `layouts` and the gold.jsonl of a held-out crawl under `out`/corpus/`name`; returns
    its folder. A layout's extra keys override the gold row's defaults."""
    crawl = out / "corpus" / name
    crawl.mkdir(parents=True, exist_ok=True)
    articles = held_out_articles(shared, per_layout * len(layouts) + 50)
    headlines = [a["title"] for a in articles[per_layout * len(layouts):]]
    rows = []
    for number, article in enumerate(articles[: per_layout * len(layouts)]):
        template = list(layouts)[number % len(layouts)]
        rng = random.Random(article["id"])
        day = dt.date.fromisoformat(article["date"])
        moment = dt.datetime.combine(day, dt.time(rng.randrange(6, 22), rng.randrange(60)))
        saved = moment + dt.timedelta(hours=rng.randrange(1, 60))
        others = rng.sample(headlines, 5)
        text, extra = layouts[template](article, others, moment, rng)
        file = f"{number:04d}_{hashlib.blake2b(article['id'].encode(), digest_size=8).hexdigest()}{suffix}"
        path = crawl / file
        path.write_bytes(text.encode(extra["encoding"]))
        stamp = saved.replace(tzinfo=dt.UTC).timestamp()
        os.utime(path, (stamp, stamp))
        rows.append({"file": file, "title": article["title"], "date": article["date"],
                     "time": f"{moment:%H:%M}" if template != "z" else None, "agencies": ["AFP"],
                     "template": template, "boilerplate": "full",
                     "mtime": saved.strftime("%Y-%m-%dT%H:%M:%SZ"), "body": "\n\n".join(article["paragraphs"]),
                     "source_id": article["id"], "url": article.get("url"), **extra})
    with (crawl / "gold.jsonl").open("w", encoding="utf-8") as gold:
        for row in rows:
            gold.write(json.dumps(row, ensure_ascii=False) + "\n")
    return crawl


@click.command()
@click.option("--shared", type=click.Path(file_okay=False, path_type=Path), default=extraction.DEFAULT_SHARED,
              show_default=True)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where to write the rendered crawl (default: a temporary directory).")
@click.option("--per-layout", type=int, default=150, show_default=True, help="Pages per invented layout.")
def main(shared: Path, out: Path | None, per_layout: int) -> None:
    """Render held-out articles as pages of three invented sites and score page understanding on them."""
    with tempfile.TemporaryDirectory() as temporary:
        root = out or Path(temporary)
        score(extraction.load_crawl(render(shared, root, per_layout), None))


def score(crawl: extraction.Crawl) -> None:
    """Print the crawl's scores per layout and in all, with furniture learned from its pages and without."""
    furniture = extraction.learn_furniture(crawl.visible())
    rows = []
    for label, learned in (("learned furniture", furniture), ("page signals only", None)):
        _, scores, _ = extraction.run_crawl(crawl, learned)
        by_template: dict[str, list] = {}
        for page_score in scores:
            by_template.setdefault(page_score.template, []).append(page_score)
        for template, group in [*sorted(by_template.items()), ("all", scores)]:
            rows.append({"reading": label, "layout": template, **extraction.summarise(group)})
    click.echo(tabulate(rows, headers="keys", floatfmt=".3f"))


if __name__ == "__main__":
    main()
