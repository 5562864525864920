"""Saved web pages of sites it has never seen: held-out articles rendered as the HTML of six invented sites.

html-dev's four layouts were all looked at while the markup rules of `extract/html.py` were written, so their
figures, even left out one at a time, are optimistic. This script renders OrangeSum articles that no
development crawl holds as saved pages of six invented sites, each with markup traps the web is known for,
written down before they were first scored:

- a regional daily on a blog engine: `<title>` and `og:title` end with " - Site", `article:published_time`
  beside a later `article:modified_time` and a "Mis à jour" line, a cookie banner, a menu, a breadcrumb, a
  standfirst in `<p class="chapo">`, a photo credit, an "À lire aussi" box inside the article, share buttons,
  a "Les plus lus" sidebar and a legal footer;
- an African weekly of the table-layout years: Windows-1252 declared with `http-equiv`, a `<title>` and an
  `<h1>` that are the site's name, the headline in an `<h2>`, paragraphs separated by `<br>` inside one
  `<div>`, the date as "03/03/2019 - 18:40", the agency spelled out ("Agence France-Presse") on the
  last line, JSON-LD with the headline and date, a "Dans la même rubrique" list and a reader comment form;
- a news portal saved from a script-built page: no `<p>` at all (every paragraph a `<div>`), the date only in
  `<time datetime>` while the text shows no year, the publisher only in JSON-LD, a block of related links
  with no heading, and readers' comments under a French heading (no class a template convention would name);
- a television news site: the site's name before the headline in `<title>` ("Site | Headline"), the
  standfirst in an `<h2>` under the `<h1>` and in the meta description, "Le 03.03.2019 à 18:40, modifié le
  …", the publisher only as JSON-LD's `WebSite` in a `@graph`, an advertising label and a "LIRE AUSSI - "
  link between paragraphs, "Source : AFP", a tag list and a "Vidéos les plus vues" sidebar.

- an AMP page: `amp-img` and `amp-sidebar` elements, no standfirst, "Publié le 03/03/2019 à 18:40", a
  "Lire aussi : " paragraph whose headline alone is a link, "© AFP" after the article, "À la une" headlines;
- a blog-engine press review: no standfirst, a wire dateline ("LYON, 3 mars (AFP) - ") opening the article,
  "Par Marie Lambert, le <time>3 mars 2019</time>", a cut description, category and tag lines, links to the
  previous and next posts, "Vous aimerez aussi" and a colophon.

The first three were scored once, then the markup rules were mended on what they showed (the standfirst, the
confirmed date, a byline running into its date, "(avec AFP)"). The fourth was written before those changes and
first scored after them; its publisher, glimpsed wrong in an overall row before, was then mended too (JSON-LD's
`WebSite`, "Site | Headline"). The last two were written after every change and scored as they came.

Each page gets a gold row in the development crawls' format and is scored as `bench/extraction.py` scores a
crawl, with furniture learned from the folder and without:

    python bench/unseen_html.py [--shared DIR] [--out DIR] [--per-layout N]

The rendered pages are written to a temporary directory (or --out) and never kept in the repository.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import random
import re
import sys
import tempfile
from pathlib import Path

import click

sys.path.insert(0, str(Path(__file__).resolve().parent))

import extraction
import unseen
from unseen import CITIES, MONTHS, SECTIONS, WEEKDAYS, page


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60]


def daily(article: dict, others: list[str], moment: dt.datetime, rng: random.Random) -> tuple[str, dict]:
    site = "Le Courrier Atlantique"
    section = rng.choice(SECTIONS)
    updated = moment + dt.timedelta(days=1, hours=rng.randrange(1, 6))
    paragraphs = article["paragraphs"]
    middle = len(paragraphs) // 2
    body = [f"<p>{_e(p)}</p>" for p in paragraphs[:middle]]
    body.append(f'<div class="encadre"><strong>À lire aussi</strong> <a href="/a/1.html">{_e(others[0])}</a></div>')
    body += [f"<p>{_e(p)}</p>" for p in paragraphs[middle:]]
    menu = "".join(f'<li><a href="/{_slug(s)}/">{s}</a></li>' for s in ["Actualité", *SECTIONS, "Sports", "Météo"])
    popular = "".join(f'<li><a href="/a/{n}.html">{_e(t)}</a></li>' for n, t in enumerate(others[1:5], start=2))
    text = f"""<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8">
