"""Saved web pages: read into the same article as a text page, whatever their encoding or state."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
from pathlib import Path

import pytest

from seekwire.extract.html import decode_html, parse_html, read_markup
from seekwire.reading import MAX_HTML_BYTES, Source, decode, input_kind, page_id

SHARED = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "html-dev"

PAGE = """<!DOCTYPE html>
<html lang="fr"><head>
<meta charset="{charset}">
<title>Le port de Brest accueille un voilier géant - La Gazette</title>
<meta property="og:title" content="Le port de Brest accueille un voilier géant - La Gazette">
<meta property="og:site_name" content="La Gazette">
<meta property="og:description" content="Un trois-mâts de cent mètres a accosté mardi 5 mai au matin.">
<meta property="article:published_time" content="2020-05-05T09:30:00+02:00">
<meta property="article:modified_time" content="2020-05-06T18:00:00+02:00">
<link rel="canonical" href="https://example.org/voilier-geant">
<script>var tracker = "ne pas indexer";</script>
<style>p {{ color: red }}</style>
</head><body>
<header><h1 class="logo"><a href="/">La Gazette</a></h1>
<nav><ul><li><a href="/">Accueil</a></li><li><a href="/mer">Mer</a></li></ul></nav></header>
<article>
<h1>Le port de Brest accueille un voilier géant</h1>
<p class="chapo">Un trois-mâts de cent mètres a accosté mardi 5 mai au matin.</p>
<div class="meta"><time datetime="2020-05-05T09:30:00+02:00">Publié le 05/05/2020 à 09h30</time>
<span>Mis à jour le 06/05/2020 à 18h00</span> <span>La Gazette avec AFP</span></div>
<figure><img src="a.jpg" alt=""><figcaption>Le voilier à quai. Photo Reuters</figcaption></figure>
<p>Le navire, parti de Lisbonne il y a dix jours, restera une semaine à quai pour des visites publiques
et des réparations.</p>
<p>Les organisateurs attendent plusieurs milliers de visiteurs, malgré la pluie annoncée pour le week-end
et les &eacute;clairs.</p>
<div class="article-tags"><span>Mots-clés :</span> <a href="/t/brest">#Brest</a> <a href="/t/mer">#mer</a></div>
<ul class="related"><li><a href="/x">Un autre bateau traverse la Manche sans équipage</a></li></ul>
</article>
<div id="comments"><h3>Réactions</h3><p>Quel beau bateau, vraiment magnifique à voir.</p></div>
<footer><p>© La Gazette 2020</p></footer>
</body></html>
"""
BODY = ("Le navire, parti de Lisbonne il y a dix jours, restera une semaine à quai pour des visites publiques "
        "et des réparations.\n\nLes organisateurs attendent plusieurs milliers de visiteurs, malgré la pluie "
        "annoncée pour le week-end et les éclairs.")


def page(charset: str = "utf-8") -> str:
    return PAGE.format(charset=charset)


def parse(text: str, **options):
    return parse_html(text, doc_id="p", path="p.html", **options)


def test_a_page_reads_as_an_article() -> None:
    article = parse(page())
    assert article.title == "Le port de Brest accueille un voilier géant"
    assert article.lede == "Un trois-mâts de cent mètres a accosté mardi 5 mai au matin."
    assert article.body == BODY
    # The publication date, not the update; the agency of the byline, then the photo credit's.
    assert (article.date, article.time) == (dt.date(2020, 5, 5), "09:30")
    assert article.agencies == ["AFP", "Reuters"]
    assert article.publisher == "La Gazette"
    assert article.url == "https://example.org/voilier-geant"


def test_markup_evidence_is_distrusted_where_it_misleads() -> None:
    markup = read_markup(page())
    # The logo's <h1> and the <title> suffix are the site's, not the headline.
    assert markup.headlines == ["La Gazette", "Le port de Brest accueille un voilier géant"]
    assert all("ne pas indexer" not in line and "color" not in line for line in markup.lines)
    assert "Quel beau bateau, vraiment magnifique à voir." not in markup.lines


def test_a_no_break_space_is_kept_as_in_a_text_page() -> None:
    text = page().replace("<h1>Le port de Brest", "<h1>Le port de&nbsp;Brest")
    assert parse(text).title == "Le port de\u00a0Brest accueille un voilier géant"


def test_og_url_stands_in_for_a_missing_canonical() -> None:
    text = page().replace('<link rel="canonical" href="https://example.org/voilier-geant">',
                          '<meta property="og:url" content="https://example.org/og">')
    assert parse(text).url == "https://example.org/og"


def test_a_title_suffix_names_the_publisher_when_nothing_else_does() -> None:
    text = page().replace('<meta property="og:site_name" content="La Gazette">', "")
    assert parse(text).publisher == "La Gazette"


def test_a_site_name_before_the_headline_names_the_publisher() -> None:
    text = (page().replace('<meta property="og:site_name" content="La Gazette">', "")
            .replace("<title>Le port de Brest accueille un voilier géant - La Gazette</title>",
                     "<title>La Gazette | Le port de Brest accueille un voilier géant</title>")
            .replace('<meta property="og:title" content="Le port de Brest accueille un voilier géant - La Gazette">',
                     "").replace("<footer><p>© La Gazette 2020</p></footer>", "")
            .replace('<h1 class="logo"><a href="/">La Gazette</a></h1>', ""))
    assert parse(text).publisher == "La Gazette"


def test_json_ld_names_the_site_by_the_article_s_publisher_else_the_website() -> None:
    def ld(*items: dict) -> str:
        return (page().replace('<meta property="og:site_name" content="La Gazette">', "")
                .replace("<title>Le port de Brest accueille un voilier géant - La Gazette</title>", "")
                .replace('<meta property="og:title" content="Le port de Brest accueille un voilier géant - La '
                         'Gazette">', "")
                .replace("</head>", f'<script type="application/ld+json">{json.dumps({"@graph": items})}'
                                    "</script></head>"))
    website = {"@type": "WebSite", "name": "Gazette en ligne"}
    article = {"@type": "NewsArticle", "headline": "Le port de Brest accueille un voilier géant"}
    assert parse(ld(website, article)).publisher == "Gazette en ligne"
    publisher = {**article, "publisher": {"@type": "Organization", "name": "Groupe Gazette"}}
    assert parse(ld(website, publisher)).publisher == "Groupe Gazette"


def test_json_ld_article_gives_the_date_when_the_text_has_none() -> None:
    text = (
        '<html><head><script type="application/ld+json">{"@type": "NewsArticle", "headline": '
        '"Une grève paralyse les transports urbains", "datePublished": "2021-03-02T07:15:00+01:00", '
        '"publisher": {"@type": "Organization", "name": "Le Journal"}}</script></head><body>'
        "<h1>Une grève paralyse les transports urbains</h1><p>Aucun bus ni tramway ne circule ce matin dans "
        "la ville, à la suite d'un appel à la grève des syndicats.</p><p>La direction promet un service "
        "minimum à partir de midi, sans pouvoir en garantir la tenue.</p></body></html>"
    )
    article = parse(text)
    assert article.title == "Une grève paralyse les transports urbains"
    assert (article.date, article.time, article.date_source) == (dt.date(2021, 3, 2), "07:15", "text")
    assert article.publisher == "Le Journal"


STANDFIRST = "Un trois-mâts de cent mètres a accosté mardi 5 mai au matin, après dix jours de mer."
PARAGRAPHS = ["Le navire, parti de Lisbonne le 25 avril, restera une semaine à quai pour des visites publiques "
              "et des réparations.",
              "Les organisateurs attendent plusieurs milliers de visiteurs, malgré la pluie annoncée pour le "
              "week-end du 9 mai."]


def blog_page(standfirst: str, published: str = "2020-05-05T09:30:00+02:00") -> str:
    """A page whose standfirst comes after the byline, which shares its line with the update stamp."""
    paragraphs = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return (f'<html><head><meta property="article:published_time" content="{published}"></head><body>'
            "<h1>Le port de Brest accueille un voilier géant</h1>"
            '<div class="entry-meta"><span>Par la rédaction avec AFP</span> <span>Publié le 5 mai 2020 à '
            "09h30</span> <span>Mis à jour le 6 mai 2020 à 18h00</span></div>"
            f"{standfirst}{paragraphs}</body></html>")


@pytest.mark.parametrize("marked", [
    f'<div class="article__intro">{STANDFIRST}</div>',
    f'<h2 class="article-lead">{STANDFIRST}</h2>',
    f"<p><strong>{STANDFIRST}</strong></p>",
    f'<div class="resume"><i>{STANDFIRST}</i></div>',
])
def test_a_standfirst_the_markup_sets_apart_is_the_lede(marked: str) -> None:
    article = parse(blog_page(marked))
    assert (article.lede, article.body.split("\n\n")[-2:]) == (STANDFIRST, PARAGRAPHS)


def test_a_paragraph_only_partly_in_bold_stays_in_the_body() -> None:
    article = parse(blog_page(f"<p><strong>Un trois-mâts</strong>{STANDFIRST.removeprefix('Un trois-mâts')}</p>"))
    assert article.lede is None and article.body.split("\n\n")[-3:] == [STANDFIRST, *PARAGRAPHS]


def test_a_published_date_the_text_also_shows_wins_over_a_date_read_elsewhere() -> None:
    # The text reading misses the byline and takes a date from the running text; the metadata's date, which
    # the byline shows, is the publication date.
    assert (parse(blog_page(STANDFIRST)).date, parse(blog_page(STANDFIRST)).time) == (dt.date(2020, 5, 5), "09:30")
    # Metadata that no visible line confirms does not overrule the text's own date line.
    assert parse(page().replace("2020-05-05T09:30:00+02:00", "2020-05-03T09:30:00+02:00")).date == dt.date(2020, 5, 5)


@pytest.mark.parametrize(
    ("data", "charset"),
    [
        (page("utf-8").encode("utf-8"), "declared UTF-8"),
        (b"\xef\xbb\xbf" + page("utf-8").encode("utf-8"), "BOM"),
        (page("windows-1252").encode("cp1252"), "declared Windows-1252"),
        (page("iso-8859-1").encode("cp1252"), "Latin-1 read as Windows-1252"),
        (page("utf-8").replace('<meta charset="utf-8">', "").encode("cp1252"), "undeclared Windows-1252"),
        (page("utf-8").encode("cp1252"), "Windows-1252 declared as UTF-8"),
        (page("iso-8859-1").encode("utf-8"), "UTF-8 declared as Latin-1"),
        (page("utf-8").replace('<meta charset="utf-8">',
                               '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-15">')
         .encode("iso-8859-15"), "http-equiv ISO-8859-15"),
    ],
)
def test_encodings_decode_right(data: bytes, charset: str) -> None:
    article = parse(decode_html(data, decode))
    assert article.title == "Le port de Brest accueille un voilier géant", charset
    assert article.body == BODY, charset


def test_html_files_are_inputs() -> None:
    assert all(input_kind(name) for name in ("a.html", "a.htm", "a.html.gz", "A.HTML"))
    assert page_id(Source("/x/une-page.html.gz", "une-page.html.gz")) == "une-page"
    assert Source("/x/a.htm", "a.htm").is_html


def test_web_pages_are_indexed_through_the_cli(run, tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "voilier.html").write_text(page(), encoding="utf-8")
    (pages / "voilier-cp.htm").write_bytes(page("windows-1252").encode("cp1252"))
    (pages / "voilier-gz.html.gz").write_bytes(gzip.compress(page().encode("utf-8")))
    (pages / "notes.txt").write_text("Un titre de note assez long\n\nUne note écrite à la main, en texte brut.\n")
    alone = tmp_path / "alone.html"
    alone.write_text(page(), encoding="utf-8")
    result = run("index", str(pages), str(alone), "--no-entities", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["added"] == 5
    exported = [json.loads(line) for line in run("export").stdout.splitlines()]
    by_id = {record["id"]: record for record in exported}
    assert set(by_id) == {"voilier", "voilier-cp", "voilier-gz", "notes", "alone"}
    for name in ("voilier", "voilier-cp", "voilier-gz", "alone"):
        record = by_id[name]
        assert record["title"] == "Le port de Brest accueille un voilier géant"
        assert record["body"] == BODY
        assert record["url"] == "https://example.org/voilier-geant"
        assert record["agencies"] == ["AFP", "Reuters"]
        assert "<" not in record["body"]
    assert by_id["voilier-gz"]["path"].endswith("voilier-gz.html.gz")


def test_bad_web_pages_are_reported_never_a_traceback(run, tmp_path: Path) -> None:
    pages = tmp_path / "bad"
    pages.mkdir()
    good = page().encode("utf-8")
    (pages / "truncated.html").write_bytes(good[: good.index(b"Les organisateurs")])
    (pages / "binary.html").write_bytes(bytes(range(256)) * 20)
    (pages / "no-article.html").write_text("<html><head><script>x()</script></head><body></body></html>")
    (pages / "deep.html").write_text("<div>" * 50_000 + "<p>Texte enfoui.</p>" + "</div>" * 50_000)
    (pages / "broken.html.gz").write_bytes(gzip.compress(good)[:200])
    result = run("index", str(pages), "--no-entities", "--format", "json")
    assert result.exit_code == 1
    summary = json.loads(result.stdout)
    reasons = {Path(skip["path"]).name: skip["reason"] for skip in summary["skipped"]}
    assert reasons["binary.html"].startswith("binary file")
    assert reasons["no-article.html"] == "no text in the page"
    assert reasons["broken.html.gz"].startswith("unreadable compressed data")
    assert "Traceback" not in result.output
    exported = {json.loads(line)["id"]: json.loads(line) for line in run("export").stdout.splitlines()}
    # A page cut short is indexed with what it has.
    assert exported["truncated"]["title"] == "Le port de Brest accueille un voilier géant"
    assert "restera une semaine" in exported["truncated"]["body"]


@pytest.mark.slow
def test_a_huge_page_is_read_from_its_start(run, tmp_path: Path) -> None:
    huge = tmp_path / "huge.html"
    paragraph = b"<p>Une phrase assez longue pour faire un paragraphe de texte, avec des mots ordinaires.</p>\n"
    with huge.open("wb") as out:
        out.write(page().encode("utf-8").replace(b"</article>", b""))
        for _ in range(50 * 1024 * 1024 // len(paragraph)):
            out.write(paragraph)
    assert os.path.getsize(huge) > 6 * MAX_HTML_BYTES
    result = run("index", str(huge), "--no-entities", "--format", "json")
    assert result.exit_code == 1
    skipped = json.loads(result.stdout)["skipped"]
    assert skipped[0]["reason"] == "longer than 8 MiB: only its start was indexed"
    exported = json.loads(run("export").stdout.splitlines()[0])
    assert exported["title"] == "Le port de Brest accueille un voilier géant"


@pytest.mark.slow
@pytest.mark.skipif(not SHARED.is_dir(), reason="no ../shared/corpus/html-dev")
def test_development_pages_read_right_with_furniture() -> None:
    from seekwire.extract import learn_furniture
    from seekwire.extract.html import page_text

    rows = [json.loads(line) for line in (SHARED / "gold.jsonl").read_text(encoding="utf-8").splitlines()]
    texts = [decode_html((SHARED / row["file"]).read_bytes(), decode) for row in rows]
    furniture = learn_furniture(page_text(read_markup(text)) for text in texts)
    titles = dates = 0
    for text, row in zip(texts, rows, strict=True):
        mtime = dt.datetime.fromisoformat(row["mtime"]).timestamp()
        article = parse_html(text, doc_id=row["file"], path=row["file"], mtime=mtime, furniture=furniture)
        titles += article.title == row["title"]
        dates += (article.date.isoformat() if article.date else None) == row["date"]
    assert titles / len(rows) >= 0.97
    assert dates / len(rows) >= 0.98


@pytest.mark.parametrize(
    "text",
    [
        "",
        "<!-- only a comment -->",
        '<?xml version="1.0" encoding="utf-8"?><html><body><p>Un texte.</p></body></html>',
        '<html><head><script type="application/ld+json">{"@type": ["NewsArticle"], "headline": 5, '
        '"datePublished": "pas une date"}</script><script type="application/ld+json">[[[</script></head></html>',
        '<meta property="article:published_time" content="2020-13-45"><p>Un texte.</p>',
        "<p>" * 5000 + "Un texte.",
    ],
)
def test_odd_markup_gives_an_article_or_nothing_never_an_error(text: str) -> None:
    article = parse(text)
    assert article.date is None
    assert article.body in ("", "Un texte.")
