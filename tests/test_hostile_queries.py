"""Odd and hostile queries: every query string ends with status 0, 1 or 2 and a message, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seekwire import index_paths
from seekwire.cli import cli

NEWS = Path(__file__).parent / "fixtures" / "news.jsonl"


@pytest.fixture(scope="module")
def news_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    index_dir = tmp_path_factory.mktemp("hostile") / "index"
    index_paths([NEWS], index_dir, entities=False)
    return index_dir


def ask(index_dir: Path, *args: str):
    """Run `seekwire query` and fail on any exception that is not a clean exit."""
    result = CliRunner().invoke(cli, ["query", *args, "--index", str(index_dir), "--json"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code in (0, 1, 2), result.output
    if result.exit_code == 2:
        assert result.stderr.startswith(("seekwire: ", "Usage:")) and "Traceback" not in result.stderr
    else:
        json.loads(result.stdout)
    return result


QUERY_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200
) | st.lists(st.sampled_from(['"', "(", ")", "*", "~", "-", "+", ":", "[", "]", "TO", "AND", "OR", "NOT",
                              "agency:", "date:", "title:", "coop", "é", "?", " ", "\\", "^", "{", "}"]),
             max_size=20).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=QUERY_TEXT)
def test_any_query_string_gets_an_answer_or_a_message(news_index: Path, text: str) -> None:
    ask(news_index, text)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(agency=st.text(max_size=30), since=st.text(max_size=12), limit=st.integers(-5, 10**9))
def test_any_option_value_gets_an_answer_or_a_message(news_index: Path, agency: str, since: str,
                                                      limit: int) -> None:
    args = ["coopération", "--agency", agency, "--limit", str(limit)]
    if since and not since.startswith("-"):
        args += ["--since", since]
    ask(news_index, *args)


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("le la les", 1),
        ("!!! ??? ...", 1),
        ("🙂 🚀", 1),
        ("中国 哈萨克斯坦", 1),
        (" ".join(["coopération"] * 1000), 0),
        ("*", 0),
        ("a*", 0),
        ("auteur:Dupont", 2),
        ("date:2023-02-30", 2),
        ('"coopération', 2),
        ("((Chine)", 2),
        ("x" * 60_000, 2),
    ],
)
def test_odd_but_valid_queries_behave(news_index: Path, query: str, status: int) -> None:
    assert ask(news_index, query).exit_code == status
