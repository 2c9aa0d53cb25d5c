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


def _qualifications(store, uscc, held: list[dict]):
    """The enterprise's qualifications, the list complete (a type not listed is 'none')."""
    with store.transaction() as s:
        ent = s.scalar(select(Enterprise).where(Enterprise.uscc == uscc))
        ent.profile_json = {**ent.profile_json, "qualifications": held, "qualifications_complete": True}
        audit.record(s, actor="test", actor_id=None, action="edit", entity="enterprise", entity_id=uscc,
                     before=None, after={"qualifications": held})


def _status(store, uscc, measure_id):
    from zhida.matching.match import match_enterprise

    got = match_enterprise(_profile(store, uscc), AS_OF, near_misses=False)
    return next(r.status for r in got if r.measure_id == measure_id)


def test_ip_advantage_library_candidates_application_and_the_measure_reading_membership(store):
    """知识产权优势企业培育库 (004 五、12): candidates are the 专精特新 enterprises of 004's scope, the
    entry standard left to 市知识产权局 (a named open criterion); an enterprise applies, the unit
    accepts, and zjtx2021.ip-advantage-library reads the membership instead of leaving it open."""
    reg = registries()["bj-ip-advantage-library"]
    assert reg.unit == "市知识产权局" and reg.fact == "in_ip_advantage_library"
    a, b = _pick(store, 2)
    _qualifications(store, a, [{"type": "zjtx_sme", "level": "provincial", "valid_from": "2022-03-01",
                                "valid_to": "2025-02-28"}])
    _qualifications(store, b, [])
    found = {c.uscc: c for c in service.run(store, reg, AS_OF, actor="市知识产权局", propose=False).candidates}
    assert a in found and b not in found  # b: no 专精特新 recognition on record
    assert found[a].pending == ("属于知识产权优势企业（入库标准本文未列明，由市知识产权局认定）",)

    assert _status(store, a, "zjtx2021.ip-advantage-library") == "undetermined"
    with store.transaction() as s:
        p = review.propose(s, reg, uscc=a, tier=None, way="application", actor=review.proposer(a), on=AS_OF)
        review.decide(s, reg, [p.id], "accept", actor=review.keeper("市知识产权局审核员"), on=AS_OF)
    assert _status(store, a, "zjtx2021.ip-advantage-library") == "eligible"


def test_the_bse_reserve_service_reads_the_reserve_membership(store):
    """002 3.2.25 “建设北交所上市重点企业储备库，提供‘管家式’服务”: the service is for the reserve's
    members, so the measure reads in_bse_listing_reserve (no open criterion any more)."""
    reg = registries()["cy-bse-listing-reserve"]
    a, b = _pick(store, 2)
    with store.transaction() as s:
        membership.enter(s, reg, uscc=a, name="", tier=None, on=dt.date(2022, 9, 1), way="recommendation", actor="区金融办")
        membership.enter(s, reg, uscc=b, name="", tier=None, on=dt.date(2022, 3, 1), way="recommendation", actor="区金融办")
        membership.leave(s, reg, uscc=b, last_day=dt.date(2022, 6, 30), reason="已在北交所上市", actor="区金融办")
    assert _status(store, a, "cy2022.bse-reserve-steward-service") == "eligible"
    assert _status(store, b, "cy2022.bse-reserve-steward-service") == "ineligible"  # left the reserve


def test_members_keyset_pages_equal_the_numbered_pages(store):
    """“Who was on the list on D”, page by page: walking after/before the USCC shown gives the pages
    OFFSET gives (the members page's 下一页/上一页 links)."""
    reg = registries()["cy-high-growth"]
    chosen = _pick(store, 7)
    with store.transaction() as s:
        for u in chosen:
            membership.enter(s, reg, uscc=u, name="", tier=None, on=dt.date(2022, 5, 1), way="recommendation",
                             actor="区发展改革委")
    with store.transaction() as s:
        numbered = [[m.uscc for m in membership.members_on(s, reg.name, AS_OF, offset=3 * n, limit=3)[1]] for n in range(3)]
        walked, after = [], None
        for _ in range(3):
            total, rows = membership.members_on(s, reg.name, AS_OF, limit=3, **({"after": after} if after else {}))
            walked.append([m.uscc for m in rows])
            after = rows[-1].uscc if rows else after
        back = [m.uscc for m in membership.members_on(s, reg.name, AS_OF, limit=3, before=walked[1][0])[1]]
    assert total == 7 and walked == numbered == [sorted(chosen)[0:3], sorted(chosen)[3:6], sorted(chosen)[6:]]
    assert back == walked[0]


def test_figures_are_kept_with_their_time_and_recomputed_after_a_change(store):
    from zhida.registries import figures_cache

    reg = registries()["cy-high-growth"]
    a, b = _pick(store, 2)
    with store.transaction() as s:
        membership.enter(s, reg, uscc=a, name="", tier=None, on=dt.date(2022, 5, 1), way="recommendation", actor="区发改委")
    first, at = figures_cache.current(store, reg, AS_OF)
    again, at_again = figures_cache.current(store, reg, AS_OF)
    assert first.tiers == {"member": 1} and (again, at_again) == (first, at)  # served as kept, same 统计时间
    with store.transaction() as s:
        membership.enter(s, reg, uscc=b, name="", tier=None, on=dt.date(2022, 6, 1), way="recommendation", actor="区发改委")
    changed, at_changed = figures_cache.current(store, reg, AS_OF)
    assert changed.tiers == {"member": 2} and at_changed > at
    assert changed.trend[-1] == {"day": "2022-12-31", "member": 2} and changed.trend[4] == {"day": "2022-05-31", "member": 1}  # b only from 06-01
    with store.transaction() as s:
        membership.leave(s, reg, uscc=a, last_day=dt.date(2022, 9, 30), reason="不再符合", actor="区发改委")
        figures.set_target(s, reg, region_code="110105", tier="member", year=2022, target=4, actor="区发改委")
    after_leave, _ = figures_cache.current(store, reg, AS_OF)
    assert after_leave.tiers == {"member": 1} and after_leave.progress[0]["share"] == "25%"
    assert after_leave.conversion[0]["start"] == 0  # nobody was listed a year before


@pytest.mark.parametrize("on", [dt.date(9999, 12, 31), dt.date(2101, 1, 1), dt.date(1, 1, 1)])
def test_an_entry_date_off_the_calendar_is_refused_and_nothing_is_entered(store, on):
    # found by the examiner's walk: 9999-12-31 + a 3-year validity raised ValueError (a 500)
    reg = registries()["srdi-ladder"]
    (a,) = _pick(store, 1)
    with store.transaction() as s, pytest.raises(ZhidaError, match="超出支持范围") as refused:
        membership.enter(s, reg, uscc=a, name="", tier=None, on=on, way="recommendation", actor="市经济和信息化局")
    assert refused.value.where == "on"
    with store.transaction() as s:
        assert membership.current(s, reg.name, a, dt.date(2100, 12, 31)) is None
        row, changed = membership.enter(s, reg, uscc=a, name="", tier=None, on=dt.date(2100, 12, 31),
                                        way="recommendation", actor="市经济和信息化局")
    assert changed and row.valid_to == dt.date(2103, 12, 30)
