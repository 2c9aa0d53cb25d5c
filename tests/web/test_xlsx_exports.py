"""The checkup XLSX export read back (the push-list export passes the same check_workbook in
test_pushlists.py) (issue 11, done-when): Chinese headers,
money as numbers in 元 with the '#,##0.00' format, unknown amounts empty with 金额待核定 said in
words, dates as dates, documents cited by title and 文号."""

from __future__ import annotations

from datetime import datetime

from .conftest import USCC_A
from .enterprise_seed import seed
from .xlsx_checks import check_workbook


def test_checkup_xlsx_cells(server, clients):
    seed(server.app)
    response = clients["ent_a"].get(f"/api/v1/enterprises/{USCC_A}/checkup.xlsx")
    assert response.status_code == 200
    sheets = check_workbook(response.content, date_labels=("评估日",))
    profile = {row[0]: row[1] for row in sheets["企业画像"][1:]}
    assert profile["评估日"] == datetime(2022, 12, 31)
    header, *rows = sheets["体检结果"]
    money, words, basis = header.index("金额（元）"), header.index("金额说明"), header.index("政策依据")
    computed = [r for r in rows if r[money] is not None]
    assert computed and all(isinstance(r[money], (int, float)) for r in computed)
    for r in rows:
        if r[0] in ("可享受", "待确认") and r[money] is None and r[words] not in ("原文未明确金额",):
            assert r[words].startswith(("金额待核定", "至少")), r  # says why, never 0
        assert r[basis].startswith("《"), r[basis]


def test_the_money_split_reads_the_same_on_the_page_and_in_the_xlsx(server, clients):
    """确定可得 / 最高可达 / 减免·抵扣·递延 / 待认定: the page's lines are the XLSX 说明 (and the PDF's,
    test_pdf_report.py), one source: zhida.rules.totals.totals_rows."""
    import html

    from zhida.rules.totals import totals_rows

    seed(server.app)
    report = clients["ent_a"].get(f"/api/v1/enterprises/{USCC_A}/checkup").json()
    rows = {r["key"]: r["text"] for r in totals_rows(report["summary"]["totals"])}
    sheets = check_workbook(clients["ent_a"].get(f"/api/v1/enterprises/{USCC_A}/checkup.xlsx").content)
    notes = {row[0]: row[3] for row in sheets["金额合计"][1:]}
    assert notes["确定可得"] == rows["certain"] and notes["最高可达"] == rows["up_to"]
    assert notes["待认定"] == rows["pending"]
    page = html.unescape(clients["ent_a"].get(f"/enterprises/{USCC_A}").text)
    for key in ("certain", "up_to", "tax", "pending"):
        assert rows[key] in page, rows[key]
