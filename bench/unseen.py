"""Page understanding on sites it has never seen: articles rendered in page layouts no rule was written on.

The eight development layouts have all been looked at while the extraction rules were written, so their
figures, even left out one at a time, are optimistic. This script renders OrangeSum articles that are in none
of the development crawls as the pages of invented sites, with a gold row each in the development crawls'
format, scored as `bench/extraction.py` scores a crawl, with furniture learned from the folder and without.

Five layouts are seen: a regional radio (x: breadcrumb, menu, share line, "À lire aussi" inside the text, a
photo credit, a list of latest headlines, a legal footer), a weekly magazine (y: subscription bar, a full date
with a weekday and "Lecture : N min", a newsletter box, "Sur le même sujet" headlines, an address footer), a
wire-service feed (z: a year-less dateline "LYON, 12 mars (AFP) - ", keywords and a reserved-rights line,
Windows-1252 with CRLF, the year given by the file's modification time only), a television news site (v:
publication and update times, a video label, "À voir aussi" and a numbered "Les plus lus" list) and a news
portal (w: a byline with a weekday date, "Source : AFP", a share line, "Articles similaires", UTF-8 with a
BOM). Their failures were looked at and rules mended after, so they are development layouts now.

Three are held out (`HELD_OUT`), written before the extraction was changed for them and scored only: a sports
site (s: no blank lines, "Publié le 12/03 à 18h40 | Author" without a year, the standfirst under it, a box of
scores), an African daily (a: a masthead in capitals, a dateline crediting the national agency, the wire
credited as "Agence France-Presse", a "Lire aussi" block inside the text) and an organisation's press release
(r: "Ville, le 3 mars 2020", the standfirst under it, an "about" paragraph, a press contact, no agency).
Their aggregate failures led to general fixes, so they are not strictly unseen any more.

Two are fresh (`FRESH`), written after every change to the extraction and scored as they came: a Québec daily
(q: "14 h 05", the wire credited by its full name in the byline, no standfirst) and a Belgian daily (b: a
kicker, dates "03-03-20 à 18:40" with a two-digit year and an update stamp, "(Belga)" on its own line).
`--show-failures` prints pages of the seen layouts only: a held-out page looked at is no longer held out.

    python bench/unseen.py [--shared DIR] [--out DIR] [--per-layout N] [--show-failures N]

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
         encoding: str = "utf-8", crlf: bool = False, **gold: object) -> tuple[str, dict]:
    """A page's text, and the gold keys its layout decides (`gold`: `agencies` and `time` when they are not
    the article's agency and the time it was rendered with)."""
    text = "\n".join(lines) + "\n"
    return text.replace("\n", "\r\n") if crlf else text, {
        "publisher": publisher, "date_source": date_source, "lede": lede, "encoding": encoding, "crlf": crlf,
        **gold}


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


CLUBS = ["Lyon", "Nantes", "Lens", "Lille", "Brest", "Rennes", "Nice", "Reims", "Metz", "Lorient", "Toulouse",
         "Montpellier"]
REPORTERS = ["Julien Mercier", "Sarah Benali", "Thomas Roux", "Claire Fontaine", "Yannick Obiang"]


def sports(article: dict, others: list[str], moment: dt.datetime, rng: random.Random) -> tuple[str, dict]:
    """A sports site: the day and month without a year, the author on the date line, the standfirst under it,
    and a box of scores beside the text."""
    site = "Stade & Tribunes"
    clubs = rng.sample(CLUBS, 6)
    scores = [f"{home} {rng.randrange(5)}-{rng.randrange(5)} {away}" for home, away in zip(clubs[::2], clubs[1::2],
                                                                                           strict=True)]
    lines = [
        "STADE & TRIBUNES",
        "Football   Rugby   Tennis   Cyclisme   Basket   Résultats",
        rng.choice(["Ligue 1", "Top 14", "Coupe de France", "Omnisports"]),
        article["title"],
        f"Publié le {moment:%d/%m} à {moment:%H}h{moment:%M} | {rng.choice(REPORTERS)}",
        article["lede"],
        *article["paragraphs"],
        "Les derniers résultats",
        *scores,
        "Plus de sport",
        *others[:3],
        "Stade & Tribunes, le sport en continu depuis 2004 — Nous écrire — Mentions légales",
    ]
    return page(lines, site, article["lede"], date_source="text+mtime", agencies=[])


