"""The command line: parse options, call one library function, render the result, choose the exit status.

Exit status follows grep and ripgrep: 0 found (or done), 1 nothing found (for `index`: done, but some inputs
were skipped), 2 error, and as shells expect 128 + the signal's number when interrupted (130 for Ctrl-C, 143 for
SIGTERM), after a clean stop. Library errors become a one-line message on stderr and status 2, never a
traceback. stdout carries data only; progress and summaries go to stderr. Every message is made printable
(`text.printable`): a path or a query can carry escape sequences too.

Modules that pull in the engine or the indexing pipeline are imported inside the commands that need them, so
`seekwire --help` and the query path stay quick to start.
"""

from __future__ import annotations

import errno
import functools
import os
import shutil
import signal
import sys
import traceback
from collections.abc import Callable

import click

from seekwire import __version__
from seekwire.errors import SeekwireError
from seekwire.text import printable

FORMATS = ("table", "json", "jsonl")
# Commands that list hits or counts also write CSV, for a spreadsheet.
CSV_FORMATS = (*FORMATS, "csv")


class Failure(click.ClickException):
    """A user-facing error: the message, and exit status 2."""

    exit_code = 2

    def show(self, file=None) -> None:
        click.echo(f"seekwire: {printable(self.format_message())}", err=True)


class Interrupted(KeyboardInterrupt):
    """A stop asked for by a signal: raised where the program is, so that every cleanup runs."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def _interrupt(signum: int, frame: object) -> None:
    raise Interrupted(signum)


class Commands(click.Group):
    """The command group, run so that its endings are seekwire's own.

    click would print "Aborted!" and exit 1 on Ctrl-C, the status for "nothing found"; and would print a usage
    error's text (which can quote a hostile argument) as it is. SIGTERM stops a run as Ctrl-C does, through
    the same cleanup: an interrupted `index` leaves neither its unfinished generation nor its lock.
    """

    def main(self, *args, **kwargs):
        previous = signal.signal(signal.SIGTERM, _interrupt)
        try:
            status = super().main(*args, standalone_mode=False, **kwargs)
        except click.ClickException as error:
            error.message = printable(error.message)
            error.show()
            sys.exit(error.exit_code)
        except click.Abort:  # Ctrl-C before a command started
            sys.exit(128 + signal.SIGINT)
        except OSError as error:
            if error.errno != errno.EPIPE:
                raise
            # The reader of a pipe left (`| head`): stop quietly, as other command-line tools do.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(1)
        finally:
            signal.signal(signal.SIGTERM, previous)
        sys.exit(status if isinstance(status, int) else 0)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt as stop:
            after_progress = "\n" if sys.stderr.isatty() else ""
            click.echo(f"{after_progress}seekwire: interrupted", err=True)
            raise click.exceptions.Exit(128 + getattr(stop, "signum", signal.SIGINT)) from None
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as error:
            if isinstance(error, OSError) and error.errno == errno.EPIPE:
                raise
            # A bug in seekwire: its traceback for the report, one line for the user, never "your index".
            traceback.print_exc()
            click.echo(f"seekwire: internal error ({type(error).__name__}) — please report it, with the "
                       "traceback above", err=True)
            raise click.exceptions.Exit(2) from None


def translate_errors(command: Callable) -> Callable:
    """Turn library errors into `Failure`s at the edge."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except SeekwireError as error:
            raise Failure(str(error)) from None

    return wrapper


def index_option(command: Callable) -> Callable:
    return click.option(
        "--index", "index_dir", default="index", show_default=True, envvar="SEEKWIRE_INDEX",
        type=click.Path(file_okay=False), help="Index directory (or set SEEKWIRE_INDEX).",
    )(command)


