"""The dashboard's figures (cubes written at batch time) agree with the run's own results: per
measure and district counts, the money split (benefits counted once equals the run's overall
split), the fact deciding most undetermined enterprises, drill-downs and the trend between runs."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import pyarrow.parquet as pq
import pytest

from zhida.batch import dashboard, dashboard_cube
from zhida.batch.engines import STATUS_CODES
from zhida.batch.runner import run_batch

from .conftest import AS_OF

CHAOYANG = "110105"


@pytest.fixture(scope="module")
def run(policies, population, tmp_path_factory):
    return run_batch(AS_OF, tmp_path_factory.mktemp("runs"), input_path=population, store_url=False,
                     pushlists=False).run


@pytest.fixture(scope="module")
def pairs(run):
    ids = [m["id"] for m in run.manifest["measures"]]
    area = {r["uscc"]: (r["region_code"], r["special_zone"], r["industry_code"])
            for r in pq.read_table(run.enterprises).to_pylist()}
    return [{**r, "measure_id": ids[r["measure"]], "area": area[r["uscc"]]} for r in run.pairs().to_pylist()]


def test_the_run_writes_its_cubes(run):
    assert dashboard_cube.present(run.path)


def test_counts_per_measure_in_a_district_are_the_results(run, pairs):
    rows = {r.id: r for r in dashboard.measure_rows(run, dashboard.Scope(area=CHAOYANG))}
    expected = Counter((p["measure_id"], p["status"]) for p in pairs if p["area"][0] == CHAOYANG)
    benefit = {m["id"] for m in run.manifest["measures"] if m["enterprise_benefit"]}
    wanted = {mid for mid, status in expected if mid in benefit and status != STATUS_CODES["ineligible"]}
    assert set(rows) == wanted and rows
    for mid, row in rows.items():
        assert row.eligible == expected[(mid, STATUS_CODES["eligible"])]
        assert row.undetermined == expected[(mid, STATUS_CODES["undetermined"])]


def test_city_money_counted_once_per_benefit_equals_the_runs_split(run):
    split = run.manifest["totals"]["overall"]["split"]
    money = dashboard.totals(run, dashboard.Scope())["money"]
    assert money["certain"].total == Decimal(split["certain"]["total"])
    assert money["up_to"].total == Decimal(split["up_to"]["total"])
    assert money["tax"].total == sum(Decimal(split[b]["total"]) for b in dashboard_cube.TAX)
    assert money["pending"].total == Decimal(split["pending"]["total"])
    assert money["pending"].count == split["pending"]["benefits"]
    assert money["pending"].unknown == split["pending"]["amount_unknown"]


def test_deciding_fact_counts_undetermined_enterprises_missing_it(run, pairs, policies):
    rows = [r for r in dashboard.measure_rows(run, dashboard.Scope()) if r.deciding_fact]
    assert rows
    row = max(rows, key=lambda r: r.undetermined)
    entry = next(m for m in run.manifest["measures"] if m["id"] == row.id)
    masks = dashboard_cube.condition_facts(entry, policies)
    counts = {fact: sum(1 for p in pairs if p["measure_id"] == row.id and p["status"] == STATUS_CODES["undetermined"]
                        and p["unknown"] & mask) for fact, mask in masks.items()}
    best = max(counts.values())
    assert row.deciding_count == best and 0 < best <= row.undetermined
    assert row.deciding_fact in {policies.catalogue.get(f).label_zh for f, n in counts.items() if n == best}


def test_breakdowns_add_up_to_the_scope(run):
    city = dashboard.Scope()
    districts = dashboard.breakdown(run, city, "district")
    overall = dashboard.totals(run, city)
    assert sum(s.enterprises for s in districts) == overall["reached"]
    assert sum(s.money["tax"].total for s in districts) == overall["money"]["tax"].total
    chaoyang = next(s for s in districts if s.key == CHAOYANG)
    assert chaoyang.label == "朝阳区"
    industries = dashboard.breakdown(run, dashboard.Scope(area=CHAOYANG), "industry")
    assert sum(s.enterprises for s in industries) == chaoyang.enterprises
    assert all(len(s.key) <= 1 for s in industries)
    manufacturing = dashboard.Scope(area=CHAOYANG, industry="C")
    assert dashboard.totals(run, manufacturing)["reached"] == next(s.enterprises for s in industries if s.key == "C")
    measure = max(dashboard.measure_rows(run, city), key=lambda r: r.eligible)
    one = dashboard.breakdown(run, city, "district", measure=measure.id)
    assert sum(s.enterprises for s in one) == measure.eligible


def test_units_choose_the_measures(run):
    unit = "市经济和信息化局"
    rows = dashboard.measure_rows(run, dashboard.Scope(units=(unit,)))
    assert rows and all(unit in r.units for r in rows)
    assert unit in dashboard.units(run.manifest)


def test_trend_compares_with_the_previous_run(run, policies, population, tmp_path):
    from zhida.rules import load_policies

    fewer = load_policies()
    measure = max(dashboard.measure_rows(run, dashboard.Scope()), key=lambda r: r.eligible)
    # an earlier run without that measure: the trend shows every enterprise as new
    earlier = run_batch(AS_OF, tmp_path, input_path=population, store_url=False, pushlists=False, policies=fewer,
                        measure_ids=[m for m in fewer.measures if m != measure.id]).run
    rows = {r.id: r for r in dashboard.measure_rows(run, dashboard.Scope(), previous=earlier)}
    assert rows[measure.id].trend["eligible"] == measure.eligible
    assert all(r.trend["eligible"] == 0 for mid, r in rows.items() if mid != measure.id)


def test_a_run_without_cubes_gets_them_on_first_use(run, tmp_path):
    import shutil

    from zhida.batch.runner import open_run

    copy = tmp_path / run.path.name
    shutil.copytree(run.path, copy)
    for name in dashboard_cube.FILES:
        (copy / name).unlink()
    old = open_run(copy)
    assert dashboard.totals(old, dashboard.Scope())["reached"] == dashboard.totals(run, dashboard.Scope())["reached"]
    assert dashboard_cube.present(copy)


def test_drill_down_by_street_within_a_district(run):
    from zhida.enterprises import streets

    scope = dashboard.Scope(area=CHAOYANG)
    by_street = dashboard.breakdown(run, scope, "street")
    assert len(by_street) > 10
    assert all(streets.streets()[s.key].district == CHAOYANG for s in by_street)
    assert by_street[0].label == streets.name_of(by_street[0].key)
    overall = dashboard.totals(run, scope)
    assert sum(s.enterprises for s in by_street) == overall["reached"]
    assert sum(s.money["pending"].count for s in by_street) == overall["money"]["pending"].count
    measure = max(dashboard.measure_rows(run, scope), key=lambda r: r.eligible)
    assert sum(s.enterprises for s in dashboard.breakdown(run, scope, "street", measure=measure.id)) == measure.eligible


def test_cli_prints_the_dashboard(run, tmp_path):
    from typer.testing import CliRunner

    from zhida.cli import _register, app

    _register()
    result = CliRunner().invoke(app, ["dashboard", str(run.path), "--district", "朝阳区", "--by", "street"],
                                catch_exceptions=False, env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    totals = dashboard.totals(run, dashboard.Scope(area=CHAOYANG))
    assert f"朝阳区 {totals['enterprises']:,} 家企业，{totals['reached']:,} 家至少可享一项" in result.output
    top = max(dashboard.measure_rows(run, dashboard.Scope(area=CHAOYANG)), key=lambda r: r.eligible)
    assert top.title in result.output and "街道（乡镇）" in result.output
    wrong = CliRunner().invoke(app, ["dashboard", str(run.path), "--by", "planet"])
    assert wrong.exit_code != 0
