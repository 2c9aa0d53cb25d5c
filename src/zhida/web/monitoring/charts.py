"""ECharts options of 运行监测 figures (zhida.monitoring.analysis.build_figures data): the pages
hand them to echarts in the browser (data-kind="option"), the PDF renders the very same options
to SVG (zhida.web.reports.echarts_svg)."""

from __future__ import annotations

FONT = {"fontFamily": "Noto Sans CJK SC, WenQuanYi Micro Hei, sans-serif"}


def _num(text):
    return text  # decimal text: ECharts reads numeric strings, so no float is ever made here


def _title(text: str) -> dict:
    return {"text": text, "left": "center", "textStyle": {"fontSize": 14}}


def by_district(f: dict) -> dict:
    rows = f["districts"][:16]
    return {"title": _title(f"分区：当月工业总产值与同比（{f['month']}）"), "textStyle": FONT,
            "tooltip": {"trigger": "axis"}, "legend": {"bottom": 0},
            "grid": {"top": 40, "bottom": 70, "left": 60, "right": 50, "containLabel": True},
            "xAxis": {"type": "category", "data": [r["label"] for r in rows], "axisLabel": {"rotate": 30, "interval": 0}},
            "yAxis": [{"type": "value", "name": "万元"}, {"type": "value", "name": "同比%"}],
            "series": [{"name": "工业总产值（万元）", "type": "bar", "data": [_num(r["value__output_value"]) for r in rows]},
                       {"name": "同比（%）", "type": "line", "yAxisIndex": 1,
                        "data": [_num(r["yoy__output_value"]) for r in rows]}]}


def by_industry(f: dict) -> dict:
    rows = list(reversed(f["industries"][:10]))
    return {"title": _title("分行业：当月工业总产值（前十）"), "textStyle": FONT, "tooltip": {"trigger": "axis"},
            "grid": {"top": 40, "bottom": 30, "left": 10, "right": 40, "containLabel": True},
            "xAxis": {"type": "value", "name": "万元"},
            "yAxis": {"type": "category", "data": [r["label"] for r in rows],
                      "axisLabel": {"width": 160, "overflow": "truncate"}},
            "series": [{"name": "工业总产值（万元）", "type": "bar", "data": [_num(r["value__output_value"]) for r in rows]}]}


def by_park(f: dict) -> dict:
    """产值 per named park (zhida.monitoring.parks.figures_json), the largest first."""
    rows = [r for r in f["parks"] if r["park"]][:20]
    label = (lambda r: r["label"]) if f["scope"] else (lambda r: f"{r['label']}（{r['region_label']}）")
    return {"title": _title(f"分园区：当月工业总产值（{f['month']}）"), "textStyle": FONT,
            "tooltip": {"trigger": "axis"}, "legend": {"bottom": 0},
            "grid": {"top": 40, "bottom": 70, "left": 60, "right": 50, "containLabel": True},
            "xAxis": {"type": "category", "data": [label(r) for r in rows], "axisLabel": {"rotate": 30, "interval": 0}},
            "yAxis": [{"type": "value", "name": "万元"}, {"type": "value", "name": "同比%"}],
            "series": [{"name": "工业总产值（万元）", "type": "bar", "data": [_num(r["value__output_value"]) for r in rows]},
                       {"name": "同比（%）", "type": "line", "yAxisIndex": 1,
                        "data": [_num(r["yoy__output_value"]) for r in rows]}]}


def trend(f: dict) -> dict:
    points = f["trend"]
    return {"title": _title("近13个月工业总产值与同比"), "textStyle": FONT, "tooltip": {"trigger": "axis"},
            "legend": {"bottom": 0}, "grid": {"top": 40, "bottom": 50, "left": 60, "right": 50, "containLabel": True},
            "xAxis": {"type": "category", "data": [p["month"] for p in points]},
            "yAxis": [{"type": "value", "name": "万元"}, {"type": "value", "name": "同比%"}],
            "series": [{"name": "工业总产值（万元）", "type": "bar", "data": [_num(p["output_value"]) for p in points]},
                       {"name": "同比（%）", "type": "line", "yAxisIndex": 1, "data": [_num(p["yoy"]) for p in points]}]}


def prices(f: dict) -> dict | None:
    if not f["prices"]:
        return None
    months = sorted({p["month"] for c in f["prices"] for p in c["points"]})
    series = []
    for c in f["prices"]:
        by_month = {p["month"]: _num(p["price"]) for p in c["points"]}
        series.append({"name": c["label"], "type": "line", "data": [by_month.get(m) for m in months]})
    return {"title": _title("原材料价格走势（元/吨）"), "textStyle": FONT, "tooltip": {"trigger": "axis"},
            "legend": {"bottom": 0}, "grid": {"top": 40, "bottom": 50, "left": 60, "right": 30, "containLabel": True},
            "xAxis": {"type": "category", "data": months}, "yAxis": {"type": "value", "name": "元/吨"},
            "series": series}


def enterprise(rows: list, uscc: str) -> dict:
    months = [r.month for r in rows]
    return {"title": _title("月度工业总产值、营业收入与用电量"), "textStyle": FONT, "tooltip": {"trigger": "axis"},
            "legend": {"bottom": 0}, "grid": {"top": 40, "bottom": 50, "left": 60, "right": 60, "containLabel": True},
            "xAxis": {"type": "category", "data": months},
            "yAxis": [{"type": "value", "name": "万元"}, {"type": "value", "name": "万千瓦时"}],
            "series": [{"name": "工业总产值（万元）", "type": "line", "data": [_num(_s(r.output_value)) for r in rows]},
                       {"name": "营业收入（万元）", "type": "line", "data": [_num(_s(r.revenue)) for r in rows]},
                       {"name": "用电量（万千瓦时）", "type": "bar", "yAxisIndex": 1,
                        "data": [_num(_s(r.electricity)) for r in rows]}]}


def _s(v):
    return None if v is None else str(v)


def analysis(f: dict) -> list[tuple[str, dict]]:
    """(id, option) of every figure of the analysis, in order."""
    out = [("trend", trend(f)), ("districts", by_district(f)), ("industries", by_industry(f))]
    p = prices(f)
    if p:
        out.append(("prices", p))
    return out


def resumption(report) -> dict:
    """复工率 (%) over the holiday's working days: the scope's total and, city-wide, each district."""
    days = [f"{d.day.isoformat()}（第{d.index}个工作日）" for d in report.days]
    series = [{"name": "合计", "type": "line", "data": [_s(d.total.rate) for d in report.days]}]
    if not report.scope:
        keys = sorted({c.key for d in report.days for c in d.districts})
        for key in keys:
            points = [next((c for c in d.districts if c.key == key), None) for d in report.days]
            label = next(c.label for c in points if c is not None)
            series.append({"name": label, "type": "line", "data": [_s(c.rate) if c else None for c in points]})
    return {"title": _title(f"{report.holiday.label}后复工率"), "textStyle": FONT, "tooltip": {"trigger": "axis"},
            "legend": {"bottom": 0, "type": "scroll"},
            "grid": {"top": 40, "bottom": 50, "left": 50, "right": 30, "containLabel": True},
            "xAxis": {"type": "category", "data": days},
            "yAxis": {"type": "value", "name": "复工率%", "min": 0, "max": 100},
            "series": series}
