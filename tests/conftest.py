"""Shared fixtures: the repository's seed pages, a CLI runner and per-test index directories."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from seekwire.cli import cli

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
SHARED = ROOT.parent / "shared"


def known_entities(entities: dict) -> type:
    """A stand-in for the spaCy recognizer that gives each article the entities `entities` holds for its id."""
    from seekwire.article import Entities

    class KnownEntities:
        def recognize_pairs(self, pairs):
            for tag, article in pairs:
                article.entities = entities.get(article.id, Entities())
                yield tag, article

    return KnownEntities


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    """A private copy of the two seed pages (tests may change it)."""
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target


@pytest.fixture
def index_dir(tmp_path: Path) -> Path:
    return tmp_path / "index"


@pytest.fixture(autouse=True)
def _no_index_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SEEKWIRE_INDEX", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)


class Run:
    """Runs the CLI as a user types it: `run("query", "x", "--json")`."""

    def __init__(self, index_dir: Path):
        self.index_dir = index_dir
        self.runner = CliRunner()

    def __call__(self, *args: str, index: bool = True, input: str | None = None):
        argv = [*args, "--index", str(self.index_dir)] if index else list(args)
        return self.runner.invoke(cli, argv, input=input, catch_exceptions=False)

    def json(self, *args: str):
        result = self(*args, "--format", "json")
        return result.exit_code, json.loads(result.stdout)


@pytest.fixture
def run(index_dir: Path) -> Run:
    return Run(index_dir)


@pytest.fixture
def indexed(run: Run, seeds: Path) -> Run:
    """A runner whose index holds the two seed pages (without entities, for speed)."""
    result = run("index", str(seeds), "--no-entities")
    assert result.exit_code == 0, result.output
    return run