def format_options(command: Callable | None = None, *, default: str = "table on a terminal, json otherwise",
                   formats: tuple[str, ...] = FORMATS) -> Callable:
    """`--format table|json|jsonl` (or `formats`) and `--json`; without either, by default a table on a terminal
    and JSON in a pipe (`default` says otherwise for a command that does otherwise)."""
    if command is None:
        return functools.partial(format_options, default=default, formats=formats)
    command = click.option("--json", "as_json", is_flag=True, help="Shorthand for --format json.")(command)
    return click.option(
        "--format", "fmt", type=click.Choice(formats), help=f"Output format [default: {default}].",
    )(command)


def color_option(command: Callable) -> Callable:
    return click.option(
        "--color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True,
        help="Bold matched words in tables: auto is on a terminal, unless NO_COLOR is set "
             "(`--format table --color always | less -R`).",
    )(command)


def resolve_format(fmt: str | None, as_json: bool) -> str:
    if as_json:
        if fmt not in (None, "json"):
            raise click.UsageError("--json and --format disagree; give one of them")
        return "json"
    if fmt:
        return fmt
    return "table" if sys.stdout.isatty() else "json"


def use_color(fmt: str, color: str = "auto") -> bool:
    """Whether a table gets bold: asked for, or on a terminal when NO_COLOR is unset; JSON and CSV never."""
    if fmt != "table" or color == "never":
        return False
    return color == "always" or (sys.stdout.isatty() and "NO_COLOR" not in os.environ)


def terminal_width() -> int:
    """The width tables fit: COLUMNS when set, else the terminal's, else the renderer's default."""
    from seekwire.output import DEFAULT_WIDTH

    return shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns


def resolved(searcher, ref: str) -> str:
    """The id a hit reference names (refs.py), saying on stderr how it was read when it was not the id."""
    from seekwire.refs import resolve

    doc_id, how = resolve(searcher, ref)
    if how:
        click.echo(f"seekwire: {printable(how)}", err=True)
    return doc_id


def emit(text: str, color: bool = False) -> None:
    """Print data; with `color`, keep the bold that click would strip in a pipe (`--color always | less -R`)."""
    if text:
        click.echo(text, color=color or None)


@click.group(cls=Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="seekwire")
def cli() -> None:
    """French-aware full-text search over scraped news pages.

    Build an index with `seekwire index DIR`, then ask it with `seekwire query WORDS`.
    """


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@index_option
@click.option("--rebuild", is_flag=True, help="Build a fresh index (beside the current one, swapped in at the end).")
@click.option("--entities/--no-entities", default=True, show_default=True,
              help="Extract people, places and organisations (slower).")
@click.option("--wait", type=click.FloatRange(min=0), default=10.0, show_default=True,
              help="Seconds to wait for another indexing run to finish.")
@click.option("--shards", type=click.IntRange(min=1), help="Split a new index into N shards by a hash of the ids.")
@click.option("--scheduler", metavar="ADDRESS", help="Build the shards on this Dask scheduler (tcp://HOST:8786).")
@click.option("--scheduler-file", type=click.Path(dir_okay=False), help="Dask scheduler to build the shards on.")
@click.option("--local-workers", type=click.IntRange(min=1), metavar="K",
              help="Build the shards on a Dask cluster of K processes on this machine.")
@format_options(default="table, a summary line on stderr")
@translate_errors
def index(paths: tuple[str, ...], index_dir: str, rebuild: bool, entities: bool, wait: float, shards: int | None,
          scheduler: str | None, scheduler_file: str | None, local_workers: int | None,
          fmt: str | None, as_json: bool) -> None:
    """Index pages (.txt), saved web pages (.html, .htm, .html.gz) and articles (.jsonl, .jsonl.gz).

    Only files that changed since the last run are read again; documents whose file disappeared from an
    indexed directory are removed.
    """
    from seekwire.output import render_report, summary_line
    from seekwire.shards import index_here, is_sharded

    fmt = resolve_format(fmt, as_json) if (fmt or as_json) else "table"
    if scheduler or scheduler_file or local_workers:
        from seekwire.distributed import index_sharded

        report = index_sharded(paths, index_dir, scheduler=scheduler, scheduler_file=scheduler_file,
                               local_workers=local_workers, shards_count=shards, rebuild=rebuild,
                               entities=entities, wait=wait).report
    elif shards or is_sharded(index_dir):
        report = index_here(paths, index_dir, shards=shards, rebuild=rebuild, entities=entities, wait=wait).report
    else:
        from seekwire.indexer import index_paths

        with _progress() as progress:
            report = index_paths(paths, index_dir, rebuild=rebuild, entities=entities, wait=wait,
                                 progress=progress, stage=progress.stage if progress else None)
    for skip in report.skipped:
        click.echo(f"seekwire: skipped {printable(skip.path)}: {printable(skip.reason)}", err=True)
    if fmt == "table":
        click.echo(summary_line(report), err=True)
    else:
        emit(render_report(report, fmt))
    sys.exit(1 if report.skipped else 0)


