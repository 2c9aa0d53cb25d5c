"""The dashboard cubes and the run's totals aggregated wide from the packed columns equal the
former reading of the unpacked pairs (kept for long-layout runs: ``via_pairs=True``), on a generated
population (drafts, multi-measure benefits, undetermined results missing facts) and on a synthetic
packed run covering what the encoded measures do not (ranges with an upper end, floors, ties)."""

from __future__ import annotations

import json
import random
from decimal import Decimal

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from zhida.batch import dashboard_cube, summary, wide
from zhida.batch.packed import DECIMAL
from zhida.batch.runner import Run, run_batch
from zhida.enterprises.generate import generate, write_parquet

from .conftest import AS_OF


def _rows(path) -> tuple[list[str], list[tuple]]:
    table = pq.read_table(path)
    return table.column_names, sorted((tuple(r.values()) for r in table.to_pylist()), key=repr)


def _same_cubes(run, policies, tmp_path) -> dict[str, int]:
    wide_dir, pairs_dir = tmp_path / "wide", tmp_path / "pairs"
    wide_dir.mkdir(), pairs_dir.mkdir()
    dashboard_cube.write(run, wide_dir, policies)
    dashboard_cube.write(run, pairs_dir, policies, via_pairs=True)
    sizes = {}
    for name in dashboard_cube.FILES:
        assert _rows(wide_dir / name) == _rows(pairs_dir / name), name
        sizes[name] = pq.read_metadata(wide_dir / name).num_rows
    return sizes


@pytest.fixture(scope="module")
def run(policies, tmp_path_factory):
    path = write_parquet(generate(4000, 23, AS_OF), tmp_path_factory.mktemp("pop") / "enterprises.parquet")
    return run_batch(AS_OF, tmp_path_factory.mktemp("runs"), input_path=path, store_url=False, pushlists=False,
                     policies=policies).run


def test_generated_population_exercises_drafts_multi_benefits_and_missing_facts(run):
    measures = run.manifest["measures"]
    counted = {c.index: c for c in wide.counted(measures)}
    pairs = run.pairs(("uscc", "measure", "status", "unknown")).to_pylist()
    assert any(p["status"] == 1 and p["measure"] in counted and counted[p["measure"]].draft for p in pairs)
    multi = {b: {c.index for c in g} for b, g in wide.by_benefit([c for c in counted.values() if not c.draft]).items()
             if len(g) > 1}
    per = {}
    for p in pairs:
        for b, members in multi.items():
            if p["status"] == 1 and p["measure"] in members:
                per[(p["uscc"], b)] = per.get((p["uscc"], b), 0) + 1
    assert any(n > 1 for n in per.values())
    assert any(p["status"] == 3 and p["unknown"] for p in pairs)


def test_cubes_of_a_generated_population_equal_the_pairs_reading(run, policies, tmp_path):
    sizes = _same_cubes(run, policies, tmp_path)
    assert all(sizes[name] > 0 for name in dashboard_cube.FILES)


def test_totals_of_a_generated_population_equal_the_pairs_reading(run):
    con = summary.connect()
    assert summary.overall_totals(run, con) == summary.overall_totals(run, con, via_pairs=True)
    assert run.manifest["totals"]["overall"] == json.loads(json.dumps(summary.overall_totals(run, con)))
    districts = {}
    for r in pq.read_table(run.enterprises, columns=["uscc", "region_code"]).to_pylist():
        districts.setdefault(r["region_code"], []).append(r["uscc"])
    measures = run.manifest["measures"]
    for usccs in (max(districts.values(), key=len), ["91110000NOSUCH0000"]):  # a district, and one without enterprises
        got = summary.split_totals(run.results_glob(), measures, con, usccs)
        assert got == summary.split_totals(run.results_glob(), measures, con, usccs, via_pairs=True)
    assert all(b["benefits"] == 0 for b in got.values())
    split = summary.split_totals(run.results_glob(), measures, con)
    assert sum(b["benefits"] for b in split.values()) > 0 and split["draft"]["benefits"] > 0


