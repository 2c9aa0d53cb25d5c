"""The monthly 督办 report as XLSX (read back by tests) and A4 PDF (WeasyPrint), per document, per
unit or for everything the person sees (zhida.supervision.export gathers the data)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from openpyxl import Workbook

from zhida.supervision import export
from zhida.web.reports.pdf import _no_network
from zhida.web.reports.xlsx import _save, _sheet

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def _pct(value) -> float | None:
    return None if value is None else float(round(value * 100, 1))


def xlsx_bytes(found: dict) -> bytes:
    book = Workbook()
    _sheet(book, "任务", ["序号", "任务", "出处", "牵头单位", "配合单位", "期限", "期限依据", "状态", "本期报送", "进展情况",
                        "目标与完成"],
           [[i, x.row.task.title, x.citation, "、".join(x.row.lead), "、".join(x.row.support),
             x.row.task.deadline, {"text": "文中期限", "validity": "文件有效期", "none": "未定", "reviewer": "督查室确定"}
             .get(x.row.task.deadline_basis, ""), x.row.status.label, x.report_status, x.narrative, x.targets]
            for i, x in enumerate(found["lines"], start=1)], [6, 40, 40, 18, 24, 12, 10, 10, 18, 40, 30])
    if found["sections"]:
        _sheet(book, "按章节", ["章节", "任务数", "已完成", "完成率（%）", "逾期", "滞后"],
               [[s.title, s.total, s.done, _pct(s.rate), s.overdue, s.lagging] for s in found["sections"]],
               [30, 8, 8, 10, 8, 8])
    _sheet(book, "按单位", ["单位", "区域", "牵头任务", "配合任务", "已完成", "逾期", "按期完成率（%）", "按时报送率（%）",
                          "目标达成度（%）", "综合绩效得分"],
           [[f.unit, f.district, f.led, f.supporting, f.done, f.overdue, _pct(f.completion_rate), _pct(f.reporting_rate),
             _pct(f.attainment), float(f.score) if f.score is not None else None] for f in found["units"]],
           [24, 10, 8, 8, 8, 8, 12, 12, 12, 10])
    return _save(book)


def pdf_bytes(found: dict, env=None) -> bytes:
    from jinja2 import Environment, FileSystemLoader, select_autoescape
    from weasyprint import HTML

    env = env or Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape())
    html = env.get_template("supervision/report_pdf.html").render(
        f=found, generated=datetime.now(UTC).astimezone().strftime("%Y-%m-%d %H:%M"), pct=_pct)
    return HTML(string=html, url_fetcher=_no_network).write_pdf()


def build(session, person, now, cycle: str, document: str | None, unit: str | None) -> dict:
    return export.monthly(session, person, now, cycle, document=document, unit=unit)
