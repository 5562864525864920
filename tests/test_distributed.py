"""Sharded indexes: built shard after shard here, or on Dask (a LocalCluster, and real `dask scheduler` and
`dask worker` processes on 127.0.0.1), and searched as one index: the same ids, scores, totals and facets."""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import Run
from seekwire.shards import Shard, shard_of

SRC = Path(__file__).resolve().parents[1] / "src"
DASK = Path(sys.executable).with_name("dask")  # the venv's script, as a user starts it

WORDS = (
    "coopération", "économie", "commerce", "énergie", "sécurité", "sommet", "accord", "ministre",
    "président", "visite", "frontière", "élection", "parlement", "réforme", "budget", "croissance",
    "inflation", "banque", "marché", "pétrole", "gaz", "port", "chemin", "fer", "université", "santé",
    "hôpital", "vaccin", "climat", "sécheresse", "récolte", "agriculture", "pêche", "tourisme", "football",
    "olympique", "culture", "musée", "festival", "cinéma", "justice", "tribunal", "procès", "police",
    "manifestation", "grève"
)
PLACES = (
    "Kazakhstan", "Chine", "Vietnam", "Sénégal", "Maroc", "Algérie", "Tunisie", "France", "Japon", "Brésil",
    "Égypte", "Kenya"
)
AGENCIES = ("Xinhua", "AFP", "VNA", "APS", "MAP", "Reuters")


