"""`zhida tasks`: 督办 from the command line — draft a document's tasks (or preview the drafts of a
file), list them, report progress for a unit with evidence, export the monthly report (XLSX / PDF),
and let the clock act (open the cycle, escalate late reports and overdue tasks) — over
``zhida.supervision``. The command line acts as the supervising office (audited as ``cli:tasks``);
``report`` acts as the named unit."""

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
from zhida.cli.desk import _instant
from zhida.cli.documents import _open

out = Console(highlight=False, soft_wrap=True)
tasks_app = typer.Typer(help="督办：从文件起草任务、报送进展、导出督办月报、时钟督办。", no_args_is_help=True)
app.add_typer(tasks_app, name="tasks")
Json = Annotated[bool, typer.Option("--json", help="输出 JSON")]


@dataclass(frozen=True)
class _Console:
    user_id: int | None = None
    username: str = "cli:tasks"
    role: str = "admin"
    units: tuple[str, ...] = ()


@tasks_app.command("draft")
def draft_command(
    documents: Annotated[list[str], typer.Argument(help="已入库文件的键；--dry-run 时为文件路径")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只解析文件并列出草稿，不写入")] = False,
    as_json: Json = False,
) -> None:
    """起草任务：每个含责任单位的条款（或以单位为主语的句子）一项，附牵头/配合单位、期限、量化目标与原文。"""
    from zhida.supervision.draft import draft_document
    from zhida.supervision.source import from_parsed

    if dry_run:
        from zhida.documents.pipeline import parse_file

        drafts = [d for path in documents for d in draft_document(from_parsed(Path(path).stem, parse_file(path)))]
        if as_json:
            sys.stdout.write(json.dumps([d.to_json() for d in drafts], ensure_ascii=False, indent=2) + "\n")
            return
        for d in drafts:
            lead = "、".join(d.lead) + ("（推定）" if d.lead_inferred else "")
            targets = "；".join(t.text for t in d.targets)
            out.print(f"{d.citation} {d.title}\n  牵头：{lead}；配合：{'、'.join(d.support) or '—'}；"
                      f"期限：{d.deadline or '未定'}（{d.deadline_basis}）" + (f"；目标：{targets}" if targets else ""))
        return
    from zhida.supervision import tasks

    store = _open()
    try:
        with store.transaction() as session:
            made = {key: tasks.draft_stored(session, key, actor="cli:tasks", actor_id=None,
                                            now=dt.datetime.now(dt.UTC)) for key in documents}
    finally:
        store.close()
    if as_json:
        sys.stdout.write(json.dumps({k: [t.id for t in v] for k, v in made.items()}, ensure_ascii=False) + "\n")
        return
    for key, created in made.items():
        out.print(f"{key}：新起草 {len(created)} 项任务（已起草的不重复）")


@tasks_app.command("list")
def list_command(document: Annotated[str | None, typer.Option("--document", help="文件键")] = None,
                 unit: Annotated[str | None, typer.Option("--unit", help="单位")] = None,
                 now: Annotated[str | None, typer.Option("--now", help="按此时刻着色（默认现在）")] = None,
                 as_json: Json = False) -> None:
    """任务清单（状态颜色、牵头单位、期限、本期进展）。"""
    from zhida.supervision import views

    store = _open()
    try:
        with store.transaction() as session:
            rows = views.rows(session, _Console(), _instant(now), document=document, unit=unit)
            items = [{"id": r.task.id, "title": r.task.title, "citation": r.task.draft.get("citation"),
                      "state": r.state_label, "colour": r.status.label, "lead": r.lead, "support": r.support,
                      "deadline": r.task.deadline.isoformat() if r.task.deadline else None,
                      "progress": r.progress_label} for r in rows]
    finally:
        store.close()
    if as_json:
        sys.stdout.write(json.dumps(items, ensure_ascii=False, indent=2) + "\n")
        return
    for i in items:
        out.print(f"{i['id']:>5} [{i['colour']}] {i['title']} — 牵头 {'、'.join(i['lead'])}；期限 {i['deadline'] or '未定'}；"
                  f"{i['state']}{('；' + i['progress']) if i['progress'] else ''}")


@tasks_app.command("confirm")
def confirm_command(task_ids: Annotated[list[int], typer.Argument(help="任务编号")]) -> None:
    """确认任务草稿（督查室）：任务进入推进中，按期限督办。"""
    from zhida.supervision import tasks

    store = _open()
    try:
        with store.transaction() as session:
            for task_id in task_ids:
                tasks.confirm(session, _Console(), task_id, now=dt.datetime.now(dt.UTC))
    finally:
        store.close()
    out.print(f"已确认 {len(task_ids)} 项任务")


@tasks_app.command("report")
def report_command(
    task_id: Annotated[int, typer.Argument(help="任务编号")],
    unit: Annotated[str, typer.Option("--unit", help="报送单位（须为任务的牵头或配合单位）")],
    status: Annotated[str, typer.Option("--status", help="completed 已完成 / on_track 按进度推进 / behind 滞后 / not_started 未启动")],
    narrative: Annotated[str, typer.Option("--narrative", help="进展情况")],
    figure: Annotated[list[str] | None, typer.Option("--figure", help="完成数：目标序号=数值，如 0=12")] = None,
    evidence: Annotated[list[Path] | None, typer.Option("--evidence", help="佐证材料文件", exists=True, dir_okay=False)] = None,
    cycle: Annotated[str | None, typer.Option("--cycle", help="报告周期（默认待报送的最早一期或本期）")] = None,
    now: Annotated[str | None, typer.Option("--now", help="报送时刻（默认现在）")] = None,
) -> None:
    """以单位身份报送一项任务的进展（一次写入：报告、完成数、佐证材料）。"""
    from zhida.errors import ZhidaError
    from zhida.supervision import reports
    from zhida.supervision.evidence import Upload

    figures = []
    for item in figure or []:
        index, _, value = item.partition("=")
        if not index.strip().isdigit() or not value.strip():
            raise ZhidaError("--figure", f"“{item}”应写作 目标序号=数值，如 0=12")
        figures.append({"target": int(index), "value": value.strip()})
    uploads = [Upload(p.name, p.read_bytes()) for p in evidence or []]
    person = _Console(username=f"cli:tasks:{unit}", role="staff", units=(unit,))
    store = _open()
    try:
        with store.transaction() as session:
            made = reports.submit(session, person, task_id, now=_instant(now), status=status, narrative=narrative,
                                  unit=unit, cycle=cycle, figures=figures, uploads=uploads)
            out.print(f"已报送：任务 {task_id}，{made.unit}，{made.cycle}，{reports.STATUSES[made.status]}"
                      f"{'' if made.on_time else '（逾期报送）'}")
    finally:
        store.close()


@tasks_app.command("export")
def export_command(
    target: Annotated[Path, typer.Argument(help="输出文件（.xlsx 或 .pdf）", dir_okay=False)],
    cycle: Annotated[str | None, typer.Option("--cycle", help="报告周期，如 2026-11（默认上个月）")] = None,
    document: Annotated[str | None, typer.Option("--document", help="只导出此文件的任务")] = None,
    unit: Annotated[str | None, typer.Option("--unit", help="只导出此单位承担的任务")] = None,
    now: Annotated[str | None, typer.Option("--now", help="按此时刻着色（默认现在）")] = None,
) -> None:
    """督办月报：按文件、按单位或全部，XLSX 或 A4 PDF。"""
    from zhida.errors import ZhidaError
    from zhida.supervision import cycles, export
    from zhida.web.supervision import reports as rendering

    suffix = target.suffix.lower()
    if suffix not in (".xlsx", ".pdf"):
        raise ZhidaError("target", "输出文件的扩展名应为 .xlsx 或 .pdf")
    instant = _instant(now)
    cycle = cycles.check(cycle) if cycle else cycles.previous("month", instant)
    store = _open()
    try:
        with store.transaction() as session:
            found = export.monthly(session, _Console(), instant, cycle, document=document, unit=unit)
    finally:
        store.close()
    target.write_bytes(rendering.xlsx_bytes(found) if suffix == ".xlsx" else rendering.pdf_bytes(found))
    out.print(f"督办月报（{found['scope']}，{cycle}）：{found['total']} 项任务 → {target}")


@tasks_app.command("tick")
def tick_command(now: Annotated[str | None, typer.Option("--now", help="按此时刻计算（默认现在），如 2026-12-01T09:00")] = None) -> None:
    """时钟：开启上一周期的报告，逾期未报送的报告与过期未完成的任务转督查室督办并通知单位。"""
    from zhida.supervision import reports

    store = _open()
    try:
        with store.transaction() as session:
            result = reports.tick(session, _instant(now))
    finally:
        store.close()
    out.print(f"开启报告 {result['opened']} 份；逾期报告督办 {result['late_reports']} 份；逾期任务督办 {result['late_tasks']} 项")
