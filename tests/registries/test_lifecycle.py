"""A registry's life on a real store (SQLite and PostgreSQL): candidates by batch, review in bulk,
membership history ("who was on the list on date D"), membership read by measures as a fact, a
member who stops qualifying flagged with the reason, imports with a reject report, figures."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from zhida import audit
from zhida.enterprises.facts import profile_to_facts
from zhida.enterprises.generate import generate, store_population
from zhida.enterprises.profile import EnterpriseProfile
from zhida.enterprises.tables import Enterprise
from zhida.enterprises.uscc import check_char
from zhida.errors import ZhidaError
from zhida.registries import dynamic, figures, imports, membership, review, service
from zhida.registries.definition import registries
from zhida.registries.tables import Flag, Proposal
from zhida.store import open_store

from .conftest import AS_OF

GIANT = {"niche_market_years": 4, "main_business_revenue_share": "0.82", "main_business_growth_2y": "0.09"}


@pytest.fixture
def store(database_url):
    opened = open_store(database_url)
    store_population(generate(120, 7, AS_OF), opened)
    yield opened
    opened.close()


def _pick(store, count=2, region="110105"):
    with store.transaction() as s:
        return list(s.scalars(select(Enterprise.uscc).where(Enterprise.region_code == region,
                                                           Enterprise.entity_type == "enterprise")
                              .order_by(Enterprise.uscc).limit(count)))


def _set_facts(store, uscc, facts: dict):
    """An audited profile edit (as the web's fact editor makes one)."""
    with store.transaction() as s:
        ent = s.scalar(select(Enterprise).where(Enterprise.uscc == uscc))
        profile = dict(ent.profile_json)
        profile["other_facts"] = {**profile.get("other_facts", {}), **facts}
        ent.profile_json = profile
        audit.record(s, actor="test", actor_id=None, action="edit", entity="enterprise", entity_id=uscc,
                     before=None, after=facts)


def _profile(store, uscc) -> EnterpriseProfile:
    with store.transaction() as s:
        return EnterpriseProfile.model_validate(s.scalar(select(Enterprise.profile_json).where(Enterprise.uscc == uscc)))


def test_candidates_review_history_facts_and_flags(store):
    reg = registries()["srdi-ladder"]
    a, b = _pick(store)
    for u in (a, b):
        _set_facts(store, u, GIANT)
    first = service.run(store, reg, AS_OF, actor="市经信局")
    found = {c.uscc: c for c in first.candidates}
    # the others lack the indicators: undetermined for the upper tiers (small ones: 创新型, pending the score)
    assert {u for u, c in found.items() if c.tier != "innovative_sme"} == {a, b}, found
    assert found[a].tier == "little_giant" and found[a].version == "2022"
    assert any("其余指标" in p for p in found[a].pending)  # the open criterion the unit decides
    assert first.proposed == len(found) > 2
    assert service.run(store, reg, AS_OF, actor="市经信局").proposed == 0  # idempotent

    unit = review.keeper("市经信局审核员")
    with store.transaction() as s:
        ids = {p.uscc: p.id for p in s.scalars(select(Proposal).where(Proposal.registry_name == reg.name))}
        with pytest.raises(ZhidaError, match="理由"):
            review.decide(s, reg, [ids[b]], "reject", actor=unit, on=AS_OF)
    with store.transaction() as s:
        review.decide(s, reg, [ids[a]], "accept", actor=unit, on=AS_OF)
        review.decide(s, reg, [ids[b]], "reject", actor=unit, on=AS_OF, reason="主导产品不属于重点领域")
    with store.transaction() as s:
        assert [m.uscc for m in membership.members_on(s, reg.name, AS_OF)[1]] == [a]
        assert membership.members_on(s, reg.name, AS_OF - dt.timedelta(days=1))[0] == 0
        steps = [e for e in audit.list_entries(store, entity="registry_proposal", limit=20)[1]]
        assert {e["action"] for e in steps} >= {"workflow_start", "workflow:accept", "workflow:reject"}
        assert any(e["detail"] == "主导产品不属于重点领域" for e in steps)

    # membership is a fact with its period: the profile's entry, read as of any date
    facts = profile_to_facts(_profile(store, a), AS_OF)
    assert facts["in_srdi_ladder"] is True and facts["srdi_ladder_tier"] == "little_giant"
    assert profile_to_facts(_profile(store, a), AS_OF - dt.timedelta(days=1))["in_srdi_ladder"] is False
    assert profile_to_facts(_profile(store, b), AS_OF)["in_srdi_ladder"] is None  # never listed: unknown

    # 动态管理: a year later A's growth fell below 5% → flagged with that reason, then removed
    later = dt.date(2023, 12, 31)
    _set_facts(store, a, {"main_business_growth_2y": "0.01"})
    run = service.run(store, reg, later, actor="市经信局")
    assert run.flagged == 1
    with store.transaction() as s:
        flag = s.scalar(select(Flag).where(Flag.uscc == a))
        assert flag.status == "ineligible"
        assert flag.reasons == ["不满足：近2年主营业务收入平均增长率不低于5%"]
        dynamic.resolve(s, reg, flag.id, keep=False, reason="复核不再符合", on=later, actor="市经信局")
    assert service.run(store, reg, later, actor="市经信局").flagged == 0  # resolved, not flagged again
    with store.transaction() as s:
        assert membership.members_on(s, reg.name, later + dt.timedelta(days=1))[0] == 0
        assert [m.uscc for m in membership.members_on(s, reg.name, dt.date(2023, 6, 1))[1]] == [a]  # history
        f = figures.figures(s, reg, dt.date(2023, 6, 1))
        assert f.tiers == {"innovative_sme": 0, "srdi_sme": 0, "little_giant": 1}
        assert f.regions[0]["key"] == "110105" and f.regions[0]["total"] == 1
    assert profile_to_facts(_profile(store, a), later + dt.timedelta(days=1))["in_srdi_ladder"] is False


def test_membership_makes_a_measure_determined(store):
    """cy2022.fengming-high-growth-service reads in_high_growth_library: undetermined until the
    enterprise is on the 高成长企业库, eligible while it is."""
    from zhida.matching.match import match_enterprise

    reg = registries()["cy-high-growth"]
    (a,) = _pick(store, 1)

    def status():
        got = match_enterprise(_profile(store, a), AS_OF, near_misses=False)
        return next(r.status for r in got if r.measure_id == "cy2022.fengming-high-growth-service")

    assert status() == "undetermined"
    with store.transaction() as s:
        membership.enter(s, reg, uscc=a, name="", tier=None, on=dt.date(2022, 10, 1), way="recommendation",
                         actor="区发展改革委")
    assert status() == "eligible"


def _xlsx(rows):
    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_import_of_the_national_list_is_idempotent_with_a_reject_report(store):
    reg = registries()["srdi-ladder"]
    (a,) = _pick(store, 1)
    elsewhere = "91440300MA5" + "ABCDEF"
    elsewhere += check_char(elsewhere)
    data = _xlsx([["统一社会信用代码", "企业名称", "层级", "入库日期", "有效期至"],
                  [a, "甲公司", "专精特新“小巨人”企业", "2022-09-01", "2025-08-31"],
                  [elsewhere, "深圳乙公司", "小巨人", "2022-09-01", None],
                  ["9111010512345", "坏代码", "小巨人", "2022-09-01", None],
                  [a[:-1] + "0" if a[-1] != "0" else a[:-1] + "1", "校验错", "小巨人", None, None],
                  [elsewhere[:-2] + "00", "", "金牌", "2022-13-01", None]])
    with store.transaction() as s:
        got = imports.import_xlsx(s, reg, data, source_name="小巨人名单.xlsx", default_from=AS_OF, actor="市经信局")
    assert (got.added, got.unchanged) == (2, 0)
    assert [r["row"] for r in got.rejects] == [4, 5, 6]
    assert all(r["reason"] for r in got.rejects)
    report = load_workbook(io.BytesIO(imports.reject_report(got))).active
    assert [c.value for c in report[1]] == ["行号", "统一社会信用代码", "原因"] and report.max_row == 4
    with store.transaction() as s:
        again = imports.import_xlsx(s, reg, data, source_name="小巨人名单.xlsx", default_from=AS_OF, actor="市经信局")
        assert (again.added, again.unchanged, len(again.rejects)) == (0, 2, 3)
        total, rows = membership.members_on(s, reg.name, dt.date(2022, 10, 1))
        assert total == 2 and {m.tier for m in rows} == {"little_giant"}
        # a's stay ends as the file says; the other's, given no end, after the registry's 3-year validity
        assert membership.members_on(s, reg.name, dt.date(2025, 8, 31))[0] == 2
        assert membership.members_on(s, reg.name, dt.date(2025, 9, 1))[0] == 0
        exported = load_workbook(io.BytesIO(imports.members_xlsx(reg, rows, dt.date(2022, 10, 1)))).active
        assert exported.max_row == 3 and exported["C2"].value == "专精特新“小巨人”企业"
        figures.set_target(s, reg, region_code="110105", tier="little_giant", year=2022, target=4, actor="区经信局")
        f = figures.figures(s, reg, dt.date(2022, 12, 31))
        assert f.progress[0]["members"] == 1 and f.progress[0]["share"] == "25%"
        book = load_workbook(io.BytesIO(figures.xlsx(reg, f)))
        assert book.sheetnames == ["层级", "趋势", "分区", "分行业", "转化", "目标"]
        assert book["层级"]["B4"].value == 2 and book["目标"]["E2"].value == "25%"
    assert profile_to_facts(_profile(store, a), dt.date(2022, 10, 1))["srdi_ladder_tier"] == "little_giant"