def _sentence(rng: random.Random) -> str:
    words = rng.sample(WORDS, 7) + [rng.choice(PLACES)]
    rng.shuffle(words)
    return "Le " + " ".join(words) + "."


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Pages in two folders (one id in both, which the claims settle) and a JSONL file of articles."""
    rng = random.Random(16)
    root = tmp_path_factory.mktemp("corpus")
    for folder in ("a", "b"):
        (root / folder).mkdir()
    for number in range(60):
        place = rng.choice(PLACES)
        title = f"{place} : {' '.join(rng.sample(WORDS, 4))}"
        agency = rng.choice(AGENCIES)
        day = f"{rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}.20{rng.randint(19, 24)}"
        body = "\n\n".join(" ".join(_sentence(rng) for _ in range(3)) for _ in range(3))
        folder = root / ("a" if number % 2 else "b")
        (folder / f"page{number:03d}.txt").write_text(f"{title}\n\n{agency} | {day} 08h34\n\n{body}\n",
                                                      encoding="utf-8")
    (root / "b" / "page001.txt").write_text((root / "a" / "page001.txt").read_text(encoding="utf-8"),
                                            encoding="utf-8")
    with open(root / "articles.jsonl", "w", encoding="utf-8") as handle:
        for number in range(40):
            record = {"id": f"art{number}", "title": " ".join(rng.sample(WORDS, 5)),
                      "body": " ".join(_sentence(rng) for _ in range(4)),
                      "date": f"2023-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                      "agency": rng.choice(AGENCIES), "publisher": rng.choice(["Le Soleil", "Le Matin", None])}
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return root


QUERIES = ["coopération Kazakhstan", "économie", "ministre visite", '"accord sommet"', "cooperation~",
           "coop*", "Chine OR Japon", "title:Kenya", "pétrole -gaz", "pourquoi la grève des ports ?",
           "economi", "agency:xinhua", "date:2023", "frontiere securite elections"]


def _answers(run, queries=QUERIES) -> dict:
    """Each query's total, facets and hits as (score, id), ranked by score then id (equal scores may come in
    another order from another layout of the same documents)."""
    answers = {}
    for text in queries:
        result = run("query", text, "--limit", "5000", "--json")  # every hit: ties cut a page anywhere
        assert result.exit_code in (0, 1), result.output
        found = json.loads(result.stdout)
        hits = sorted(((hit["score"], hit["id"]) for hit in found["hits"]),
                      key=lambda item: (-(item[0] or 0), item[1]))
        answers[text] = (found["total"], found["facets"], found["suggestion"], hits)
    return answers


def _ids(run) -> list[str]:
    return sorted(json.loads(line)["id"] for line in run("export").stdout.splitlines())


def test_a_sharded_index_answers_as_one_index_of_the_same_documents(corpus: Path, tmp_path: Path) -> None:
    one, sharded = Run(tmp_path / "one"), Run(tmp_path / "sharded")
    assert one("index", str(corpus), "--no-entities").exit_code == 0
    result = sharded("index", str(corpus), "--no-entities", "--shards", "3")
    assert result.exit_code == 0, result.output
    assert "101 added" in result.stderr
    counts = [entry["documents"] for entry in
              json.loads((tmp_path / "sharded" / "shards.json").read_text())["shards"]]
    assert len(counts) == 3 and sum(counts) == 101 and min(counts) > 10
    assert _ids(sharded) == _ids(one)
    assert _answers(sharded) == _answers(one)
    stats = [json.loads(target("stats", "--json").stdout) for target in (sharded, one)]
    assert stats[0]["documents"] == stats[1]["documents"] == 101 and stats[0]["facets"] == stats[1]["facets"]
    assert stats[0]["size_bytes"] > 0
    assert sharded("show", "page001~" + _suffix(one, "page001")).exit_code == 0
    similar = [sorted((hit["score"], hit["id"]) for hit in json.loads(target("similar", "art3", "--json").stdout)
                      ["hits"]) for target in (sharded, one)]
    assert similar[0] == similar[1] and similar[0]


def _suffix(run, raw: str) -> str:
    ids = [doc_id for doc_id in _ids(run) if doc_id.startswith(raw + "~")]
    assert len(ids) == 1
    return ids[0].split("~")[1]


def test_incremental_runs_reach_the_shard_that_holds_the_document(corpus: Path, tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    shutil.copytree(corpus, pages)
    one, sharded = Run(tmp_path / "one"), Run(tmp_path / "sharded")
    for target in (one, sharded):
        assert target("index", str(pages), "--no-entities", *(["--shards", "4"] if target is sharded else [])
                      ).exit_code == 0
    (pages / "a" / "page003.txt").write_text("Un sommet inédit au Kazakhstan\n\nAFP | 02.03.2024 10h00\n\n"
                                             "Le sommet réunit les ministres de la pêche.\n", encoding="utf-8")
    (pages / "b" / "page004.txt").unlink()
    (pages / "a" / "page001.txt").unlink()  # b/page001 takes the id back
    reports = []
    for target in (one, sharded):
        result = target("index", str(pages), "--no-entities", "--json")
        assert result.exit_code == 0, result.output
        reports.append({key: value for key, value in json.loads(result.stdout).items()
                        if key not in ("index", "seconds")})
    assert reports[0] == reports[1]
    assert (reports[1]["added"], reports[1]["updated"], reports[1]["removed"]) == (1, 1, 3)
    assert _ids(sharded) == _ids(one)
    assert "page001" in _ids(sharded) and "page004" not in _ids(sharded)
    assert _answers(sharded, ["sommet inédit", "pêche", "Kazakhstan"]) == \
        _answers(one, ["sommet inédit", "pêche", "Kazakhstan"])
    again = sharded("index", str(pages), "--no-entities")
    assert "nothing changed, 99 unchanged — 99 documents" in again.stderr


def test_a_sharded_index_keeps_its_shard_count_and_kind(corpus: Path, tmp_path: Path) -> None:
    sharded, plain = Run(tmp_path / "sharded"), Run(tmp_path / "plain")
    assert sharded("index", str(corpus / "a"), "--no-entities", "--shards", "2").exit_code == 0
    other = sharded("index", str(corpus / "a"), "--no-entities", "--shards", "3")
    assert other.exit_code == 2
    assert "has 2 shards, not 3 — give --shards 2" in other.stderr
    assert plain("index", str(corpus / "a"), "--no-entities").exit_code == 0
    refused = plain("index", str(corpus / "a"), "--no-entities", "--shards", "2")
    assert refused.exit_code == 2 and "is not sharded" in refused.stderr
    assert plain("query", "économie", "--json").exit_code == 0


def test_a_first_sharded_build_that_never_finished_is_no_index(corpus: Path, tmp_path: Path) -> None:
    sharded = Run(tmp_path / "sharded")
    assert sharded("index", str(corpus / "a"), "--no-entities", "--shards", "2").exit_code == 0
    (tmp_path / "sharded" / "shards.json").unlink()  # as a client killed before its end leaves it
    result = sharded("query", "économie")
    assert result.exit_code == 2 and "no index at" in result.stderr
    assert sharded("index", str(corpus / "a"), "--no-entities").exit_code == 0
    assert sharded("query", "économie", "--json").exit_code == 0


@given(st.text(max_size=30), st.integers(min_value=1, max_value=64))
def test_every_id_has_one_shard(doc_id: str, count: int) -> None:
    shards = [number for number in range(count) if Shard(number, count)(doc_id)]
    assert shards == [shard_of(doc_id, count)]


def test_the_shard_of_an_id_is_the_same_in_every_process() -> None:
    code = "from seekwire.shards import shard_of; print([shard_of(f'id{n}', 7) for n in range(50)])"
    seen = {subprocess.run([sys.executable, "-c", code], env={**os.environ, "PYTHONPATH": str(SRC),
                                                              "PYTHONHASHSEED": str(seed)},
                           capture_output=True, text=True, check=True).stdout for seed in (1, 2)}
    assert len(seen) == 1 and len(set(json.loads(seen.pop()))) == 7


# On a cluster: real processes, started as users start them.

distributed = pytest.importorskip("distributed")


def _seekwire(*args: str, cwd: Path, env: dict | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "seekwire", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, "PYTHONPATH": str(SRC), **(env or {})}, check=False)


class Cluster:
    """A `dask scheduler` and `dask worker` processes on 127.0.0.1, stopped by their pids."""

    def __init__(self, where: Path):
        self.where = where
        self.file = where / "scheduler.json"
        self.processes: list[subprocess.Popen] = []
        self.scheduler = self._start("scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                                     "--scheduler-file", str(self.file))
        deadline = time.monotonic() + 60
        while not self.file.exists():
            assert time.monotonic() < deadline, "the scheduler did not start"
            time.sleep(0.2)

    def _start(self, *args: str, src: Path = SRC) -> subprocess.Popen:
        with open(self.where / f"{args[0]}-{len(self.processes)}.log", "w") as log:
            process = subprocess.Popen([str(DASK), *args], cwd=self.where, stdout=log, stderr=subprocess.STDOUT,
                                       env={**os.environ, "PYTHONPATH": str(src)}, start_new_session=True)
        self.processes.append(process)
        return process

    def worker(self, src: Path = SRC, name: str | None = None) -> subprocess.Popen:
        return self._start("worker", "--scheduler-file", str(self.file), "--nthreads", "1", "--no-dashboard",
                           "--host", "127.0.0.1", *(["--name", name] if name else []), src=src)

    def wait_for(self, workers: int) -> None:
        code = ("import sys; from distributed import Client; c = Client(scheduler_file=sys.argv[1], timeout=30); "
                "c.wait_for_workers(int(sys.argv[2]), timeout=60); c.close()")
        subprocess.run([sys.executable, "-c", code, str(self.file), str(workers)], check=True, timeout=120)

    def stop(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


@pytest.fixture
def cluster(tmp_path: Path):
    running = Cluster(tmp_path)
    try:
        yield running
    finally:
        running.stop()


def test_the_cli_builds_shards_on_a_real_scheduler_and_workers(corpus: Path, tmp_path: Path, cluster) -> None:
    cluster.worker()
    cluster.worker()
    cluster.wait_for(2)
    result = _seekwire("index", str(corpus), "--index", "sharded", "--no-entities", "--scheduler-file",
                       str(cluster.file), "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["documents"] == 101
    recorded = json.loads((tmp_path / "sharded" / "shards.json").read_text())
    assert len(recorded["shards"]) == 2  # one per worker, when --shards is not given
    one = Run(tmp_path / "one")
    assert one("index", str(corpus), "--no-entities").exit_code == 0
    assert _answers(Run(tmp_path / "sharded")) == _answers(one)
    address = json.loads(cluster.file.read_text())["address"]
    again = _seekwire("index", str(corpus), "--index", "sharded", "--no-entities", "--scheduler", address,
                      cwd=tmp_path)
    assert again.returncode == 0 and "nothing changed, 101 unchanged" in again.stderr


def test_a_local_cluster_builds_the_same_index(corpus: Path, tmp_path: Path) -> None:
    result = _seekwire("index", str(corpus), "--index", "sharded", "--no-entities", "--local-workers", "2",
                       "--shards", "3", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    one = Run(tmp_path / "one")
    assert one("index", str(corpus), "--no-entities").exit_code == 0
    assert _answers(Run(tmp_path / "sharded"), QUERIES[:5]) == _answers(one, QUERIES[:5])


def test_no_scheduler_is_one_line_and_status_2(corpus: Path, tmp_path: Path) -> None:
    result = _seekwire("index", str(corpus), "--index", "sharded", "--scheduler", "tcp://127.0.0.1:9",
                       cwd=tmp_path, env={"DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "2s"})
    assert result.returncode == 2
    assert result.stderr.startswith("seekwire: cannot reach tcp://127.0.0.1:9")
    assert "Traceback" not in result.stderr


@pytest.fixture(scope="module")
def big_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Enough pages that a shard's task runs for seconds: long enough to be killed in the middle."""
    rng = random.Random(1616)
    root = tmp_path_factory.mktemp("big")
    for number in range(1600):
        body = "\n\n".join(" ".join(_sentence(rng) for _ in range(4)) for _ in range(4))
        (root / f"p{number:04d}.txt").write_text(
            f"{rng.choice(PLACES)} : {' '.join(rng.sample(WORDS, 4))}\n\n{rng.choice(AGENCIES)} | "
            f"{rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}.2022 08h34\n\n{body}\n", encoding="utf-8")
    return root


