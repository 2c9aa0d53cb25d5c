"""The applications' exports: a queue as XLSX (one row per application, time in step, overdue,
amounts), per-measure figures, and the monthly 兑现 report per unit and district as XLSX and as an
A4 PDF (WeasyPrint over an HTML template, the system's CJK fonts, nothing fetched). Money is an
exact number in 元 (``zhida.money_format.XLSX_YUAN``), an unknown amount an empty cell, never 0."""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import UTC, date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import xlsxwriter
from openpyxl import Workbook

from zhida.money_format import XLSX_YUAN
from zhida.web.reports.pdf import _no_network
from zhida.web.reports.xlsx import DATE_FORMAT, _cell, _save, _sheet

BEIJING = ZoneInfo("Asia/Shanghai")
QUEUE_HEADER = ["申请编号", "企业名称", "统一社会信用代码", "政策措施", "受理单位", "层级", "状态", "本环节已用（工作日）",
                "本环节期限", "是否超期", "规则金额（元）", "核准金额（元）", "申请日期", "兑现日期"]
FIGURES_HEADER = ["政策措施", "申请总数", "办理中", "超期", "已兑现", "不通过或不予受理", "核准金额（元）", "已兑现金额（元）"]
MONTH_HEADER = ["层级", "区县", "责任单位", "本月提交", "本月审核通过", "本月核准金额（元）", "本月不通过或不予受理",
                "本月兑现笔数", "本月兑现金额（元）", "当前超期未办"]


def _day(instant):
    if instant is None:
        return None
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    return instant.astimezone(BEIJING).date()


QUEUE_WIDTHS = [10, 30, 22, 36, 18, 8, 10, 12, 12, 8, 16, 16, 12, 12]
FIGURES_WIDTHS = [40, 10, 10, 8, 10, 14, 18, 18]


def queue_xlsx(chunks: Iterable[list], figures: list) -> bytes:
    """The queue (rows arriving in chunks, written as they come: xlsxwriter's constant-memory mode
    keeps one row in memory, not the sheet) and the per-measure figures."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"constant_memory": True})
    styles = _Styles(book)
    sheet = _streamed_sheet(book, styles, "申请清单", QUEUE_HEADER, QUEUE_WIDTHS, money_columns=(10, 11))
    line = 1
    for rows in chunks:
        for r in rows:
            styles.write_row(sheet, line, [r.id, r.enterprise_name or "", r.uscc, r.measure_title, r.unit, r.level,
                                           r.state_label, r.days_in_step, r.due_day, "超期" if r.overdue else "",
                                           r.rule_amount, r.approved_amount, _day(r.created_at), _day(r.paid_at)],
                             money_columns=(10, 11))
            line += 1
    sheet = _streamed_sheet(book, styles, "按政策汇总", FIGURES_HEADER, FIGURES_WIDTHS, money_columns=(6, 7))
    for line, row in enumerate(figures_rows(figures), start=1):
        styles.write_row(sheet, line, row, money_columns=(6, 7))
    book.close()
    return buffer.getvalue()


class _Styles:
    """The cell formats of ``zhida.web.reports.xlsx`` (bold header, wrapped text, 元 and dates)."""

    def __init__(self, book):
        self.header = book.add_format({"bold": True})
        self.text = book.add_format({"text_wrap": True, "valign": "top"})
        self.money = book.add_format({"text_wrap": True, "valign": "top", "num_format": XLSX_YUAN})
        self.date = book.add_format({"text_wrap": True, "valign": "top", "num_format": DATE_FORMAT})

    def write_row(self, sheet, line: int, values: list, *, money_columns: tuple[int, ...]) -> None:
        for column, value in enumerate(values):
            if value is None or value == "":
                continue  # an unknown amount stays an empty cell, never 0
            if column in money_columns:
                sheet.write_number(line, column, value, self.money)  # Decimal: its exact text
            elif isinstance(value, date):
                sheet.write_datetime(line, column, datetime.combine(value, time(0)), self.date)
            elif isinstance(value, (int, Decimal)):
                sheet.write_number(line, column, value, self.text)
            else:
                sheet.write_string(line, column, _cell(str(value)), self.text)


def _streamed_sheet(book, styles: _Styles, title: str, header: list[str], widths: list[int], *,
                    money_columns: tuple[int, ...]):
    sheet = book.add_worksheet(title)
    for column, width in enumerate(widths):
        sheet.set_column(column, column, width)
    sheet.freeze_panes(1, 0)
    sheet.write_row(0, 0, header, styles.header)
    return sheet


def figures_rows(figures: list) -> list[list]:
    from zhida.payouts.applications.queries import DECIDED_NO

    rows = []
    for f in figures:
        finished = f.by_state.get("paid", 0) + sum(f.by_state.get(s, 0) for s in (*DECIDED_NO, "withdrawn", "clawed_back"))
        rows.append([f.title, f.total, f.total - finished, f.overdue, f.by_state.get("paid", 0),
                     sum(f.by_state.get(s, 0) for s in DECIDED_NO), f.approved, f.paid])
    return rows


def month_rows(lines: list) -> list[list]:
    return [[x.level, x.district, x.unit, x.submitted, x.approved, x.approved_amount, x.refused, x.paid, x.paid_amount,
             x.open_overdue] for x in lines]


def monthly_xlsx(lines: list, month: str) -> bytes:
    workbook = Workbook()
    _sheet(workbook, f"{month.replace('-', '年', 1)}月兑现", MONTH_HEADER, month_rows(lines),
           [8, 12, 24, 10, 12, 18, 14, 12, 18, 12], money_columns=(6, 9))
    return _save(workbook)


def monthly_pdf(lines: list, month: str, scope: str, templates) -> bytes:
    from weasyprint import HTML

    from zhida.money_format import money

    total_paid = sum((x.paid_amount for x in lines), start=0)
    html = templates.env.get_template("reports/applications_month_pdf.html").render(
        lines=lines, month=month, scope=scope, total_paid=money(total_paid),
        total_approved=money(sum((x.approved_amount for x in lines), start=0)),
        generated=datetime.now(UTC).astimezone(BEIJING).strftime("%Y-%m-%d %H:%M"))
    return HTML(string=html, url_fetcher=_no_network).write_pdf()
