"""README stays true: every command of its tour runs against the seeds and prints output of the shape shown,
and its layout table names every module.

The commands run as a reader types them, in a shell, in order, from a directory holding `seeds/`. What is compared
is the shape, not the figures: a table's header or a summary line with its numbers blanked out, a JSON object's
keys, the number of lines a pipeline prints.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"


def tour_commands() -> list[tuple[str, list[str]]]:
    """Each `$ …seekwire…` line of the tour's console blocks, with the output README shows under it."""
    tour = README.read_text(encoding="utf-8").split("## A tour", 1)[1].split("\n## ", 1)[0]
    found: list[tuple[str, list[str]]] = []
    for block in re.findall(r"```console\n(.*?)```", tour, flags=re.DOTALL):
        for line in block.splitlines():
            if line.startswith("$ "):
                found.append((line[2:], []))
            elif found:
                found[-1][1].append(line)
    return found


def shape(lines: list[str]) -> object:
    """What must match: a JSON object's keys, else each line's words with numbers blanked, for the first line
    (a table's header, a summary) and the number of lines of a pipeline's output."""
    lines = [line for line in lines if line.strip()]
    if len(lines) == 1 and lines[0].startswith("{"):
        return sorted(json.loads(lines[0]))
    return [re.sub(r"\d+(?:\.\d+)?", "N", " ".join(line.split())) for line in lines[:1]]


def test_the_tour_has_commands() -> None:
    assert len(tour_commands()) >= 6


def test_the_layout_table_names_every_module() -> None:
    table = README.read_text(encoding="utf-8").split("## Layout", 1)[1].split("\n## ", 1)[0]
    package = README.parent / "src" / "seekwire"
    modules = [path for path in package.rglob("*.py") if path.name not in ("__init__.py", "__main__.py")]
    assert [str(path.relative_to(package)) for path in modules if f"`{path.name}`" not in table] == []


@pytest.mark.slow
def test_every_command_of_the_tour_runs_and_prints_what_readme_shows(seeds: Path) -> None:
    pytest.importorskip("spacy")
    from seekwire.extract.entities import ModelNotInstalled, installed_model

    try:
        installed_model(None)
    except ModelNotInstalled:
        pytest.skip("the tour indexes with entities, which needs a French spaCy model")
    env = {key: value for key, value in os.environ.items() if key not in ("SEEKWIRE_INDEX", "NO_COLOR")}
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    for command, shown in tour_commands():
        piped = "|" in command.replace("'|'", "")
        # Without a terminal the default is JSON: ask for the table README shows.
        typed = command if piped or (shown and shown[0].startswith("{")) else f"{command} --format table"
        done = subprocess.run(typed, shell=True, cwd=seeds.parent, env=env, capture_output=True, text=True,
                              timeout=300, check=False)
        assert done.returncode == 0, f"{command}\n{done.stderr}"
        printed = (done.stdout + done.stderr).splitlines()
        assert shape(printed) == shape(shown), command
        if piped:
            assert len(done.stdout.splitlines()) == len(shown), command