<title>{_e(article["title"])} - {site}</title>
<meta property="og:title" content="{_e(article["title"])} - {site}">
<meta property="og:site_name" content="{site}">
<meta property="og:type" content="article">
<meta property="article:published_time" content="{moment:%Y-%m-%dT%H:%M:%S}+01:00">
<meta property="article:modified_time" content="{updated:%Y-%m-%dT%H:%M:%S}+01:00">
<link rel="canonical" href="https://www.courrier-atlantique.example/{_slug(section)}/{_slug(article["title"])}.html">
<link rel="stylesheet" href="/wp-content/themes/courrier/style.css">
</head><body class="single single-post">
<div class="cookie-consent">Nous utilisons des cookies pour améliorer votre expérience et mesurer l'audience.
<a href="/cookies">En savoir plus</a> <a href="#">Accepter</a> <a href="#">Refuser</a></div>
<header class="site-header"><a class="logo" href="/"><img src="/logo.png" alt="{site}"></a>
<nav class="main-menu"><ul>{menu}</ul></nav>
<a class="subscribe" href="/abonnement">S'abonner dès 1 €</a></header>
<div class="breadcrumb"><a href="/">Accueil</a> › <a href="/{_slug(section)}/">{section}</a></div>
<main><article class="post">
<h1 class="entry-title">{_e(article["title"])}</h1>
<div class="entry-meta"><span class="byline">Par la rédaction avec AFP</span>
<span class="posted">Publié le {moment.day} {MONTHS[moment.month - 1]} {moment.year} à {moment:%H}h{moment:%M}</span>
<span class="updated">Mis à jour le {updated.day} {MONTHS[updated.month - 1]} {updated.year} à {updated:%H}h{updated:%M}</span>
</div>
<p class="chapo"><strong>{_e(article["lede"])}</strong></p>
<figure class="wp-block-image"><img src="/img/{rng.randrange(10**6)}.jpg" alt="">
<figcaption>Illustration. © Jean Dupont / AFP</figcaption></figure>
{"".join(body)}
<div class="sharebar">Partager : <a href="#">Facebook</a> <a href="#">Twitter</a> <a href="#">E-mail</a></div>
</article>
<aside class="widget-area"><h2>Les plus lus</h2><ol>{popular}</ol></aside>
</main>
<footer class="site-footer"><p>© {moment.year} {site} — <a href="/mentions">Mentions légales</a> —
<a href="/cgu">CGU</a> — <a href="/contact">Contact</a> — <a href="/pub">Publicité</a></p></footer>
</body></html>
"""
    return page([text.removesuffix("\n")], site, article["lede"])


def weekly(article: dict, others: list[str], moment: dt.datetime, rng: random.Random) -> tuple[str, dict]:
    site = "Afrique Hebdo"
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": article["title"],
          "datePublished": f"{moment:%Y-%m-%dT%H:%M:%S}Z", "publisher": {"@type": "Organization", "name": site}}
    rubric = "".join(
        f"<tr><td>{(moment - dt.timedelta(days=n)):%d/%m/%Y} - <a href='/art{n}.html'>{_e(t)}</a></td></tr>"
        for n, t in enumerate(others[:4], start=1))
    text = f"""<html><head>
