"""`zhida desk route` and `zhida desk answer`: the routing suggestion and the 政策咨询 draft answer
for a request's text, over ``zhida.desk.routing`` and ``zhida.desk.consult``."""

from __future__ import annotations

import datetime as dt
import json
import sys
from typing import Annotated

import typer
from rich.console import Console

from zhida.cli import app
from zhida.cli.documents import _open

out = Console(highlight=False, soft_wrap=True)
desk_app = typer.Typer(help="企业服务台：诉求派单建议、政策咨询答复草稿。", no_args_is_help=True)
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