class _progress:
    """A progress bar on stderr, only when stderr is a terminal; its label says what the run is doing when it
    is not reading files (the language model loads for seconds while the bar stands still)."""

    def __enter__(self):
        self._bar = None
        self._label = "indexing"
        return self if sys.stderr.isatty() else None

    def __call__(self, done: int, total: int) -> None:
        if self._bar is None:
            self._bar = click.progressbar(length=total, label=self._label, file=sys.stderr).__enter__()
        self._bar.update(done - self._bar.pos)

    def stage(self, text: str) -> None:
        label = text or "indexing"
        if label == self._label:
            return
        self._label = label
        if self._bar is None:
            click.echo(f"seekwire: {label}", err=True)
        else:
            self._bar.label = label
            self._bar.render_progress()

    def __exit__(self, *exc_info: object) -> None:
        if self._bar is not None:
            self._bar.__exit__(*exc_info)


def filter_options(command: Callable) -> Callable:
    """The facet filters, each repeatable: values of one option are OR'ed, different options AND'ed."""
    for name, meta, what in reversed([
        ("--agency", "A", "credited agency"),
        ("--person", "P", "person mentioned"),
        ("--place", "P", "place mentioned"),
        ("--org", "O", "organisation mentioned"),
        ("--entity", "E", "person, place or organisation mentioned"),
        ("--publisher", "S", "publishing site"),
    ]):
        command = click.option(name, multiple=True, metavar=meta, help=f"Only documents with this {what}.")(command)
    command = click.option("--until", metavar="DATE", callback=_date_bound(end=True),
                           help="Published on or before (YYYY, YYYY-MM or YYYY-MM-DD).")(command)
    return click.option("--since", metavar="DATE", callback=_date_bound(end=False),
                        help="Published on or after (YYYY, YYYY-MM or YYYY-MM-DD).")(command)


def _date_bound(end: bool) -> Callable:
    def callback(ctx: click.Context, param: click.Parameter, value: str | None):
        if value is None:
            return None
        from seekwire.query import parse_date_bound

        try:
            return parse_date_bound(value, end=end)
        except SeekwireError as error:
            raise click.BadParameter(str(error)) from None

    return callback


def make_filters(options: dict):
    """The filter options as `Filters`. Raises Failure for a date range that ends before it starts."""
    from seekwire.query import Filters, check_date_range
    from seekwire.text import repair

    def values(name: str) -> list[str]:
        return [repair(value) for value in options.pop(name)]

    filters = Filters(
        agencies=values("agency"),
        persons=values("person"),
        places=values("place"),
        organizations=values("org"),
        entities=values("entity"),
        publishers=values("publisher"),
        since=options.pop("since"),
        until=options.pop("until"),
    )
    try:
        check_date_range(filters.since, filters.until)
    except SeekwireError as error:
        raise Failure(str(error)) from None
    return filters


@cli.command()
@click.argument("text", required=False, default="")
@index_option
@filter_options
@click.option("--sort", type=click.Choice(["relevance", "date", "-date"]), default="relevance", show_default=True,
              help="Order of hits; undated documents always come last. Without words: -date.")
