"""政策计算器: time of one step (target ≤ 50 ms), in process and over HTTP.

    python -m benchmarks.run --only calculator_step [--walks 20]

A walk is a visitor answering the calculator's questions with the facts of one example profile
(docs/examples/profiles/, as ``profile_to_facts`` derives them on 2022-08-01) and skipping every
question the profile cannot answer, until no question is left or 40 steps. Each step is one call
of ``zhida.calculator.step`` (every measure matched, the next question ranked) — and, over HTTP,
one ``POST /api/v1/calculator`` and one ``GET /calculator`` page (the app in process, TestClient,
anonymous). "A new visitor": the results shared between alike facts (``matching.match``) are
forgotten before each walk, so only what the visitor's own earlier steps left is reused; "shared
results" keeps them all, as a server does after many visitors.
"""

from __future__ import annotations

import argparse
import gc
import re
import statistics
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

NAME = "calculator_step"
ROOT = Path(__file__).resolve().parents[1]
AS_OF = date(2022, 8, 1)
MAX_STEPS = 40


def _text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:f}"
    return str(value)


def _truths() -> list[dict]:
    from zhida.enterprises.facts import profile_to_facts
    from zhida.enterprises.profile import EnterpriseProfile
    from zhida.matching.match import load_default_policies

    period_names = load_default_policies().catalogue.period_names()
    return [profile_to_facts(EnterpriseProfile.from_json(p.read_bytes()), AS_OF, period_names=period_names)
            for p in sorted((ROOT / "docs/examples/profiles").glob("*.json"))]


def _walk(truth: dict, call) -> list[tuple[float, float]]:
    """One visitor's walk; ``call(answers, skipped) -> next fact or None``; (wall, CPU) ms per step."""
    answers: dict[str, str] = {}
    skipped: list[str] = []
    times = []
    for _ in range(MAX_STEPS):
        start, start_cpu = time.perf_counter(), time.process_time()
        fact = call(answers, skipped)
        times.append(((time.perf_counter() - start) * 1000, (time.process_time() - start_cpu) * 1000))
        if fact is None:
            break
        if truth.get(fact) is not None:
            answers[fact] = _text(truth[fact])
        else:
            skipped.append(fact)
    return times


def in_process(walks: int, shared: bool) -> list[tuple[float, float]]:
    from zhida.calculator import step
    from zhida.matching.match import forget_results, load_default_policies

    policies = load_default_policies()
    truths = _truths()

    def call(answers, skipped):
        s = step(answers, skipped, AS_OF, policies)
        return s.question.fact if s.question else None

    for truth in truths:  # warm-up: every node compiled once
        _walk(truth, call)
    gc.collect()
    gc.freeze()
    times = []
    for i in range(walks):
        if not shared:  # a visitor unlike any before: nothing left from earlier walks
            forget_results(policies)
        times += _walk(truths[i % len(truths)], call)
    gc.unfreeze()
    return times


def over_http(walks: int) -> tuple[list[tuple[float, float]], list[tuple[float, float]]]:
    from fastapi.testclient import TestClient

    from zhida.matching.match import forget_results, load_default_policies
    from zhida.web.app import create_app
    from zhida.web.public_access import PublicLimit

    truths = _truths()
    with tempfile.TemporaryDirectory() as home:
        app = create_app(f"sqlite:///{home}/zhida.sqlite3", secret=b"bench-secret-" * 3)
        app.state.public_limit = PublicLimit("1000000/minute")  # measuring, not limiting
        with TestClient(app) as client:
            def api(answers, skipped):
                body = client.post("/api/v1/calculator", json={"as_of": AS_OF.isoformat(), "answers": answers,
                                                               "skipped": skipped}).json()
                return body["question"]["fact"] if body["question"] else None

            def page(answers, skipped):
                params = [("as_of", AS_OF.isoformat()), *((f"a.{k}", v) for k, v in answers.items()),
                          *(("skip", f) for f in skipped)]
                html = client.get("/calculator", params=params).text
                found = re.search(r'name="skip_now" value="([^"]+)">不清楚', html)
                return found.group(1) if found else None

            for truth in truths:  # warm-up
                _walk(truth, api)
            api_times, page_times = [], []
            for i in range(walks):  # each walk a new visitor, as in_process(shared=False)
                forget_results(load_default_policies())
                api_times += _walk(truths[i % len(truths)], api)
                forget_results(load_default_policies())
                page_times += _walk(truths[i % len(truths)], page)
    return api_times, page_times


def p95(values: list[float]) -> float:
    return values[int(0.95 * (len(values) - 1))]


def _row(label: str, times: list[tuple[float, float]]) -> str:
    wall = sorted(t[0] for t in times)
    cpu = sorted(t[1] for t in times)
    return (f"| {label} | {len(times)} | {statistics.median(wall):.1f} | {p95(wall):.1f} | {wall[-1]:.1f} | "
            f"{statistics.median(cpu):.1f} | {p95(cpu):.1f} |")


def main(argv: list[str]) -> str:
    parser = argparse.ArgumentParser()
    parser.add_argument("--walks", type=int, default=20)
    args, _ = parser.parse_known_args(argv)
    fresh = in_process(args.walks, shared=False)
    shared = in_process(args.walks, shared=True)
    api, page = over_http(args.walks)
    worst = max(p95(sorted(t[0] for t in fresh)), p95(sorted(t[0] for t in api)))
    verdict = "met" if worst <= 50 else f"MISSED by {worst - 50:.1f} ms (wall; compare the CPU columns and the load)"
    return "\n".join([
        f"{args.walks} walks over the 5 example profiles (answer what the profile knows, skip the rest; "
        f"≤ {MAX_STEPS} steps each), evaluation date {AS_OF}. Time per step, ms.",
        "",
        "| step | steps | wall median | wall p95 | wall max | CPU median | CPU p95 |",
        "|---|---|---|---|---|---|---|",
        _row("`calculator.step`, a new visitor (shared results forgotten before each walk)", fresh),
        _row("`calculator.step`, shared results (a running server)", shared),
        _row("`POST /api/v1/calculator`, a new visitor (in-process app, anonymous)", api),
        _row("`GET /calculator`, a new visitor (in-process app, HTML page)", page),
        "",
        f"Target ≤ 50 ms per calculator step (p95 wall of the new visitor's step and of the API step): {verdict}.",
    ])


if __name__ == "__main__":
    import sys

    print(main(sys.argv[1:]))