def _writer(index: Path, timeout: float = 120) -> int:
    """The pid of a process writing a shard (the pid its writer lock holds), once one is."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for lock in index.glob("shard-*/.lock"):
            held = lock.read_text(encoding="ascii", errors="replace").strip()
            if held.isdigit():
                return int(held)
        time.sleep(0.02)
    raise AssertionError("no shard was being written")


def _same_as_one_index(corpus: Path, sharded: Path, tmp_path: Path) -> None:
    one = Run(tmp_path / "one")
    assert one("index", str(corpus), "--no-entities").exit_code == 0
    queries = ["économie Kenya", "grève", '"sommet accord"', "title:Maroc"]
    assert _ids(Run(sharded)) == _ids(one)
    assert _answers(Run(sharded), queries) == _answers(one, queries)


@pytest.mark.slow
def test_a_worker_killed_during_a_build_costs_only_its_task(big_corpus: Path, tmp_path: Path, cluster) -> None:
    cluster.worker()
    cluster.worker()
    cluster.wait_for(2)
    client = subprocess.Popen(
        [sys.executable, "-m", "seekwire", "index", str(big_corpus), "--index", "sharded", "--no-entities",
         "--scheduler-file", str(cluster.file), "--shards", "2", "--json"],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(SRC)})
    victim = _writer(tmp_path / "sharded")
    os.kill(victim, signal.SIGKILL)
    out, err = client.communicate(timeout=600)
    assert client.returncode == 0, err
    assert json.loads(out)["documents"] == 1600
    _same_as_one_index(big_corpus, tmp_path / "sharded", tmp_path)


@pytest.mark.slow
def test_a_killed_client_leaves_a_job_the_next_run_finishes(big_corpus: Path, tmp_path: Path, cluster) -> None:
    cluster.worker()
    cluster.worker()
    cluster.wait_for(2)
    argv = [sys.executable, "-m", "seekwire", "index", str(big_corpus), "--index", "sharded", "--no-entities",
            "--scheduler-file", str(cluster.file), "--shards", "3", "--wait", "300", "--json"]
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    client = subprocess.Popen(argv, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _writer(tmp_path / "sharded")
    client.kill()
    client.wait()
    assert not (tmp_path / "sharded" / "shards.json").exists()
    assert Run(tmp_path / "sharded")("query", "grève").exit_code == 2  # no finished index yet
    again = subprocess.run(argv, cwd=tmp_path, capture_output=True, text=True, env=env, timeout=600, check=False)
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["documents"] == 1600
    _same_as_one_index(big_corpus, tmp_path / "sharded", tmp_path)


@pytest.mark.slow
def test_a_worker_with_another_seekwire_is_refused_before_any_task(corpus: Path, tmp_path: Path, cluster) -> None:
    other = tmp_path / "other-src"
    shutil.copytree(SRC / "seekwire", other / "seekwire")
    init = other / "seekwire" / "__init__.py"
    init.write_text(init.read_text(encoding="utf-8").replace('__version__ = "', '__version__ = "9.9-other-'),
                    encoding="utf-8")
    cluster.worker()
    cluster.worker(src=other)
    cluster.wait_for(2)
    result = _seekwire("index", str(corpus), "--index", "sharded", "--no-entities", "--scheduler-file",
                       str(cluster.file), cwd=tmp_path)
    assert result.returncode == 2
    assert re.fullmatch(r"seekwire: worker tcp://127\.0\.0\.1:\d+ runs seekwire 9\.9-other-\S+ \(schema \d+\), "
                        r"this client \S+ \(schema \d+\) — install the same seekwire on every worker\n",
                        result.stderr), result.stderr
    assert not (tmp_path / "sharded").exists() or not any((tmp_path / "sharded").glob("shard-*"))
