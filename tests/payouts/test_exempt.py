"""免申即享 end to end: batch list → bulk confirm with exclusions (and a guard's refusal) →
意愿确认 with a receiving account → 拨付到账, through the ledger; expected dates in working days."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from zhida.errors import ZhidaError
from zhida.notify.tables import Message
from zhida.payouts import exempt, ledger
from zhida.payouts.ledger import Approver
from zhida.payouts.tables import ExemptItem, PayoutRecord
from zhida.rules import load_policies
from zhida.store import open_store
from zhida.workflow.calendar import add_working_days
from zhida.workflow.engine import NotAllowed
from zhida.workflow.tables import WorkflowCase

from .facts import XZ_A, XZ_B, XZ_C, write_xz_facts

MEASURE = "xz2022.stable-employment-refund-sme"
AS_OF = date(2023, 6, 30)
UNIT = Approver("人社局经办", 3, "unit")
@pytest.fixture(scope="module")
def policies():
    return load_policies()


@pytest.fixture
def facts_file(tmp_path):
    return write_xz_facts(tmp_path / "facts.parquet")


def test_exempt_list_build_confirm_accept_pay(database_url, policies, facts_file):
    store = open_store(database_url)
    built_at = datetime(2026, 9, 28, 2, 0, tzinfo=UTC)
    listing = store.retrying(lambda s: exempt.list_json(exempt.build(
        s, measure_id=MEASURE, year=2023, as_of=AS_OF, actor=UNIT, input_path=facts_file, policies=policies,
        now=built_at)))
    assert listing["items"] == 3 and listing["total"] == "48900.01"  # 30000.00 + 900.01 + 18000.00
    with pytest.raises(ZhidaError, match="待确认的名单"):
        store.retrying(lambda s: exempt.build(s, measure_id=MEASURE, year=2023, as_of=AS_OF, actor=UNIT,
                                              input_path=facts_file, policies=policies))
    with pytest.raises(ZhidaError, match="须写明理由"):
        store.retrying(lambda s: exempt.confirm(s, listing["id"], actor=UNIT, policies=policies,
                                                exclusions={XZ_C: " "}))
    # the enterprise already had its 2023 refund through an application: the guard refuses the list item
    store.retrying(lambda s: ledger.reserve(
        s, uscc=XZ_B, measure_id=MEASURE, period="2023", amount="900.01",
        facts={"facts": {"entity_type": "enterprise", "region_code": "140902", "industry_code": "3411",
                         "employees": 20, "revenue": "5000000", "unemployment_insurance_paid_last_year": "1000.01"}},
        as_of=AS_OF, approver=UNIT, source_type="application", source_id="A-77", policies=policies))
    done = store.retrying(lambda s: exempt.confirm(
        s, listing["id"], actor=UNIT, policies=policies, now=built_at,
        exclusions={XZ_C: "已列入失信名单，暂缓"}))
    assert (done.confirmed, done.excluded, done.total) == (1, 2, Decimal("30000.00"))
    assert done.refused[0][0] == XZ_B and "同一事项" in done.refused[0][1]
    with store.transaction() as s:
        items = {i.uscc: i for i in s.scalars(select(ExemptItem))}
        states = {u: s.get(WorkflowCase, i.case_id).state for u, i in items.items()}
    assert states == {XZ_A: "confirmed", XZ_B: "excluded",
                      XZ_C: "excluded"}
    assert items[XZ_C].exclusion_reason == "已列入失信名单，暂缓"
    first = items[XZ_A]
    # 意愿确认 on 2026-09-30 (Wednesday): 2 working days skip the National Day holidays
    accepted_at = datetime(2026, 9, 30, 3, 0, tzinfo=UTC)
    with pytest.raises(ZhidaError, match="银行账号"):
        store.retrying(lambda s: exempt.accept(s, first.id, uscc=first.uscc, actor=Approver("企业甲"),
                                               account={"holder": "忻州甲", "bank": "工行", "number": "12ab"}))
    with pytest.raises(ZhidaError, match="没有编号"):  # another enterprise cannot confirm it
        store.retrying(lambda s: exempt.accept(s, first.id, uscc=XZ_C, actor=Approver("企业丙"),
                                               account={"holder": "x", "bank": "y", "number": "1234567890"}))
    store.retrying(lambda s: exempt.accept(s, first.id, uscc=first.uscc, actor=Approver("企业甲"), policies=policies,
                                           account={"holder": "忻州甲", "bank": "工商银行忻州分行",
                                                    "number": "6222 0000 1234 5678"}, now=accepted_at))
    expected = add_working_days(accepted_at, 2)
    assert expected.day == date(2026, 10, 9)  # 10-01…10-07 holidays: working days 1 and 2 are Thu 10-08 and Fri 10-09
    with store.transaction() as s:
        record = s.get(PayoutRecord, first.record_id)
        assert record.expected_at.replace(tzinfo=UTC) == expected.at and record.status == "approved"
        assert s.get(ExemptItem, first.id).account["number"] == "6222000012345678"
    with pytest.raises(NotAllowed):
        store.retrying(lambda s: exempt.decline(s, first.id, uscc=first.uscc, reason="不要了", actor=Approver("企业甲")))
    paid = store.retrying(lambda s: exempt.pay(s, listing["id"], actor=UNIT, reference="国库支付 2026-001"))
    assert paid == [first.id]
    with store.transaction() as s:
        assert s.get(PayoutRecord, first.record_id).status == "paid"
        assert s.get(WorkflowCase, first.case_id).state == "paid"
        total = s.scalar(select(func.sum(PayoutRecord.amount)).where(PayoutRecord.status == "paid"))
    assert total == Decimal("30000.00")
    with store.transaction() as s:  # the enterprise's inbox was told at each step (zhida.notify)
        told = {m.dedupe_key: m for m in s.scalars(select(Message))}
    assert told[f"exempt-item:{first.id}:listed"].event == "exemption.listed"
    assert "30,000.00 元" in told[f"exempt-item:{first.id}:listed"].body
    assert told[f"exempt-item:{first.id}:paid"].event == "payment.made"
    assert f"exempt-item:{items[XZ_C].id}:listed" not in told  # excluded: not told it is listed
    store.close()
