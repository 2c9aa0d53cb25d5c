"""The staged batch query gives the scalar evaluator's answers, on DuckDB, PostgreSQL and Spark."""

from __future__ import annotations

import shutil

import pyarrow.parquet as pq
import pytest

from zhida.batch.engines import STATUS_NAMES, DuckDBEngine, PostgresEngine, SparkEngine
from zhida.batch.packed import PAIR_COLUMNS, read_pairs
from zhida.enterprises.facts import profile_to_facts
from zhida.enterprises.generate import row_to_profile
from zhida.matching.evaluator import compiled, evaluate_measure, new_evaluator
from zhida.rules.engine import run_duckdb

from .conftest import AS_OF



def _run(engine, policies, population, out):
    """The long rows of the packed results, sorted by (uscc, measure); the identity file is written
    next to them."""
    out.parent.mkdir(parents=True, exist_ok=True)
    result = engine.run(policies, list(policies.measures.values()), AS_OF, population, out)
    assert result.rows == pq.read_metadata(population).num_rows  # rows = enterprises, not pairs
    packed = pq.read_table(out) if out.is_file() else pq.ParquetDataset(out).read()
    assert packed.num_rows == result.rows  # one row per enterprise
    return read_pairs(out, list(policies.measures.values())).sort_by([("uscc", "ascending"), ("measure", "ascending")])


def _packed(out):
    """The packed file itself (every column, as stored), sorted by uscc."""
    table = pq.read_table(out) if out.is_file() else pq.ParquetDataset(out).read()
    return table.sort_by("uscc")


def as_wide(results, measures) -> dict[str, dict]:
    """uscc → {"<id>:status" …} from the long layout; an absent pair is not_applicable."""
    out: dict[str, dict] = {}
    for r in results.to_pylist():
        mid = measures[r["measure"]].id
        row = out.setdefault(r["uscc"], {})
        row.update({f"{mid}:status": STATUS_NAMES[r["status"]], f"{mid}:amount": r["amount"],
                    f"{mid}:upper": r["upper"], f"{mid}:failing": r["failing"], f"{mid}:unknown": r["unknown"],
                    f"{mid}:open": r["open"], f"{mid}:least": r["least"]})
    return out


def pair(wide: dict, uscc: str, mid: str) -> dict:
    row = wide.get(uscc, {})
    if f"{mid}:status" not in row:
        return {"status": "not_applicable", "amount": None, "failing": None, "unknown": None, "open": 0, "least": None}
    return {k: row[f"{mid}:{k}"] for k in ("status", "amount", "failing", "unknown", "open", "least")}


def _bits(mask, ids):
    return [c for i, c in enumerate(ids) if int(mask or 0) >> i & 1]


def test_duckdb_batch_agrees_with_the_scalar_evaluator(policies, population, tmp_path):
    results = _run(DuckDBEngine(), policies, population, tmp_path / "r.parquet")
    facts = pq.read_table(population).sort_by("uscc")
    identity = pq.read_table(tmp_path / "enterprises.parquet").sort_by("uscc")
    assert identity.column("uscc").to_pylist() == facts.column("uscc").to_pylist()
    assert identity.column("name").to_pylist() == facts.column("name").to_pylist()
    assert set(results.column("status").to_pylist()) == {1, 2, 3}  # not_applicable is never stored
    measures = list(policies.measures.values())
    wide = as_wide(results, measures)
    checked = eligible = 0
    sample = {}
    by_parts = window_given_by_parts(facts)
    assert len(by_parts) > 500  # the window's figure is given by months / quarters for many
    # … and those the VAT measure applies to (忻州 small-scale taxpayers): their amount adds the parts
    region, taxpayer = facts.column("region_code").to_pylist(), facts.column("taxpayer_type").to_pylist()
    vat_parts = [i for i in by_parts if region[i].startswith("1409") and taxpayer[i] == "small_scale"][:40]
    rows = sorted({*range(0, facts.num_rows, 13), *vat_parts})  # ~190 enterprises, every measure
    for i in rows:
        row = facts.slice(i, 1).to_pylist()[0]
        # the scalar explainer reads the enterprise's profile (a window's months added up there)
        values = profile_to_facts(row_to_profile(row, AS_OF), AS_OF, period_names=policies.catalogue.period_names())
        sample[row["uscc"]] = values
        ev = new_evaluator(values, AS_OF, policies)
        for m in policies.measures.values():
            got = evaluate_measure(compiled(m, policies), ev)
            out = pair(wide, row["uscc"], m.id)
            ids = [c.id for c in m.conditions]
            assert out["status"] == got.status, (row["uscc"], m.id)
            assert out["amount"] == got.amount, (row["uscc"], m.id)
            if got.status != "not_applicable":  # (the scalar matcher does not report conditions there)
                assert _bits(out["failing"], ids) == [c for c, v in zip(ids, got.conditions) if v is False]
                assert _bits(out["unknown"], ids) == [c for c, v in zip(ids, got.conditions) if v is None]
            # the totals' inputs: which open criteria it still depends on (待认定), a sum's known part
            open_ids = [f"open.{o.id}" for o in m.open_criteria]
            assert sorted(_bits(out["open"], open_ids)) == sorted(got.opened), (row["uscc"], m.id)
            assert out["least"] == got.least, (row["uscc"], m.id)
            checked += 1
            eligible += got.status == "eligible"
    assert checked > 10_000 and eligible > 500  # the sample exercises real eligibility, not only n/a
    from_parts = [u for u in (facts.column("uscc")[i].as_py() for i in vat_parts)
                  if pair(wide, u, VAT_WINDOW_MEASURE)["amount"] is not None]
    assert len(from_parts) > 3, "too few VAT-window amounts computed from months or quarters in the sample"

    # the honest split (确定可得 / 最高可达 / 减免·抵扣·递延 / 待认定) over the sample equals the sum of
    # each enterprise's own checkup summary (issue 9 §4)
    _split_agrees(policies, results_path=tmp_path / "r.parquet", sample=sample)

    # and every column equals the rules engine's own (unstaged) query on the same rows
    reference = run_duckdb(list(policies.measures.values()),
                           [{**values, "enterprise_id": u} for u, values in sample.items()], AS_OF, policies)
    for u in sample:
        for m in policies.measures.values():
            ref, out = reference[u][m.id], pair(wide, u, m.id)
            ids = [c.id for c in m.conditions]
            assert (out["status"], out["amount"]) == (ref.status, ref.amount)
            if ref.status != "not_applicable":  # masks are not stored for absent (not_applicable) pairs
                assert (_bits(out["failing"], ids), _bits(out["unknown"], ids)) == (ref.failing, ref.unknown)


