"""Ingest and search at scale: a corpus derived from the seeds, ingest rate, search latency.

    python -m benchmarks.ingest_search [--docs 20000] [--queries 200] [--seed 7] [--workers 2]
                                       [--no-draft] [--no-postgres] [--keep DIR]

The corpus is made deterministically from the five seed documents: measures shuffled and
renumbered, districts and amounts swapped, numbering styles varied, some converted to
traditional script. Every variant is a distinct file (distinct 文号), so each is a new document.
PostgreSQL is measured too when ZHIDA_BENCH_DATABASE_URL (default: the test database) answers.

Ingest is timed as ``zhida ingest --draft`` does it (``ingest_paths``): reading and drafting in
worker processes, one transaction per document (its drafts included), the search index caught up
every INDEX_EVERY documents and at the end — so at the end the documents are stored, drafted and
searchable. CPU is counted in every process (the workers' from /proc before they exit).
``--keep DIR`` keeps corpus, SQLite file, PostgreSQL schema and search indexes in DIR; a later
run with the same --docs/--seed reuses them and measures search only (ingest figures are then
those recorded when DIR was built).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from opencc import OpenCC
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from zhida import config
from zhida.store import ingest_paths, open_store, search
from zhida.store.ingest import INDEX_EVERY

NAME = "ingest_search"
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/zhida_test"
PG_SCHEMA = "bench_ingest_search"
TARGET_P95_MS = 50

DISTRICTS = ["海淀区", "朝阳区", "丰台区", "通州区", "顺义区", "昌平区", "大兴区", "怀柔区", "平谷区", "延庆区",
             "西城区", "东城区", "石景山区", "门头沟区", "房山区", "密云区"]
CITIES = ["太原市", "大同市", "阳泉市", "长治市", "晋城市", "朔州市", "晋中市", "运城市", "临汾市", "吕梁市"]
AMOUNT = re.compile(r"(\d+(?:\.\d+)?)(万元|亿元|萬元|億元)")
DOC_NUMBER = re.compile(r"〔(\d{4})?〕(\d*)(号|號)")
ARABIC_ITEM = re.compile(r"^(\s*)(\d+)([.．、])")
CHINESE_HEADER = re.compile(r"^\s*(第[一二三四五六七八九十百]+[章节条]|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）])")


def _shuffle_items(lines: list[str], rng: random.Random) -> list[str]:
    """Shuffle runs of arabic-numbered items (with their continuation lines) and renumber them."""
    result: list[str] = []
    run: list[list[str]] = []

    def flush():
        if len(run) >= 2 and rng.random() < 0.6:
            rng.shuffle(run)
        for number, block in enumerate(run, start=1):
            result.append(ARABIC_ITEM.sub(lambda m: f"{m.group(1)}{number}{m.group(3)}", block[0], count=1))
            result.extend(block[1:])
        run.clear()

    for line in lines:
        if ARABIC_ITEM.match(line):
            run.append([line])
        elif CHINESE_HEADER.match(line) or not line.strip():
            flush()
            result.append(line)
        elif run:
            run[-1].append(line)
        else:
            result.append(line)
    flush()
    return result


def variant(seed_text: str, index: int, rng: random.Random, to_traditional: OpenCC) -> str:
    lines = _shuffle_items(seed_text.splitlines(keepends=True), rng)
    body = "".join(lines)
    body = body.replace("朝阳区", rng.choice(DISTRICTS)).replace("忻州市", rng.choice(CITIES))
    factor = rng.choice([1, 2, 3, 5])
    body = AMOUNT.sub(lambda m: f"{Decimal(m.group(1)) * factor:f}".rstrip("0").rstrip(".") + m.group(2), body)
    if rng.random() < 0.3:  # numbering style: half-width ↔ full-width separators
        body = re.sub(r"(?m)^(\s*\d+)．", r"\1.", body) if "．" in body else re.sub(r"(?m)^(\s*\d+)\.", r"\1．", body)
    numbered, count = DOC_NUMBER.subn(lambda m: f"〔{m.group(1) or 2022}〕{index + 1}{m.group(3)}", body, count=1)
    body = numbered if count else body + f"\n（编号{index + 1}）\n"
    if rng.random() < 0.15:
        body = to_traditional.convert(body)
    return body


def build_corpus(dest: Path, docs: int, seed: int) -> list[Path]:
    seeds = sorted(config.SOURCES_DIR.glob("*.txt"))
    texts = [path.read_text(encoding="utf-8") for path in seeds]
    to_traditional = OpenCC("s2t")
    paths = []
    for index in range(docs):
        rng = random.Random(seed * 1_000_003 + index)
        which = index % len(seeds)
        path = dest / f"{index:05d}_{seeds[which].stem[:3]}.txt"
        path.write_text(variant(texts[which], index, rng, to_traditional), encoding="utf-8")
        paths.append(path)
    return paths


BASE_QUERIES = [
    "数字化转型", "专精特新 贷款", "贷款贴息", "首台套", "研发费用", "知识产权", "融资担保", "高精尖", "产业基金",
    "人才", "税收", "租金 减免", "中小企业 服务券", "技术改造", "绿色化", "上市", "纾困", "稳岗", "社保",
    "物流", "疫情", "数字经济", "智能制造", "专精特新", "小巨人", "创新中心", "奖励 最高", "担保 费率", "贷款",
    "园区", "孵化", "新能源汽车", "集成电路", "医药", "人工智能", "工业互联网", "出口", "电费", "首贷", "上云",
    "數字化轉型", "專精特新", "貸款貼息", "融資擔保", "税", "企业 补贴 最高",
]
UNITS = ["市经济和信息化局", "市财政局", "市税务局", "市人力资源社会保障局", "区发展改革委"]
BENEFICIARIES = ["专精特新中小企业", "小微企业", "中小企业", "个体工商户"]


def queries(count: int, keys: list[str], seed: int) -> list[dict]:
    rng = random.Random(seed)
    made = []
    for index in range(count):
        query: dict = {"query": BASE_QUERIES[index % len(BASE_QUERIES)]}
        roll = rng.random()
        if roll < 0.15:
            query["unit"] = rng.choice(UNITS)
        elif roll < 0.3:
            query["beneficiary"] = rng.choice(BENEFICIARIES)
        elif roll < 0.4:
            query["doc"] = rng.choice(keys).split("_")[0]
        made.append(query)
    return made


def _pg_admin():
    return create_engine(os.environ.get("ZHIDA_BENCH_DATABASE_URL", DEFAULT_PG), isolation_level="AUTOCOMMIT",
                         connect_args={"connect_timeout": 3})


def _pg_url(fresh: bool) -> str | None:
    """The bench schema's URL (created empty when ``fresh``); None when PostgreSQL does not answer."""
    try:
        engine = _pg_admin()
        with engine.connect() as connection:
            if fresh:
                connection.execute(text(f'DROP SCHEMA IF EXISTS "{PG_SCHEMA}" CASCADE'))
                connection.execute(text(f'CREATE SCHEMA "{PG_SCHEMA}"'))
        engine.dispose()
    except Exception as exc:  # not reachable: measure SQLite only
        print(f"PostgreSQL not measured: {str(exc).splitlines()[0]}", file=sys.stderr)
        return None
    base = os.environ.get("ZHIDA_BENCH_DATABASE_URL", DEFAULT_PG)
    return make_url(base).update_query_dict({"options": f"-csearch_path={PG_SCHEMA}"}).render_as_string(False)


