"""A real Spark standalone cluster on this machine: one master and N workers, started from the
installed pyspark (``bin/spark-class org.apache.spark.deploy.master.Master`` / ``…worker.Worker``,
the same classes a cluster's ``sbin/start-master.sh`` / ``start-worker.sh`` run).

Used by the cluster test (tests/batch/test_spark_cluster.py) and the benchmark; a person can
start one to try ``zhida batch --engine spark --spark-master spark://…``::

    python -m zhida.batch.spark_cluster --workers 2 --memory 1g     # prints the master URL; Ctrl-C stops it

Every process listens on 127.0.0.1 only, on free ports; work and log directories are under a
temporary directory (never inside the installed pyspark). The executors are separate JVMs that
read the input and write the results themselves, so input and output must be on paths every
node sees — on one machine any local path; on a real cluster shared storage (docs/batch.md).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class LocalCluster:
    master_url: str  # spark://127.0.0.1:<port>
    web_url: str  # the master's status page (JSON at /json/)
    workdir: Path
    processes: list[subprocess.Popen] = field(default_factory=list)

    def alive_workers(self) -> int:
        try:
            with urllib.request.urlopen(self.web_url + "/json/", timeout=2) as r:
                state = json.load(r)
        except OSError:
            return 0
        return sum(1 for w in state.get("workers", []) if w.get("state") == "ALIVE")

    def conf(self, executor_memory: str = "512m") -> dict[str, str]:
        """Spark settings for a driver on this machine using this cluster (small memory)."""
        return {"spark.executor.memory": executor_memory, "spark.driver.host": "127.0.0.1",
                "spark.driver.bindAddress": "127.0.0.1", "spark.ui.enabled": "false",
                "spark.ui.showConsoleProgress": "false", "spark.sql.shuffle.partitions": "4",
                "spark.driver.memory": "1g", "spark.local.dir": str(self.workdir / "driver")}

    def stop(self) -> None:
        for p in self.processes:  # each JVM in its own process group (start_new_session)
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGTERM)
        for p in self.processes:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
        shutil.rmtree(self.workdir, ignore_errors=True)


def spark_home() -> Path:
    import pyspark

    return Path(pyspark.__file__).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(workers: int = 2, cores: int = 1, memory: str = "1g", timeout: float = 120) -> LocalCluster:
    """Start a master and ``workers`` workers (``cores`` and ``memory`` each for executors) and wait
    until every worker has registered; RuntimeError (with the logs' tails) if they do not."""
    home = spark_home()
    workdir = Path(tempfile.mkdtemp(prefix="zhida-spark-cluster-"))
    env = {**os.environ, "SPARK_HOME": str(home), "SPARK_DAEMON_MEMORY": "256m",
           "SPARK_LOCAL_IP": "127.0.0.1", "SPARK_WORKER_DIR": str(workdir / "work"),
           "SPARK_LOCAL_DIRS": str(workdir / "local"), "SPARK_LOG_DIR": str(workdir / "logs")}
    for sub in ("work", "local", "logs", "driver"):
        (workdir / sub).mkdir()
    port, web = _free_port(), _free_port()
    cluster = LocalCluster(f"spark://127.0.0.1:{port}", f"http://127.0.0.1:{web}", workdir)
    spark_class = str(home / "bin" / "spark-class")

    def launch(name: str, args: list[str]) -> None:
        log = open(workdir / "logs" / f"{name}.log", "wb")
        cluster.processes.append(subprocess.Popen([spark_class, *args], env=env, stdout=log, stderr=subprocess.STDOUT,
                                                  stdin=subprocess.DEVNULL, start_new_session=True))

    try:
        launch("master", ["org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port", str(port),
                          "--webui-port", str(web)])
        for i in range(workers):
            launch(f"worker{i + 1}", ["org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1",
                                      "--cores", str(cores), "--memory", memory, "--webui-port", str(_free_port()),
                                      "--work-dir", str(workdir / "work" / f"worker{i + 1}"), cluster.master_url])
        deadline = time.monotonic() + timeout
        while cluster.alive_workers() < workers:
            if time.monotonic() > deadline or any(p.poll() is not None for p in cluster.processes):
                tails = "\n".join(f"--- {f.name}\n" + f.read_text(errors="replace")[-1500:]
                                  for f in sorted((workdir / "logs").glob("*.log")))
                raise RuntimeError(f"Spark standalone cluster did not come up ({cluster.alive_workers()} of "
                                   f"{workers} workers alive)\n{tails}")
            time.sleep(0.5)
    except BaseException:
        cluster.stop()
        raise
    return cluster


@contextmanager
def running(workers: int = 2, cores: int = 1, memory: str = "1g"):
    cluster = start(workers, cores, memory)
    try:
        yield cluster
    finally:
        cluster.stop()


def main(argv: list[str] | None = None) -> None:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m zhida.batch.spark_cluster")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--cores", type=int, default=1)
    parser.add_argument("--memory", default="1g")
    args = parser.parse_args(argv)
    with running(args.workers, args.cores, args.memory) as cluster:
        print(f"master {cluster.master_url} (status {cluster.web_url}); {args.workers} workers alive. Ctrl-C stops.",
              flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
