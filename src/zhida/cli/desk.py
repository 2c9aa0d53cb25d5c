"""`zhida desk route` and `zhida desk answer`: the routing suggestion and the 政策咨询 draft answer
for a request's text, over ``zhida.desk.routing`` and ``zhida.desk.consult``; `zhida desk import`,
`export`, `figures` and `tick`: 12345 tickets in and results out, the monthly 三率, and the clock
(督办 of overdue steps, closing unrated answers)."""

from __future__ import annotations

import datetime as dt
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from zhida.cli import app
from zhida.cli.documents import _open

out = Console(highlight=False, soft_wrap=True)
desk_app = typer.Typer(help="企业服务台：诉求派单建议、政策咨询答复草稿、12345 工单导入导出、三率统计、督办。",
                        no_args_is_help=True)
app.add_typer(desk_app, name="desk")

Text = Annotated[str, typer.Argument(help="诉求内容（企业原话）")]
Json = Annotated[bool, typer.Option("--json", help="输出 JSON")]


@desk_app.command("route")
def route_command(text: Text, limit: Annotated[int, typer.Option("--limit", min=1, max=20, help="建议单位数")] = 5,
                  as_json: Json = False) -> None:
    """派单建议：承办单位（按分值排序）及各自的依据条款与原文摘录。"""
    from zhida.desk.routing import suggest

    store = _open()
    try:
        suggestion = suggest(store, text, limit=limit)
    finally:
        store.close()
    if as_json:
        sys.stdout.write(json.dumps(suggestion.to_json(), ensure_ascii=False, indent=2) + "\n")
        return
    if not suggestion.units:
        out.print("未找到可建议的承办单位（无相关条款，也未命中派单目录）。")
    for n, unit in enumerate(suggestion.units, 1):
        out.print(f"{n}. {unit.unit}（{unit.score:.0%}）" + (f" 派单目录：{'、'.join(unit.categories)}" if unit.categories else ""))
        for evidence in unit.evidence[:2]:
            out.print(f"   依据 {evidence.citation}：“{evidence.quote}”")


@desk_app.command("answer")
def answer_command(
    text: Text,
    uscc: Annotated[str | None, typer.Option("--uscc", help="企业统一社会信用代码：附该企业的政策体检结果")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="评估日 YYYY-MM-DD（默认今天）")] = None,
    as_json: Json = False,
) -> None:
    """政策咨询答复草稿：只由匹配条款的原文摘录（附出处）和该企业的体检结果组成，须经办人审核后发送。"""
    from zhida.desk.consult import answer
    from zhida.errors import ZhidaError

    try:
        day = dt.date.fromisoformat(as_of) if as_of else dt.date.today()
    except ValueError:
        raise ZhidaError("--as-of", f"{as_of} 不是有效日期（YYYY-MM-DD）") from None
    store = _open()
    try:
        draft = answer(store, text, uscc=uscc, as_of=day)
    finally:
        store.close()
    if as_json:
        sys.stdout.write(json.dumps(draft.to_json(), ensure_ascii=False, indent=2) + "\n")
        return
    out.print(draft.text)


@dataclass(frozen=True)
class _Console:
    """The command line acts as the administrator (audited as ``cli:desk``)."""

    user_id: int | None = None
    username: str = "cli:desk"
    role: str = "admin"
    units: tuple[str, ...] = ()
    uscc: str | None = None


def _instant(text: str | None) -> dt.datetime:
    from zhida.errors import ZhidaError

    if not text:
        return dt.datetime.now(dt.UTC)
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ZhidaError("--now", f"{text} 不是有效的时间（如 2026-12-01T09:00）") from None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