VAT_WINDOW_MEASURE = "xz2022.small-scale-vat-exemption"  # amount: small_scale_sales_at_3pct@policy * 0.03
WINDOW = "small_scale_sales_at_3pct__p20220401_20221231"


def window_given_by_parts(facts) -> list[int]:
    """Rows whose VAT-window figure is not given but its months or quarters are (zhida generate)."""
    import pyarrow.compute as pc

    parts = [c for c in facts.column_names if c.startswith("small_scale_sales_at_3pct__p2022") and c != WINDOW]
    assert len(parts) == 12, parts  # 9 months + 3 quarters (Q2–Q4)
    some = pc.is_valid(facts.column(parts[0]))
    for c in parts[1:]:
        some = pc.or_(some, pc.is_valid(facts.column(c)))
    mask = pc.and_(pc.is_null(facts.column(WINDOW)), some)
    return [i for i, v in enumerate(mask.to_pylist()) if v]


def _split_agrees(policies, results_path, sample: dict[str, dict]) -> None:
    from decimal import Decimal

    from zhida.batch.runner import measure_entry
    from zhida.batch.summary import split_totals
    from zhida.matching.match import match_enterprise, summary
    from zhida.rules.totals import BUCKETS

    measures = [measure_entry(m, policies, [c.id for c in m.conditions], AS_OF) for m in policies.measures.values()]
    batch = split_totals(str(results_path), measures, usccs=list(sample))
    scalar = {b: [Decimal(0), 0, 0] for b in BUCKETS}
    drafts = 0
    for values in sample.values():
        t = summary(match_enterprise(values, AS_OF, policies=policies))["totals"]
        for b in BUCKETS:
            scalar[b][0] += t.buckets[b].total
            scalar[b][1] += len(t.buckets[b].items)
            scalar[b][2] += t.buckets[b].unknown
        drafts += len(t.draft)
    for b in BUCKETS:
        assert (Decimal(batch[b]["total"]), batch[b]["benefits"], batch[b]["amount_unknown"]) == tuple(scalar[b]), b
    assert batch["draft"]["benefits"] == drafts
    assert sum(batch[b]["benefits"] for b in BUCKETS) > 100, batch  # the sample really counts benefits
    assert batch["pending"]["benefits"] > 0, batch


@pytest.mark.spark
def test_three_engines_give_identical_results(policies, population, tmp_path, pg_url):
    """One population through DuckDB, PostgreSQL and Spark (local[2]): every pair identical."""
    url = pg_url
    duck = _run(DuckDBEngine(), policies, population, tmp_path / "duck" / "results.parquet")
    pg = _run(PostgresEngine(url), policies, population, tmp_path / "postgres" / "results.parquet")
    spark_out = tmp_path / "spark" / "results.parquet"
    shutil.rmtree(spark_out.parent, ignore_errors=True)
    spark = _run(SparkEngine(), policies, population, spark_out)
    assert duck.num_rows > 2000 * 5  # pairs that are not not_applicable
    assert duck.column_names == list(PAIR_COLUMNS)
    for other, name in ((pg, "postgres"), (spark, "spark")):
        assert other.column_names == duck.column_names, name
        assert other.num_rows == duck.num_rows, name
        for column in duck.column_names:
            assert other.column(column).to_pylist() == duck.column(column).to_pylist(), (name, column)
        stored, expected = _packed(tmp_path / name / "results.parquet"), _packed(tmp_path / "duck" / "results.parquet")
        assert stored.column_names == expected.column_names, name  # the same packed layout, column for column
        for column in expected.column_names:
            assert stored.column(column).to_pylist() == expected.column(column).to_pylist(), (name, column)
        ids = pq.read_table(tmp_path / name / "enterprises.parquet").sort_by("uscc")
        assert ids.to_pylist() == pq.read_table(tmp_path / "duck" / "enterprises.parquet").sort_by("uscc").to_pylist()
    assert {1, 2, 3} == set(duck.column("status").to_pylist())
    # the VAT window's amount where the input gives only its months / quarters: an engine that
    # ignored them would have NULL there, and differ from DuckDB above
    facts = pq.read_table(population)
    by_parts = {facts.column("uscc")[i].as_py() for i in window_given_by_parts(facts)}
    vat = [m.id for m in policies.measures.values()].index(VAT_WINDOW_MEASURE)
    decided = [r for r in duck.to_pylist() if r["measure"] == vat and r["uscc"] in by_parts and r["amount"] is not None]
    assert len(decided) > 5
