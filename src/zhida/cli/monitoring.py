"""`zhida monitoring import|alerts|close|evaluate`: 运行监测 over ``zhida.monitoring`` — statistics
files in (all or nothing, with a reject report), the month's alert run (handed to the service desk),
closing an alert with a note, and the 亩均 grading of a year."""

from __future__ import annotations

import datetime as dt
import getpass
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from zhida.cli import app
from zhida.cli.documents import _open
from zhida.errors import ZhidaError

out = Console(highlight=False, soft_wrap=True)
mon_app = typer.Typer(help="运行监测：指标导入、预警、亩均评价。", no_args_is_help=True)
app.add_typer(mon_app, name="monitoring")


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # no user name in some containers
        return "cli"


@mon_app.command("import")
def import_command(file: Annotated[Path, typer.Argument(help="统计文件 CSV/XLSX：统一社会信用代码、月份、工业总产值…；或 统一社会信用代码、日期、开复工")],
                   rejects: Annotated[Path | None, typer.Option("--rejects", help="写出未通过校验的行（文本）")] = None) -> None:
    """导入统计文件：任何一行有误则整份不导入并列出原因；重复导入不改变任何数据。"""
    from zhida.monitoring.indicators import import_file, reject_report

    if not file.is_file():
        raise ZhidaError("file", f"找不到文件 {file}")
    store = _open()
    with store.sessions.begin() as session:
        result = import_file(session, file.read_bytes(), source_name=file.name, actor=_actor())
    if result.rejects:
        report = reject_report(result)
        if rejects is not None:
            rejects.write_text(report + "\n", encoding="utf-8")
        out.print(f"未导入：{len(result.rejects)} 行有误，整份文件未写入")
        out.print("\n".join(report.splitlines()[:20]))
        sys.exit(1)
    kind = "指标" if result.kind == "indicators" else "开复工"
    out.print(f"{kind}：新增 {result.added} 行，更新 {result.changed} 行，未变 {result.unchanged} 行")


@mon_app.command("alerts")
def alerts_command(month: Annotated[str, typer.Option("--month", help="月份 YYYY-MM")],
                   no_desk: Annotated[bool, typer.Option("--no-desk", help="只记录预警，不转为诉求")] = False) -> None:
    """按预警规则评估某月全部企业；新预警转为诉求交承办单位（重复运行不重复预警）；诉求已反馈的预警随之办结。"""
    from zhida.monitoring import alerts

    store = _open()
    with store.sessions.begin() as session:
        followed = alerts.follow_desk(session)
        result = alerts.run(session, month, actor=_actor(), to_desk=not no_desk)
        lines = [f"{a.id}  {a.uscc}  {a.label}  → {a.unit}" + (f"  诉求 {a.request_id}" if a.request_id else "")
                 for a in result.alerts]
    if followed:
        out.print(f"诉求已反馈，预警随之办结：{len(followed)} 条")
    out.print(f"{result.month}：触发 {result.fired} 条（新增 {result.new} 条），无法判断 {result.undetermined} 条")
    for line in lines:
        out.print(line)


@mon_app.command("close")
def close_command(alert_id: Annotated[int, typer.Argument(help="预警编号")],
                  note: Annotated[str, typer.Option("--note", help="办结说明")]) -> None:
    """办结一条预警并写明说明。"""
    from zhida.monitoring import alerts

    store = _open()
    with store.sessions.begin() as session:
        alert = alerts.close(session, alert_id, note, actor=_actor(), units=None, now=dt.datetime.now(dt.UTC))
        out.print(f"预警 {alert.id} 已办结")


@mon_app.command("evaluate")
def evaluate_command(file: Annotated[Path, typer.Argument(help="年度数据 CSV/XLSX：统一社会信用代码、所在区、行业代码、用地面积、税收、营业收入、工业增加值、综合能耗、排放当量、年平均职工人数、研发经费")],
                     year: Annotated[int, typer.Option("--year", help="评价年度")]) -> None:
    """亩均效益综合评价：按 policies/monitoring/mu_evaluation.yaml 计算得分并分档，记为该年度的事实。"""
    from collections import Counter

    from zhida.monitoring import evaluation
    from zhida.monitoring.indicators import reject_report

    if not file.is_file():
        raise ZhidaError("file", f"找不到文件 {file}")
    method = evaluation.load_method()
    rows, rejects = evaluation.read_inputs(file.read_bytes(), file.name)
    if rejects:
        out.print(f"未评价：{len(rejects)} 行有误，整份文件未写入")
        out.print("\n".join(reject_report(rejects).splitlines()[:20]))
        sys.exit(1)
    scored = evaluation.grade(method, rows)
    store = _open()
    with store.sessions.begin() as session:
        counts = evaluation.store(session, year, method, scored, actor=_actor())
    grades = Counter(s.grade or "待补数据" for s in scored)
    out.print(f"{year} 年 {method.label}：新增 {counts['added']}，更新 {counts['changed']}，未变 {counts['unchanged']}")
    out.print("  ".join(f"{g}：{grades[g]}" for g in ("A", "B", "C", "D", "待补数据") if grades[g]))


@mon_app.command("prices")
def prices_command(file: Annotated[Path, typer.Argument(help="价格文件 CSV/XLSX：品种（煤炭、铁矿石、钢铁、化肥）、月份、价格")],
                   rejects: Annotated[Path | None, typer.Option("--rejects", help="写出未通过校验的行（文本）")] = None) -> None:
    """导入原材料价格：任何一行有误则整份不导入并列出原因；重复导入不改变任何数据。"""
    from zhida.monitoring import prices
    from zhida.monitoring.indicators import reject_report

    if not file.is_file():
        raise ZhidaError("file", f"找不到文件 {file}")
    store = _open()
    with store.sessions.begin() as session:
        result = prices.import_file(session, file.read_bytes(), source_name=file.name, actor=_actor())
    if result.rejects:
        report = reject_report(result)
        if rejects is not None:
            rejects.write_text(report + "\n", encoding="utf-8")
        out.print(f"未导入：{len(result.rejects)} 行有误，整份文件未写入")
        out.print("\n".join(report.splitlines()[:20]))
        sys.exit(1)
    out.print(f"价格：新增 {result.added} 行，更新 {result.changed} 行，未变 {result.unchanged} 行")


@mon_app.command("analysis")
def analysis_command(month: Annotated[str, typer.Option("--month", help="月份 YYYY-MM")],
                     region: Annotated[str, typer.Option("--region", help="区代码；不填为全市")] = "") -> None:
    """生成（或在草稿时重新生成）某月工业经济运行分析；文字在网页上修改后发布。"""
    from zhida.monitoring import analysis

    person = alerts_actor()
    store = _open()
    with store.sessions.begin() as session:
        row = analysis.generate(session, person, month, region, now=dt.datetime.now(dt.UTC))
        out.print(f"运行分析 {row.id}（{row.month}，{row.figures['scope_label']}）：{analysis.FLOW.label_of(row.state)}；"
                  f"网页 /monitoring/analyses/{row.id}")


def alerts_actor():
    """The command line acts as the administrator (it runs on the server, by its operator)."""
    from zhida.monitoring.alerts import DeskActor

    return DeskActor(None, _actor(), "admin", ())