@desk_app.command("import")
def import_command(path: Annotated[Path, typer.Argument(help="12345 工单文件（逗号分隔文件或 JSON）", exists=True,
                                                        dir_okay=False)],
                   as_json: Json = False) -> None:
    """导入 12345 工单：有误行则整批不写入并列出拒收清单（退出码 2）；已导入的工单编号跳过。"""
    from zhida.desk import hotline

    rows = hotline.read(path.read_bytes(), path.name)
    store = _open()
    try:
        with store.transaction() as session:
            report = hotline.import_tickets(session, _Console(), rows, now=dt.datetime.now(dt.UTC))
    finally:
        store.close()
    if as_json:
        sys.stdout.write(json.dumps(report.to_json(), ensure_ascii=False, indent=2) + "\n")
    elif report.ok:
        out.print(f"共 {report.rows} 条：新增 {len(report.added)} 条，已导入过 {len(report.existing)} 条（按工单编号跳过）。")
    else:
        out.print(f"有 {len(report.rejects)} 处错误，整批未写入：")
        for x in report.rejects:
            out.print(f"  第 {x['row']} 行 {x['field']}：{x['reason']}")
    if not report.ok:
        raise typer.Exit(2)


@desk_app.command("export")
def export_command(month: Annotated[str | None, typer.Option("--month", help="月份 YYYY-MM（默认全部）")] = None,
                   fmt: Annotated[str, typer.Option("--format", help="csv 或 json")] = "csv",
                   output: Annotated[Path | None, typer.Option("--output", "-o", help="输出文件（默认标准输出）")] = None) -> None:
    """导出 12345 工单的办理结果（状态、承办单位、答复、引用条款、满意度、是否解决、办结时间）。"""
    from zhida.desk import hotline
    from zhida.errors import ZhidaError

    if fmt not in ("csv", "json"):
        raise ZhidaError("--format", "应为 csv 或 json")
    store = _open()
    try:
        with store.sessions() as session:
            rows = hotline.results(session, _Console(), month=month)
    finally:
        store.close()
    content = hotline.results_csv(rows) if fmt == "csv" else hotline.results_json(rows)
    if output:
        output.write_bytes(content)
        out.print(f"已导出 {len(rows)} 条到 {output}")
    else:
        sys.stdout.buffer.write(content)


@desk_app.command("figures")
def figures_command(month: Annotated[str, typer.Option("--month", help="月份 YYYY-MM")],
                    unit: Annotated[list[str] | None, typer.Option("--unit", help="只看这些单位（可重复）")] = None,
                    xlsx: Annotated[Path | None, typer.Option("--xlsx", help="同时导出 XLSX 到此文件")] = None,
                    as_json: Json = False) -> None:
    """每月接诉即办三率：各单位的响应率、解决率、满意率、超期件数、各环节平均用时与级别内排名。"""
    import re

    from zhida.desk import figures
    from zhida.errors import ZhidaError

    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month):
        raise ZhidaError("--month", f"{month} 不是 YYYY-MM")
    store = _open()
    try:
        with store.sessions() as session:
            lines = figures.monthly(session, [month], list(unit) if unit else None)
            if xlsx:
                from zhida.web.desk.reports import xlsx_bytes

                units = list(unit) if unit else None
                xlsx.write_bytes(xlsx_bytes({
                    "lines": lines, "categories": figures.monthly(session, [month], units, by_category=True),
                    "trend": figures.trend(session, units, figures.months_back(month, 12)),
                    "policy": figures.policy_feedback(session, figures.months_back(month, 12), units)}))
    finally:
        store.close()
    if as_json:
        sys.stdout.write(json.dumps([x.to_json() for x in lines], ensure_ascii=False, indent=2) + "\n")
        return
    def pct(v):
        return "—" if v is None else f"{v}%"

    for x in lines:
        out.print(f"{x.grade} 第{x.rank or '—'}名 {x.unit}：{x.total} 件，响应率 {pct(x.response_rate)}，"
                  f"解决率 {pct(x.solve_rate)}，满意率 {pct(x.satisfaction_rate)}，超期 {x.overdue} 件")
    if not lines:
        out.print(f"{month} 暂无数据。")


@desk_app.command("tick")
def tick_command(now: Annotated[str | None, typer.Option("--now", help="按此时刻计算（默认现在），如 2026-12-01T09:00")] = None) -> None:
    """时钟：超时的环节转督办单位督办（每个环节一次），逾期未评价的答复办结。"""
    from zhida.desk import requests

    store = _open()
    try:
        with store.transaction() as session:
            result = requests.tick(session, _instant(now))
    finally:
        store.close()
    out.print(f"督办 {len(result.escalated)} 件，逾期未评价办结 {len(result.fired)} 件。")
