"""`seekwire serve`: the JSON API and the search page, over one index, read-only.

Starlette routes the requests, uvicorn speaks HTTP and Jinja2 fills the page: the light stack Datasette uses,
three pure-Python packages, nothing to build. The page is plain HTML forms and links (a search is its URL,
with the API's parameter names), so it works without JavaScript; its stylesheet and its one small script ship
in this package.

The API answers with the CLI's own JSON (`output.results_record`, `article_record`…): `/api/search` is
`seekwire query --json`, `/api/doc/{id}` is `show --json`. Library errors become JSON with a status — 400 for
a malformed query or parameter (the CLI's message), 404 for an unknown id, 503 when no worker answered in time —
and an unexpected error is a 500 with one line, its traceback on the server's stderr only.

Queries run on `pool.SearcherPool`'s worker threads; the event loop only parses, routes and encodes.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import socket
import sys
from collections.abc import Awaitable, Callable
from dataclasses import asdict
from pathlib import Path
from urllib.parse import urlencode

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from seekwire import __version__
from seekwire.analysis import terms
from seekwire.errors import NotFoundError, QuerySyntaxError, SeekwireError
from seekwire.facets import FACET_NAMES
from seekwire.output import article_record, clean_spans, results_record, to_json
from seekwire.query import Filters, check_date_range, parse, parse_date_bound
from seekwire.serve.pool import SearcherPool, TooSlow
from seekwire.snippets import match_spans
from seekwire.text import printable, repair

log = logging.getLogger("seekwire.serve")

# The filters, as the API and the page name them (the CLI's option names), and the Filters field each fills.
FILTERS = {
    "agency": "agencies",
    "person": "persons",
    "place": "places",
    "org": "organizations",
    "entity": "entities",
    "publisher": "publishers",
}
# The facets of the page's sidebar, each with the filter a click on one of its values adds.
SIDEBAR = {"agencies": "agency", "persons": "person", "places": "place", "organizations": "org",
           "publishers": "publisher"}
SORTS = ("relevance", "date", "-date")
MAX_LIMIT = 1000
PAGE_SIZE = 10
SIMILAR_SHOWN = 5
# The histogram is by day when the matching documents' months are fewer than this apart.
DAY_MONTHS = 2


class BadRequest(QuerySyntaxError):
    """A parameter the API cannot take (a limit that is not a number…): a 400, like a malformed query."""


STATUS = ((BadRequest, 400), (QuerySyntaxError, 400), (NotFoundError, 404), (TooSlow, 503))


def status_of(error: SeekwireError) -> int:
    return next((code for kind, code in STATUS if isinstance(error, kind)), 500)


# Reading a request


def integer(request: Request, name: str, default: int, low: int, high: int) -> int:
    value = request.query_params.get(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise BadRequest(f"{name} must be a whole number, not {value!r}") from None
    if not low <= number <= high:
        raise BadRequest(f"{name} must be between {low} and {high}")
    return number


def filters_of(request: Request) -> Filters:
    """The filters of a request: each repeatable, values of one name OR'ed, names AND'ed (as the CLI's)."""
    params = request.query_params
    found = Filters(**{field: [repair(v) for v in params.getlist(name) if v.strip()]
                       for name, field in FILTERS.items()})
    for bound in ("since", "until"):
        if params.get(bound):
            setattr(found, bound, parse_date_bound(params[bound], end=bound == "until"))
    check_date_range(found.since, found.until)
    return found


def sort_of(request: Request) -> str:
    sort = request.query_params.get("sort") or "relevance"
    if sort not in SORTS:
        raise BadRequest(f"unknown sort {sort!r} — use one of {', '.join(SORTS)}")
    return sort


def search_of(request: Request, limit: int) -> Callable:
    """The search a request asks for, as a job for a worker."""
    text = request.query_params.get("q", "")
    filters, sort = filters_of(request), sort_of(request)
    limit = integer(request, "limit", limit, 0, MAX_LIMIT)
    offset = integer(request, "offset", 0, 0, 10**9)
    facet_limit = integer(request, "facet_limit", 10, 1, MAX_LIMIT)
    return lambda searcher: searcher.search(text, filters=filters, sort=sort, limit=limit, offset=offset,
                                            facet_limit=facet_limit)


class JSON(Response):
    media_type = "application/json"


def error_json(error: SeekwireError) -> JSON:
    status = status_of(error)
    headers = {"Retry-After": "1"} if status == 503 else None
    return JSON(to_json({"error": str(error), "status": status}), status, headers=headers)


# The API


def api(job_of: Callable[[Request], Callable], record: Callable) -> Callable[[Request], Awaitable[Response]]:
    """An API endpoint: the request's job run on a worker, its result as the CLI's JSON, errors as JSON."""

    async def endpoint(request: Request) -> Response:
        try:
            job = job_of(request)
            # Encoded on the worker too: the event loop only reads requests and writes answers.
            return JSON(await request.app.state.pool.run(lambda searcher: to_json(record(job(searcher)))))
        except SeekwireError as error:
            return error_json(error)

    return endpoint


def facet_job(request: Request) -> Callable:
    field = request.path_params["field"]
    if field not in FACET_NAMES:
        raise NotFoundError(f"no facet {field!r} — facets are {', '.join(FACET_NAMES)}")
    text, filters = request.query_params.get("q", ""), filters_of(request)
    limit = integer(request, "limit", 0, 1, 10**9) or None
    return lambda searcher: {"facet": field, "counts": [
        asdict(count) for count in searcher.facet(field, text, filters=filters)[:limit]]}


def stats_job(request: Request) -> Callable:
    text, filters = request.query_params.get("q", ""), filters_of(request)
    facet_limit = integer(request, "facet_limit", 10, 1, MAX_LIMIT)
    return lambda searcher: searcher.stats(text, filters, facet_limit=facet_limit)


def similar_job(request: Request) -> Callable:
    doc_id, limit = request.path_params["doc_id"], integer(request, "limit", 10, 1, MAX_LIMIT)
    return lambda searcher: searcher.similar(doc_id, limit=limit)


API_ROUTES = [
    Route("/api/search", api(lambda request: search_of(request, 10), results_record)),
    Route("/api/doc/{doc_id:path}",
          api(lambda request: lambda searcher: searcher.get(request.path_params["doc_id"]), article_record)),
    Route("/api/similar/{doc_id:path}", api(similar_job, results_record)),
    Route("/api/facets/{field}", api(facet_job, dict)),
    Route("/api/stats", api(stats_job, asdict)),
]


def openapi() -> dict:
    """The API's OpenAPI 3.1 description, built from the same names the handlers read."""

    def param(name: str, description: str, kind: str = "string", where: str = "query", **more) -> dict:
        return {"name": name, "in": where, "required": where == "path", "description": description,
                "schema": {"type": kind}, **more}

    repeatable = [param(name, f"only documents with this {field[:-1] if field != 'entities' else 'entity'}; "
                              "repeatable: values OR'ed, names AND'ed", "string", explode=True)
                  for name, field in FILTERS.items()]
    for spec in repeatable:
        spec["schema"] = {"type": "array", "items": {"type": "string"}}
    dates = [param("since", "published on or after: YYYY, YYYY-MM or YYYY-MM-DD"),
             param("until", "published on or before: YYYY, YYYY-MM or YYYY-MM-DD")]
    query = param("q", "the query, in seekwire's query syntax (README)")
    doc_id = param("doc_id", "a document id", where="path")
    errors = {str(code): {"description": what, "content": {"application/json": {"schema": {
        "type": "object", "properties": {"error": {"type": "string"}, "status": {"type": "integer"}}}}}}
        for code, what in ((400, "malformed query or parameter"), (404, "unknown id or facet"),
                           (503, "not answered in time"))}

    def get(summary: str, params: list[dict]) -> dict:
        return {"get": {"summary": summary, "parameters": params,
                        "responses": {"200": {"description": "the CLI's JSON (README: JSON output)"}, **errors}}}

    return {
        "openapi": "3.1.0",
        "info": {"title": "seekwire", "version": __version__,
                 "description": "French-aware full-text search over news pages; each answer is the JSON of "
                                "the matching `seekwire` command."},
        "paths": {
            "/api/search": get("seekwire query --json", [
                query, *repeatable, *dates,
                param("sort", "order of hits", enum=list(SORTS)),
                param("limit", f"hits per page (default 10, at most {MAX_LIMIT})", "integer"),
                param("offset", "hits to skip", "integer"),
                param("facet_limit", "values per facet (default 10)", "integer")]),
            "/api/doc/{doc_id}": get("seekwire show --json", [doc_id]),
            "/api/similar/{doc_id}": get("seekwire similar --json", [
                doc_id, param("limit", "hits (default 10)", "integer")]),
            "/api/facets/{field}": get("seekwire facets FIELD --json: every value of one facet", [
                param("field", "the facet", where="path", schema={"type": "string", "enum": list(FACET_NAMES)}),
                query, *repeatable, *dates,
                param("limit", "values, most frequent (dates: newest) first (default: all)", "integer")]),
            "/api/stats": get("seekwire stats --json", [
                query, *repeatable, *dates, param("facet_limit", "values per facet (default 10)", "integer")]),
        },
    }


async def openapi_json(request: Request) -> Response:
    return JSON(json.dumps(request.app.state.openapi))


# The page


def marked(text: str | None, spans: list) -> Markup:
    """Text for HTML, made printable, with each span in <mark>."""
    text, spans = clean_spans(text or "", spans)
    out, last = [], 0
    for start, end in spans:
        out += [escape(text[last:start]), Markup("<mark>"), escape(text[start:end]), Markup("</mark>")]
        last = end
    out.append(escape(text[last:]))
    return Markup("").join(out)


class Link:
    """URLs of the page for one request: the same search with one parameter changed."""

    def __init__(self, request: Request):
        self.params = [(k, v) for k, v in request.query_params.multi_items() if v != ""]

    def url(self, path: str = "/", drop: tuple[str, ...] = (), **changes: str | int | None) -> str:
        kept = [(k, v) for k, v in self.params if k not in changes and k not in drop and k != "offset"]
        kept += [(k, str(v)) for k, v in changes.items() if v not in (None, "")]
        return f"{path}?{urlencode(kept)}" if kept else path

    def has(self, name: str, value: str) -> bool:
        return (name, value) in self.params

    def toggle(self, name: str, value: str) -> str:
        """This search with the filter `name=value` added, or removed when it is on."""
        if self.has(name, value):
            kept = [(k, v) for k, v in self.params if (k, v) != (name, value) and k != "offset"]
        else:
            kept = [(k, v) for k, v in self.params if k != "offset"] + [(name, value)]
        return f"/?{urlencode(kept)}" if kept else "/"

    def page(self, offset: int) -> str:
        kept = [(k, v) for k, v in self.params if k != "offset"] + ([("offset", str(offset))] if offset else [])
        return f"/?{urlencode(kept)}" if kept else "/"


def histogram(searcher, text: str, filters: Filters) -> tuple[list[dict], bool]:
    """Bars from the first month (or day) with matches to the last, empty ones included so that the bars are a
    timeline: each a label, a count and a height in percent; and whether they are days (when the matches'
    months are fewer than DAY_MONTHS apart)."""
    counts = {c.value: c.count for c in searcher.facet("months", text, filters=filters)}
    if not counts:
        return [], False
    first, last = (dt.date.fromisoformat(label + "-01") for label in (min(counts), max(counts)))
    by_day = (last.year - first.year) * 12 + last.month - first.month < DAY_MONTHS
    if by_day:
        counts = {c.value: c.count for c in searcher.facet("days", text, filters=filters)}
        day, last = dt.date.fromisoformat(min(counts)), dt.date.fromisoformat(max(counts))
        labels = []
        while day <= last:
            labels.append(day.isoformat())
            day += dt.timedelta(days=1)
    else:
        labels = [f"{month // 12:04d}-{month % 12 + 1:02d}"
                  for month in range(first.year * 12 + first.month - 1, last.year * 12 + last.month)]
    top = max(counts.values())
    return [{"label": label, "count": counts.get(label, 0), "height": round(100 * counts.get(label, 0) / top)}
            for label in labels], by_day


async def search_page(request: Request) -> Response:
    text = request.query_params.get("q", "")
    link = Link(request)
    context = {"q": text, "link": link, "sidebar": SIDEBAR, "sorts": SORTS, "filters": FILTERS,
               "results": None, "error": None, "bars": [], "since": request.query_params.get("since", ""),
               "until": request.query_params.get("until", ""), "sort": request.query_params.get("sort", "")}
    status = 200
    if request.query_params:
        try:
            job = search_of(request, PAGE_SIZE)
            filters = filters_of(request)

            def page_job(searcher):
                results = job(searcher)
                return results, histogram(searcher, text, filters)

            results, (bars, by_day) = await request.app.state.pool.run(page_job)
            context.update(results=results, bars=bars, by_day=by_day)
        except SeekwireError as error:
            status, context["error"] = status_of(error), str(error)
    return html(request, "search.html", context, status)


async def doc_page(request: Request) -> Response:
    doc_id, text = request.path_params["doc_id"], request.query_params.get("q", "")

    def job(searcher):
        return searcher.get(doc_id), searcher.similar(doc_id, limit=SIMILAR_SHOWN)

    try:
        words = frozenset(terms(parse(text).text)) if text else frozenset()
        article, similar = await request.app.state.pool.run(job)
    except SeekwireError as error:
        return html(request, "search.html", {"q": text, "link": Link(request), "error": str(error),
                                             "results": None, "sidebar": SIDEBAR, "sorts": SORTS,
                                             "filters": FILTERS, "bars": []}, status_of(error))
    paragraphs = [marked(p, match_spans(p, words)) for p in article.body.split("\n\n") if p.strip()]
    context = {"q": text, "link": Link(request), "article": article, "similar": similar,
               "title": marked(article.title, match_spans(article.title, words)),
               "lede": marked(article.lede, match_spans(article.lede or "", words)) if article.lede else None,
               "paragraphs": paragraphs, "url": article.url if (article.url or "").startswith(("http://",
                                                                                                  "https://")) else None}
    return html(request, "doc.html", context)


def html(request: Request, template: str, context: dict, status: int = 200) -> HTMLResponse:
    page = request.app.state.templates.get_template(template).render(context, marked=marked, printable=printable)
    return HTMLResponse(page, status)


# The application


async def internal_error(request: Request, error: Exception) -> Response:
    """A bug: one line to the user, the traceback to the server's log only."""
    log.exception("internal error on %s", request.url.path)
    message = {"error": "internal error — the server's log has the details", "status": 500}
    if request.url.path.startswith("/api/"):
        return JSON(to_json(message), 500)
    return HTMLResponse("<!doctype html><title>seekwire: internal error</title><p>Internal error — the server's "
                        "log has the details.</p>", 500)


async def not_found(request: Request, error: Exception) -> Response:
    if request.url.path.startswith("/api/"):
        return JSON(to_json({"error": f"no such address {request.url.path!r} — see /api/openapi.json",
                             "status": 404}), 404)
    return HTMLResponse("<!doctype html><title>seekwire: not found</title><p>No such page. "
                        "<a href='/'>Search</a></p>", 404)


def make_app(pool: SearcherPool) -> Starlette:
    """The application over `pool`'s searchers."""
    app = Starlette(
        routes=[*API_ROUTES, Route("/api/openapi.json", openapi_json), Route("/", search_page),
                Route("/doc/{doc_id:path}", doc_page),
                Mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")],
        exception_handlers={Exception: internal_error, 404: not_found},
    )
    app.state.pool = pool
    app.state.openapi = openapi()
    app.state.templates = Environment(loader=PackageLoader("seekwire.serve"), autoescape=select_autoescape(),
                                      trim_blocks=True, lstrip_blocks=True)
    return app


def listen(host: str, port: int) -> socket.socket:
    """A listening socket (port 0: any free one). Raises SeekwireError when the address cannot be taken.

    It is made with the protocol named, IPPROTO_TCP, not 0 as `socket.create_server` makes it: asyncio sets
    TCP_NODELAY on a connection only when its socket says TCP. Without it, the answer's body (uvicorn sends
    headers and body apart) waited for the client's delayed acknowledgement of the headers: up to 40 ms a
    request on Linux: 48 ms p50 against 2.4 ms now, for a query of the seed index on a loaded machine.
    """
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                                             proto=socket.IPPROTO_TCP, flags=socket.AI_PASSIVE)[0]
        sock = socket.socket(family, kind, proto)
    except OSError as error:
        raise SeekwireError(f"cannot listen on {host}:{port}: {error.strerror or error} — choose another "
                            "--host") from None
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError as error:
        sock.close()
        raise SeekwireError(f"cannot listen on {host}:{port}: {error.strerror or error} — choose another "
                            "--port or --host") from None
    return sock


def serve(index_dir: str, host: str = "127.0.0.1", port: int = 8686, timeout: float = 10.0,
          workers: int = 4, announce: Callable[[str], None] = print) -> None:
    """Serve `index_dir` until interrupted; `announce` is given the line with the address once listening."""
    import uvicorn

    pool = SearcherPool(index_dir, workers=workers, timeout=timeout)
    sock = listen(host, port)
    bound = sock.getsockname()
    shown = f"[{bound[0]}]" if sock.family == socket.AF_INET6 else bound[0]
    config = uvicorn.Config(make_app(pool), log_level="warning", access_log=False, lifespan="off")
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING, format="seekwire: %(message)s")
    announce(f"seekwire: serving {index_dir} at http://{shown}:{bound[1]}/ (Ctrl-C to stop)")
    try:
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        pool.close()
        sock.close()
