"""政策兑现 on the web: /api/v1/payments scoped per role, the staff 免申即享 page (bulk confirm with
an exclusion and its reason, 拨付到账) and the enterprise's 我的兑现 (意愿确认, expected date)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from zhida.payouts import exempt
from zhida.payouts.ledger import Approver

from .conftest import USCC_A, USCC_B, make_uscc
from .xlsx_checks import check_workbook

USCC_C = make_uscc("91140902MA03QWER1")
MEASURE = "xz2022.stable-employment-refund-sme"


@pytest.fixture(scope="module")
def listing(server, tmp_path_factory):
    rows = [(USCC_A, "甲企业", "33333.33"), (USCC_B, "乙企业", "1000.01"), (USCC_C, "丙企业", "20000.00")]
    path = tmp_path_factory.mktemp("exempt") / "facts.parquet"
    pq.write_table(pa.table({
        "uscc": [r[0] for r in rows], "name": [r[1] for r in rows], "region_code": ["140902"] * 3,
        "entity_type": ["enterprise"] * 3, "industry_code": ["3411"] * 3,
        "employees": pa.array([50] * 3, pa.int64()),
        "revenue": pa.array([Decimal("10000000")] * 3, pa.decimal128(20, 2)),
        "unemployment_insurance_paid_last_year": pa.array([Decimal(r[2]) for r in rows], pa.decimal128(20, 2))}), path)
    store = server.app.state.store
    return store.retrying(lambda s: exempt.build(s, measure_id=MEASURE, year=2023, as_of=date(2023, 6, 30),
                                                 actor=Approver("人社局经办"), input_path=path).id)


def test_exempt_review_confirm_accept_pay(clients, listing):
    # the list belongs to 市人社局/市财政局's measure: 市经济和信息化局 staff do not see it
    assert all(x["id"] != listing for x in clients["staff"].get("/api/v1/payments/exempt-lists").json()["lists"])
    assert clients["staff"].get(f"/payouts/exempt/{listing}").status_code == 404
    officer = clients["staff_units"]
    page = officer.get(f"/payouts/exempt/{listing}")
    assert page.status_code == 200 and "确认名单" in page.text and "乙企业" in page.text
    confirmed = officer.post(f"/payouts/exempt/{listing}/confirm",
                             data={"exclude": [USCC_B], f"reason_{USCC_B}": "企业已注销"})
    assert confirmed.status_code == 303, confirmed.text[:300]
    items = {i["uscc"]: i for i in officer.get(f"/api/v1/payments/exempt-lists/{listing}").json()["items"]}
    assert items[USCC_B]["step"] == "已排除" and items[USCC_B]["reason"] == "企业已注销"
    assert items[USCC_A]["step"] == "单位已确认（待企业意愿确认）" and items[USCC_A]["amount"] == "30000.00"

    ent = clients["ent_a"]
    mine = ent.get("/my/payouts")
    assert mine.status_code == 200 and "确认领取并提交收款账户" in mine.text
    entry = next(e for e in ent.get("/api/v1/payments/mine").json()["entries"] if e.get("exempt_item"))
    assert entry["step"] == "待企业确认收款信息（意愿确认）" and entry["expected_on"]
    bad = ent.post(f"/my/payouts/{entry['exempt_item']}/accept",
                   data={"holder": "甲企业", "bank": "工商银行", "number": "12", "version": entry["version"]})
    assert bad.status_code == 422 and "银行账号" in bad.text
    # another enterprise cannot confirm it
    other = clients["ent_b"].post(f"/api/v1/payments/exempt-items/{entry['exempt_item']}/accept",
                                  json={"holder": "乙", "bank": "工行", "number": "1234567890"})
    assert other.status_code == 422
    ok = ent.post(f"/my/payouts/{entry['exempt_item']}/accept",
                  data={"holder": "甲企业", "bank": "工商银行忻州分行", "number": "6222000012345678",
                        "version": entry["version"]})
    assert ok.status_code == 303
    record = next(r for r in ent.get("/api/v1/payments").json()["items"] if r["measure_id"] == MEASURE)
    assert record["status"] == "approved" and record["expected_on"] and record["source"] == "免申即享"
    # scope: the record is the enterprise's own and its unit's; not another enterprise's, nor other units'
    assert ent.get(f"/api/v1/payments/{record['id']}").json()["facts"]["facts"]["employees"] == 50
    assert clients["ent_b"].get(f"/api/v1/payments/{record['id']}").status_code == 404
    assert clients["staff"].get(f"/api/v1/payments/{record['id']}").status_code == 404
    assert officer.get(f"/api/v1/payments/{record['id']}").status_code == 200

    paid = officer.post(f"/payouts/exempt/{listing}/pay", data={"reference": "国库2026-01"})
    assert paid.status_code == 303
    after = ent.get(f"/api/v1/payments/{record['id']}").json()
    assert after["status"] == "paid" and after["step"] == "已拨付到账" and after["paid_on"]
    mine_page = ent.get("/my/payouts").text
    assert "已拨付到账" in mine_page and "申请前须知" in mine_page

    exported = officer.get(f"/payouts/exempt/{listing}/export.xlsx")
    assert exported.status_code == 200 and "filename*=UTF-8''" in exported.headers["content-disposition"]
    sheets = check_workbook(exported.content, date_labels=("评估日期",))
    rows = {r[0]: r for r in sheets["名单"][1:]}
    assert rows[USCC_A][2] == 30000 and rows[USCC_A][3] == "已拨付到账" and rows[USCC_A][6] == "****5678"
    assert rows[USCC_B][5] == "企业已注销"
    assert clients["staff"].get(f"/payouts/exempt/{listing}/export.xlsx").status_code == 404
