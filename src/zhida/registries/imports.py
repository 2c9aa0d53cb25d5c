"""Lists from other systems (e.g. the national 小巨人 list as XLSX): each good row enters the list
(way ``import``), each bad one goes to the reject report with its row number and a Chinese reason;
importing the same rows again changes nothing (idempotent: a member already at that tier is kept)."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from openpyxl import Workbook, load_workbook
from sqlalchemy.orm import Session

from zhida import audit
from zhida.enterprises.uscc import is_valid
from zhida.errors import ZhidaError
from zhida.registries import membership
from zhida.registries.definition import Registry
from zhida.registries.tables import ListImport

COLUMNS = {"统一社会信用代码": "uscc", "企业名称": "name", "层级": "tier", "类别": "tier", "入库日期": "valid_from",
           "有效期至": "valid_to", "所在区": "region_code"}


@dataclass
class ImportResult:
    added: int = 0
    unchanged: int = 0
    rejects: list[dict] = field(default_factory=list)
    import_id: int | None = None


def _day(value, field_zh: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip().replace("/", "-"))
    except ValueError:
        raise ValueError(f"{field_zh}“{value}”不是日期（YYYY-MM-DD）") from None


def _tier(reg: Registry, value) -> str:
    text = str(value or "").strip()
    if not text:
        return reg.tiers[0].code if len(reg.tiers) == 1 else ""
    for t in reg.tiers:
        if text in (t.code, t.label) or text.replace('"', "“") in t.label:
            return t.code
    return ""


def read_rows(data: bytes) -> list[tuple[int, dict]]:
    try:
        ws = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
    except Exception:  # openpyxl raises many kinds for a file that is not XLSX
        raise ZhidaError("file", "不是可读取的 XLSX 文件") from None
    rows = ws.iter_rows(values_only=True)
    header = [str(h or "").strip() for h in next(rows, ())]
    keys = [COLUMNS.get(h) for h in header]
    if "uscc" not in keys:
        raise ZhidaError("file", "第一行须有“统一社会信用代码”列")
    out = []
    for n, values in enumerate(rows, start=2):
        if not any(v not in (None, "") for v in values):
            continue
        out.append((n, {k: v for k, v in zip(keys, values) if k}))
    return out


def import_xlsx(session: Session, reg: Registry, data: bytes, *, source_name: str, default_from: date,
                actor: str, actor_id: int | None = None) -> ImportResult:
    result = ImportResult()
    for n, row in read_rows(data):
        uscc = str(row.get("uscc") or "").strip().upper()
        try:
            if not is_valid(uscc):
                raise ValueError(f"统一社会信用代码“{uscc}”校验不通过")
            tier = _tier(reg, row.get("tier"))
            if not tier:
                raise ValueError(f"层级“{row.get('tier') or ''}”不是{reg.label}的层级或类别")
            start = _day(row.get("valid_from"), "入库日期") or default_from
            end = _day(row.get("valid_to"), "有效期至")
            if end is not None and end < start:
                raise ValueError("有效期至早于入库日期")
            name = str(row.get("name") or "").strip()
            if not name:
                raise ValueError("缺少企业名称")
        except ValueError as exc:
            result.rejects.append({"row": n, "uscc": uscc, "reason": str(exc)})
            continue
        held = membership.current(session, reg.name, uscc, start)
        if held is not None and held.tier == tier:
            result.unchanged += 1
            continue
        membership.enter(session, reg, uscc=uscc, name=name, tier=tier, on=start, way="import", actor=actor,
                         actor_id=actor_id, valid_to=end,
                         region_code=str(row["region_code"]) if row.get("region_code") else None)
        result.added += 1
    record = ListImport(registry_name=reg.name, source_name=source_name[:1024], source_sha256=hashlib.sha256(data).hexdigest(),
                        rows_added=result.added, rows_unchanged=result.unchanged, rows_rejected=len(result.rejects),
                        rejects=result.rejects, actor=actor[:128], at=datetime.now(UTC))
    session.add(record)
    session.flush()
    result.import_id = record.id
    audit.record(session, actor=actor, actor_id=actor_id, action="registry_import", entity="registry",
                 entity_id=reg.name, before=None,
                 after={"import": record.id, "added": result.added, "unchanged": result.unchanged,
                        "rejected": len(result.rejects), "source": source_name})
    return result


def reject_report(result: ImportResult) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "未导入"
    ws.append(["行号", "统一社会信用代码", "原因"])
    for r in result.rejects:
        ws.append([r["row"], r["uscc"], r["reason"]])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def members_xlsx(reg: Registry, rows: list, day: date) -> bytes:
    """The list on ``day`` in the import's own columns (so an export imports back unchanged)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "名单"
    ws.append(["统一社会信用代码", "企业名称", "层级", "入库日期", "有效期至", "所在区"])
    for m in rows:
        ws.append([m.uscc, m.name, reg.tier_label(m.tier), m.valid_from.isoformat(),
                   m.valid_to.isoformat() if m.valid_to else "", m.region_code or ""])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
