"""Money as Chinese readers read it (zhida.money_format, issue 11 §3): 万元 for reading, 元 to the
fen where precision matters, ROUND_HALF_UP, never a float, never 0 for an unknown amount."""

from __future__ import annotations

from decimal import Decimal

import pytest

from zhida.matching.amount_display import amount_display
from zhida.money_format import money, pending, yuan


@pytest.mark.parametrize(("value", "text"), [
    ("13350862.00", "1,335.09 万元"),
    (Decimal("3000000"), "300.00 万元"),
    ("10000", "1.00 万元"),
    ("9999.99", "9,999.99 元"),
    ("8500", "8,500.00 元"),
    ("12345", "1.23 万元"),
    ("12350", "1.24 万元"),  # half up at the hundred yuan, not banker's rounding (1.24, not 1.23)
    ("12250", "1.23 万元"),  # ROUND_HALF_EVEN would give 1.22
    ("0.005", "0.01 元"),
    ("0", "0 元"),
    ("-25000", "-2.50 万元"),
    ("123456789012.34", "12,345,678.90 万元"),
    (None, "金额待核定"),
])
def test_money_for_reading(value, text):
    assert money(value) == text


def test_exact_yuan_and_pending():
    assert yuan("13350862") == "13,350,862.00 元"
    assert yuan(Decimal("0.125")) == "0.13 元"
    assert pending("缺少：营业收入") == "金额待核定（缺少：营业收入）"


def test_floats_are_refused():
    with pytest.raises(TypeError):
        money(1.1)
    with pytest.raises(TypeError):
        yuan(0.1)


def _result(status="eligible", **amount):
    base = {"kind": "exact", "value": None, "upper": None, "currency": "CNY", "unit": "元", "text": "", "least": None,
            "payers": []}
    return {"status": status, "amount": {**base, **amount}, "missing": [], "open_criteria": []}


def test_amount_display_computed_amounts():
    shown = amount_display(_result(value="3000000.00", unit="元（当年可税前扣除额）"))
    assert shown.text == "300.00 万元（当年可税前扣除额）" and shown.exact == "3,000,000.00 元" and not shown.pending
    assert amount_display(_result(kind="maximum", value="16666.67")).text == "最高 1.67 万元"
    payers = amount_display(_result(value="16666.67", payers=[{"payer": "市级", "amount": "6666.67"},
                                                               {"payer": "区级", "amount": "10000.00"}]))
    assert payers.payers == ["市级 6,666.67 元", "区级 1.00 万元"]


def test_amount_that_cannot_be_computed_says_why_never_zero():
    r = _result(text="金额无法计算（缺少信息），按：增值税增量留抵税额 + 增值税存量留抵税额（按公式计算）")
    r["missing"] = [{"fact": "a", "label": "增值税增量留抵税额"}, {"fact": "b", "label": "增值税存量留抵税额"}]
    r["open_criteria"] = [{"id": "x", "label": "纳税信用等级符合条件", "quote": ""}]
    shown = amount_display(r)
    assert shown.pending and shown.exact is None
    assert shown.text == "金额待核定（缺少：增值税增量留抵税额、增值税存量留抵税额；待责任单位认定：纳税信用等级符合条件）"
    assert "0.00" not in shown.text
    assert shown.rule == "增值税增量留抵税额 + 增值税存量留抵税额（按公式计算）"
    floor = amount_display({**r, "amount": {**r["amount"], "least": "50000.00"}})
    assert floor.text.startswith("至少 5.00 万元，金额待核定（缺少：")


def test_no_money_and_not_open_measures():
    assert amount_display(_result(kind="not_stated", text="原文未明确金额")).text == "原文未明确金额"
    shown = amount_display(_result("ineligible", text="购买价格 × 10%，最高不超过30万元（按公式计算）"))
    assert shown.text == "计算方式：购买价格 × 10%，最高不超过30万元（按公式计算）" and not shown.pending