<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">
<title>{site} | Toute l'actualit&eacute; africaine</title>
<script type="application/ld+json">{json.dumps(ld, ensure_ascii=True)}</script>
</head><body bgcolor="#ffffff">
<table width="980" align="center"><tr><td colspan="2"><h1>{site.upper()}</h1>
<font size="1">L'hebdomadaire de l'Afrique qui bouge</font></td></tr>
<tr><td width="180" valign="top"><b>Rubriques</b><br><a href="/politique">Politique</a><br>
<a href="/eco">&Eacute;conomie</a><br><a href="/societe">Soci&eacute;t&eacute;</a><br><a href="/sport">Sport</a><br>
<a href="/culture">Culture</a><br><br><b>Archives</b><br><a href="/arch">Tous les num&eacute;ros</a></td>
<td valign="top">
<h2 class="titre-article">{_e(article["title"])}</h2>
<span class="date">{moment:%d/%m/%Y} - {moment:%H:%M}</span>
<div class="resume"><i>{_e(article["lede"])}</i></div>
<div class="texte">{"<br><br>".join(_e(p) for p in article["paragraphs"])}<br><br>
Agence France-Presse</div>
<hr><b>Dans la m&ecirc;me rubrique</b><table>{rubric}</table>
<hr><b>R&eacute;agir &agrave; cet article</b><form action="/reagir">Votre nom : <input name="nom"><br>
Votre message : <textarea name="msg"></textarea><input type="submit" value="Envoyer"></form>
</td></tr>
<tr><td colspan="2" align="center"><font size="1">&copy; {site} {moment.year} - Reproduction interdite - Nous
contacter - Publicit&eacute;</font></td></tr></table>
</body></html>
"""
    return page([text.removesuffix("\n")], site, article["lede"], encoding="cp1252")


def portal(article: dict, others: list[str], moment: dt.datetime, rng: random.Random) -> tuple[str, dict]:
    site = "Info Express"
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": article["title"],
          "publisher": {"@type": "NewsMediaOrganization", "name": site}}
    paragraphs = [*article["paragraphs"]]
    paragraphs[-1] += " (avec AFP)"
    related = "".join(
        f'<a class="card" href="/n/{rng.randrange(10**6)}"><img src="/t.jpg" alt=""><div class="card__title">'
        f"{_e(t)}</div></a>" for t in others[:4])
    readers = ["Camille_75", "jp.durand", "Nadia B."]
    comments = "".join(
        f'<div class="avis"><div class="avis__auteur">{name}</div><div class="avis__texte">'
        f"{_e(rng.choice(['Enfin une bonne nouvelle, il était temps.', 'Encore des promesses, on verra bien.', 'Article très intéressant, merci pour ces précisions.', 'Je ne suis pas du tout d accord avec cette analyse.']))}"
        f"</div></div>" for name in readers)
    weekday = WEEKDAYS[moment.weekday()]
    text = f"""<!doctype html><html lang="fr"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(article["title"])}</title>
