"""三率 exports: XLSX (read back by tests/web/xlsx_checks) and an A4 PDF (WeasyPrint)."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from fastapi.responses import Response
from openpyxl import Workbook

from zhida import audit
from zhida.desk import figures
from zhida.workflow.calendar import BEIJING
from zhida.web.reports.pdf import _no_network
from zhida.web.reports.xlsx import _save, _sheet

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = ["单位", "级别", "月份", "件数", "按时响应", "已评价", "已解决", "满意与基本满意", "超期件数", "响应率（%）",
          "解决率（%）", "满意率（%）", "综合得分", "级别内排名", "受理平均工作日", "派单平均工作日", "签收平均工作日",
          "办理平均工作日"]


PAGE_SECONDS = 300  # the figures page shows figures at most five minutes old; exports and the CLI compute afresh


def data(request, principal, month: str, *, fresh: bool = True) -> dict:
    """The month's figures in the principal's scope; ``fresh=False`` (the page) may reuse what was
    computed for the same scope and month within ``PAGE_SECONDS`` (the whole city's twelve-month
    trend reads a year of requests: seconds at a million a year)."""
    units = None if principal.role == "admin" else list(principal.units)
    key = (tuple(units) if units is not None else None, month)
    memo = getattr(request.app.state, "desk_figures", None)
    if memo is None:
        memo = request.app.state.desk_figures = {}
    if not fresh:
        found = memo.get(key)
        if found is not None and found[0] > time.monotonic():
            return found[1]
    computed = _compute(request, units, month)
    if len(memo) > 256:
        memo.clear()
    memo[key] = (time.monotonic() + PAGE_SECONDS, computed)
    return computed


def _compute(request, units, month: str) -> dict:
    with request.app.state.store.sessions() as session:
        return {"month": month, "lines": figures.monthly(session, [month], units),
                "categories": figures.monthly(session, [month], units, by_category=True),
                "trend": figures.trend(session, units, figures.months_back(month, 12)),
                "policy": figures.policy_feedback(session, figures.months_back(month, 12), units, limit=30),
                "scope": "全市" if units is None else "、".join(units),
                "computed": datetime.now(UTC).astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")}


def _row(x) -> list:
    return [x.unit, x.grade, x.month, x.total, x.responded, x.rated, x.solved, x.satisfied, x.overdue,
            x.response_rate, x.solve_rate, x.satisfaction_rate, x.score, x.rank,
            *(x.days[label] for _, label in figures.STEPS)]


def _number(v):
    return float(v) if v is not None and not isinstance(v, (int, str)) else v


def xlsx_bytes(found: dict) -> bytes:
    book = Workbook()
    _sheet(book, "三率", HEADER, [[_number(v) for v in _row(x)] for x in found["lines"]], [22, 10, 9] + [10] * 15)
    _sheet(book, "按类型排名", ["类型", *HEADER], [[x.category, *[_number(v) for v in _row(x)]] for x in found["categories"]],
           [12, 22, 10, 9] + [10] * 15)
    _sheet(book, "趋势", ["月份", "件数", "响应率（%）", "解决率（%）", "满意率（%）", "超期件数"],
           [[x.month, x.total, _number(x.response_rate), _number(x.solve_rate), _number(x.satisfaction_rate), x.overdue]
            for x in found["trend"]], [10, 10, 12, 12, 12, 10])
    _sheet(book, "政策问题", ["条款", "单位", "月份", "件数", "咨询", "投诉"],
           [[p["cite"], p["unit"], p["month"], p["total"], p["questions"], p["complaints"]] for p in found["policy"]],
           [60, 20, 10, 8, 8, 8])
    return _save(book)


def _audit(request, principal, what: str, month: str) -> None:
    audit.event(request.app.state.store, actor=principal.username, actor_id=principal.user_id, action="export",
                entity="desk_figures", entity_id=month, detail=f"导出接诉即办三率（{what}，{month}）")


def xlsx_response(request, principal, month: str) -> Response:
    content = xlsx_bytes(data(request, principal, month))
    _audit(request, principal, "XLSX", month)
    return Response(content, media_type=XLSX,
                    headers={"Content-Disposition": f"attachment; filename=desk-figures-{month}.xlsx"})


def pdf_response(request, principal, month: str) -> Response:
    from weasyprint import HTML

    found = data(request, principal, month)
    html = request.app.state.templates.env.get_template("desk/figures_pdf.html").render(
        f=found, steps=[label for _, label in figures.STEPS],
        generated=datetime.now(UTC).astimezone().strftime("%Y-%m-%d %H:%M"))
    content = HTML(string=html, url_fetcher=_no_network).write_pdf()
    _audit(request, principal, "PDF", month)
    return Response(content, media_type="application/pdf",
                    headers={"Content-Disposition": f"attachment; filename=desk-figures-{month}.pdf"})