def _drop_pg_schema() -> None:
    engine = _pg_admin()
    with engine.connect() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{PG_SCHEMA}" CASCADE'))
    engine.dispose()


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def _ingest(paths: list[Path], stores: dict, workers: int, draft: bool) -> dict:
    """``zhida ingest [--draft]`` as the command runs it (``ingest_paths``: reading and drafting in
    ``workers`` processes, storing here, one transaction per document, the search index caught up
    every INDEX_EVERY documents and at the end) into each store in turn; wall and CPU per store."""
    out: dict = {"load_before": " / ".join(f"{v:.1f}" for v in os.getloadavg()), "store": {}}
    for name, store in stores.items():
        cpu: dict = {}
        wall_started, own_started = time.perf_counter(), _own_cpu()
        results = ingest_paths(store, paths, workers=workers, draft=draft, cpu=cpu)
        wall = time.perf_counter() - wall_started
        own = _own_cpu() - own_started
        failed = [r for r in results if r.status == "failed"]
        for result in failed[:5]:
            print(result.error, file=sys.stderr)
        # the workers' own CPU read from /proc before they exit; serially it is all in this process
        workers_cpu = cpu.get("workers", 0.0)
        out["store"][name] = {
            "ok": len(results) - len(failed), "failures": len(failed), "wall": wall, "main_cpu": own,
            "workers_cpu": workers_cpu, "read_cpu": cpu.get("read", 0.0), "draft_cpu": cpu.get("draft", 0.0),
            "clauses": sum(r.clauses for r in results), "drafts": sum(r.drafts or 0 for r in results),
            "load": " / ".join(f"{v:.1f}" for v in os.getloadavg()),
        }
    return out


