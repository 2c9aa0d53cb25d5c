"""`zhida registries list|candidates|members|import|export`: the registries (企业库/名单) over
``zhida.registries`` — a candidate list by batch, who was on a list on a date, imports of lists
from other systems with their reject report, exports of a list and of the 梯度培育 figures."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from zhida.cli import app
from zhida.cli.documents import _open
from zhida.errors import ZhidaError

out = Console(highlight=False, soft_wrap=True)
reg_app = typer.Typer(help="企业库与名单：候选名单、成员、导入导出、梯度培育统计。", no_args_is_help=True)
app.add_typer(reg_app, name="registries")

Name = Annotated[str, typer.Argument(help="企业库名称，如 srdi-ladder（zhida registries list）")]
On = Annotated[str | None, typer.Option("--on", help="日期 YYYY-MM-DD（默认今天）")]
Json = Annotated[bool, typer.Option("--json", help="输出 JSON")]


def _day(text: str | None, where: str = "--on") -> dt.date:
    try:
        return dt.date.fromisoformat(text) if text else dt.date.today()
    except ValueError:
        raise ZhidaError(where, f"{text} 不是有效日期（YYYY-MM-DD）") from None


def _registry(name: str):
    from zhida.registries.definition import get

    return get(name)


@reg_app.command("list")
def list_command(on: On = None) -> None:
    """全部企业库：主管单位、层级、当日适用的认定标准版本。"""
    from zhida.registries.definition import registries

    day = _day(on)
    for reg in registries().values():
        tiers = "；".join(f"{t.label}（{c.version}版）" if (c := t.criteria_on(day)) else f"{t.label}（无适用标准）"
                         for t in reg.tiers)
        out.print(f"{reg.name}  {reg.label}  {reg.level_label}  {reg.unit}\n    {tiers}")


@reg_app.command("candidates")
def candidates_command(
    name: Name, on: On = None,
    input_path: Annotated[Path | None, typer.Option("--input", help="企业事实 Parquet（默认：库中全部企业）")] = None,
    engine: Annotated[str, typer.Option("--engine", help="duckdb | postgres | spark")] = "duckdb",
    postgres_url: Annotated[str | None, typer.Option("--postgres-url")] = None,
    propose: Annotated[bool, typer.Option("--propose", help="提交主管单位审核，并标记不再符合条件的成员")] = False,
    limit: Annotated[int, typer.Option("--limit", min=0, help="列出条数（0 = 只显示数量）")] = 20,
    as_json: Json = False,
) -> None:
    """候选名单：当日符合入库标准、尚未入库（或未到该层级）的企业，批量计算。"""
    from zhida.batch.engines import make_engine
    from zhida.matching.match import load_default_policies
    from zhida.registries import candidates, membership, service

    reg, day = _registry(name), _day(on)
    eng = make_engine(engine, postgres_url=postgres_url)
    store = _open()
    try:
        if propose:
            result = service.run(store, reg, day, actor="cli", engine=eng, facts=input_path)
            found = result.candidates
            out.print(f"已提交审核 {result.proposed} 家；动态管理提示 {result.flagged} 家")
        else:
            facts = input_path or service.population(store, day)
            with store.transaction() as s:
                members = membership.member_usccs(s, reg.name, day)
            found = candidates.compute(reg, day, facts, load_default_policies(), members, eng)
    finally:
        store.close()
    shown = found.first(limit)  # the smallest USCCs, in order (the list itself is not sorted)
    if as_json:
        rows = [{"uscc": c.uscc, "name": c.name, "region_code": c.region_code, "tier": c.tier,
                 "criteria_version": c.version, "pending": list(c.pending)} for c in shown]
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return
    out.print(f"{reg.label}：{day.isoformat()} 候选 {len(found)} 家")
    for c in shown:
        pending = f"（待认定：{'；'.join(c.pending)}）" if c.pending else ""
        out.print(f"  {c.uscc}  {c.name}  {reg.tier_label(c.tier)}{pending}")


@reg_app.command("members")
def members_command(name: Name, on: On = None,
                    tier: Annotated[str | None, typer.Option("--tier", help="层级或类别代码")] = None,
                    limit: Annotated[int, typer.Option("--limit", min=1)] = 50, as_json: Json = False) -> None:
    """某日在库的企业（按入库历史回答“某日谁在名单上”）。"""
    from zhida.registries import membership

    reg, day = _registry(name), _day(on)
    store = _open()
    try:
        with store.transaction() as s:
            total, rows = membership.members_on(s, reg.name, day, tier=tier, limit=limit)
            items = [{"uscc": m.uscc, "name": m.name, "tier": m.tier, "valid_from": m.valid_from.isoformat(),
                      "valid_to": m.valid_to.isoformat() if m.valid_to else None, "way": m.way} for m in rows]
    finally:
        store.close()
    if as_json:
        sys.stdout.write(json.dumps({"total": total, "members": items}, ensure_ascii=False, indent=2) + "\n")
        return
    out.print(f"{reg.label}：{day.isoformat()} 在库 {total} 家")
    for m in items:
        out.print(f"  {m['uscc']}  {m['name']}  {reg.tier_label(m['tier'])}  {m['valid_from']} 至 {m['valid_to'] or '—'}")


@reg_app.command("import")
def import_command(name: Name, file: Annotated[Path, typer.Argument(help="名单 XLSX：统一社会信用代码、企业名称、层级、入库日期、有效期至")],
                   default_from: Annotated[str | None, typer.Option("--from", help="文件未写入库日期时的入库日期")] = None,
                   rejects: Annotated[Path | None, typer.Option("--rejects", help="未导入行报告 XLSX")] = None) -> None:
    """导入其他系统的名单（如国家级“小巨人”名单）；重复导入不重复入库。"""
    from zhida.registries import imports

    reg = _registry(name)
    if not file.is_file():
        raise ZhidaError(str(file), "文件不存在")
    store = _open()
    try:
        with store.transaction() as s:
            result = imports.import_xlsx(s, reg, file.read_bytes(), source_name=file.name,
                                         default_from=_day(default_from, "--from"), actor="cli")
    finally:
        store.close()
    out.print(f"新入库 {result.added} 家，已在库未变 {result.unchanged} 家，未导入 {len(result.rejects)} 行")
    for r in result.rejects[:20]:
        out.print(f"  第{r['row']}行 {r['uscc']}：{r['reason']}")
    if rejects is not None:
        rejects.write_bytes(imports.reject_report(result))
        out.print(f"未导入行报告：{rejects}")


@reg_app.command("export")
def export_command(name: Name, output: Annotated[Path, typer.Option("-o", "--output", help="输出 XLSX")], on: On = None,
                   figures_: Annotated[bool, typer.Option("--figures", help="导出梯度培育统计（否则导出名单）")] = False) -> None:
    """导出某日的名单（可再导入），或梯度培育统计（层级、趋势、分区、分行业、转化、目标）。"""
    from zhida.registries import figures, imports, membership

    reg, day = _registry(name), _day(on)
    store = _open()
    try:
        with store.transaction() as s:
            if figures_:
                data = figures.xlsx(reg, figures.figures(s, reg, day))
            else:
                data = imports.members_xlsx(reg, membership.members_on(s, reg.name, day)[1], day)
    finally:
        store.close()
    output.write_bytes(data)
    out.print(f"已写入 {output}")
