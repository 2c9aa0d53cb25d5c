"""The monthly 工业经济运行分析 as XLSX (the text and every table; read back by tests) and as an A4
PDF (WeasyPrint, with the ECharts figures rendered to SVG) — from the stored analysis
(zhida.monitoring.analysis), so a released analysis prints the same tables and text every time."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from openpyxl import Workbook

from zhida.monitoring import analysis
from zhida.web.monitoring import charts
from zhida.web.reports import echarts_svg
from zhida.web.reports.pdf import _no_network
from zhida.web.reports.xlsx import _save, _sheet

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
COLUMNS = [("value", "当月"), ("yoy", "同比（%）"), ("cumulative", "1月至当月累计"), ("cumulative_yoy", "累计同比（%）")]
TABLE_SERIES = [("output_value", "工业总产值（万元）"), ("revenue", "营业收入（万元）"), ("electricity", "用电量（万千瓦时）")]


def _d(text):
    return None if text is None else Decimal(text)


def table_header(first: str) -> list[str]:
    return [first, "报送企业数"] + [f"{label}{col}" for _, label in TABLE_SERIES for _, col in COLUMNS]


def table_row(line: dict) -> list:
    return [line["label"], line["reporting"]] + [_d(line[f"{k}__{s}"]) for s, _ in TABLE_SERIES for k, _ in COLUMNS]


def xlsx_bytes(row) -> bytes:
    f = row.figures
    book = Workbook()
    _sheet(book, "分析文字", ["段落", "内容"], [[title, text] for _, title, text in analysis.text_of(row)], [24, 100])
    widths = [22, 10] + [14] * (len(TABLE_SERIES) * len(COLUMNS))
    _sheet(book, "分区", table_header("区域"), [table_row(f["total"])] + [table_row(x) for x in f["districts"]], widths)
    _sheet(book, "分行业", table_header("行业"), [table_row(x) for x in f["industries"]], widths)
    _sheet(book, "重点企业", ["统一社会信用代码"] + table_header("企业") + ["纳入依据"],
           [[x["key"]] + table_row(x) + [x.get("why")] for x in f["key_enterprises"]], [22] + widths + [30])
    _sheet(book, "原材料价格", ["品种", "单位", "当月价格", "环比（%）"],
           [[p["label"], p["unit"], _d(p["price"]), _d(p["mom"])] for p in f["prices"]], [12, 10, 14, 12])
    _sheet(book, "近13个月", ["月份", "工业总产值（万元）", "同比（%）"],
           [[t["month"], _d(t["output_value"]), _d(t["yoy"])] for t in f["trend"]], [10, 18, 12])
    return _save(book)


def pdf_bytes(row, env) -> bytes:
    from weasyprint import HTML

    figures = charts.analysis(row.figures)
    svgs = echarts_svg.render([option for _, option in figures])
    html = env.get_template("monitoring/analysis_pdf.html").render(
        a=row, f=row.figures, sections=analysis.text_of(row), header=table_header, line=table_row,
        figures=[(fid, option["title"]["text"], svg) for (fid, option), svg in zip(figures, svgs)],
        generated=datetime.now(UTC).astimezone().strftime("%Y-%m-%d %H:%M"))
    return HTML(string=html, url_fetcher=_no_network).write_pdf()


RESUMPTION_HEADER = ["日期", "第几个工作日", "所在区", "应报企业数", "已报企业数", "已复工", "未复工", "复工率（%）"]


def resumption_rows(report, by: str = "districts") -> list[list]:
    """Per working day: the scope's total first, then each district (or industry); 复工率 empty
    when nobody reported."""
    out = []
    for d in report.days:
        for c in [d.total, *getattr(d, by)]:
            out.append([d.day, d.index, c.label, c.expected, c.reported, c.resumed, c.not_resumed, c.rate])
    return out


def resumption_xlsx(report) -> bytes:
    book = Workbook()
    _sheet(book, "分区复工情况", RESUMPTION_HEADER, resumption_rows(report), [12, 12, 16, 12, 12, 10, 10, 12])
    _sheet(book, "分行业复工情况", ["行业" if h == "所在区" else h for h in RESUMPTION_HEADER],
           resumption_rows(report, "industries"), [12, 12, 30, 12, 12, 10, 10, 12])
    third = report.third_day.isoformat() if report.third_day else "—"
    _sheet(book, "第3个工作日未复工企业", ["统一社会信用代码", "企业名称", "所在区", "行业", "日期"],
           [[x["uscc"], x["name"], x["district_label"], x["industry_label"], third] for x in report.not_resumed],
           [22, 36, 14, 30, 12])
    return _save(book)


PARK_SERIES = TABLE_SERIES + [("employees", "用工人数（人）")]


def _figures(line: dict) -> list:
    return [_d(line[f"{k}__{s}"]) for s, _ in PARK_SERIES for k, _ in COLUMNS]


def parks_xlsx(f: dict) -> bytes:
    """The parks table of zhida.monitoring.parks.figures_json (and the named park's enterprises)."""
    book = Workbook()
    series = [f"{label}{col}" for _, label in PARK_SERIES for _, col in COLUMNS]
    widths = [24, 10, 10] + [14] * len(series)
    _sheet(book, "分园区", ["园区", "所在区", "报送企业数"] + series,
           [[p["label"], p["region_label"], p["reporting"]] + _figures(p) for p in f["parks"]], widths)
    if "enterprises" in f:
        _sheet(book, "园区企业", ["统一社会信用代码", "企业"] + series,
               [[x["key"], x["label"]] + _figures(x) for x in f["enterprises"]], [22, 30] + [14] * len(series))
    return _save(book)
