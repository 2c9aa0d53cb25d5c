"""资金台账 on the web: a budget with what is used, left and queued; a record flagged after the
enterprise's facts changed, reviewed (kept, then another clawed back) with reasons; scoped to the
official's units; the enterprise sees its record's step."""

from __future__ import annotations

import re

from datetime import date

import pytest

from zhida.payouts import ledger
from zhida.payouts.ledger import Approver
from zhida.payouts.recheck import recheck

from .conftest import make_uscc

MEASURE = "xz2022.stable-employment-refund-sme"
FACTS = {"entity_type": "enterprise", "region_code": "140902", "industry_code": "3411", "employees": 50,
         "revenue": "10000000", "unemployment_insurance_paid_last_year": "10000.00"}
CODES = [make_uscc(f"9114090200LEDG{n:03d}") for n in range(3)]


@pytest.fixture(scope="module")
def records(server):
    store = server.app.state.store
    unit = Approver("人社局经办")
    store.retrying(lambda s: ledger.set_budget(s, measure_id=MEASURE, year=2025, payer="市级", amount="18000",
                                               on_exceed="queue", actor=unit))
    ids = [store.retrying(lambda s, u=u: ledger.reserve(
        s, uscc=u, measure_id=MEASURE, period="2025", amount="9000.00", facts=FACTS, as_of=date(2025, 6, 30),
        approver=unit, source_type="manual", source_id="台账测试").id) for u in CODES]
    large = {**FACTS, "employees": 1500, "revenue": "500000000"}  # now a large enterprise: not an SME
    store.retrying(lambda s: recheck(s, actor=unit, profiles={CODES[0]: large, CODES[1]: large, CODES[2]: FACTS}))
    return ids


def waiting(page: str) -> tuple[int, int]:
    """(待复核, 排队待核) as the ledger page counts them."""
    return (int(re.search(r"待复核（(\d+) 条）", page).group(1)), int(re.search(r"排队待核（(\d+) 条）", page).group(1)))


def test_ledger_page_budgets_queue_and_review(clients, records):
    officer = clients["staff_units"]
    page = officer.get("/payouts/ledger")
    assert page.status_code == 200 and "资金池" in page.text
    # other tests on the shared server may hold flagged or queued records of their own: count relative
    flagged, queued = waiting(page.text)
    assert flagged >= 2 and queued >= 1
    budgets = {(b["measure_id"], b["year"]): b for b in officer.get("/api/v1/payments/budgets").json()}
    assert budgets[(MEASURE, 2025)]["left"] == "0.00" and budgets[(MEASURE, 2025)]["queued"] == 1
    # 市经济和信息化局 staff do not answer for this measure
    assert clients["staff"].post(f"/api/v1/payments/{records[0]}/review",
                                 json={"decision": "keep", "reason": "x"}).status_code == 404
    assert officer.post(f"/payouts/ledger/{records[0]}/review", data={"decision": "keep", "reason": " "}).status_code == 422
    kept = officer.post(f"/payouts/ledger/{records[0]}/review", data={"decision": "keep", "reason": "核实为季节性用工"})
    assert kept.status_code == 303
    back = officer.post(f"/api/v1/payments/{records[1]}/review", json={"decision": "claw_back", "reason": "已不符合"})
    assert back.status_code == 200 and back.json()["status"] == "clawed_back"
    # the clawed-back money returned to the budget: the queued record is approved now
    assert officer.get(f"/api/v1/payments/{records[2]}").json()["status"] == "approved"
    assert officer.get(f"/api/v1/payments/{records[0]}").json()["status"] == "approved"
    page = officer.get("/payouts/ledger").text
    assert waiting(page) == (flagged - 2, queued - 1)
    assert clients["ent_a"].get("/payouts/ledger").status_code == 403


PAID_BY_FINANCE = "bj2022mfg.nev-purchase-subsidy"  # 市经济和信息化局 handles it, 市财政局 pays


def _budget_audits(server, entity_id: str) -> list[tuple[str, dict]]:
    from sqlalchemy import select

    from zhida.audit.tables import AuditEntry

    with server.app.state.store.transaction() as s:
        return [(e.actor, e.after) for e in s.scalars(select(AuditEntry).where(
            AuditEntry.action == "payout_budget", AuditEntry.entity_id == entity_id).order_by(AuditEntry.id))]


def test_the_paying_unit_sets_a_budget_on_the_web_and_it_is_audited(server, clients):
    payer, handler = clients["staff_units"], clients["staff"]  # 市财政局; 市经济和信息化局 (handles, does not pay)
    page = payer.get("/payouts/ledger").text
    assert 'id="budget-form"' in page and PAID_BY_FINANCE in page
    bad = payer.post("/payouts/ledger/budgets", data={"measure_id": PAID_BY_FINANCE, "year": "2031", "payer": "市级",
                                                      "amount": "三万", "on_exceed": "refuse"})
    assert bad.status_code == 422 and "“三万”不是金额" in bad.text and 'value="三万"' in bad.text  # the form kept
    saved = payer.post("/payouts/ledger/budgets", data={"measure_id": PAID_BY_FINANCE, "year": "2031", "payer": "市级",
                                                        "amount": "300000.00", "on_exceed": "queue",
                                                        "note": "财预〔2031〕1号"})
    assert saved.status_code == 303 and saved.headers["location"] == "/payouts/ledger?done=budget"
    page = payer.get("/payouts/ledger?done=budget").text
    assert "资金池已保存" in page and "300,000.00 元" in page
    # the handling unit sees the budget but may not change it: only the paying unit (or an administrator)
    seen = {(b["measure_id"], b["year"]): b for b in handler.get("/api/v1/payments/budgets").json()}
    assert seen[(PAID_BY_FINANCE, 2031)]["amount"] == "300000.00" and seen[(PAID_BY_FINANCE, 2031)]["on_exceed"] == "queue"
    refused = handler.put("/api/v1/payments/budgets", json={"measure_id": PAID_BY_FINANCE, "year": 2031, "payer": "市级",
                                                            "amount": "1.00"})
    assert refused.status_code == 403 and "出资单位（市财政局）" in refused.json()["error"]["message"]
    page = handler.post("/payouts/ledger/budgets", data={"measure_id": PAID_BY_FINANCE, "year": "2031", "payer": "市级",
                                                         "amount": "1.00"})
    assert page.status_code == 403 and "出资单位（市财政局）" in page.text
    changed = payer.put("/api/v1/payments/budgets", json={"measure_id": PAID_BY_FINANCE, "year": 2031, "payer": "市级",
                                                          "amount": "250000", "on_exceed": "refuse"})
    assert changed.status_code == 200, changed.text
    assert changed.json() == {"measure_id": PAID_BY_FINANCE, "year": 2031, "payer": "市级", "amount": "250000.00",
                              "used": "0.00", "left": "250000.00", "on_exceed": "refuse"}
    audits = _budget_audits(server, f"{PAID_BY_FINANCE}:2031:市级")
    assert [(who, after["amount"], after["on_exceed"]) for who, after in audits] == [
        ("staff_units", "300000.00", "queue"), ("staff_units", "250000.00", "refuse")]
