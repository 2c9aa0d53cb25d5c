"""Registries as data: every declared list loads with its quotes found in its sources; criteria are
versioned — the version in force on the evaluation date applies; a malformed file names the field."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from zhida.errors import RuleError
from zhida.registries import criteria
from zhida.registries.definition import load_registries

SEEDS = {"srdi-ladder", "cy-key-enterprise-whitelist", "bj-key-enterprise-whitelist", "national-supply-chain-whitelist",
         "cy-high-growth", "cy-bse-listing-reserve", "bj-listing-reserve-library", "bj-ip-advantage-library"}

# A DATED TEST VERSION (not the 2026 revision, whose thresholds could not be verified): the
# 专精特新 criteria with the R&D threshold raised from 100万 to 200万 from 2026-04-01.
VERSIONED = """
name: test-srdi
label: 测试库
unit: 市经济和信息化局
level: city
region: "110000"
tiers:
  - code: srdi_sme
    label: 专精特新中小企业
    criteria:
      - version: "2022"
        from: 2022-08-01
        to: 2026-03-31
        document: miit-2022-63
        conditions:
          - {id: rd, expr: rd_expense >= 1000000, label: 研发费用不低于100万元, quote: 上年度研发费用总额不低于100万元}
      - version: test-2026
        from: 2026-04-01
        document: miit-2022-63
        conditions:
          - {id: rd, expr: rd_expense >= 2000000, label: 研发费用不低于200万元（测试版本）, quote: 上年度研发费用总额不低于100万元}
