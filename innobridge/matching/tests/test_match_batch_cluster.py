"""``innobridge match-batch`` on a real Spark standalone cluster (a master and two workers on
127.0.0.1, started from the installed pyspark package) gives the same run as ``local[2]``, and
both give the run ``match-eval --method hybrid`` writes."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

SET = Path(__file__).resolve().parents[3] / "benchmarks" / "data" / "matching"
N_OFFERS, N_NEEDS = 48, 12

pytestmark = pytest.mark.skipif(
    shutil.which("java") is None,
    reason="Java is not installed: the Spark cluster test needs a JRE (apt-get install default-jre-headless)",
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _spark_home() -> str:
    import pyspark

    return os.path.dirname(pyspark.__file__)


def _start(args: list[str], log: Path, env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [os.path.join(_spark_home(), "bin", "spark-class"), *args],
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        env=env,
        start_new_session=True,  # its own process group: stopped with everything it started
    )


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=15)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=5)


@pytest.fixture
def cluster(tmp_path):
    """A standalone master and two one-core workers; always stopped, even when the test fails."""
    port, ui = _free_port(), _free_port()
    env = {
        **os.environ,
        "SPARK_LOCAL_IP": "127.0.0.1",
        "SPARK_WORKER_DIR": str(tmp_path / "work"),
        "PYSPARK_PYTHON": sys.executable,
    }
    procs: list[subprocess.Popen] = []
    try:
        master_log = tmp_path / "master.log"
        procs.append(
            _start(
                [
                    "org.apache.spark.deploy.master.Master",
                    *("--host", "127.0.0.1", "--port", str(port), "--webui-port", str(ui)),
                ],
                master_log,
                env,
            )
        )
        url = f"spark://127.0.0.1:{port}"
        for n in range(2):
            procs.append(
                _start(
                    [
                        "org.apache.spark.deploy.worker.Worker",
                        url,
                        *("--host", "127.0.0.1", "--cores", "1", "--memory", "1g"),
                        *("--webui-port", str(_free_port())),
                    ],
                    tmp_path / f"worker{n}.log",
                    env,
                )
            )

        def ready() -> str:
            deadline = time.monotonic() + 90
            while master_log.read_text(errors="replace").count("Registering worker") < 2:
                if time.monotonic() > deadline or any(p.poll() is not None for p in procs):
                    logs = "\n".join(p.read_text(errors="replace")[-2000:] for p in tmp_path.glob("*.log"))
                    pytest.fail(f"the Spark cluster did not come up with two workers:\n{logs}")
                time.sleep(0.5)
            return url

        # The JVMs start while the test runs the local job; ``ready()`` waits for both workers.
        yield ready
    finally:
        for proc in reversed(procs):
            _stop(proc)


def _subset(tmp_path: Path) -> tuple[Path, Path]:
    offers = (SET / "offers.jsonl").read_text(encoding="utf-8").splitlines()[:N_OFFERS]
    needs = (SET / "needs.jsonl").read_text(encoding="utf-8").splitlines()[:N_NEEDS]
    corpus, queries = tmp_path / "offers.jsonl", tmp_path / "needs.jsonl"
    corpus.write_text("\n".join(offers) + "\n", encoding="utf-8")
    queries.write_text("\n".join(needs) + "\n", encoding="utf-8")
    return corpus, queries


def _batch(master: str, corpus: Path, queries: Path, run: Path, *conf: str) -> dict:
    import json

    out, err = StringIO(), StringIO()
    extra = [arg for c in conf for arg in ((c,) if c.startswith("--") else ("--conf", c))]
    call_command(
        "match_batch",
        *("--corpus", str(corpus), "--queries", str(queries), "--run", str(run), "--master", master, *extra),
        stdout=out,
        stderr=err,
    )
    return json.loads(out.getvalue())


def test_the_cluster_gives_the_same_run_as_local_mode_and_match_eval(cluster, tmp_path, capfd):
    corpus, queries = _subset(tmp_path)
    local = _batch("local[2]", corpus, queries, tmp_path / "local.run")
    assert local["application_id"].startswith("local-")
    url = cluster()
    # On the cluster the offers are scored in blocks of 16 (three blocks, one in an executor's memory
    # at a time), as a corpus larger than one executor's memory is; locally as one index.
    on_cluster = _batch(
        url,
        corpus,
        queries,
        tmp_path / "cluster.run",
        "--document-block=16",
        "spark.executor.memory=512m",
        "spark.executor.cores=1",
        "spark.cores.max=2",
    )
    assert on_cluster["master"] == url
    assert on_cluster["application_id"].startswith("app-")
    assert f"spark master {url} application {on_cluster['application_id']}" in capfd.readouterr().err
    cluster_run = (tmp_path / "cluster.run").read_text()
    assert cluster_run.count("\n") == 20 * N_NEEDS
    assert cluster_run == (tmp_path / "local.run").read_text()

    call_command(
        "match_eval",
        *("--corpus", str(corpus), "--queries", str(queries), "--top", "20", "--run", str(tmp_path / "eval.run")),
        stdout=StringIO(),
    )
    assert cluster_run == (tmp_path / "eval.run").read_text()


def _as_parquet(jsonl: Path, target: Path) -> Path:
    """The JSONL file's records as a Parquet directory, written by Spark as a data team would."""
    import json

    from pyspark.sql.types import ArrayType, StringType, StructField, StructType

    from innocore.match.batch import spark_session

    rows = [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines() if line.strip()]
    schema = StructType(
        [StructField(k, StringType()) for k in ("id", "lang", "title", "text")]
        + [StructField("sectors", ArrayType(StringType()))]
    )
    spark = spark_session("local[1]", app_name="innobridge-test-parquet")
    try:
        frame = spark.createDataFrame(
            [(str(r["id"]), r.get("lang"), r.get("title"), r.get("text"), r.get("sectors")) for r in rows], schema
        )
        frame.write.parquet(str(target))
    finally:
        spark.stop()
    return target


def test_parquet_files_give_the_same_run_as_jsonl(tmp_path):
    corpus, queries = _subset(tmp_path)
    call_command(
        "match_eval",
        *("--corpus", str(corpus), "--queries", str(queries), "--top", "20", "--run", str(tmp_path / "eval.run")),
        stdout=StringIO(),
    )
    pq_corpus = _as_parquet(corpus, tmp_path / "offers.parquet")
    pq_queries = _as_parquet(queries, tmp_path / "needs.parquet")
    out = _batch("local[1]", pq_corpus, pq_queries, tmp_path / "parquet.run")
    assert out["queries"] == N_NEEDS
    assert (tmp_path / "parquet.run").read_text() == (tmp_path / "eval.run").read_text()