@click.option("--limit", "-n", type=click.IntRange(min=0), default=10, show_default=True, help="Hits to show.")
@click.option("--offset", type=click.IntRange(min=0), default=0, show_default=True, help="Hits to skip.")
@click.option("--facets", "show_facets", is_flag=True, help="Show facet counts under the hits (table output).")
@click.option("--facet-limit", type=click.IntRange(min=1), default=10, show_default=True,
              help="Values shown per facet.")
@click.option("--timeline", is_flag=True, help="Instead of hits, the matching documents per day, week or month "
              "(chosen from their span), as a bar chart on a terminal.")
@click.option("--batch", type=click.File("rb"), metavar="FILE",
              help="Run every query of FILE ('-' for stdin): one query per line, or a JSON object with "
                   "'query' and options; prints one JSON result per line.")
@format_options(formats=CSV_FORMATS)
@color_option
@translate_errors
def query(text: str, index_dir: str, sort: str, limit: int, offset: int, show_facets: bool, facet_limit: int,
          timeline: bool, batch, fmt: str | None, as_json: bool, color: str, **options) -> None:
    """Search the index for TEXT, best matches first.

    TEXT may use the query syntax (see README): "exact phrases", AND / OR / NOT, -word, +word, (groups),
    title:word, prefix*, word~ and the filters agency:, person:, place:, org:, entity:, publisher:, date:.
    Without TEXT, the filters alone select documents, newest first.
    """
    from seekwire.output import render_results
    from seekwire.refs import remember
    from seekwire.search import Searcher

    filters = make_filters(options)
    if batch is not None:
        if text:
            raise click.UsageError("give either TEXT or --batch, not both")
        from seekwire.batch import run_batch

        with Searcher(index_dir) as searcher:
            summary = run_batch(searcher, batch, click.echo, filters=filters, sort=sort, limit=limit,
                                offset=offset, facet_limit=facet_limit)
        click.echo(f"seekwire: batch: {summary.queries} queries, {summary.failed} failed, {summary.skipped} blank "
                   "or comment lines skipped", err=True)
        sys.exit(0 if summary.found else 1)
    fmt = resolve_format(fmt, as_json)
    if timeline:
        show_timeline(index_dir, text, filters, fmt)
    with Searcher(index_dir) as searcher:
        results = searcher.search(text, filters=filters, sort=sort, limit=limit, offset=offset,
                                  facet_limit=facet_limit)
    remember(index_dir, results)
    bold = use_color(fmt, color)
    emit(render_results(results, fmt, bold, show_facets, terminal_width()), bold)
    if fmt == "table":
        for note in results.notes:
            click.echo(f"seekwire: {printable(note)}", err=True)
        if results.suggestion:
            click.echo(f"did you mean: {printable(results.suggestion)}", err=True)
        shown = f"{results.offset + 1}-{results.offset + len(results.hits)} of " if results.hits else ""
        click.echo(f"{shown}{results.total} documents", err=True)
    sys.exit(0 if results.total else 1)


def show_timeline(index_dir: str, text: str, filters, fmt: str) -> None:
    """`query --timeline`: the chart, and its totals on stderr at a terminal; exits."""
    from seekwire.output import render_timeline
    from seekwire.search import Searcher
    from seekwire.timeline import timeline

    with Searcher(index_dir) as searcher:
        found = timeline(searcher, text, filters)
    emit(render_timeline(found, fmt, terminal_width()))
    if fmt == "table":
        undated = f", {found.undated} undated" if found.undated else ""
        click.echo(f"{found.total} documents by {found.period[:-1]}{undated}", err=True)
    sys.exit(0 if found.total else 1)