def african_daily(article: dict, others: list[str], moment: dt.datetime, rng: random.Random) -> tuple[str, dict]:
    """An African daily: masthead in capitals, a dateline crediting the national agency, the wire credited by
    its full name, and a "Lire aussi" block inside the text."""
    site = "Le Quotidien du Fleuve"
    first, *rest = article["paragraphs"]
    middle = max(1, len(rest) // 2)
    city = rng.choice(["DAKAR", "ABIDJAN", "BAMAKO", "NIAMEY", "LOMÉ", "COTONOU", "CONAKRY"])
    agency = {"DAKAR": "APS", "ABIDJAN": "AIP", "BAMAKO": "AMAP", "NIAMEY": "ANP", "LOMÉ": "ATOP",
              "COTONOU": "ABP", "CONAKRY": "AGP"}[city]
    lines = [
        "LE QUOTIDIEN DU FLEUVE",
        "Actualité   Politique   Économie   Société   Sports   Culture   Région",
        "",
        article["title"],
        "",
        article["lede"],
        "",
        f"{moment.day} {MONTHS[moment.month - 1]} {moment.year}",
        "",
        f"{city}, {moment.day} {MONTHS[moment.month - 1]} ({agency}) - {first}",
        "",
        *[part for paragraph in rest[:middle] for part in (paragraph, "")],
        "Lire aussi",
        others[0],
        others[1],
        "",
        *[part for paragraph in rest[middle:] for part in (paragraph, "")],
        "Avec Agence France-Presse",
        "",
        "Commentaires (0)",
        "",
        "Le Quotidien du Fleuve - Journal d'information générale - Dakar, Sénégal",
    ]
    return page(lines, site, article["lede"], agencies=[agency, "AFP"], time=None)


def press_release(article: dict, others: list[str], moment: dt.datetime, rng: random.Random) -> tuple[str, dict]:
    """An organisation's press release: a label above the headline, "Ville, le 3 mars 2020" under it, the
    standfirst, an "about" paragraph and a press contact; no agency is credited."""
    site = "Fédération des Usagers du Rail"
    lines = [
        "Espace presse > Communiqués",
        "",
        "COMMUNIQUÉ DE PRESSE",
        "",
        article["title"],
        "",
        f"{rng.choice(['Paris', 'Lyon', 'Bordeaux', 'Strasbourg'])}, le {moment.day} {MONTHS[moment.month - 1]} "
        + str(moment.year),
        "",
        article["lede"],
        "",
        *[part for paragraph in article["paragraphs"] for part in (paragraph, "")],
        "À propos de la Fédération des Usagers du Rail",
        ("La Fédération des Usagers du Rail rassemble depuis 1978 les associations d'usagers des transports "
         "ferroviaires de toutes les régions."),
        "",
        "Contact presse : Marie Lefort – 01 44 55 66 77 – presse@usagers-rail.fr",
        "",
        f"{site} © {moment.year}",
    ]
    return page(lines, site, article["lede"], agencies=[], time=None)


def quebec(article: dict, others: list[str], moment: dt.datetime, rng: random.Random) -> tuple[str, dict]:
    """A Québec daily: times written "14 h 05", a byline crediting the wire by its full name, no standfirst,
    "À lire aussi" headlines after the article, an error-report link."""
    site = "Le Nouvelliste du Nord"
    lines = [
        "Le Nouvelliste du Nord",
        "Accueil › Actualités › International",
        "",
        article["title"],
        "",
        "Marie Tremblay | Agence France-Presse",
        f"Publié le {moment.day} {MONTHS[moment.month - 1]} {moment.year} à {moment.hour} h {moment:%M}",
        "",
        *[part for paragraph in article["paragraphs"] for part in (paragraph, "")],
        "Partager  Courriel  Imprimer",
        "Signaler une erreur",
        "",
        "À lire aussi",
        *others[:3],
        "",
        f"© {site} {moment.year}. Tous droits réservés.",
    ]
    return page(lines, site, None)


def belgian(article: dict, others: list[str], moment: dt.datetime, rng: random.Random) -> tuple[str, dict]:
    """A Belgian daily: a kicker in capitals, the standfirst between headline and date, dates written
    "03-03-20 à 18:40" with a two-digit year, the national agency credited in brackets on its own line."""
    site = "La Gazette de Liège"
    updated = moment + dt.timedelta(hours=rng.randrange(1, 20))
    lines = [
        "La Gazette de Liège | Mon compte | S'abonner",
        "",
        "MONDE",
        article["title"],
        article["lede"],
        f"Publié le {moment:%d-%m-%y} à {moment:%H:%M} - Mis à jour le {updated:%d-%m-%y} à {updated:%H:%M}",
        "",
        *[part for paragraph in article["paragraphs"] for part in (paragraph, "")],
        "(Belga)",
        "",
        "Les plus lus",
        *[f"{n}. {title}" for n, title in enumerate(others[:3], start=1)],
        "",
        f"{site} - Rue de la Régence 12, 4000 Liège - TVA BE 0400.000.000",
    ]
    return page(lines, site, article["lede"], agencies=["Belga"])


SEEN = {"x": radio, "y": magazine, "z": wire, "v": television, "w": portal}
# Written before the extraction was changed for them and never looked at to change it: the held-out layouts.
HELD_OUT = {"s": sports, "a": african_daily, "r": press_release}
FRESH = {"q": quebec, "b": belgian}
LAYOUTS = {**SEEN, **HELD_OUT, **FRESH}


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


def render(shared: Path, out: Path, per_layout: int, *, groups: tuple[dict, ...] = (SEEN, HELD_OUT, FRESH),
           suffix: str = ".txt", name: str = "unseen") -> Path:
    """Write the pages and gold.jsonl of a held-out crawl under `out`/corpus/`name`; returns its folder.

    The first group of layouts takes the first articles, the 50 after them are the headlines pages list, and
    each later group takes the articles after those: the five seen layouts keep the articles they had before
    the held-out ones were added, so that their figures stay comparable. A layout's extra keys override the
    gold row's defaults."""
    crawl = out / "corpus" / name
    crawl.mkdir(parents=True, exist_ok=True)
    first = per_layout * len(groups[0])
    articles = held_out_articles(shared, first + 50 + sum(per_layout * len(group) for group in groups[1:]))
    headlines = [a["title"] for a in articles[first : first + 50]]
    pages = [(article, list(groups[0])[n % len(groups[0])]) for n, article in enumerate(articles[:first])]
    start = first + 50
    for group in groups[1:]:
        count = per_layout * len(group)
        pages += [(article, list(group)[n % len(group)]) for n, article in enumerate(articles[start : start + count])]
        start += count
    layouts = {template: layout for group in groups for template, layout in group.items()}
    rows = []
    for number, (article, template) in enumerate(pages):
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


def crawl_options(command):
    """The options every invented-site benchmark takes: where the corpus is, where to render, how many pages."""
    for option in reversed([
        click.option("--shared", type=click.Path(file_okay=False, path_type=Path),
                     default=extraction.DEFAULT_SHARED, show_default=True),
        click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
                     help="Where to write the rendered crawl (default: a temporary directory)."),
        click.option("--per-layout", type=int, default=150, show_default=True, help="Pages per invented layout."),
    ]):
        command = option(command)
    return command


