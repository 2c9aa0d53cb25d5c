"""CPU per workflow action, in one process: a generated store (``benchmarks.applications.generate``),
then accept / approve / publish through the whole HTTP app (starlette's test client: routing,
session, CSRF, the endpoint, the JSON answer — and the client itself), CPU seconds of the process
per request. The figure that does not depend on how loaded the machine is; run it with two
checkouts (PYTHONPATH) to compare before and after a change. Stand-alone (not a benchmarks.run module):

    PYTHONPATH=src:. python -m benchmarks.applications_cpu HOME [COUNT=2000] [ACTIONS=40] [--profile]

A second run on the same HOME takes the applications not yet used (``done.json``).
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path


def main(argv: list[str]) -> None:
    home = Path(argv[0])
    count, actions = (int(argv[1]) if len(argv) > 1 else 2000), (int(argv[2]) if len(argv) > 2 else 40)
    home.mkdir(parents=True, exist_ok=True)
    os.environ["ZHIDA_HOME"] = str(home)
    url = f"sqlite:///{home / 'bench.sqlite3'}"
    from benchmarks import applications as bench

    made_path, done_path = home / "made.json", home / "done.json"
    if not made_path.exists():
        made_path.write_text(json.dumps(bench.generate(url, count, actions)))
    made = json.loads(made_path.read_text())
    done = set(json.loads(done_path.read_text())) if done_path.exists() else set()
    todo = [i for i in made["wanted"] if i not in done]

    from starlette.testclient import TestClient

    from zhida.web.app import create_app

    with TestClient(create_app(url, secret=b"x" * 48)) as client:
        token = client.get("/api/v1/auth/csrf").json()["csrf_token"]
        answer = client.post("/api/v1/auth/login", json={"username": "gxj", "password": bench.PASSWORD},
                             headers={"X-CSRF-Token": token})
        client.headers["X-CSRF-Token"] = answer.json()["csrf_token"]

        def walk(ids, cpu):
            for i in ids:
                version = 2
                for transition in ("accept", "approve", "publish"):
                    started = time.process_time()
                    answer = client.post(f"/api/v1/applications/{i}/transitions",
                                         json={"transition": transition, "expected_version": version})
                    cpu[transition].append(time.process_time() - started)
                    assert answer.status_code == 200, answer.text
                    version += 1
                done.add(i)

        walk(todo[:5], {"accept": [], "approve": [], "publish": []})  # warm-up
        cpu = {"accept": [], "approve": [], "publish": []}
        profiler = None
        if "--profile" in argv:
            import cProfile

            profiler = cProfile.Profile(time.process_time)
            profiler.enable()
        walk(todo[5:5 + actions], cpu)
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(str(home / "prof.out"))
    done_path.write_text(json.dumps(sorted(done)))
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    for transition, values in cpu.items():
        print(f"{transition}: n={len(values)} CPU-ms mean {1000 * sum(values) / len(values):.1f} "
              f"min {1000 * min(values):.1f} (load {load})")


if __name__ == "__main__":
    main(sys.argv[1:])