@cli.command()
@click.argument("ref", metavar="HIT")
@index_option
@click.option("--limit", "-n", type=click.IntRange(min=1), default=10, show_default=True, help="Hits to show.")
@format_options(formats=CSV_FORMATS)
@color_option
@translate_errors
def similar(ref: str, index_dir: str, limit: int, fmt: str | None, as_json: bool, color: str) -> None:
    """Documents most like HIT (shared salient words and entities).

    HIT is a hit's number in the last list of hits shown, an id, the start of one, or a file's name.
    """
    from seekwire.output import render_results
    from seekwire.refs import remember
    from seekwire.search import Searcher

    fmt = resolve_format(fmt, as_json)
    with Searcher(index_dir) as searcher:
        results = searcher.similar(resolved(searcher, ref), limit=limit)
    remember(index_dir, results)
    bold = use_color(fmt, color)
    emit(render_results(results, fmt, bold, False, terminal_width()), bold)
    sys.exit(0 if results.total else 1)


@cli.command()
@click.argument("text", required=False, default="")
@index_option
@filter_options
@click.option("--facet-limit", type=click.IntRange(min=1), default=10, show_default=True,
              help="Values shown per facet.")
@format_options
@translate_errors
def stats(text: str, index_dir: str, facet_limit: int, fmt: str | None, as_json: bool, **options) -> None:
    """What the index holds: documents, dates, top agencies, entities and publishers, size, schema.

    With TEXT or filters (those of `query`), the documents, dates and facets are those of the matching
    documents.
    """
    from seekwire.output import render_stats
    from seekwire.search import Searcher

    fmt = resolve_format(fmt, as_json)
    with Searcher(index_dir) as searcher:
        emit(render_stats(searcher.stats(text, make_filters(options), facet_limit=facet_limit), fmt))


# Facet names as `facets` takes them: the plural, or the singular the filter options use (`--person`).
FACET_CHOICES = {
    **{name: name for name in ("agencies", "persons", "places", "organizations", "publishers", "years",
                               "months", "weeks", "days")},
    "agency": "agencies", "person": "persons", "place": "places", "org": "organizations",
    "organization": "organizations", "publisher": "publishers", "year": "years", "month": "months",
    "week": "weeks", "day": "days",
}


@cli.command()
@click.argument("field", type=click.Choice(list(FACET_CHOICES), case_sensitive=False), metavar="FIELD")
@click.argument("text", required=False, default="")
@index_option
@filter_options
@click.option("--limit", "-n", type=click.IntRange(min=1), help="Values shown, most frequent (dates: newest) "
              "first [default: all].")
@format_options(formats=CSV_FORMATS)
@translate_errors
def facets(field: str, text: str, index_dir: str, limit: int | None, fmt: str | None, as_json: bool,
           **options) -> None:
    """Every value of one facet, with its count, over the documents matching TEXT (all without it).

    FIELD is agencies, persons, places, organizations, publishers, years, months, weeks or days (or the
    singular, as the filter options spell it).
    """
    from seekwire.output import render_facet
    from seekwire.search import Searcher

    field = FACET_CHOICES[field.lower()]
    fmt = resolve_format(fmt, as_json)
    with Searcher(index_dir) as searcher:
        counts = searcher.facet(field, text, filters=make_filters(options))[:limit]
    emit(render_facet(field, counts, fmt))
    sys.exit(0 if counts else 1)


@cli.command()
@click.argument("ref", metavar="HIT")
@index_option
@format_options
@color_option
@translate_errors
def show(ref: str, index_dir: str, fmt: str | None, as_json: bool, color: str) -> None:
    """Print one stored document, every extracted field.

    HIT is a hit's number in the last list of hits shown (`seekwire show 3`), an id, the start of one, or a
    file's name.
    """
    from seekwire.output import render_article
    from seekwire.search import Searcher

    fmt = resolve_format(fmt, as_json)
    with Searcher(index_dir) as searcher:
        article = searcher.get(resolved(searcher, ref))
    bold = use_color(fmt, color)
    emit(render_article(article, fmt, terminal_width(), bold), bold)


@cli.command()
@index_option
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True,
              help="JSON Lines, or CSV with a header row (lists joined with '; ').")
