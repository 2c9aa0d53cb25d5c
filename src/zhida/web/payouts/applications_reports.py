"""The applications' exports: a queue as XLSX (one row per application, time in step, overdue,
amounts), per-measure figures, and the monthly 兑现 report per unit and district as XLSX and as an
A4 PDF (WeasyPrint over an HTML template, the system's CJK fonts, nothing fetched). Money is an
exact number in 元 (``zhida.money_format.XLSX_YUAN``), an unknown amount an empty cell, never 0."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from openpyxl import Workbook

from zhida.web.reports.pdf import _no_network
from zhida.web.reports.xlsx import _save, _sheet

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


def queue_xlsx(rows: list, figures: list) -> bytes:
    workbook = Workbook()
    _sheet(workbook, "申请清单", QUEUE_HEADER,
           [[r.id, r.enterprise_name or "", r.uscc, r.measure_title, r.unit, r.level, r.state_label, r.days_in_step,
             r.due_day, "超期" if r.overdue else "", r.rule_amount, r.approved_amount, _day(r.created_at),
             _day(r.paid_at)] for r in rows],
           [10, 30, 22, 36, 18, 8, 10, 12, 12, 8, 16, 16, 12, 12], money_columns=(11, 12))
    _sheet(workbook, "按政策汇总", FIGURES_HEADER, figures_rows(figures), [40, 10, 10, 8, 10, 14, 18, 18],
           money_columns=(7, 8))
    return _save(workbook)


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
