"""`zhida drafts`: drafted rules from the command line — draft the measures of stored documents
(or preview a file's), show them, and move published rules between the store and measure files
(``export`` / ``import``: lossless, the files stay the reviewed source) — over ``zhida.drafting``."""

from __future__ import annotations

import json
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from zhida.cli import app
from zhida.cli.documents import _open

out = Console(highlight=False, soft_wrap=True)
drafts_app = typer.Typer(help="措施草稿：从文件起草措施、查看草稿、导入导出已发布措施。", no_args_is_help=True)
app.add_typer(drafts_app, name="drafts")
Json = Annotated[bool, typer.Option("--json", help="输出 JSON")]


def _now() -> datetime:
    return datetime.now(timezone.utc)


@drafts_app.command("make")
def make_command(
    documents: Annotated[list[str] | None, typer.Argument(help="已入库文件的键（省略：所有尚无草稿的文件）；--file 时为文件路径")] = None,
    file: Annotated[bool, typer.Option("--file", help="只解析文件并输出草稿 YAML，不写入")] = False,
) -> None:
    """起草措施：每个给予优惠的句子一条草稿（受益对象、条件、金额、期限、地域、责任单位与原文）。"""
    from zhida.drafting import drafts, source, yamlform
    from zhida.drafting.draft import draft_document
    from zhida.rules import load_policies

    policies = load_policies()
    if file:
        from zhida.documents.pipeline import parse_file

        for path in documents or []:
            found = draft_document(source.from_parsed(Path(path).stem, parse_file(path)), policies)
            sys.stdout.write(yamlform.file_text(Path(path).stem, [yamlform.as_item(yamlform.dump_measure(d.measure))
                                                                  for d in found]))
        return
    draft_keys(documents or None, policies)


def draft_keys(keys: list[str] | None, policies=None) -> None:
    """Draft the current versions of ``keys`` (None: every stored document), one transaction each."""
    from zhida.drafting import drafts, source
    from zhida.rules import load_policies

    policies = policies or load_policies()
    store = _open()
    try:
        if keys is None:
            with store.sessions() as session:
                keys = [k for k, _ in source.current_keys(session)]
        for key in keys:
            with store.transaction() as session:
                key = source.resolve_key(session, key)
                n = drafts.make(session, key, policies, _now(), actor="cli:drafts")
            out.print(f"{key}: {n} 条草稿" if n else f"{key}: 当前版本已有草稿")
    finally:
        store.close()


@drafts_app.command("show")
def show_command(
    document: Annotated[str, typer.Argument(help="文件的键")],
    as_json: Json = False,
    as_yaml: Annotated[bool, typer.Option("--yaml", help="输出措施文件格式的 YAML")] = False,
) -> None:
    """列出一个文件的措施草稿：编号、条款、状态、待补字段。"""
    from zhida.drafting import drafts, yamlform

    store = _open()
    try:
        with store.sessions() as session:
            from zhida.drafting.source import resolve_key

            document = resolve_key(session, document)
            rows = drafts.of_document(session, document)
            items = [{"id": r.id, "measure_id": r.measure_id, "clause": r.clause_id, "status": r.status,
                      "sentence": r.sentence, "open_fields": r.open_fields, "yaml": r.yaml} for r in rows]
    finally:
        store.close()
    if as_yaml:
        sys.stdout.write(yamlform.file_text(document, [yamlform.as_item(i["yaml"]) for i in items]))
    elif as_json:
        sys.stdout.write(json.dumps(items, ensure_ascii=False, indent=2) + "\n")
    else:
        for i in items:
            todo = "、".join(f["field"] for f in i["open_fields"]) or "—"
            out.print(f"#{i['id']} {i['measure_id']} [{i['clause']}] {i['status']} 待补：{todo}\n  {i['sentence'][:80]}")
        if not items:
            out.print(f"{document}: 没有草稿（先运行 zhida drafts make {document}）")


@drafts_app.command("export")
def export_command(
    to: Annotated[Path, typer.Option("--to", help="写入的目录（如 policies/measures）")],
    documents: Annotated[list[str] | None, typer.Argument(help="文件的键（省略：全部）")] = None,
    sources: Annotated[Path | None, typer.Option("--sources", help="原文目录（默认 --to 的上级目录下的 sources）；"
                                                               "只在库中的文件写为 <键>.txt")] = None,
) -> None:
    """把已发布的措施写回措施文件（每个文件一个 YAML，未改动的部分逐字不变）；原文目录没有的文件一并写出原文。"""
    from zhida import audit
    from zhida.drafting import rulebook

    store = _open()
    try:
        with store.transaction() as session:
            keys = documents or rulebook.documents(session)
            for key in keys:
                path = rulebook.export_file(session, key, to)
                out.print(f"{key} → {path}")
                text = rulebook.export_source(session, key, sources or to.parent / "sources")
                if text is not None:
                    out.print(f"{key} 原文 → {text}")
            audit.record(session, actor="cli:drafts", actor_id=None, action="rule_export", entity="rule_version",
                         entity_id=",".join(keys)[:255], before=None, after={"to": str(to)})
    finally:
        store.close()


@drafts_app.command("import")
def import_command(
    paths: Annotated[list[Path], typer.Argument(help="措施文件或目录（policies/measures）")],
    reviewer: Annotated[str, typer.Option("--reviewer", help="记入版本的导入人")] = "cli:drafts",
) -> None:
    """把措施文件导入为已发布措施（文本有变化的措施记一个新版本）。"""
    from zhida import audit
    from zhida.drafting import rulebook

    files = [p for path in paths for p in (sorted(path.glob("*.yaml")) if path.is_dir() else [path])
             if not p.name.endswith(".cases.yaml")]
    store = _open()
    try:
        with store.transaction() as session:
            for path in files:
                counts = rulebook.import_file(session, path, reviewer, _now())
                out.print(f"{counts['document']}: {counts['measures']} 条措施，新版本 {counts['new_versions']}，"
                          f"未变 {counts['unchanged']}")
                audit.record(session, actor=reviewer, actor_id=None, action="rule_import", entity="rule_version",
                             entity_id=counts["document"], before=None, after=counts)
    finally:
        store.close()

