"""`zhida projects …` and `zhida finance …`: the project library (import, list, 首谈 clock, the
agency reward of one project, parcels that fit one project) and 融资对接 (products from a file,
matches of one need), over zhida.projects and zhida.finance. The command line acts as the
administrator (audited as ``cli:projects``)."""

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
projects_app = typer.Typer(help="高精尖产业项目库：导入、首谈时限检查、第三方机构奖励判断、地等项目、产业地图。",
                           no_args_is_help=True)
finance_app = typer.Typer(help="融资对接：金融产品导入、融资需求匹配（含理由）、统计。", no_args_is_help=True)
app.add_typer(projects_app, name="projects")
app.add_typer(finance_app, name="finance")
Json = Annotated[bool, typer.Option("--json", help="输出 JSON")]
File = Annotated[Path, typer.Argument(help="文件（逗号分隔 .csv 或 .xlsx；产品为 .json/.yaml）", exists=True, dir_okay=False)]


@dataclass(frozen=True)
class _Console:
    user_id: int | None = None
    username: str = "cli:projects"
    role: str = "admin"
    units: tuple[str, ...] = ()
    uscc: str | None = None
    region: str | None = None


def _print(data) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def _report(report, as_json: bool) -> None:
    if as_json:
        _print(report.to_json())
    else:
        out.print(f"新增 {report.created}，更新 {report.updated}，未变 {report.unchanged}，拒绝 {len(report.rejected)}")
        for x in report.rejected:
            out.print(f"  第 {x['row']} 行 {x['field']}：{x['reason']}")
    if report.rejected:
        raise typer.Exit(2)


def _import(path: Path, kind: str, as_json: bool) -> None:
    from zhida.projects import imports

    rows = imports.read(path.read_bytes(), path.name)
    run = imports.import_projects if kind == "projects" else imports.import_parcels
    store = _open()
    try:
        with store.transaction() as session:
            report = run(session, _Console(), rows, now=dt.datetime.now(dt.UTC))
    finally:
        store.close()
    _report(report, as_json)


@projects_app.command("import")
def import_command(path: File, as_json: Json = False) -> None:
    """导入项目：按项目编号幂等（再次导入同一文件不改变任何数据），有误的行列入拒绝清单（退出码 2），其余行写入。"""
    _import(path, "projects", as_json)


@projects_app.command("import-parcels")
def import_parcels_command(path: File, as_json: Json = False) -> None:
    """导入地块与楼宇（产业地图）：按地块编号幂等，含拒绝清单。"""
    _import(path, "parcels", as_json)


@projects_app.command("list")
def list_command(region: Annotated[str | None, typer.Option("--region", help="区（代码或名称）")] = None,
                 flagged: Annotated[bool, typer.Option("--flagged", help="只列超过3个月待统筹的首谈项目")] = False,
                 limit: Annotated[int, typer.Option("--limit", min=1, max=1000)] = 50, as_json: Json = False) -> None:
    """列出项目（编号、名称、所在区、阶段、首谈状态）。"""
    from zhida.web.projects.api import list_projects

    store = _open()
    try:
        with store.sessions() as session:
            data = list_projects(session, _Console(), region=region, flagged=flagged, per_page=limit)
    finally:
        store.close()
    if as_json:
        _print(data)
        return
    for p in data["items"]:
        out.print(f"{p['code']}  {p['name']}  {p['region']}  {p['stage_label']}  {p['shoutan_label'] or ''}"
                  + ("  超过3个月" if p["shoutan_flagged"] else ""))