@translate_errors
def export(index_dir: str, fmt: str) -> None:
    """Print every indexed document as JSON Lines (or CSV)."""
    from seekwire.output import ARTICLE_COLUMNS, article_record, article_row, to_csv, to_json
    from seekwire.search import Searcher

    with Searcher(index_dir) as searcher:
        if fmt == "csv":
            click.echo(to_csv(ARTICLE_COLUMNS, []))
        for article in searcher.articles():
            click.echo(to_csv((), [article_row(article)]) if fmt == "csv" else to_json(article_record(article)))


@cli.group()
def watch() -> None:
    """Saved searches that report only what is new: add, list, rm, run.

    A watch lives in the index directory and survives re-indexing. When it is added, what the index holds
    counts as seen; `seekwire watch run` then prints only the hits that arrived since it last ran.
    """


@watch.command("add")
@click.argument("name")
@click.argument("text", required=False, default="")
@index_option
@filter_options
@translate_errors
def watch_add(name: str, text: str, index_dir: str, **options) -> None:
    """Save the search TEXT (and filters, as for `query`) as the watch NAME."""
    from seekwire.search import Searcher
    from seekwire.watches import Watches

    filters = make_filters(options)
    with Searcher(index_dir) as searcher:
        added = Watches(index_dir).add(searcher, name, text, filters)
    click.echo(f"seekwire: watch {printable(added.name)} added; {added.seen} documents match now and count "
               "as seen", err=True)


@watch.command("list")
@index_option
@format_options(formats=("table", "json"))
@translate_errors
def watch_list(index_dir: str, fmt: str | None, as_json: bool) -> None:
    """The watches of the index, with when each last ran and how many documents it has seen."""
    from seekwire.output import render_watches
    from seekwire.watches import Watches

    emit(render_watches(Watches(index_dir).list(), resolve_format(fmt, as_json)))


@watch.command("rm")
@click.argument("names", nargs=-1, required=True, metavar="NAME...")
@index_option
@translate_errors
def watch_rm(names: tuple[str, ...], index_dir: str) -> None:
    """Remove watches."""
    from seekwire.watches import Watches

    for name in names:
        Watches(index_dir).remove(name)


@watch.command("run")
@click.argument("names", nargs=-1, metavar="[NAME]...")
@index_option
@format_options(formats=CSV_FORMATS)
@color_option
@translate_errors
def watch_run(names: tuple[str, ...], index_dir: str, fmt: str | None, as_json: bool, color: str) -> None:
    """Print the hits of each watch (all without NAME) that are new since it last ran, newest first."""
    from seekwire.output import render_watch_run
    from seekwire.search import Searcher
    from seekwire.watches import Watches

    fmt = resolve_format(fmt, as_json)
    watches = Watches(index_dir)
    with Searcher(index_dir) as searcher:
        found = watches.run(searcher, list(names))
    bold = use_color(fmt, color)
    emit(render_watch_run(found, fmt, bold, terminal_width()), bold)
    watches.mark_seen(found)
    sys.exit(0 if any(results.total for _, results in found) else 1)


@cli.command()
@index_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (the default answers this machine only).")
@click.option("--port", type=click.IntRange(0, 65535), default=8686, show_default=True,
              help="Port to listen on (0: any free port, shown on stderr).")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=10.0, show_default=True,
              help="Seconds a request may take before the server answers 503.")
@click.option("--workers", type=click.IntRange(min=1), default=4, show_default=True,
              help="Queries answered at once (each worker holds its own open index).")
@translate_errors
def serve(index_dir: str, host: str, port: int, timeout: float, workers: int) -> None:
    """Search the index in a browser, and answer the JSON API (read-only).

    The page is at http://HOST:PORT/, the API under /api/ (described at /api/openapi.json). A finished
    `seekwire index` run is seen by the next request.
    """
    from seekwire.serve.app import serve as run

    run(index_dir, host=host, port=port, timeout=timeout, workers=workers,
        announce=lambda line: click.echo(printable(line), err=True))