def _own_cpu() -> float:
    """CPU seconds of this process, all its threads (the search index's writer thread included)."""
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF)
    return own.ru_utime + own.ru_stime


def _search_latencies(store, workload: list[dict]) -> tuple[float, list[float]]:
    """The first search (opens the index) and every search of the workload after a warm-up, in ms."""
    started = time.perf_counter()
    search(store, **workload[0])
    first = (time.perf_counter() - started) * 1000
    for query in workload[:10]:  # warm caches once, like a running service
        search(store, **query)
    latencies = []
    for query in workload:
        started = time.perf_counter()
        search(store, **query)
        latencies.append((time.perf_counter() - started) * 1000)
    return first, latencies


def main(argv: list[str]) -> str:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.ingest_search")
    parser.add_argument("--docs", type=int, default=20000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workers", type=int, default=2, help="processes reading (and drafting) in parallel; storing is serial")
    parser.add_argument("--no-draft", action="store_true", help="ingest without drafting the measures")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--keep", type=Path, help="keep (or reuse) corpus, databases and indexes in this directory")
    args, _ = parser.parse_known_args(argv)  # the other benchmarks' options may be present

    with tempfile.TemporaryDirectory(prefix="zhida-bench-") as tmp:
        work = args.keep or Path(tmp)
        return _run(args, work.resolve())


def _run(args, work: Path) -> str:
    manifest_path = work / "manifest.json"
    wanted = {"docs": args.docs, "seed": args.seed}
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    reuse = args.keep is not None and {k: manifest.get(k) for k in wanted} == wanted
    if not reuse:
        for name in ("corpus", "bench.sqlite3", "bench.sqlite3.search", "search", "manifest.json"):
            target = work / name
            if target.is_dir():
                shutil.rmtree(target)
            else:
                target.unlink(missing_ok=True)
    os.environ["ZHIDA_SEARCH_DIR"] = str(work / "search")  # the PostgreSQL store's index
    corpus_dir = work / "corpus"
    corpus_dir.mkdir(parents=True, exist_ok=True)
    stores = {"SQLite": open_store(f"sqlite:///{work / 'bench.sqlite3'}")}
    use_pg = not args.no_postgres and (not reuse or manifest.get("postgres", False))
    pg = _pg_url(fresh=not reuse) if use_pg else None
    if pg:
        stores["PostgreSQL"] = open_store(pg)
    if reuse:
        paths = sorted(corpus_dir.glob("*.txt"))
        build_seconds, ingested = manifest["build_seconds"], manifest["ingest"]
    else:
        started = time.perf_counter()
        paths = build_corpus(corpus_dir, args.docs, args.seed)
        build_seconds = time.perf_counter() - started
        ingested = _ingest(paths, stores, args.workers, not args.no_draft)
        ingested["workers"], ingested["draft"] = args.workers, not args.no_draft
        if args.keep is not None:
            manifest_path.write_text(json.dumps({**wanted, "postgres": bool(pg), "build_seconds": build_seconds,
                                                 "ingest": ingested}))
    keys = [path.stem for path in paths]
    workload = queries(args.queries, keys, args.seed)
    first_store = next(iter(ingested["store"].values()))
    lines = [
        f"Corpus: {len(paths)} documents derived from the 5 seeds (seed {args.seed}), built in "
        f"{build_seconds:.1f} s; {first_store['ok']} stored, {first_store['failures']} rejected, "
        f"{first_store['clauses']} clauses, {first_store['drafts']} draft measures.",
        "",
        f"Ingest as `zhida ingest{' --draft' if ingested.get('draft') else ''} --workers {ingested['workers']}` runs it "
        f"(reading{' and drafting' if ingested.get('draft') else ''} in {ingested['workers']} worker processes, storing "
        "in the main one, one transaction per document, search index caught up every "
        f"{INDEX_EVERY} documents and at the end), each store in turn; load average before {ingested['load_before']}."
        + (f" (Ingest figures recorded when {work} was built; search measured now.)" if reuse else ""),
        "",
        "| store | wall (s) | documents/s | CPU (s), all processes | CPU ms/doc | of which read | draft "
        "| workers' other (start-up, transfer) | main (store + index) | load after |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for name, t in ingested["store"].items():
        ok = max(t["ok"], 1)
        pooled = t["workers_cpu"] > 0  # else reading and drafting ran in the main process
        total = t["main_cpu"] + t["workers_cpu"]
        other = max(0.0, t["workers_cpu"] - t["read_cpu"] - t["draft_cpu"]) if pooled else 0.0
        main_only = t["main_cpu"] - (0.0 if pooled else t["read_cpu"] + t["draft_cpu"])
        lines.append(
            f"| {name} | {t['wall']:.1f} | {t['ok'] / t['wall']:.1f} | {total:.1f} | {1000 * total / ok:.1f} "
            f"| {1000 * t['read_cpu'] / ok:.1f} | {1000 * t['draft_cpu'] / ok:.1f} | {1000 * other / ok:.1f} "
            f"| {1000 * main_only / ok:.1f} | {t['load']} |")
    lines += [
        "",
        "| store | first search (ms) | search p50 (ms) | p95 (ms) | max (ms) "
        f"| p95 ≤ {TARGET_P95_MS} ms |",
        "|---|---|---|---|---|---|",
    ]
    slowest_lines = []  # after the table: a line between rows would end it
    for name, store in stores.items():
        first, latencies = _search_latencies(store, workload)
        p50, p95 = statistics.median(latencies), _percentile(latencies, 0.95)
        lines.append(
            f"| {name} | {first:.1f} | {p50:.1f} | {p95:.1f} | {max(latencies):.1f} "
            f"| {'yes' if p95 <= TARGET_P95_MS else 'NO'} |"
        )
        slowest = sorted(zip(latencies, workload), key=lambda pair: -pair[0])[:3]
        slowest_lines.append(f"{name} slowest: " + "; ".join(f"{ms:.0f} ms {q}" for ms, q in slowest) + ".")
        store.close()
    if pg and args.keep is None:
        _drop_pg_schema()
    lines += [
        "",
        f"{len(workload)} queries ({len(BASE_QUERIES)} distinct terms, ~15% with --unit, ~15% with "
        "--beneficiary, ~10% with --doc), limit 10, timed in-process through `zhida.store.search` "
        "(complete BM25 ranking of every matching clause in the tantivy index, snippets included, "
        "CLI start-up excluded). \"first search\": the first query after opening the store (opens the index).",
        "",
        *slowest_lines,
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    from benchmarks.run import write_section

    body = main(sys.argv[1:])
    write_section(NAME, body, "python -m benchmarks.ingest_search " + " ".join(sys.argv[1:]))
    print(body)