<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>
<script src="/static/app.4f2a.js" defer></script></head>
<body><div id="root"><div class="app">
<div class="topbar"><div class="topbar__logo">{site}</div><div class="topbar__links"><a href="/">Une</a>
<a href="/direct">Direct</a><a href="/videos">Vidéos</a><a href="/connexion">Connexion</a></div></div>
<div class="page"><div class="article">
<div class="article__kicker">{rng.choice(SECTIONS)}</div>
<h1 class="article__title">{_e(article["title"])}</h1>
<div class="article__meta"><span>Rédaction Info Express</span> ·
<time datetime="{moment:%Y-%m-%dT%H:%M:%S}+01:00">{weekday} {moment.day} {MONTHS[moment.month - 1]} à {moment:%H:%M}</time></div>
<div class="article__intro">{_e(article["lede"])}</div>
<div class="article__body">{"".join(f'<div class="article__paragraph">{_e(p)}</div>' for p in paragraphs)}</div>
</div>
<div class="rail">{related}</div>
<section id="avis-lecteurs"><div class="section__title">Les avis de nos lecteurs ({len(readers)})</div>{comments}
<div class="avis__form">Donnez votre avis</div></section>
</div>
<div class="bottom">{site} © {moment.year} · Plan du site · Données personnelles · Nous rejoindre</div>
</div></div></body></html>
"""
    return page([text.removesuffix("\n")], site, article["lede"])


def television(article: dict, others: list[str], moment: dt.datetime, rng: random.Random) -> tuple[str, dict]:
    site = "Canal Actu"
    updated = moment + dt.timedelta(hours=rng.randrange(2, 30))
    ld = {"@context": "https://schema.org", "@graph": [
        {"@type": "WebSite", "name": site, "url": "https://canal-actu.example/"},
        {"@type": "NewsArticle", "headline": article["title"], "description": article["lede"],
         "datePublished": f"{moment:%Y-%m-%dT%H:%M:%S}+01:00", "dateModified": f"{updated:%Y-%m-%dT%H:%M:%S}+01:00",
         "author": {"@type": "Person", "name": "Canal Actu"}}]}
    paragraphs = article["paragraphs"]
    body = []
    for number, paragraph in enumerate(paragraphs):
        body.append(f"<p>{_e(paragraph)}</p>")
        if number == 1:
            body.append('<div class="ad-slot"><span>PUBLICITÉ</span></div>')
        if number == len(paragraphs) // 2:
            body.append(f'<p class="read-also"><a href="/x/{rng.randrange(10**5)}">LIRE AUSSI - {_e(others[0])}</a></p>')
    videos = "".join(f"<li><a href='/v/{n}'><span class='duration'>0{n}:1{n}</span> {_e(t)}</a></li>"
                     for n, t in enumerate(others[1:4], start=1))
    text = f"""<!DOCTYPE html><html lang="fr-FR"><head><meta charset="UTF-8">
<title>{site} | {_e(article["title"])}</title>
<meta name="description" content="{_e(article["lede"])}">
<meta property="og:title" content="{_e(article["title"])}">
<meta property="og:description" content="{_e(article["lede"])}">
<meta property="og:url" content="https://canal-actu.example/info/{_slug(article["title"])}">
<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>
</head><body>
<div class="header"><a href="/" class="brand">{site}</a><ul class="nav"><li>Info</li><li>Replay</li><li>Direct</li>
<li>Programme TV</li><li>Jeux</li></ul><form class="search"><input placeholder="Rechercher"></form></div>
<div class="container"><div class="content">
<span class="category">{rng.choice(SECTIONS)}</span>
<h1>{_e(article["title"])}</h1>
<h2 class="article-lead">{_e(article["lede"])}</h2>
<div class="dates">Le {moment:%d.%m.%Y} à {moment:%H:%M}, modifié le {updated:%d.%m.%Y} à {updated:%H:%M}</div>
<div class="video-player"><div class="video-title">Les images</div><div class="video-duration">01:32</div></div>
{"".join(body)}
<div class="source">Source : AFP</div>
<div class="tags-list">Mots-clés : <a>{rng.choice(SECTIONS)}</a> <a>International</a></div>
</div>
<div class="sidebar"><h3>Vidéos les plus vues</h3><ul>{videos}</ul></div>
</div>
<div class="footer">{site} · Qui sommes-nous ? · Charte des données · Aide · © {site} {moment.year}</div>
</body></html>
"""
    return page([text.removesuffix("\n")], site, article["lede"])


def amp(article: dict, others: list[str], moment: dt.datetime, rng: random.Random) -> tuple[str, dict]:
    site = "France Régions Info"
    paragraphs = article["paragraphs"]
    middle = len(paragraphs) // 2
    body = [f"<p>{_e(p)}</p>" for p in paragraphs[:middle]]
    body.append(f'<p>Lire aussi : <a href="/amp/{rng.randrange(10**5)}">{_e(others[0])}</a></p>')
    body += [f"<p>{_e(p)}</p>" for p in paragraphs[middle:]]
    text = f"""<!doctype html><html ⚡ lang="fr"><head><meta charset="utf-8">
