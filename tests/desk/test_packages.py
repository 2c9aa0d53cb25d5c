"""服务包, 服务需求清单, 走访 and 一企一策 in the store: who may do what, findings turned into a need
and a request in one step, history kept, versions guarded, every change audited."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from zhida.audit.tables import AuditEntry
from zhida.desk import needs, packages, requests, visits
from zhida.errors import ZhidaError
from zhida.web.auth import Actor, create_user
from zhida.workflow import NotAllowed

from .people import ENT_A, ENT_B, MONDAY, OTHER, Person
from web.conftest import USCC_A, USCC_B  # tests/ is on sys.path (rootdir), as for every test package


@pytest.fixture
def store(chain_store):
    return chain_store


@pytest.fixture
def officer(store):
    made = create_user(store, Actor("cli:test"), username="guanjia", password="correct-horse-9", display_name="服务管家",
                       role="staff", units=["区科技和信息化局"], region="朝阳区")
    return Person(made["id"] if isinstance(made, dict) else made.id, "guanjia", "staff", ("区科技和信息化局",))


def test_package_visit_findings_needs_and_plan(store, officer):
    lead = replace(officer, user_id=officer.user_id + 1000, username="lead")  # same unit, not the officer
    with store.transaction() as s:
        with pytest.raises(NotAllowed):
            packages.create(s, ENT_A, name="企业自建", level="city", now=MONDAY)
    with store.transaction() as s:
        package = packages.create(s, lead, name="朝阳区重点企业服务包", level="district", region="朝阳区", now=MONDAY)
        packages.add_members(s, lead, package.id, [USCC_A, USCC_B], officer_id=officer.user_id, now=MONDAY)
        pid = package.id
    with pytest.raises(ZhidaError) as bad, store.transaction() as s:  # all or none
        packages.add_members(s, lead, pid, [USCC_A, "91110105MA01"], now=MONDAY)
    assert bad.value.where == "usccs[2]"
    with pytest.raises(ZhidaError) as hidden, store.transaction() as s:  # another unit's staff: not even seen
        packages.serving(s, OTHER, pid, USCC_A)
    assert "不在您的范围内" in hidden.value.reason
    with pytest.raises(NotAllowed), store.transaction() as s:  # the enterprise sees its package, may not serve
        packages.serving(s, ENT_A, pid, USCC_A)

    with store.transaction() as s:
        visit = visits.plan(s, officer, uscc=USCC_A, planned_on=date(2026, 12, 2), package_id=pid, now=MONDAY,
                            purpose="了解融资需求")
        vid = visit.id
        assert visits.next_visit(s, USCC_A, date(2026, 12, 1)).id == vid
    with pytest.raises(ZhidaError), store.transaction() as s:
        visits.get(s, OTHER, vid)
    with pytest.raises(ZhidaError) as empty, store.transaction() as s:
        visits.record(s, officer, vid, visited_on="2026-12-02", findings=["  "], now=MONDAY)
    assert empty.value.where == "findings"
    with store.transaction() as s:
        visits.record(s, officer, vid, visited_on="2026-12-02", now=MONDAY,
                      findings=["流动资金紧张，想了解贷款贴息政策", "新厂房的施工许可办理慢"])
        need = visits.finding_to_need(s, officer, vid, 0, category="finance", unit="区金融办", now=MONDAY)
        made = visits.finding_to_request(s, officer, vid, 1, now=MONDAY)
        need_id, rid = need.id, made.id
    with pytest.raises(ZhidaError), store.transaction() as s:  # one step, once
        visits.finding_to_request(s, officer, vid, 1, now=MONDAY)
    with store.sessions() as s:
        visit = visits.get(s, officer, vid)
        assert [f.get("need_id") for f in visit.findings] == [need_id, None]
        assert [f.get("request_id") for f in visit.findings] == [None, rid]
        loaded = requests.load(s, officer, rid)
        assert (loaded.request.source, loaded.request.uscc, loaded.request.visit_id, loaded.case.state) == \
            ("visit", USCC_A, vid, "submitted")
        assert loaded.request.receiving_unit == "区科技和信息化局"  # 首接: the officer's unit
        assert [n.title for n in needs.of_enterprise(s, USCC_A, open_only=True)] == ["流动资金紧张，想了解贷款贴息政策"]

    with store.transaction() as s:
        needs.update(s, officer, need_id, package_id=pid, status="working", note="已对接银行", version=1, now=MONDAY)
    with pytest.raises(ZhidaError) as stale, store.transaction() as s:  # the form was loaded at version 1
        needs.update(s, officer, need_id, package_id=pid, status="solved", version=1, now=MONDAY)
    assert stale.value.where == "version"
    with pytest.raises(ZhidaError), store.transaction() as s:  # not this package's need
        needs.update(s, officer, need_id, package_id=pid + 1, status="solved", now=MONDAY)
    with store.sessions() as s:
        assert [(e.status, e.note) for e in needs.events(s, need_id)] == [("open", "登记"), ("working", "已对接银行")]

    with pytest.raises(ZhidaError) as no_units, store.transaction() as s:
        visits.save_plan(s, officer, package_id=pid, uscc=USCC_A, goals="扩产", actions=[{"action": "对接贷款"}],
                         now=MONDAY)
    assert no_units.value.where == "actions[1].units"
    with store.transaction() as s:
        plan = visits.save_plan(s, officer, package_id=pid, uscc=USCC_A, goals="年内扩产", now=MONDAY,
                                actions=[{"action": "对接贴息贷款", "units": ["区金融办"], "due": "2026-12-31"}])
        assert plan.version == 1

    # enterprises see only the packages they are in, and only themselves in them
    with store.sessions() as s:
        assert [p.id for p in s.scalars(select(packages.ServicePackage).where(packages.visible(ENT_A)))] == [pid]
        with pytest.raises(ZhidaError):
            packages.member(s, ENT_B, pid, USCC_A)
        actions = set(s.scalars(select(AuditEntry.action).where(AuditEntry.action.like("desk_%"))))
    assert {"desk_package_create", "desk_package_members", "desk_visit_plan", "desk_visit_record", "desk_need_add",
            "desk_need_update", "desk_plan_save", "desk_request_submit"} <= actions


def test_visit_in_the_past_is_not_next(store, officer):
    with store.transaction() as s:
        visits.plan(s, officer, uscc=USCC_A, planned_on=MONDAY.date() - timedelta(days=3), now=MONDAY)
        assert visits.next_visit(s, USCC_A, MONDAY.date()) is None


def test_visit_dates_off_the_calendar_are_one_line(store, officer):
    """9999-12-31 and 0001-01-01 are refused naming the field (the QA walk never reached visits)."""
    for day in (date(9999, 12, 31), "0001-01-01"):
        with store.transaction() as s, pytest.raises(ZhidaError) as refused:
            visits.plan(s, officer, uscc=USCC_A, planned_on=day, now=MONDAY)
        assert refused.value.where == "planned_on" and "超出支持范围（1949-10-01 至 2100-12-31）" in refused.value.reason
    with store.transaction() as s:
        assert visits.plan(s, officer, uscc=USCC_A, planned_on="2100-12-31", now=MONDAY).planned_on == date(2100, 12, 31)