@projects_app.command("tick")
def tick_command(now: Annotated[str | None, typer.Option("--now", help="按此时刻检查（默认现在），如 2026-04-16T00:00")] = None,
                 as_json: Json = False) -> None:
    """首谈时限：洽谈超过3个月（日历月）仍无实质性进展的项目标记并通知市产业主管部门。"""
    from zhida.projects import shoutan

    store = _open()
    try:
        with store.transaction() as session:
            flagged = [(p.id, p.name) for p in shoutan.check(session, _instant(now))]
    finally:
        store.close()
    if as_json:
        _print([{"id": i, "name": n} for i, n in flagged])
    else:
        out.print(f"新标记 {len(flagged)} 个项目" + "".join(f"\n  {i} {n}" for i, n in flagged))


@projects_app.command("agency-reward")
def agency_command(project_id: Annotated[int, typer.Argument(help="项目编号（内部编号）")],
                   as_of: Annotated[str | None, typer.Option("--as-of", help="评估日 YYYY-MM-DD")] = None,
                   as_json: Json = False) -> None:
    """001 第十五条 第三方机构奖励：按项目记录逐条判断。"""
    from zhida.projects import agency, library

    store = _open()
    try:
        with store.sessions() as session:
            data = agency.to_json(library.get(session, _Console(), project_id),
                                  dt.date.fromisoformat(as_of) if as_of else dt.date.today())
    finally:
        store.close()
    if as_json:
        _print(data)
        return
    out.print(f"{data['title']}：{data['status']}")
    for c in data["conditions"]:
        out.print(f"  {c['reason']}")


@projects_app.command("parcels")
def parcels_command(project_id: Annotated[int, typer.Argument(help="项目编号（内部编号）")], as_json: Json = False) -> None:
    """地等项目：项目符合准入标准的地块，逐条理由。"""
    from zhida.projects import library, parcels

    store = _open()
    try:
        with store.sessions() as session:
            data = parcels.for_project(session, library.get(session, _Console(), project_id), dt.date.today())
    finally:
        store.close()
    if as_json:
        _print(data)
        return
    for v in data:
        out.print(f"{v['parcel']['code']} {v['parcel']['name']}（{v['parcel']['region']}）：{v['status']}")
        for c in v["conditions"]:
            out.print(f"  {c['reason']}")


@finance_app.command("import-products")
def products_command(path: File, as_json: Json = False) -> None:
    """导入金融产品（JSON 或 YAML 列表，字段同 API），按产品编号幂等。"""
    import yaml

    from zhida.finance import products
    from zhida.projects.imports import Report

    rows = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    report = Report()
    store = _open()
    try:
        with store.transaction() as session:
            for number, row in enumerate(rows, 1):
                try:
                    with session.begin_nested():
                        _, created = products.save(session, _Console(), row, now=dt.datetime.now(dt.UTC))
                        report.created += created
                        report.updated += 0 if created else 1
                except Exception as exc:  # noqa: BLE001 - ZhidaError and NotAllowed alike go to the report
                    report.rejected.append({"row": number, "field": getattr(exc, "where", ""),
                                            "reason": getattr(exc, "reason", str(exc))})
    finally:
        store.close()
    _report(report, as_json)


@finance_app.command("match")
def match_command(need_id: Annotated[int, typer.Argument(help="融资需求编号")],
                  as_json: Json = False) -> None:
    """一个融资需求匹配的金融产品，逐条理由。"""
    from zhida.finance import matching, needs

    store = _open()
    try:
        with store.sessions() as session:
            data = matching.products_for_need(session, needs.get(session, _Console(), need_id), dt.date.today(),
                                              include_ineligible=True)
    finally:
        store.close()
    if as_json:
        _print(data)
        return
    for m in data:
        out.print(f"{m['product']}（{m['lender']}）：{m['status_label']}")
        for c in m["conditions"]:
            out.print(f"  {c['reason']}")


@finance_app.command("figures")
def figures_command(as_json: Json = True) -> None:
    """融资对接统计：按产品、按区。"""
    from zhida.finance import figures

    store = _open()
    try:
        with store.sessions() as session:
            _print({"by_product": figures.by_product(session), "by_district": figures.by_district(session)})
    finally:
        store.close()
