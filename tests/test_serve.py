"""`seekwire serve`: the API answers what the CLI prints, the page works without JavaScript, errors are JSON with
their status, a finished index run is seen without a restart, and a stuck query does not stall the others.

The application is driven in-process through Starlette's test client (httpx), over the fixture corpus indexed
with known entities (as in test_search.py); the command itself is run as a user starts it, in a subprocess.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import subprocess
import sys
import threading
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest

pytest.importorskip("starlette")
from starlette.testclient import TestClient

from conftest import known_entities
from seekwire import index_paths
from seekwire.serve.app import make_app
from seekwire.serve.pool import SearcherPool, TooSlow
from test_search import ENTITIES, NEWS


@pytest.fixture
def news(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr("seekwire.extract.entities.EntityRecognizer", known_entities(ENTITIES))
    index_dir = tmp_path / "index"
    assert index_paths([NEWS], index_dir).added == 6
    return index_dir


@pytest.fixture
def pool(news: Path):
    opened = SearcherPool(news, workers=2, timeout=30)
    yield opened
    opened.close()


@pytest.fixture
def client(pool: SearcherPool):
    with TestClient(make_app(pool), raise_server_exceptions=False) as opened:
        yield opened


def cli_json(run, *args: str) -> tuple[int, object]:
    result = run(*args, "--format", "json")
    return result.exit_code, json.loads(result.stdout) if result.stdout.strip() else None


# The API is the CLI's JSON


SEARCHES = [
    ({"q": "coopération Kazakhstan"}, ["query", "coopération Kazakhstan"]),
    ({"q": "cooperation"}, ["query", "cooperation"]),
    ({"q": "", "agency": ["MAP", "APS"]}, ["query", "--agency", "MAP", "--agency", "APS"]),
    ({"q": "Chine", "place": "algerie", "sort": "date"}, ["query", "Chine", "--place", "algerie", "--sort", "date"]),
    ({"q": "\"Emmanuel Macron\" OR Alger", "limit": "1", "offset": "1"},
     ["query", "\"Emmanuel Macron\" OR Alger", "--limit", "1", "--offset", "1"]),
    ({"since": "2023-11", "until": "2024"}, ["query", "--since", "2023-11", "--until", "2024"]),
    ({"q": "agency:xinhua economie", "facet_limit": "2"}, ["query", "agency:xinhua economie", "--facet-limit", "2"]),
    ({"q": "cooprration kazakstan"}, ["query", "cooprration kazakstan"]),
    ({"q": "zzzzzz"}, ["query", "zzzzzz"]),
]


@pytest.mark.parametrize(("params", "argv"), SEARCHES, ids=[str(p) for p, _ in SEARCHES])
def test_api_search_is_the_cli_json(client, run, news: Path, params: dict, argv: list[str]) -> None:
    response = client.get("/api/search", params=params)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    code, printed = cli_json(run, *argv)
    assert response.json() == printed
    assert (code == 0) == (printed["total"] > 0)


def test_the_other_endpoints_are_the_cli_json(client, run) -> None:
    assert client.get("/api/doc/a2").json() == cli_json(run, "show", "a2")[1]
    assert client.get("/api/similar/a1", params={"limit": 3}).json() == cli_json(run, "similar", "a1", "-n", "3")[1]
    assert client.get("/api/facets/places", params={"q": "Chine"}).json() == cli_json(
        run, "facets", "places", "Chine")[1]
    assert client.get("/api/facets/days", params={"limit": 2}).json() == cli_json(
        run, "facets", "days", "--limit", "2")[1]
    served, printed = client.get("/api/stats").json(), cli_json(run, "stats")[1]
    assert served == printed and served["documents"] == 6
    served = client.get("/api/stats", params={"q": "Chine", "agency": "APS"}).json()
    assert served == cli_json(run, "stats", "Chine", "--agency", "APS")[1] and served["documents"] == 1


@pytest.mark.parametrize(("path", "status", "message"), [
    ("/api/search?q=(Chine", 400, "unbalanced parenthesis"),
    ("/api/search?q=nofield:x", 400, "unknown field"),
    ("/api/search?since=2023-13", 400, "bad date"),
    ("/api/search?limit=ten", 400, "limit must be a whole number"),
    ("/api/search?limit=-1", 400, "limit must be between"),
    ("/api/search?sort=best", 400, "unknown sort"),
    ("/api/doc/nope", 404, "no document with id 'nope'"),
    ("/api/similar/nope", 404, "no document with id 'nope'"),
    ("/api/facets/colours", 404, "no facet 'colours'"),
    ("/api/nothing", 404, "no such address"),
])
def test_errors_are_json_with_their_status(client, path: str, status: int, message: str) -> None:
    response = client.get(path)
    assert response.status_code == status
    assert response.json()["status"] == status
    assert message in response.json()["error"]
    assert "Traceback" not in response.text


@pytest.mark.parametrize(("params", "argv"), [
    ({"q": "(Chine"}, ["(Chine"]),
    ({"since": "2024", "until": "2023"}, ["--since", "2024", "--until", "2023"]),
])
def test_a_malformed_query_says_what_the_cli_says(client, run, params: dict, argv: list[str]) -> None:
    printed = run("query", *argv, "--format", "json")
    assert printed.exit_code == 2
    response = client.get("/api/search", params=params)
    assert response.status_code == 400 and response.json()["error"] in printed.stderr


def test_openapi_describes_every_endpoint_and_filter(client) -> None:
    spec = client.get("/api/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    assert set(spec["paths"]) == {"/api/search", "/api/doc/{doc_id}", "/api/similar/{doc_id}",
                                  "/api/facets/{field}", "/api/stats"}
    names = {p["name"] for p in spec["paths"]["/api/search"]["get"]["parameters"]}
    assert names == {"q", "agency", "person", "place", "org", "entity", "publisher", "since", "until", "sort",
                     "limit", "offset", "facet_limit"}


def test_a_bug_is_one_line_never_a_traceback(client, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args, **kwargs):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr("seekwire.search.Searcher.search", broken)
    for path in ("/api/search?q=x", "/?q=x"):
        response = client.get(path)
        assert response.status_code == 500
        assert "Traceback" not in response.text and "ZeroDivisionError" not in response.text
    assert client.get("/api/search?q=x").json()["error"].startswith("internal error")


# The page, without JavaScript


class Page(HTMLParser):
    """What a reader of the page can follow: links (href, text) and marked words."""

    def __init__(self, html: str):
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self.marks: list[str] = []
        self._open: list[list] = []
        self._mark: list[str] | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "a":
            self._open.append([dict(attrs).get("href", ""), ""])
        elif tag == "mark":
            self._mark = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._open:
            href, text = self._open.pop()
            self.links.append((href, " ".join(text.split())))
        elif tag == "mark" and self._mark is not None:
            self.marks.append("".join(self._mark))
            self._mark = None

    def handle_data(self, data: str) -> None:
        for link in self._open:
            link[1] += data
        if self._mark is not None:
            self._mark.append(data)

    def link(self, pattern: str) -> str:
        return next(href for href, text in self.links if re.fullmatch(pattern, text))

    def hrefs(self, prefix: str) -> list[str]:
        return [href for href, _ in self.links if href.startswith(prefix)]


def query_of(href: str) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(href).query)


def test_the_page_shows_hits_with_marked_words_and_links_to_documents(client) -> None:
    response = client.get("/", params={"q": "cooperation"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    page = Page(response.text)
    assert {m.lower() for m in page.marks} == {"coopération"}
    assert page.hrefs("/doc/a1?")
    assert "Le Quotidien du Peuple" in response.text and "2023-11-28" in response.text


def test_a_facet_click_filters_and_a_second_click_removes_the_filter(client, run) -> None:
    page = Page(client.get("/", params={"q": "Chine"}).text)
    filtered = page.link(r"Algérie \d+")
    assert query_of(filtered) == [("q", "Chine"), ("place", "Algérie")]
    after = client.get(filtered)
    expected = cli_json(run, "query", "Chine", "--place", "Algérie")[1]
    assert set(re.findall(r'href="/doc/(\w+)\?', after.text)) == {hit["id"] for hit in expected["hits"]}
    again = Page(after.text).link(r"Algérie \d+")
    assert query_of(again) == [("q", "Chine")]


def test_histogram_bars_set_since_and_until(client) -> None:
    page = Page(client.get("/", params={"agency": "AFP"}).text)
    bars = [href for href, _ in page.links if "since=" in href]
    assert bars and all(dict(query_of(b))["since"] == dict(query_of(b))["until"] for b in bars)
    assert all(dict(query_of(b))["agency"] == "AFP" for b in bars)


def test_paging_and_the_suggestion_are_links(client) -> None:
    page = Page(client.get("/", params={"q": "", "since": "2000", "limit": "2"}).text)
    assert dict(query_of(page.link("next →")))["offset"] == "2"
    suggested = Page(client.get("/", params={"q": "cooprration"}).text)
    assert dict(query_of(suggested.link("coopération")))["q"] == "coopération"


def test_the_document_page_marks_the_query_and_links_entities_and_similar(client) -> None:
    response = client.get("/doc/a1", params={"q": "énergie Kazakhstan"})
    assert response.status_code == 200
    page = Page(response.text)
    assert {m.lower() for m in page.marks} == {"d'énergie", "kazakhstan"}  # an elided word is marked whole
    assert page.link("Li Keqiang") == "/?person=Li%20Keqiang"
    assert page.link("Astana") == "/?place=Astana"
    assert page.hrefs("/doc/a4")  # shares Chine and words with a1


def test_page_errors_are_shown_with_their_status(client) -> None:
    bad = client.get("/", params={"q": "(Chine"})
    assert bad.status_code == 400 and "unbalanced parenthesis" in bad.text and "Traceback" not in bad.text
    assert client.get("/doc/nope").status_code == 404


def test_text_from_pages_cannot_inject_markup(tmp_path: Path, run) -> None:
    records = tmp_path / "hostile.jsonl"
    records.write_text(json.dumps({"id": "x<b>", "title": "<script>alert(1)</script> Kazakhstan",
                                   "body": "Kazakhstan <img src=x onerror=alert(1)> \u202e gauche",
                                   "publisher": "<i>P</i>", "url": "javascript:alert(1)"}) + "\n")
    index_paths([records], run.index_dir, entities=False)
    pool = SearcherPool(run.index_dir, workers=1)
    try:
        with TestClient(make_app(pool)) as client:
            for path in ("/?q=Kazakhstan", "/doc/x%3Cb%3E?q=Kazakhstan"):
                text = client.get(path).text
                assert "<script>alert" not in text and "<img" not in text and "<i>P" not in text
                assert "javascript:" not in text and "\u202e" not in text
    finally:
        pool.close()


def test_the_static_assets_ship_in_the_package(client) -> None:
    html = client.get("/").text
    for asset in re.findall(r'(?:href|src)="(/static/[^"]+)"', html):
        assert client.get(asset).status_code == 200
    assert "http" not in "".join(re.findall(r'(?:href|src)="([^"]+)"', html))  # no CDN


# Live index, and a slow query


def test_a_finished_index_run_is_seen_without_a_restart(client, news: Path, tmp_path: Path) -> None:
    assert client.get("/api/search", params={"q": "Ouagadougou"}).json()["total"] == 0
    more = tmp_path / "more.jsonl"
    more.write_text(json.dumps({"id": "b1", "title": "Sommet à Ouagadougou", "body": "Les chefs d'État."}) + "\n")
    index_paths([NEWS, more], news, entities=False)
    for _ in range(4):  # every worker, each with its own searcher
        assert client.get("/api/search", params={"q": "Ouagadougou"}).json()["total"] == 1


def test_a_sharded_index_is_served_and_its_runs_seen(tmp_path: Path) -> None:
    from seekwire.shards import index_here

    index_dir = tmp_path / "sharded"
    index_here([NEWS], index_dir, shards=2, entities=False)
    pool = SearcherPool(index_dir, workers=2)
    try:
        with TestClient(make_app(pool)) as client:
            assert client.get("/api/search", params={"since": "1900"}).json()["total"] == 5  # one is undated
            more = tmp_path / "more.jsonl"
            more.write_text(json.dumps({"id": "b1", "title": "Sommet à Ouagadougou", "body": "Les chefs."}) + "\n")
            index_here([NEWS, more], index_dir, shards=None, entities=False)
            for _ in range(4):
                assert client.get("/api/search", params={"q": "Ouagadougou"}).json()["total"] == 1
    finally:
        pool.close()


def test_a_stuck_query_holds_one_worker_and_the_others_answer(news: Path) -> None:
    pool = SearcherPool(news, workers=2, timeout=5)
    release, started = threading.Event(), threading.Event()

    def stuck(searcher):
        started.set()
        release.wait(30)
        return "late"

    async def scene():
        slow = asyncio.ensure_future(pool.run(stuck))
        await asyncio.to_thread(started.wait, 30)
        answered = await pool.run(lambda searcher: searcher.search("Chine").total)
        release.set()
        return answered, await slow

    try:
        assert asyncio.run(scene()) == (2, "late")
    finally:
        release.set()
        pool.close()


def test_a_request_not_answered_in_time_is_given_up(news: Path) -> None:
    pool = SearcherPool(news, workers=1, timeout=0.2)
    release = threading.Event()
    try:
        async def scene():
            with pytest.raises(TooSlow, match="no answer within 0.2 s"):
                await pool.run(lambda searcher: release.wait(30))
            release.set()
            return await pool.run(lambda searcher: searcher.search("Chine").total)

        assert asyncio.run(scene()) == 2  # the worker is free again once the stuck job ends
    finally:
        release.set()
        pool.close()


# The command, as a user starts it


class Server:
    """`seekwire serve` in a subprocess on a free port; `url` once it says where it listens."""

    def __init__(self, index_dir: Path, *options: str):
        env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1] / "src")}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "seekwire", "serve", "--index", str(index_dir), "--port", "0", *options],
            stderr=subprocess.PIPE, text=True, env=env)
        line = self.process.stderr.readline()
        found = re.search(r"at (http://\S+/) ", line)
        assert found, line + self.process.stderr.read()
        self.url = found.group(1)

    def stop(self) -> tuple[int, str]:
        self.process.send_signal(signal.SIGTERM)
        _, rest = self.process.communicate(timeout=30)
        return self.process.returncode, rest


def test_serve_answers_until_stopped(indexed) -> None:
    import httpx

    server = Server(indexed.index_dir)
    try:
        assert server.url.startswith("http://127.0.0.1:")  # loopback unless asked
        served = httpx.get(server.url + "api/search", params={"q": "Kazakhstan"}).json()
        assert served == cli_json(indexed, "query", "Kazakhstan")[1]
    finally:
        status, stderr = server.stop()
    assert status == 128 + signal.SIGTERM
    assert "Traceback" not in stderr


def test_answers_are_not_held_back_for_the_clients_acknowledgement() -> None:
    """Connections on the listening socket get TCP_NODELAY from asyncio (which uvicorn runs on): otherwise
    the body of an answer, sent after its headers, waits for the client's delayed ACK."""
    import socket

    from seekwire.serve.app import listen

    sock = listen("127.0.0.1", 0)

    async def scene() -> int:
        accepted: dict[str, int] = {}

        async def on_connection(reader, writer) -> None:
            accepted["nodelay"] = writer.get_extra_info("socket").getsockopt(socket.IPPROTO_TCP,
                                                                             socket.TCP_NODELAY)
            writer.close()

        server = await asyncio.start_server(on_connection, sock=sock)
        reader, writer = await asyncio.open_connection(*sock.getsockname()[:2])
        await reader.read()
        writer.close()
        server.close()
        await server.wait_closed()
        return accepted["nodelay"]

    assert asyncio.run(scene()) != 0