# A synthetic packed run: (id, benefit, kind, amount_kind, draft, conditions, opens, money columns, extra)
SYNTHETIC = [
    ("m0", "A", "subsidy", "exact", False, 2, 1, ("amount",), {}),
    ("m1", "A", "subsidy", "range", False, 1, 0, ("amount", "upper"), {}),
    ("m2", "A", "subsidy", "exact", True, 1, 0, ("amount",), {}),
    ("m3", "B", "tax_deduction", "exact", False, 3, 0, ("amount", "least"), {}),
    ("m4", "C", "service", None, False, 2, 1, (), {}),
    ("m5", "D", "subsidy", "maximum", True, 1, 0, ("amount",), {}),
    ("m6", "E", "subsidy", "exact", False, 1, 0, ("amount",), {"enterprise_benefit": False}),
    ("m7", "F", "subsidy", "exact", False, 1, 0, ("amount",), {"period_as_of": "expired"}),
    ("m8", "G", "subsidy", "maximum", False, 1, 0, ("amount",), {"amount_unit": "万美元"}),
    ("m9", "B", "subsidy", "minimum", False, 2, 1, ("amount", "least"), {}),
    ("m10", "H", "refund", "exact", False, 1, 0, ("amount", "least"), {}),
    ("m11", "H", "subsidy", "not_stated", False, 1, 0, (), {}),
    ("m12", "A", "deferral", "maximum", False, 1, 1, ("amount",), {"document_status": "draft"}),
]


def _synthetic_run(path, n: int = 3000, seed: int = 7) -> Run:
    rnd = random.Random(seed)
    measures, columns = [], {"uscc": [f"9111{k:014d}" for k in range(n)]}
    types = {"uscc": pa.string()}
    for i, (mid, benefit, kind, akind, draft, conds, opens, money, extra) in enumerate(SYNTHETIC):
        measures.append({"id": mid, "benefit": benefit, "kind": kind, "amount_kind": akind, "draft": draft,
                         "enterprise_benefit": True, "period_as_of": "in_force", "amount_unit": "元",
                         "document_status": "final", "conditions": [f"c{k}" for k in range(conds)], **extra})
        packed, parts = [], {part: [] for part in money}
        for _ in range(n):
            status = rnd.choice((0, 1, 1, 1, 2, 3))
            failing = rnd.getrandbits(conds) if status == 2 else 0
            unknown = rnd.getrandbits(conds) if status == 3 else 0
            open_ = rnd.getrandbits(opens) if status == 1 and opens else 0
            packed.append(0 if status == 0 else status | failing << 2 | unknown << (2 + conds) | open_ << (2 + 2 * conds))
            amount = Decimal(rnd.choice((100, 250, "999.99", 2500))) if status == 1 and rnd.random() < 0.6 else None
            row = {"amount": amount,
                   "upper": Decimal(rnd.choice((300, 5000))) if amount is not None and rnd.random() < 0.5 else None,
                   "least": Decimal(rnd.choice((50, 2500))) if status == 1 and amount is None and rnd.random() < 0.5
                   else None}
            for part in money:
                parts[part].append(row[part])
        columns[f"p{i}"], types[f"p{i}"] = packed, pa.int32()
        for part, values in parts.items():
            columns[f"{part}{i}"], types[f"{part}{i}"] = values, DECIMAL
    path.mkdir()
    pq.write_table(pa.table({k: pa.array(v, types[k]) for k, v in columns.items()}), path / "results.parquet")
    districts, zones = ("110105", "110108", "140902"), ("none", "bda", None)
    pq.write_table(pa.table({"uscc": columns["uscc"],
                             "region_code": [rnd.choice(districts) for _ in range(n)],
                             "special_zone": [rnd.choice(zones) for _ in range(n)],
                             "subdistrict_code": [rnd.choice(("110105001", "110108002", None)) for _ in range(n)],
                             "industry_code": [rnd.choice(("C3011", "I6510", "F5123", None)) for _ in range(n)]}),
                   path / "enterprises.parquet")
    return Run("synthetic", path, {"measures": measures, "enterprises": n, "as_of": AS_OF.isoformat()})


def test_synthetic_run_ranges_floors_and_ties_equal_the_pairs_reading(policies, tmp_path):
    run = _synthetic_run(tmp_path / "run")
    pairs = run.pairs().to_pylist()
    assert any(p["measure"] == 1 and p["status"] == 1 and p["upper"] is not None and p["open"] == 0 for p in pairs)
    assert any(p["status"] == 1 and p["amount"] is None and p["least"] is not None for p in pairs)
    sizes = _same_cubes(run, policies, tmp_path)
    assert sizes[dashboard_cube.BENEFITS] > 0 and sizes[dashboard_cube.MEASURES] > 0
    con = summary.connect()
    got = summary.overall_totals(run, con)
    assert got == summary.overall_totals(run, con, via_pairs=True)
    assert {"certain", "up_to", "deduction", "refund", "pending", "unquantified"} <= \
        {b for b, v in got["split"].items() if v["benefits"]}
    assert got["split"]["draft"]["benefits"] > 0
