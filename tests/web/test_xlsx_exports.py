"""The checkup and push-list XLSX exports read back (issue 11, done-when): Chinese headers,
money as numbers in 元 with the '#,##0.00' format, unknown amounts empty with 金额待核定 said in
words, dates as dates, documents cited by title and 文号."""

from __future__ import annotations

from datetime import datetime

from zhida.web.reports.xlsx import push_list_xlsx

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


def test_push_list_xlsx_cells():
    lists = [{"measure_id": "bj2022.a", "title": "设备购置补贴", "units": ["市经济和信息化局", "市财政局"],
              "enterprises": [{"uscc": "91110105MA01ABCD00", "name": "甲公司", "region": "朝阳区", "industry": "C34",
                               "amount": "13350862.00"},
                              {"uscc": "91110105MA01ABCE00", "name": "乙公司", "region": "朝阳区", "industry": "C34",
                               "amount": None}]},
             {"measure_id": "bj2022.b", "title": "服务支持", "units": [],
              "enterprises": [{"uscc": "91110105MA01ABCD00", "name": "甲公司", "region": "朝阳区", "industry": "C34",
                               "amount": None}]}]
    sheets = check_workbook(push_list_xlsx(lists, {"评估日": "2022-12-31", "地区": "朝阳区"}), date_labels=("评估日",))
    totals = {row[1]: row[4] for row in sheets["汇总"][1:]}
    assert totals == {"设备购置补贴": 13350862, "服务支持": None}  # no known amount: empty, never 0
