"""The ledger's guards: rule amount, double payment across documents, caps, budgets, stacking,
recheck — on SQLite and PostgreSQL (``database_url``), money exact to the fen."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from zhida.audit.tables import AuditEntry
from zhida.errors import ZhidaError
from zhida.payouts import ledger, stacking
from zhida.payouts.ledger import Approver, LedgerError
from zhida.payouts.recheck import recheck
from zhida.payouts.tables import Budget, PayoutRecord
from zhida.rules import load_policies
from zhida.store import open_store

from .facts import AS_OF, BJ, XZ, uscc

REVIEWER = Approver("审核员甲", 7)


@pytest.fixture(scope="module")
def policies():
    return load_policies()


@pytest.fixture
def store(database_url):
    s = open_store(database_url)
    yield s
    s.close()


def reserve(store, policies, **kw):
    args = dict(uscc=uscc(1), period="2023", facts=BJ, as_of=AS_OF, approver=REVIEWER, source_type="application",
                source_id="A-1", policies=policies)
    args.update(kw)
    return store.retrying(lambda s: ledger.record_json(ledger.reserve(s, **args)))


def test_double_payment_across_two_documents_is_refused(store, policies):
    # 004 第4条 and 002 3.2.24 grant one benefit (bj.xinzhizao-100-support)
    first = reserve(store, policies, measure_id="zjtx2021.tech-renovation-reward", amount="2500000.00",
                    reason="按项目投资额分档核定")
    assert first["benefit_id"] == "bj.xinzhizao-100-support" and first["amount"] == "2500000.00"
    with pytest.raises(LedgerError) as refused:
        reserve(store, policies, measure_id="cy2022.xinzhizao-100-support", amount="1000000", reason="分档",
                source_id="A-2")
    assert "同一事项" in refused.value.reason and f"#{first['id']}" in refused.value.reason
    # a once-only record clashes with every year; another year of an annual benefit does not
    with pytest.raises(LedgerError):
        reserve(store, policies, measure_id="cy2022.xinzhizao-100-support", period="once", amount="1000000",
                reason="分档", source_id="A-3")
    other_year = reserve(store, policies, measure_id="cy2022.xinzhizao-100-support", period="2024",
                         amount="1000000", reason="分档", source_id="A-4")
    assert other_year["period"] == "2024"
    with store.transaction() as s:
        assert s.scalar(select(PayoutRecord).where(PayoutRecord.source_id == "A-2")) is None
        actions = [a for (a,) in s.execute(select(AuditEntry.action).where(AuditEntry.entity == "payout"))]
    assert actions == ["payout_reserve", "payout_reserve"]


def test_amount_never_more_than_the_rule_less_only_with_reason(store, policies):
    with pytest.raises(LedgerError, match="超过政策规则"):
        reserve(store, policies, measure_id="cy2022.bse-listing-subsidy", amount="5000000.01")
    with pytest.raises(ZhidaError, match="核定理由"):
        reserve(store, policies, measure_id="cy2022.bse-listing-subsidy", amount="4999999.99")
    with pytest.raises(ZhidaError, match="浮点"):
        reserve(store, policies, measure_id="cy2022.bse-listing-subsidy", amount=4999999.5, reason="x")
    with pytest.raises(ZhidaError, match="两位小数"):
        reserve(store, policies, measure_id="cy2022.bse-listing-subsidy", amount="1.001", reason="x")
    with pytest.raises(LedgerError, match="不成立"):  # 新三板 rule does not hold for a 北交所 listing
        reserve(store, policies, measure_id="cy2022.neeq-listing-reward", amount="100", reason="x")
    r = reserve(store, policies, measure_id="cy2022.bse-listing-subsidy", amount="4999999.99", reason="扣减已享受部分")
    assert (r["amount"], r["rule_amount"]) == ("4999999.99", "5000000.00")
    with store.transaction() as s:
        row = s.get(PayoutRecord, r["id"])
        assert row.amount == Decimal("4999999.99") and row.facts["facts"]["listing.board"] == "bse"
        assert row.rule_version.startswith("002:") and row.approvers[0]["user"] == "审核员甲"


def test_per_enterprise_annual_cap_across_items(store, policies):
    # 004 5.12: 200万 per product, 單個企業年獎勵額不超過1000萬元 — five products fit, the sixth does not
    for n in range(5):
        reserve(store, policies, measure_id="zjtx2021.intl-registration-reward", amount="2000000",
                item=f"产品{n}", source_id=f"P{n}")
    with pytest.raises(LedgerError) as refused:
        reserve(store, policies, measure_id="zjtx2021.intl-registration-reward", amount="2000000",
                item="产品5", source_id="P5")
    assert "單個企業年獎勵額不超過1000萬元" in refused.value.reason and "0.00" in refused.value.reason
    with pytest.raises(LedgerError, match="同一事项"):  # the same product twice
        reserve(store, policies, measure_id="zjtx2021.intl-registration-reward", amount="1", item="产品0",
                reason="补差", source_id="P0b")
    nxt = reserve(store, policies, measure_id="zjtx2021.intl-registration-reward", amount="2000000",
                  item="产品5", period="2024", source_id="P5b")
    assert nxt["year"] == 2024


def test_budget_refuses_or_queues_visibly_and_promotes(store, policies):
    mid = "xz2022.stable-employment-refund-sme"
    store.retrying(lambda s: ledger.set_budget(s, measure_id=mid, year=2023, payer="市级", amount="60000",
                                               on_exceed="refuse", actor=REVIEWER, policies=policies))
    kw = dict(measure_id=mid, facts=XZ, source_type="exempt")
    a = reserve(store, policies, uscc=uscc(1), amount="30000.00", source_id="L1", **kw)
    b = reserve(store, policies, uscc=uscc(2), amount="29999.99", source_id="L1", reason="扣减", **kw)
    with pytest.raises(LedgerError, match="资金池余额 0.01"):
        reserve(store, policies, uscc=uscc(3), amount="30000", source_id="L1", **kw)
    store.retrying(lambda s: ledger.set_budget(s, measure_id=mid, year=2023, payer="市级", amount="60000",
                                               on_exceed="queue", actor=REVIEWER, policies=policies))
    c = reserve(store, policies, uscc=uscc(3), amount="30000", source_id="L1", **kw)
    assert (a["status"], b["status"], c["status"]) == ("approved", "approved", "queued")
    with store.transaction() as s:
        rows = ledger.budgets(s, mid)
    assert rows[0]["used"] == "59999.99" and rows[0]["left"] == "0.01" and rows[0]["queued"] == 1
    # releasing money (a cancel) lets the queued record through, first come first served
    store.retrying(lambda s: ledger.cancel(s, a["id"], REVIEWER, "企业放弃", policies=policies))
    with store.transaction() as s:
        assert s.get(PayoutRecord, c["id"]).status == "approved"
        assert s.scalar(select(Budget.used)) == Decimal("59999.99")
    with pytest.raises(LedgerError, match="不能少于已核准"):
        store.retrying(lambda s: ledger.set_budget(s, measure_id=mid, year=2023, payer="市级", amount="100",
                                                   on_exceed="queue", actor=REVIEWER, policies=policies))


def test_stacking_declarations_guard_and_advise(store, policies):
    neeq = {**BJ, "listing.board": "neeq"}
    # 就高不重复 (unit's decision): the city NEEQ subsidy (amount not stated) blocks the district reward
    reserve(store, policies, measure_id="zjtx2021.neeq-listing-subsidy", amount="500000", facts=neeq,
            reason="市级按规定核定", period="once")
    with pytest.raises(LedgerError, match="就高不重复"):
        reserve(store, policies, measure_id="cy2022.neeq-listing-reward", amount="3000000", facts=neeq,
                period="once", source_id="A-9")
    # explicitly stackable (text: 區級財政資金補貼不低於市級標準): city and district listing subsidies
    reserve(store, policies, uscc=uscc(2), measure_id="zjtx2021.listing-subsidy", amount="3000000", period="once")
    reserve(store, policies, uscc=uscc(2), measure_id="cy2022.bse-listing-subsidy", amount="5000000", period="once")
    with store.transaction() as s:
        held = ledger._live(s, uscc(2))
    advice = stacking.for_enterprise(["zjtx2021.listing-subsidy", "cy2022.bse-listing-subsidy",
                                      "cy2022.neeq-listing-reward", "zjtx2021.tech-renovation-reward",
                                      "cy2022.xinzhizao-100-support"], policies, held)
    relations = {e["relation"]: e for e in advice if e["relation"] != "same_benefit"}
    same = {frozenset(m["id"] for m in e["measures"]): e for e in advice if e["relation"] == "same_benefit"}
    assert set(same) == {frozenset({"zjtx2021.tech-renovation-reward", "cy2022.xinzhizao-100-support"}),
                         frozenset({"zjtx2021.listing-subsidy"}), frozenset({"cy2022.bse-listing-subsidy"})}
    assert same[frozenset({"zjtx2021.listing-subsidy"})]["held"]["status"] == "已核准待拨付"  # already granted
    assert relations["stackable"]["quote"] == "區級財政資金補貼不低於市級標準"
    assert relations["exclusive"]["decided_by"] == "区金融办"
    assert relations["exclusive"]["held"]["status"] == "已核准待拨付"


def test_recheck_flags_and_never_claws_back(store, policies):
    from zhida.enterprises.profile import EnterpriseProfile  # noqa: F401 - profiles are the usual input

    r = reserve(store, policies, uscc=uscc(4), measure_id="cy2022.bse-listing-subsidy", amount="5000000")
    kept = reserve(store, policies, uscc=uscc(5), measure_id="cy2022.bse-listing-subsidy", amount="5000000")
    store.retrying(lambda s: ledger.pay(s, r["id"], REVIEWER))
    changed = {uscc(4): {**BJ, "listing.board": "neeq"}, uscc(5): BJ}
    outcome = store.retrying(lambda s: recheck(s, actor=REVIEWER, profiles=changed, policies=policies))
    by_id = {o.record_id: o for o in outcome}
    assert by_id[r["id"]].outcome == "flagged" and "不再成立" in by_id[r["id"]].reason
    assert by_id[kept["id"]].outcome == "holds"
    with store.transaction() as s:
        row = s.get(PayoutRecord, r["id"])
        assert row.status == "flagged" and row.paid_at is not None and row.amount == Decimal("5000000.00")
    with pytest.raises(LedgerError, match="不能拨付"):
        store.retrying(lambda s: ledger.pay(s, r["id"], REVIEWER))
    store.retrying(lambda s: ledger.clear_flag(s, r["id"], REVIEWER, "已核实：上市在先，仍符合"))
    with store.transaction() as s:
        assert s.get(PayoutRecord, r["id"]).status == "paid"
    store.retrying(lambda s: ledger.claw_back(s, r["id"], REVIEWER, "材料不实"))
    with store.transaction() as s:
        assert s.get(PayoutRecord, r["id"]).status == "clawed_back"
    # a clawed-back benefit may be granted again
    assert reserve(store, policies, uscc=uscc(4), measure_id="cy2022.bse-listing-subsidy", amount="5000000")["id"]
