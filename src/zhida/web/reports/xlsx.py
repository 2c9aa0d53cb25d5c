"""XLSX exports: one enterprise's checkup, and push lists (per measure, grouped by unit).

Money is a number in 元, exact (openpyxl stores the Decimal's text), formatted
``zhida.money_format.XLSX_YUAN`` ('#,##0.00'); the header says （元）. An amount that is not
known stays empty, never 0, and a 金额说明 column says why (the same words as the page and the
PDF). Dates are date cells. Documents are cited 《短标题》（文号）第三条（八）, never by key.
"""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from zhida.matching.amount_display import amount_display
from zhida.money_format import XLSX_YUAN
from zhida.rules.totals import BUCKETS, GROUP_ZH, LABEL_ZH, totals_rows

MONEY_FORMAT = XLSX_YUAN
DATE_FORMAT = "yyyy-mm-dd"
BUCKET_ZH = LABEL_ZH
HEADER_FONT = Font(bold=True)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


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
            if isinstance(cell.value, date):
                cell.number_format = DATE_FORMAT
    sheet.freeze_panes = "A2"


def _cell(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    if _ISO_DATE.fullmatch(value):  # a date is a date cell (sortable, filterable), not text
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
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


def _amount(value: str | None) -> Decimal | None:
    return Decimal(value) if value is not None else None


GROUPS = (("eligible", "可享受"), ("near_miss", "差一点"), ("undetermined", "待确认"),
          ("ineligible", "不符合"), ("not_applicable", "不适用"))
RESULT_HEADER = ["结果", "措施", "金额（元）", "金额说明", "计入类别", "出资方", "有效期", "申报方式", "差一点：还需",
                 "待补充的信息", "待责任单位认定", "政策依据", "原文", "责任单位", "措施编号"]


def checkup_xlsx(checkup) -> bytes:
    e = checkup.enterprise
    report = checkup.report
    totals = report["summary"]["totals"]
    workbook = Workbook()
    counts = report["summary"]["counts"]
    profile_rows = [["统一社会信用代码", e.uscc], ["企业名称", e.name], ["所在地区", e.region_name],
                    ["行业", f"{e.industry_code} {e.industry_name}"], ["规模（推算）", e.size_label],
                    ["评估日", date.fromisoformat(report["as_of"])],
                    ["可享受", counts["eligible"]], ["待确认", counts["undetermined"]],
                    ["不符合", counts["ineligible"]], ["不适用", counts["not_applicable"]],
                    ["确定可得金额合计（元，同一待遇只计一次）",
                     Decimal(report["summary"]["eligible_total"])]]
    _sheet(workbook, "企业画像", ["项目", "内容"], profile_rows, [36, 60], money_columns=(2,))
    _sheet(workbook, "金额合计", ["类别", "金额（元）", "项数", "说明"], _totals_rows(totals),
           [24, 18, 8, 70], money_columns=(2,))
    rows = []
    for group, label in GROUPS:
        for r in checkup.groups[group]:
            shown = amount_display(r)
            rows.append([label, r["title"], _amount(r["amount"]["value"]), shown.text,
                         BUCKET_ZH.get(r.get("counted_as"), ""), "；".join(shown.payers),
                         r["period_zh"], r["application_zh"], "；".join(r["unlock"]),
                         "、".join(m["label"] for m in r["missing"]),
                         "、".join(o["label"] for o in r.get("open_criteria") or []),
                         "；".join(dict.fromkeys(s["citation"] for s in r["sources"])),
                         "\n".join(s["quote"] for s in r["sources"] if s.get("quote"))[:2000],
                         "、".join(r["responsible_units"]), r["measure_id"]])
    _sheet(workbook, "体检结果", RESULT_HEADER, rows,
           [8, 30, 16, 30, 14, 24, 10, 12, 40, 30, 30, 40, 60, 30, 30], money_columns=(3,))
    return _save(workbook)


def _totals_rows(totals: dict) -> list[list[Any]]:
    """One row per kind of money; amounts stay exact decimals, kinds never added together. A kind
    whose amounts are all unknown is empty (金额待核定), never 0; 说明 is the page's line."""
    words = {row["key"]: row["text"] for row in totals_rows(totals)}
    rows = []
    for key in BUCKETS:
        b = totals[key]
        unknown = key == "unquantified" or (b["benefits"] and b["amount_unknown"] == b["benefits"])
        note = words.get(key) if key in words else (f"{b['benefits']} 项" if b["benefits"] else "无")
        rows.append([f"{GROUP_ZH[key]}：{LABEL_ZH[key]}" if GROUP_ZH[key] != LABEL_ZH[key] else LABEL_ZH[key],
                     None if unknown else Decimal(b["total"]), b["benefits"], note])
    d = totals["draft"]
    rows.append([d["label"], None, d["benefits"], words.get("draft", "无")])
    return rows


PUSH_KINDS = ("确定可得", "最高可达", "减免·抵扣·递延", "待认定")  # the money columns, never added together


def push_list_xlsx(pages: list, filters: dict[str, str]) -> bytes:
    """``pages``: zhida.pushlists.listing.EnterprisePage per measure (all its enterprises). One
    summary row per measure (its units listed once), one row per enterprise; amounts by kind."""
    from zhida.enterprises import regions
    from zhida.pushlists.choices import industry_label

    workbook = Workbook()
    summary = []
    for p in pages:
        line = p.line
        by_kind = [None] * 3
        if line.kind_label in PUSH_KINDS[:3] and line.total is not None:
            by_kind[PUSH_KINDS.index(line.kind_label)] = line.total
        summary.append([line.measure_id, line.title, line.document_label, "、".join(line.units) or "—", line.count,
                        *by_kind, line.pending, line.pending_known,
                        "政策未明确金额" if line.bucket == "unquantified" else ""])
    _sheet(workbook, "汇总", ["措施编号", "措施", "政策文件", "责任单位", "符合条件企业数", *(k + "（元）" for k in PUSH_KINDS[:3]),
                            "待认定（家）", "待认定已知金额（元）", "说明"], summary,
           [34, 36, 40, 36, 14, 16, 16, 18, 12, 18, 16], money_columns=(6, 7, 8, 10))
    rows = []
    for p in pages:
        line = p.line
        for x in p.rows:
            cells: list[Any] = [None] * 4
            if x.amount is not None:
                cells[PUSH_KINDS.index(GROUP_ZH[x.bucket])] = x.amount
            rows.append([line.measure_id, line.title, "、".join(line.units) or "—", x.uscc, x.name,
                         regions.label(x.area), industry_label(x.industry_code), *cells,
                         _amount_note(x)])
    _sheet(workbook, "推送名单", ["措施编号", "措施", "责任单位", "统一社会信用代码", "企业名称", "地区", "行业",
                              *(k + "（元）" for k in PUSH_KINDS), "金额说明"],
           rows, [34, 30, 30, 22, 30, 10, 22, 16, 16, 18, 16, 28], money_columns=(8, 9, 10, 11))
    note = [[k, v] for k, v in filters.items()]
    _sheet(workbook, "筛选条件", ["条件", "值"], note, [16, 40])
    return _save(workbook)


def _amount_note(row) -> str:
    if row.bucket == "unquantified":
        return "政策未明确金额"
    if row.bucket == "pending":
        return "待认定：至少此数（部分金额待核定）" if row.floor else (
            "待认定：需责任单位认定" if row.amount is not None else "金额待核定：缺少计算所需信息或待责任单位认定")
    if row.bucket == "up_to":
        return "最高可达（上限）"
    return ""
