"""Projects (and parcels) from other systems: CSV or XLSX with Chinese or field-name headers.

Idempotent by 项目编号 / 地块编号: a row already stored with the same values changes nothing, a
changed row updates the project (audited), a new one is registered. A bad row is rejected with
its row number, field and reason; the other rows are kept (each row in its own savepoint)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhida.errors import ZhidaError
from zhida.projects import library, parcels
from zhida.projects.roles import Person
from zhida.projects.tables import Project

MAX_ROWS = 20_000
PROJECT_HEADERS = {
    "项目编号": "code", "项目名称": "name", "业主统一社会信用代码": "owner_uscc", "意向投资方": "investor",
    "行业代码": "industry_code", "所在区": "region_code", "总投资（元）": "total_investment",
    "在京新增实缴资本（元）": "new_paid_in_capital", "实际利用外资（美元）": "foreign_investment_usd",
    "达产年产值（元）": "annual_output", "达产年税收（元）": "annual_tax", "用地需求（亩）": "land_mu",
    "全局性战略性": "strategic", "第三方机构": "agency_name", "第三方机构全程服务": "agency_full_service",
}
PARCEL_HEADERS = {
    "地块编号": "code", "名称": "name", "类型": "kind", "所在区": "region_code", "经度": "lon", "纬度": "lat",
    "面积（亩）": "area_mu", "状态": "status", "规划产业": "industries", "管理单位": "unit",
}
WORDS = {"kind": {"工业用地": "land", "厂房楼宇": "building"},
         "status": {"可供": "available", "已预留": "reserved", "已使用": "occupied"}}


@dataclass
class Report:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged,
                "rejected": self.rejected}


def read(content: bytes, name: str) -> list[dict[str, Any]]:
    """Rows of a CSV (UTF-8, with or without BOM) or XLSX file as dicts keyed by the header row."""
    if name.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).active
        except Exception:  # noqa: BLE001 - any unreadable workbook is the same answer
            raise ZhidaError("file", "无法读取 XLSX 文件") from None
        rows = list(sheet.iter_rows(values_only=True))
    else:
        try:
            rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
        except UnicodeDecodeError:
            raise ZhidaError("file", "CSV 文件应为 UTF-8 编码") from None
    if not rows:
        raise ZhidaError("file", "文件为空")
    header = [str(h or "").strip() for h in rows[0]]
    body = [r for r in rows[1:] if any(c not in (None, "") for c in r)]
    if len(body) > MAX_ROWS:
        raise ZhidaError("file", f"一次最多导入 {MAX_ROWS} 行")
    return [{header[i]: cell for i, cell in enumerate(r) if i < len(header) and header[i]} for r in body]


def _keys(row: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
    out = {}
    for key, value in row.items():
        name = headers.get(key, key)
        if isinstance(value, str):
            value = value.strip()
        out[name] = WORDS.get(name, {}).get(value, value) if isinstance(value, str) else value
    return out


def import_projects(session: Session, person: Person, rows: list[dict[str, Any]], *, now: datetime) -> Report:
    report = Report()
    for number, raw in enumerate(rows, 2):
        data = _keys(raw, PROJECT_HEADERS)
        try:
            with session.begin_nested():
                code = str(data.get("code") or "").strip()
                if not code:
                    raise ZhidaError("code", "缺少项目编号")
                existing = session.scalar(select(Project).where(Project.code == code))
                if existing is None:
                    library.create(session, person, data, now=now, code=code)
                    report.created += 1
                    continue
                if existing.region_code != library.values.district(data.get("region_code")):
                    raise ZhidaError("region_code", "已登记项目的所在区不能由导入修改（请走首谈改派）")
                before = library.snapshot(existing)
                changes = {k: v for k, v in data.items() if k in library.FIELDS and k != "region_code"}
                fields = library.clean(session, changes, partial=True)
                if all(library.snapshot_value(getattr(existing, k)) == library.snapshot_value(v) for k, v in fields.items()):
                    report.unchanged += 1
                    continue
                library.update(session, person, existing.id, changes, now=now)
                report.updated += 1 if library.snapshot(existing) != before else 0
        except ZhidaError as exc:
            report.rejected.append({"row": number, "field": exc.where, "reason": exc.reason})
    return report


def import_parcels(session: Session, person: Person, rows: list[dict[str, Any]], *, now: datetime) -> Report:
    """Parcels; a 准入标准 column is not read from files (standards are entered and checked one by one)."""
    from zhida.projects.tables import Parcel

    report = Report()
    for number, raw in enumerate(rows, 2):
        data = _keys(raw, PARCEL_HEADERS)
        try:
            with session.begin_nested():
                existing = session.scalar(select(Parcel).where(Parcel.code == str(data.get("code") or "")))
                if existing is not None:
                    data.setdefault("standards", existing.standards)
                    before = parcels.snapshot(existing)
                    parcels.save(session, person, data, now=now)
                    if parcels.snapshot(existing) == before:
                        report.unchanged += 1
                    else:
                        report.updated += 1
                else:
                    parcels.save(session, person, data, now=now)
                    report.created += 1
        except ZhidaError as exc:
            report.rejected.append({"row": number, "field": exc.where, "reason": exc.reason})
    return report
