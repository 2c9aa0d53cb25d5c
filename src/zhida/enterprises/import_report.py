"""What an import did, for the person who uploaded it: an honest one-line outcome (nothing stored
is said as such, with why), the rejected rows with their reasons and which columns caused most
of them — shown on the import page next to the link to the full reject report (CSV)."""

from __future__ import annotations

from sqlalchemy import func, select

from zhida.enterprises import columns
from zhida.enterprises.tables import ImportReject

SHOWN_REJECTS = 10


def field_label(field: str | None) -> str:
    """A reject's field as the import header a user writes: uscc → 统一社会信用代码,
    figures.2021.revenue → 营业收入_2021; anything else (a header as written) unchanged."""
    if not field:
        return "整行"
    tables = (columns.IDENTITY_FIELDS, columns.MONEY_FIGURES, columns.COUNT_FIGURES, columns.FLAG_FIGURES,
              columns.QUALIFICATIONS)
    names = {name: aliases[0] for table in tables for name, aliases in table.items()}
    parts = field.split(".")
    if len(parts) == 3 and parts[0] == "figures" and parts[2] in names:
        return f"{names[parts[2]]}_{parts[1]}"
    return names.get(field, field)


def outcome(summary: dict) -> dict:
    """{kind, message}: ``already`` (the same file was imported before: nothing new), ``empty`` (no
    data rows), ``none`` (every row rejected), ``some`` (some rejected), ``all`` (every row stored)."""
    stored, rejected, read = summary.get("stored", 0), summary.get("rejected_rows", 0), summary.get("rows_read", 0)
    name = summary.get("file") or "上传的文件"
    if summary.get("already_imported"):
        return {"kind": "already", "message": f"{name}：本次未入库任何企业——同一文件此前已完整导入"
                                              f"（导入记录 #{summary.get('import_id')}），未重复导入。"
                                              "如需更新企业信息，请修改文件内容后再上传。"}
    if read == 0:
        return {"kind": "empty", "message": f"{name}：文件中没有数据行（只有表头或为空），未入库任何企业。"}
    if stored == 0:
        return {"kind": "none", "message": f"{name}：未入库任何企业——读取 {read:,} 行，全部拒收，原因见下表。"}
    if rejected:
        return {"kind": "some", "message": f"{name}：读取 {read:,} 行，入库 {stored:,} 家，拒收 {rejected:,} 行（原因见下表）。"}
    return {"kind": "all", "message": f"{name}：读取 {read:,} 行，入库 {stored:,} 家，无拒收。"}


def rejects_preview(session, import_id: int, limit: int = SHOWN_REJECTS) -> dict:
    """The first ``limit`` reject reasons (row, column, value, reason) and, per column, how many
    rows it rejected (most first)."""
    rows = session.execute(select(ImportReject.row, ImportReject.field, ImportReject.value, ImportReject.reason)
                           .where(ImportReject.import_id == import_id)
                           .order_by(ImportReject.row, ImportReject.id).limit(limit)).all()
    by_field = session.execute(select(ImportReject.field, func.count(func.distinct(ImportReject.row)))
                               .where(ImportReject.import_id == import_id).group_by(ImportReject.field)
                               .order_by(func.count(func.distinct(ImportReject.row)).desc()).limit(5)).all()
    return {"rows": [{"row": r, "field": field_label(f), "value": (v or "")[:80], "reason": why}
                     for r, f, v, why in rows],
            "fields": [{"field": field_label(f), "rows": int(n)} for f, n in by_field]}
