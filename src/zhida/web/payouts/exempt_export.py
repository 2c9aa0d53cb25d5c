"""A 免申即享 list as XLSX (the staff review page's 导出): one sheet of its enterprises of the
user's district — amount in 元 as a number, the step each is at, the reason of an exclusion — and
one of the list's figures. Written with the shared XLSX rules (``web.reports.xlsx``), audited."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from openpyxl import Workbook

from zhida.web.reports.xlsx import _save, _sheet

HEADER = ["统一社会信用代码", "企业名称", "金额（元）", "步骤", "时限", "排除理由", "收款账户"]


def exempt_list_xlsx(listing: dict, title: str, items: list[dict]) -> bytes:
    workbook = Workbook()
    rows = [[i["uscc"], i["name"] or "", Decimal(i["amount"]), i["step"], i["due_on"] or "", i["reason"] or "",
             i["account"] or ""] for i in items]
    _sheet(workbook, "名单", HEADER, rows, [22, 30, 16, 26, 12, 30, 14], money_columns=(3,))
    figures = [["措施", title], ["年度", str(listing["year"])], ["评估日期", date.fromisoformat(listing["as_of"])],
               ["企业数", listing["items"]], ["合计（元）", Decimal(listing["total"])],
               ["状态", "待单位确认" if listing["status"] == "built" else "已确认"],
               *[[label, n] for label, n in listing.get("steps", {}).items()]]
    _sheet(workbook, "概况", ["项目", "内容"], figures, [16, 60])
    sheet = workbook["概况"]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == "合计（元）":
            row[1].number_format = "#,##0.00"
    return _save(workbook)


def filename(listing: dict, title: str) -> str:
    return f"免申即享名单_{listing['id']}_{title[:20]}_{listing['year']}.xlsx"
