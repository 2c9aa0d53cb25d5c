"""Newly eligible after a batch run: latest vs previous complete run of the same input; one message
per subscribed enterprise account listing its new measures, one summary per subscribed staff
account; idempotent per run."""

from __future__ import annotations

from datetime import UTC, datetime

from zhida import notify
from zhida.matching.match import load_default_policies
from zhida.notify import eligible, subscriptions

from .conftest import USCC_A, USCC_B, make_user
from .test_reminders import _batch, _titles

NOW = datetime(2026, 12, 3, 1, 0, tzinfo=UTC)


def test_new_pairs_reach_subscribed_accounts_once(store):
    policies = load_default_policies()
    cash = [m for m in policies.measures.values() if m.kind == "cash_subsidy" and m.responsible_units][:2]
    service = next(m for m in policies.measures.values() if m.kind == "service")
    m1, m2 = cash
    a = make_user(store, "a1", "enterprise", uscc=USCC_A)
    a_kind = make_user(store, "a2", "enterprise", uscc=USCC_A)  # only service measures
    b = make_user(store, "b1", "enterprise", uscc=USCC_B)
    staff = make_user(store, "s1", "staff", units=[m1.responsible_units[0]])
    with store.transaction() as session:
        subscriptions.replace(session, a_kind, "enterprise", [subscriptions.Topic("measure_kind", "service")])
    assert "还没有完成的批量测算" in eligible.run(store, now=NOW, policies=policies)
    _batch(store, [(m1.id, USCC_A), (m1.id, USCC_B)], key="run-1", finished=datetime(2026, 12, 1, tzinfo=UTC))
    assert "第一次测算" in eligible.run(store, now=NOW, policies=policies)
    _batch(store, [(m1.id, USCC_A), (m1.id, USCC_B), (m2.id, USCC_A), (service.id, USCC_A)], key="run-2",
           finished=datetime(2026, 12, 2, tzinfo=UTC))
    _batch(store, [(m2.id, USCC_B)], key="other-input", input_="/data/other.parquet",
           finished=datetime(2026, 11, 30, tzinfo=UTC))
    line = eligible.run(store, now=NOW, policies=policies)
    assert "新增 2 个符合条件的企业×政策" in line
    assert _titles(store, a) == ["您有 2 项新符合条件的政策"]
    assert _titles(store, a_kind) == ["您有 1 项新符合条件的政策"]
    assert _titles(store, b) == []  # m1 was already eligible for B in run-1
    with store.transaction() as session:
        body = notify.inbox(session, a)[1][0].body
        assert m2.title in body and service.title in body and m1.title not in body
        assert notify.inbox(session, a_kind)[1][0].body.count("· ") == 1
    unit = m1.responsible_units[0]
    theirs = [m for m in (m2, service) if unit in m.responsible_units]  # the new pairs of the staff's measures
    assert _titles(store, staff) == ([f"{len(theirs)} 项政策新增 {len(theirs)} 家符合条件的企业"] if theirs else [])
    with store.transaction() as session:  # a staff member subscribed to m2 by id gets exactly that one
        subscriptions.replace(session, staff, "staff", [subscriptions.Topic("measure", m2.id)])
    _batch(store, [(m1.id, USCC_A), (m1.id, USCC_B), (m2.id, USCC_A), (service.id, USCC_A), (m2.id, USCC_B)],
           key="run-3", finished=datetime(2026, 12, 3, tzinfo=UTC))
    eligible.run(store, now=NOW, policies=policies)
    assert _titles(store, staff)[0] == "1 项政策新增 1 家符合条件的企业"
    assert _titles(store, b) == ["您有 1 项新符合条件的政策"]
    assert "新发送 0 条通知" in eligible.run(store, now=NOW, policies=policies)  # idempotent


def test_district_staff_count_only_their_districts_enterprises(store):
    from zhida.enterprises.tables import Enterprise

    policies = load_default_policies()
    measure = next(m for m in policies.measures.values() if m.kind == "cash_subsidy")
    with store.transaction() as session:
        for uscc, region in ((USCC_A, "110105"), (USCC_B, "110108")):
            session.add(Enterprise(uscc=uscc, name="测试企业", region_code=region, industry_code="3911",
                                   entity_type="enterprise", schema_version="1", profile_json={}, created_at=NOW))
    chaoyang = make_user(store, "s_cy", "staff", units=["区科委"], region="朝阳区")
    city = make_user(store, "s_city", "staff", units=["市科委"])
    with store.transaction() as session:
        for user in (chaoyang, city):
            subscriptions.replace(session, user, "staff", [subscriptions.Topic("measure", measure.id)],
                                  measures=policies.measures)
    _batch(store, [], key="r1", finished=datetime(2026, 12, 1, tzinfo=UTC))
    _batch(store, [(measure.id, USCC_B)], key="r2", finished=datetime(2026, 12, 2, tzinfo=UTC))
    eligible.run(store, now=NOW, policies=policies)
    assert _titles(store, chaoyang) == []  # the new enterprise is in 海淀
    assert _titles(store, city) == ["1 项政策新增 1 家符合条件的企业"]
    _batch(store, [(measure.id, USCC_B), (measure.id, USCC_A)], key="r3", finished=datetime(2026, 12, 3, tzinfo=UTC))
    eligible.run(store, now=NOW, policies=policies)
    assert _titles(store, chaoyang) == ["1 项政策新增 1 家符合条件的企业"]
