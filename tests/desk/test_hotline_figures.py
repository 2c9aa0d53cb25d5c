"""12345 import (reject report, nothing half-written, idempotent re-import), the export back, and
the monthly figures computed from walked requests."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from zhida.desk import figures, hotline
from zhida.desk.tables import DeskRequest

from .people import ENT_A, FIN, LINE, MONDAY, SUPER, TAX
from .test_chain import CLAUSE, _do, _submit


@pytest.fixture
def store(chain_store):  # an empty store per test on SQLite and PostgreSQL, not the module's seeded one
    return chain_store

CSV = ("工单编号,受理时间,诉求人,联系电话,统一社会信用代码,诉求性质,诉求类型,标题,诉求内容,涉企\n"
       "GD2026110001,2026-11-30 09:15,张先生,13800000000,,咨询,税费,退税,留抵退税什么时候到账,是\n"
       "GD2026110002,2026-11-30 10:20,李女士,13900000000,,投诉,,,厂房租金减免一直没有落实,是\n")
BAD = CSV + "GD2026110003,昨天,王先生,,9111XXXX,吐槽,税费,,,否\n"


def _count(store) -> int:
    with store.sessions() as s:
        return s.scalar(select(func.count()).select_from(DeskRequest))


def test_bad_rows_are_reported_and_nothing_is_written(store):
    with store.transaction() as s:
        report = hotline.import_tickets(s, LINE, hotline.read(BAD.encode(), "t.csv"), now=MONDAY)
    assert not report.ok and report.added == []
    assert {(r["row"], r["field"]) for r in report.rejects} == {
        (4, "受理时间"), (4, "统一社会信用代码"), (4, "诉求性质"), (4, "诉求内容")}
    assert _count(store) == 0


def test_reimport_is_idempotent_by_ticket_id_and_results_go_back(store):
    for content, name in ((CSV.encode(), "t.csv"),
                          (json.dumps([{"工单编号": "GD2026110001", "受理时间": "2026-11-30T09:15:00",
                                        "诉求内容": "留抵退税什么时候到账"}], ensure_ascii=False).encode(), "t.json")):
        with store.transaction() as s:
            report = hotline.import_tickets(s, SUPER, hotline.read(content, name), now=MONDAY)
        assert report.ok
    assert (len(report.added), report.existing) == (0, ["GD2026110001"])
    assert _count(store) == 2
    with store.sessions() as s:
        first = s.scalar(select(DeskRequest).where(DeskRequest.ticket_id == "GD2026110001"))
        assert (first.source, first.receiving_unit, first.category, first.kind) == ("hotline", "12345企业服务热线", "tax", "consult")
    _do(store, SUPER, first.id, "accept", MONDAY)
    _do(store, SUPER, first.id, "dispatch", MONDAY, unit="市税务局")
    _do(store, TAX, first.id, "sign", MONDAY)
    _do(store, TAX, first.id, "answer", MONDAY, answer="已到账。", citations=[CLAUSE])
    _do(store, SUPER, first.id, "rate_ok", MONDAY, rating="basic", solved=True)  # 电话回访
    with store.sessions() as s:
        rows = hotline.results(s, SUPER)
    assert rows[0][:4] == ["GD2026110001", "已办结", "12345企业服务热线", "市税务局"]
    assert rows[0][7:9] == ["基本满意", "是"] and rows[0][5].startswith("《关于应对新冠肺炎")
    back = json.loads(hotline.results_json(rows))
    assert back[1]["状态"] == "待受理"


def test_monthly_figures(store):
    # three requests to the tax unit in 2026-11: one on time and satisfied, one late and unsatisfied, one open
    ids = [_submit(store, at=MONDAY + timedelta(minutes=i)) for i in range(3)]
    for rid in ids:
        _do(store, LINE, rid, "accept", MONDAY)
        _do(store, LINE, rid, "dispatch", MONDAY, unit="市税务局")
    _do(store, TAX, ids[0], "sign", MONDAY)
    _do(store, TAX, ids[0], "answer", MONDAY + timedelta(days=1), answer="答复", citations=[CLAUSE])
    _do(store, ENT_A, ids[0], "rate_ok", MONDAY + timedelta(days=1), rating="satisfied", solved=True)
    _do(store, TAX, ids[1], "sign", MONDAY + timedelta(days=4))  # the 1-day limit passed
    _do(store, TAX, ids[1], "answer", MONDAY + timedelta(days=4), answer="答复")
    _do(store, ENT_A, ids[1], "rate_bad", MONDAY + timedelta(days=4), reason="没解决")
    other = _submit(store, at=MONDAY)  # a second 市级 unit, answered at once and satisfied: ranked above
    _do(store, LINE, other, "accept", MONDAY)
    _do(store, LINE, other, "dispatch", MONDAY, unit="市财政局")
    _do(store, FIN, other, "sign", MONDAY)
    _do(store, FIN, other, "answer", MONDAY, answer="答复")
    _do(store, ENT_A, other, "rate_ok", MONDAY, rating="basic", solved=True)
    with store.sessions() as s:
        finance, line = figures.monthly(s, ["2026-11"])
        by_type = figures.monthly(s, ["2026-11"], by_category=True)
        trend = figures.trend(s, ["市税务局"], figures.months_back("2026-11", 3))
        feedback = figures.policy_feedback(s, ["2026-11"])
        assert figures.monthly(s, ["2026-11"], ["市财政局"]) == [finance]  # a leader's own unit only
    assert (finance.unit, finance.rank, finance.score) == ("市财政局", 1, Decimal("100.0"))
    assert {(x.category, x.unit, x.rank) for x in by_type} == {("税费", "市财政局", 1), ("税费", "市税务局", 2)}
    assert [(x.month, x.total) for x in trend] == [("2026-11", 3)]  # months without requests are absent
    assert (line.unit, line.grade, line.total, line.responded, line.rated, line.overdue) == ("市税务局", "市级部门", 3, 1, 2, 1)
    assert line.response_rate == Decimal("33.3") and line.solve_rate == Decimal("50.0")
    assert line.satisfaction_rate == Decimal("50.0") and line.rank == 2
    assert line.days["受理"] == Decimal("0.00") and line.days["签收"] == Decimal("2.00")  # 0 and 4 working days
    assert feedback[0]["total"] == 1 and feedback[0]["questions"] == 1 and feedback[0]["cite"] == CLAUSE["cite"]
