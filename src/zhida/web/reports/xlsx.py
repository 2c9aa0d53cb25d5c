"""XLSX exports: one enterprise's checkup, and push lists (per measure, grouped by unit).

Money is written as exact decimals (openpyxl stores the Decimal's text) with a yuan format;
amounts the source does not state stay as text, never 0.
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from zhida.rules.totals import BUCKETS, GROUP_ZH, LABEL_ZH

MONEY_FORMAT = '#,##0.00'
BUCKET_ZH = LABEL_ZH
HEADER_FONT = Font(bold=True)


def _sheet(workbook: Workbook, title: str, header: list[str], rows: list[list[Any]], widths: list[int],
           money_columns: tuple[int, ...] = ()) -> None:
    sheet = workbook.create_sheet(title)
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = HEADER_FONT
    for row in rows:
        sheet.append([_cell(v) for v in row])
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for column in money_columns:
        for (cell,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
            if isinstance(cell.value, (int, float, Decimal)):
                cell.number_format = MONEY_FORMAT
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"


def _cell(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    # Control characters (a filter typed into a URL, an imported name) cannot be stored in XLSX.
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    # Cells starting with = + - @ would be formulas in Excel: keep user text as text.
    if value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def _save(workbook: Workbook) -> bytes:
    del workbook[workbook.sheetnames[0]]  # the default empty sheet
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def checkup_xlsx(checkup) -> bytes:
    e = checkup.enterprise
    report = checkup.report
    workbook = Workbook()
    counts = report["summary"]["counts"]
    profile_rows = [["统一社会信用代码", e.uscc], ["企业名称", e.name], ["所在地区", e.region_name],
                    ["行业", f"{e.industry_code} {e.industry_name}"], ["规模（推算）", e.size_label],
                    ["评估日", report["as_of"]],
                    ["可享受", counts["eligible"]], ["待确认", counts["undetermined"]],
                    ["不符合", counts["ineligible"]], ["不适用", counts["not_applicable"]],
                    ["确定可得金额合计（元，同一待遇只计一次）", Decimal(report["summary"]["eligible_total"])]]
    _sheet(workbook, "企业画像", ["项目", "内容"], profile_rows, [36, 60], money_columns=(2,))
    _sheet(workbook, "金额合计", ["类别", "金额（元）", "项数", "说明"], _totals_rows(report["summary"]["totals"]),
           [24, 18, 8, 70], money_columns=(2,))
    rows = []
    for group, label in (("eligible", "可享受"), ("near_miss", "差一点"), ("undetermined", "待确认"),
                         ("ineligible", "不符合"), ("not_applicable", "不适用")):
        for r in checkup.groups[group]:
            value = r["amount"]["value"]
            rows.append([label, r["measure_id"], r["title"], Decimal(value) if value is not None else None,
                         BUCKET_ZH.get(r.get("counted_as"), ""), r["amount"]["text"][:500],
                         "；".join(f"{p['payer']} {p['amount'] or '—'}" for p in r["amount"].get("payers", [])), r["period_zh"], r["application_zh"],
                         "；".join(r["unlock"]) or "", "、".join(m["label"] for m in r["missing"]),
                         "；".join(f"{s['doc_number'] or s['document']} 第{s['clause']}条" for s in r["sources"]),
                         "\n".join(s["quote"] for s in r["sources"] if s.get("quote"))[:2000],
                         "、".join(r["responsible_units"])])
    _sheet(workbook, "体检结果", ["结果", "措施编号", "措施", "金额（元）", "计入类别", "金额说明", "出资方", "有效期", "申报方式",
                             "差一点：还需", "待补充的信息", "政策依据", "原文", "责任单位"], rows,
           [8, 34, 30, 16, 14, 30, 24, 10, 12, 40, 30, 28, 60, 30], money_columns=(4,))
    return _save(workbook)


def _totals_rows(totals: dict) -> list[list[Any]]:
    """One row per kind of money; amounts stay exact decimals, kinds never added together."""
    rows = []
    for key in BUCKETS:
        b = totals[key]
        rows.append([f"{GROUP_ZH[key]}：{LABEL_ZH[key]}" if GROUP_ZH[key] != LABEL_ZH[key] else LABEL_ZH[key],
                     Decimal(b["total"]) if key != "unquantified" else None, b["benefits"],
                     "；".join(b["measures"])])
    d = totals["draft"]
    rows.append([d["label"], None, d["benefits"], "；".join(d["measures"])])
    return rows


def push_list_xlsx(lists: list[dict[str, Any]], filters: dict[str, str]) -> bytes:
    """``lists``: per measure {measure_id, title, units, enterprises: [{uscc, name, region, industry, amount}]}."""
    workbook = Workbook()
    summary = [[m["measure_id"], m["title"], "、".join(m["units"]) or "—", len(m["enterprises"]),
                sum((Decimal(x["amount"]) for x in m["enterprises"] if x["amount"] is not None), Decimal(0))]
               for m in lists]
    _sheet(workbook, "汇总", ["措施编号", "措施", "责任单位", "符合条件企业数", "金额合计（元）"], summary, [34, 36, 40, 16, 18],
           money_columns=(5,))
    rows = []
    for m in lists:
        for unit in m["units"] or ["—"]:
            for x in m["enterprises"]:
                rows.append([unit, m["measure_id"], m["title"], x["uscc"], x["name"], x["region"], x["industry"],
                             Decimal(x["amount"]) if x["amount"] is not None else None, x.get("amount_text") or ""])
    _sheet(workbook, "推送名单", ["责任单位", "措施编号", "措施", "统一社会信用代码", "企业名称", "地区", "行业", "金额（元）", "金额说明"],
           rows, [24, 34, 30, 22, 30, 10, 22, 16, 24], money_columns=(8,))
    note = [[k, v] for k, v in filters.items()]
    _sheet(workbook, "筛选条件", ["条件", "值"], note, [16, 40])
    return _save(workbook)