@click.command()
@crawl_options
@click.option("--show-failures", type=int, default=0, help="Print the N worst pages of the seen layouts on stderr.")
def main(shared: Path, out: Path | None, per_layout: int, show_failures: int) -> None:
    """Render held-out articles as pages of invented sites and score page understanding on them."""
    with tempfile.TemporaryDirectory() as temporary:
        root = out or Path(temporary)
        groups = {"seen": SEEN, "held out": HELD_OUT, "fresh": FRESH}
        score(extraction.load_crawl(render(shared, root, per_layout), None), groups, show_failures)


def score(crawl: extraction.Crawl, groups: dict[str, dict], show_failures: int = 0) -> None:
    """Print the crawl's scores per layout and per group of layouts, with furniture learned from its pages and
    without; on stderr, the worst pages of the "seen" group only."""
    furniture = extraction.learn_furniture(crawl.visible())
    rows = []
    for label, learned in (("learned furniture", furniture), ("page signals only", None)):
        articles, scores, _ = extraction.run_crawl(crawl, learned)
        if show_failures and learned is not None and "seen" in groups:
            # Only the seen layouts: looking at a held-out page's failures would make it seen.
            seen = [i for i, row in enumerate(crawl.gold) if row["template"] in groups["seen"]]
            extraction.print_failures([articles[i] for i in seen],
                                      extraction.Crawl(crawl.name, [], [crawl.gold[i] for i in seen]),
                                      [scores[i] for i in seen], show_failures)
        by_template: dict[str, list] = {}
        for page_score in scores:
            by_template.setdefault(page_score.template, []).append(page_score)
        named = [(group, [s for s in scores if s.template in layouts]) for group, layouts in groups.items()]
        for template, group in [*sorted(by_template.items()), *named, ("all", scores)]:
            rows.append({"reading": label, "layout": template, **extraction.summarise(group)})
    click.echo(tabulate(rows, headers="keys", floatfmt=".3f"))


if __name__ == "__main__":
    main()
