"""zhida.pushlists over a run: one line per measure (units listed once), amounts by kind that agree
with the eligible pairs, a district's population, pages, search; and `zhida pushlist --list` and
`zhida simulate --parameters` print what the web shows (the same functions)."""

from __future__ import annotations

from decimal import Decimal

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from zhida.batch.engines import STATUS_CODES
from zhida.batch.runner import run_batch
import zhida.cli.batch  # noqa: F401 - registers `pushlist` and `simulate`
from zhida.cli import app
from zhida.pushlists import listing
from zhida.pushlists.scope import NOWHERE, Scope, district_for

from .conftest import AS_OF


@pytest.fixture(scope="module")
def run(policies, population, tmp_path_factory):
    return run_batch(AS_OF, tmp_path_factory.mktemp("runs"), input_path=population, store_url=False,
                     pushlists=False).run


def _pairs(run, district=None):
    ids = [m["id"] for m in run.manifest["measures"]]
    regions = {r["uscc"]: (r["region_code"], r["special_zone"]) for r in pq.read_table(run.enterprises).to_pylist()}
    out: dict[str, list[dict]] = {}
    for r in run.pairs().to_pylist():
        if r["status"] == STATUS_CODES["eligible"] and (district is None or district in regions[r["uscc"]]):
            out.setdefault(ids[r["measure"]], []).append(r)
    return out, regions


def test_one_line_per_measure_with_amounts_by_kind(run, policies):
    pairs, regions = _pairs(run, "110105")
    found = listing.listing(run, policies, Scope(district="110105"), per_page=1000)
    assert found.population == sum(1 for r, _z in regions.values() if r == "110105")
    benefit = {m.id for m in policies.measures.values() if m.enterprise_benefit}
    assert {x.measure_id for x in found.lines} == set(pairs) & benefit  # once each, however many units
    for line in found.lines:
        rows = pairs[line.measure_id]
        assert line.count == len(rows) == line.decided + line.pending
        if line.bucket == "unquantified":
            assert line.total is None and line.pending == 0
            continue
        decided = [r for r in rows if not r["open"] and r["amount"] is not None]
        assert line.decided == len(decided)
        amount_kind = policies.measures[line.measure_id].amount.kind
        values = [r["upper"] if amount_kind == "range" and r["upper"] is not None else r["amount"] for r in decided]
        assert line.total == (sum(values, Decimal(0)) if values else None)  # never 0 for nothing decided
    documents = [label for label, _lines in found.by_document()]
    assert len(documents) == len(set(documents))  # grouped: a document's measures together on a page


def test_pages_search_and_scope(run, policies):
    everything = listing.listing(run, policies, Scope(), per_page=5)
    assert everything.pages == -(-everything.matched // 5) and len(everything.lines) == 5
    seen = [x.measure_id for p in range(1, everything.pages + 1)
            for x in listing.listing(run, policies, Scope(), page=p, per_page=5).lines]
    assert len(seen) == len(set(seen)) == everything.matched
    words = listing.listing(run, policies, Scope(), query="研发费用", per_page=1000)
    assert words.lines and all("研发费用" in policies.measures[x.measure_id].title + policies.measures[x.measure_id].benefit
                               for x in words.lines)
    unit = "市经济和信息化局"
    scoped = listing.listing(run, policies, Scope(units=(unit,)), per_page=1000)
    assert scoped.lines and all(unit in x.units for x in scoped.lines)
    assert district_for(Scope(district="110105"), "海淀区") == NOWHERE  # a district official sees only theirs
    assert listing.listing(run, policies, Scope(district="110105"), region="海淀区").lines == []


def test_one_measures_enterprises_page_by_page(run, policies):
    line = max(listing.listing(run, policies, Scope(), per_page=1000).lines, key=lambda x: x.count)
    first = listing.enterprises(run, policies, Scope(), line.measure_id, per_page=10)
    assert first.line.count == line.count and len(first.rows) == min(10, line.count)
    everyone = listing.enterprises(run, policies, Scope(), line.measure_id, per_page=None)
    assert len(everyone.rows) == line.count == len({r.uscc for r in everyone.rows})
    if first.pages > 1:
        second = listing.enterprises(run, policies, Scope(), line.measure_id, page=2, per_page=10)
        assert not {r.uscc for r in first.rows} & {r.uscc for r in second.rows}
    assert listing.enterprises(run, policies, Scope(units=("没有这个单位",)), line.measure_id) is None


def test_cli_prints_the_same_lines(run, policies):
    result = CliRunner().invoke(app, ["pushlist", str(run.path), "--list", "--district", "110105"])
    assert result.exit_code == 0, result.output
    found = listing.listing(run, policies, Scope(), region="110105", per_page=1000)
    assert f"{found.population:,} 家企业，{found.matched} 项措施" in result.output
    for line in found.lines:
        assert f"  {line.measure_id}  {line.title}  [" in result.output and f"{line.count:,} 家" in result.output
    measure = "bj2022.sme-equipment-deduction"
    printed = CliRunner().invoke(app, ["simulate", "--parameters", measure])
    assert printed.exit_code == 0, printed.output
    assert f"{measure}.conditions.unit_value_over_5m." in printed.output