def test_serve_without_an_index_is_one_line_and_status_2(tmp_path: Path, run, monkeypatch) -> None:
    # The default index is ./index or $SEEKWIRE_INDEX: in a checkout where a user has run the README's tour,
    # both would name a real index and the server would run for ever.
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SEEKWIRE_INDEX", raising=False)
    result = run("serve", "--port", "0", index=False)
    assert result.exit_code == 2
    assert result.stderr.startswith("seekwire: no index at index") and result.stderr.count("\n") == 1


def test_serve_on_a_taken_port_says_so(indexed) -> None:
    server = Server(indexed.index_dir)
    try:
        port = urlsplit(server.url).port
        result = indexed("serve", "--port", str(port))
        assert result.exit_code == 2
        assert f"cannot listen on 127.0.0.1:{port}" in result.stderr
    finally:
        server.stop()


@pytest.mark.slow
def test_bounded_load_is_answered_correctly(indexed) -> None:
    """8 clients × 25 requests over a keep-alive connection each: every answer right; p50 / p99 reported."""
    import http.client
    import time

    queries = ["Kazakhstan", "coopération", "Chine OR Inde", "agency:VNA", "cooperation kazakstan", "(bad"]
    server = Server(indexed.index_dir, "--workers", "2")
    host, port = urlsplit(server.url).hostname, urlsplit(server.url).port
    expected = {}
    for text in queries:
        connection = http.client.HTTPConnection(host, port)
        connection.request("GET", "/api/search?" + urlencode({"q": text}))
        response = connection.getresponse()
        expected[text] = (response.status, response.read())
        connection.close()
    times: list[float] = []
    wrong: list[str] = []

    def client(number: int) -> None:
        connection = http.client.HTTPConnection(host, port)
        for request in range(25):
            text = queries[(number + request) % len(queries)]
            started = time.perf_counter()
            connection.request("GET", "/api/search?" + urlencode({"q": text}))
            response = connection.getresponse()
            answer = (response.status, response.read())
            times.append(time.perf_counter() - started)
            if answer != expected[text]:
                wrong.append(text)
        connection.close()

    try:
        threads = [threading.Thread(target=client, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        _, stderr = server.stop()
    times.sort()
    print(f"load: {len(times)} requests, p50 {1000 * times[len(times) // 2]:.1f} ms, "
          f"p99 {1000 * times[int(len(times) * 0.99)]:.1f} ms, {len(wrong)} wrong")
    assert len(times) == 200 and wrong == []
    assert expected["(bad"][0] == 400 and expected["Kazakhstan"][0] == 200
    assert "Traceback" not in stderr