<title>{_e(article["title"])}</title>
<link rel="canonical" href="https://france-regions.example/{_slug(article["title"])}">
<meta property="og:title" content="{_e(article["title"])}">
<meta property="og:site_name" content="{site}">
<style amp-custom>.date{{color:#666}}</style><script async src="https://cdn.ampproject.org/v0.js"></script>
</head><body>
<amp-sidebar id="menu" layout="nodisplay"><ul><li>Régions</li><li>Faits divers</li><li>Politique</li>
<li>Sport</li><li>Météo</li></ul></amp-sidebar>
<div class="topbar"><button on="tap:menu.toggle">Menu</button><a href="/">{site}</a></div>
<article>
<h1>{_e(article["title"])}</h1>
<p class="date">Publié le {moment:%d/%m/%Y} à {moment:%H:%M}</p>
<amp-img src="/p/{rng.randrange(10**6)}.jpg" width="640" height="360" layout="responsive"></amp-img>
{"".join(body)}
<p>© AFP</p>
</article>
<div class="next"><h2>À la une</h2>{"".join(f"<a href='/amp/{n}'><h3>{_e(t)}</h3></a>" for n, t in enumerate(others[1:4]))}</div>
<footer>{site} - Tous droits réservés {moment.year} - Version classique du site</footer>
</body></html>
"""
    return page([text.removesuffix("\n")], site, None)


def review(article: dict, others: list[str], moment: dt.datetime, rng: random.Random) -> tuple[str, dict]:
    site = "La Revue du Monde"
    city = rng.choice(CITIES)
    first, *rest = article["paragraphs"]
    text = f"""<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">
<title>{_e(article["title"])} &#8211; {site}</title>
<meta property="article:published_time" content="{moment:%Y-%m-%dT%H:%M:%S}+00:00">
<meta name="description" content="{_e(first[:150])}...">
</head><body class="post-template-default">
<div id="cookie-notice">Ce site utilise des cookies. <a>J'accepte</a></div>
<div id="masthead"><p class="site-title"><a href="/">{site}</a></p>
<p class="site-description">Revue de presse internationale</p></div>
<div id="content"><article>
<header><h1 class="entry-title">{_e(article["title"])}</h1>
<div class="posted-on">Par Marie Lambert, le <time datetime="{moment:%Y-%m-%dT%H:%M:%S}+00:00">{moment.day} {MONTHS[moment.month - 1]} {moment.year}</time></div></header>
<div class="entry-content"><p>{city}, {moment.day} {MONTHS[moment.month - 1]} (AFP) - {_e(first)}</p>
{"".join(f"<p>{_e(p)}</p>" for p in rest)}</div>
<footer class="entry-footer">Catégorie : <a>{rng.choice(SECTIONS)}</a> | Étiquettes : <a>AFP</a>, <a>{rng.choice(SECTIONS)}</a></footer>
</article>
<nav class="post-navigation"><div>Article précédent</div><a href="/p">{_e(others[0])}</a>
<div>Article suivant</div><a href="/n">{_e(others[1])}</a></nav>
<div class="jp-relatedposts"><h3>Vous aimerez aussi</h3><ul>{"".join(f"<li><a href='/r{n}'>{_e(t)}</a></li>" for n, t in enumerate(others[2:5]))}</ul></div>
</div>
<div id="colophon">Fièrement propulsé par un moteur de blog · {site} {moment.year}</div>
</body></html>
"""
    return page([text.removesuffix("\n")], site, None)


LAYOUTS = {"h": daily, "j": weekly, "k": portal, "m": television, "n": amp, "o": review}


@click.command()
@unseen.crawl_options
def main(shared: Path, out: Path | None, per_layout: int) -> None:
    """Render held-out articles as saved pages of six invented sites and score page understanding on them."""
    with tempfile.TemporaryDirectory() as temporary:
        root = out or Path(temporary)
        folder = unseen.render(shared, root, per_layout, groups=(LAYOUTS,), suffix=".html", name="unseen-html")
        unseen.score(extraction.load_crawl(folder, None), {})


if __name__ == "__main__":
    main()