"""


def test_every_seed_registry_loads_with_its_sources(policies):
    known = load_registries(policies)
    assert set(known) == SEEDS
    ladder = known["srdi-ladder"]
    assert [t.code for t in ladder.tiers] == ["innovative_sme", "srdi_sme", "little_giant"] and ladder.ladder
    assert ladder.validity_years == 3 and ladder.unit == "市经济和信息化局"
    white = known["cy-key-enterprise-whitelist"]
    assert [t.label for t in white.tiers] == ["区级重要功能性企业", "防疫物资生产企业", "城市运行保障企业", "产业链龙头和供应链前端企业"]
    assert [o.id for o in white.tiers[0].criteria[0].measure.open_criteria] == ["whitelist_category"]
    assert {r.level for r in known.values()} == {"national", "city", "district"}


def test_the_version_in_force_on_the_evaluation_date_applies(policies, tmp_path: Path):
    (tmp_path / "test.yaml").write_text(VERSIONED, encoding="utf-8")
    reg = load_registries(policies, tmp_path)["test-srdi"]
    tier = reg.tiers[0]
    assert tier.criteria_on(dt.date(2022, 7, 31)) is None  # before the 办法
    assert tier.criteria_on(dt.date(2026, 3, 31)).version == "2022"
    assert tier.criteria_on(dt.date(2026, 4, 1)).version == "test-2026"
    facts = {"rd_expense": 1_500_000, "region_code": "110105", "entity_type": "enterprise"}
    before = criteria.scalar(reg, dt.date(2026, 3, 31), facts, policies)["srdi_sme"]
    after = criteria.scalar(reg, dt.date(2026, 4, 1), facts, policies)["srdi_sme"]
    assert (before.status, after.status) == ("eligible", "ineligible")
    assert any("200万" in r for r in after.reasons)


def test_the_2026_revision_leaves_the_ladder_to_the_unit_instead_of_the_superseded_thresholds(policies):
    """From 2026-04-01 the 2022 thresholds no longer apply (the revision's text could not be checked):
    an enterprise the 2022 thresholds refused is undetermined on each tier from that day, missing only
    the unit's assessment under the revised text — never decided on superseded figures, no number invented."""
    ladder = load_registries(policies)["srdi-ladder"]
    assert {t.code: t.criteria_on(dt.date(2026, 3, 31)).version for t in ladder.tiers} == dict.fromkeys(
        ("innovative_sme", "srdi_sme", "little_giant"), "2022")
    assert {t.code: t.criteria_on(dt.date(2026, 4, 1)).version for t in ladder.tiers} == dict.fromkeys(
        ("innovative_sme", "srdi_sme", "little_giant"), "2026")
    facts = {"region_code": "110105", "entity_type": "enterprise", "niche_market_years": 1, "rd_expense": 3_000_000,
             "revenue": 50_000_000, "equity_financing_2y": 0, "main_business_revenue_share": "0.9",
             "main_business_growth_2y": "0.2"}
    before = criteria.scalar(ladder, dt.date(2026, 3, 31), facts, policies)
    after = criteria.scalar(ladder, dt.date(2026, 4, 1), facts, policies)
    assert (before["srdi_sme"].status, before["little_giant"].status) == ("ineligible", "ineligible")  # 细分市场 1 年
    for code, result in after.items():
        assert (result.status, result.missing) == ("undetermined", ["srdi_2026_assessed_tier"]), code
        assert ladder.tier(code).criteria_on(dt.date(2026, 4, 1)).measure.document == "miit-2026-news"
    # the unit's assessment under the revised text decides, tier by tier up the ladder
    assessed = criteria.scalar(ladder, dt.date(2026, 4, 1), {**facts, "srdi_2026_assessed_tier": "srdi_sme"}, policies)
    assert {c: r.status for c, r in assessed.items()} == {
        "innovative_sme": "eligible", "srdi_sme": "eligible", "little_giant": "ineligible"}


@pytest.mark.parametrize("change, field", [
    (("上年度研发费用总额不低于100万元}", "凭空编造的门槛}"), "quote"),
    (("rd_expense >= 1000000", "rd_expense / 2 >= 1"), "expr"),
    (("level: city", "level: planet"), "level"),
])
def test_a_malformed_registry_names_its_field(policies, tmp_path: Path, change, field):
    (tmp_path / "bad.yaml").write_text(VERSIONED.replace(*change, 1), encoding="utf-8")
    with pytest.raises(RuleError) as caught:
        load_registries(policies, tmp_path)
    assert "bad.yaml" in str(caught.value) and field in str(caught.value)


def test_the_version_switch_reaches_the_batch_candidates_and_dynamic_management(policies, tmp_path: Path):
    """The same dated test version on the DuckDB batch: a candidate on 2026-03-31 (old threshold) is
    none on 2026-04-01 (new one), and a member who qualified under the old version fails the new."""
    from decimal import Decimal

    import pyarrow as pa
    import pyarrow.parquet as pq

    from zhida.registries import candidates
    from zhida.registries.scan import Scan

    (tmp_path / "test.yaml").write_text(VERSIONED, encoding="utf-8")
    reg = load_registries(policies, tmp_path)["test-srdi"]
    facts = tmp_path / "facts.parquet"
    rd = {"91110105A0000000X1": "500000", "91110105A0000000X2": "1500000", "91110105A0000000X3": "2500000",
          "91110105A0000000X4": "1500000"}
    pq.write_table(pa.table({"uscc": list(rd), "name": [f"企业{i}" for i in range(4)], "region_code": ["110105"] * 4,
                             "entity_type": ["enterprise"] * 4,
                             "rd_expense": pa.array([Decimal(v) for v in rd.values()], pa.decimal128(18, 2))}), facts)
    member = {"91110105A0000000X4": "srdi_sme"}

    def listed(day):
        return {(c.uscc, c.version) for c in candidates.compute(reg, day, facts, policies, member)}

    assert listed(dt.date(2026, 3, 31)) == {("91110105A0000000X2", "2022"), ("91110105A0000000X3", "2022")}
    assert listed(dt.date(2026, 4, 1)) == {("91110105A0000000X3", "test-2026")}
    for day, status in ((dt.date(2026, 3, 31), "eligible"), (dt.date(2026, 4, 1), "ineligible")):
        with Scan(reg, day, facts, policies, member) as scan:
            (verdict,) = scan.member_verdicts()
        assert (verdict.uscc, verdict.status) == ("91110105A0000000X4", status)
    assert verdict.failing == ("研发费用不低于200万元（测试版本）",)
