"""12345 hotline tickets: import (CSV or JSON, with the hotline's ticket ids) and export of results.

Import checks every row first; a file with any bad row is refused whole, with a reject report
(row, field, reason) — nothing half-written. Re-importing is idempotent: a ticket id already in
the store is skipped (counted as 已导入), never doubled.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhida import audit
from zhida.desk import offices, requests
from zhida.desk.roles import Person
from zhida.desk.tables import DeskRequest
from zhida.errors import ZhidaError
from zhida.workflow.calendar import BEIJING
from zhida.workflow.tables import WorkflowCase

COLUMNS = {"工单编号": "ticket_id", "受理时间": "received_at", "诉求人": "requester", "联系电话": "contact",
           "统一社会信用代码": "uscc", "诉求性质": "kind", "诉求类型": "category", "标题": "title",
           "诉求内容": "text", "涉企": "enterprise_line"}
REQUIRED = ("ticket_id", "received_at", "text")
MAX_ROWS = 50_000
EXPORT_HEADER = ["工单编号", "状态", "首接单位", "承办单位", "答复内容", "引用条款", "答复时间", "满意度", "是否解决", "办结时间"]


@dataclass
class Report:
    rows: int = 0
    added: list[int] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)
    rejects: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.rejects

    def to_json(self) -> dict[str, Any]:
        return {"rows": self.rows, "added": len(self.added), "existing": len(self.existing),
                "rejected": len(self.rejects), "rejects": self.rejects, "written": self.ok}


def read(content: bytes, name: str = "") -> list[dict[str, Any]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ZhidaError("file", "文件应为 UTF-8 编码") from None
    if name.lower().endswith(".json") or text.lstrip().startswith(("[", "{")):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ZhidaError("file", f"JSON 格式有误（第 {exc.lineno} 行）") from None
        data = data.get("tickets", data) if isinstance(data, dict) else data
        if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
            raise ZhidaError("file", "JSON 应为工单列表")
        rows = data
    else:
        rows = list(csv.DictReader(io.StringIO(text)))
    if len(rows) > MAX_ROWS:
        raise ZhidaError("file", f"一次最多导入 {MAX_ROWS} 条工单")
    return [{COLUMNS.get(str(k).strip(), str(k).strip()): (v.strip() if isinstance(v, str) else v)
             for k, v in row.items() if k is not None} for row in rows]


def _instant(value: Any) -> datetime:
    value = datetime.fromisoformat(str(value).replace("/", "-"))
    return value.replace(tzinfo=BEIJING).astimezone(UTC) if value.tzinfo is None else value


def _check(row: dict[str, Any], number: int, book: offices.Catalogue, seen: set[str]) -> tuple[dict, list[dict]]:
    bad, clean = [], {}

    def reject(column: str, reason: str) -> None:
        bad.append({"row": number, "field": next(k for k, v in COLUMNS.items() if v == column), "reason": reason})

    for column in REQUIRED:
        if not row.get(column):
            reject(column, "不能为空")
    ticket = str(row.get("ticket_id") or "")
    if ticket:
        if len(ticket) > 64:
            reject("ticket_id", "不超过 64 个字符")
        elif ticket in seen:
            reject("ticket_id", f"文件中重复的工单编号 {ticket}")
        seen.add(ticket)
        clean["ticket_id"] = ticket
    if row.get("received_at"):
        try:
            clean["received_at"] = _instant(row["received_at"])
        except ValueError:
            reject("received_at", "应为日期时间，如 2026-11-30 09:15")
    if row.get("uscc"):
        from zhida.enterprises.uscc import USCCError, check_normalized

        try:
            clean["uscc"] = check_normalized(str(row["uscc"]).upper())
        except USCCError as exc:
            reject("uscc", exc.zh)
    kinds = {v: k for k, v in requests.KINDS.items()}
    kind = str(row.get("kind") or "咨询")
    if kind not in kinds:
        reject("kind", f"应为{'、'.join(kinds)}之一")
    clean["kind"] = kinds.get(kind)
    types = {t.label: t.code for t in book.types.values()}
    if row.get("category"):
        row["category"] = str(row["category"])
        if row["category"] not in types:
            reject("category", f"派单目录中没有“{row['category']}”")
        clean["category"] = types.get(row["category"])
    text = str(row.get("text") or "")
    if len(text) > requests.TEXT_MAX:
        reject("text", f"不超过 {requests.TEXT_MAX} 字")
    line = str(row.get("enterprise_line") or "")
    if line not in ("", "是", "否"):
        reject("enterprise_line", "应为“是”或“否”")
    for column, limit in (("requester", 255), ("contact", 64), ("title", 255)):
        clean[column] = str(row.get(column) or "") or None
        if clean[column] and len(clean[column]) > limit:
            reject(column, f"不超过 {limit} 字")
    clean["text"] = text
    clean["enterprise_line"] = line == "是" or (line == "" and bool(clean.get("uscc")))
    return clean, bad


def import_tickets(session: Session, person: Person, rows: list[dict[str, Any]], *, now: datetime) -> Report:
    if person.role not in ("admin", "staff"):
        raise ZhidaError("file", "只有工作人员可以导入 12345 工单")
    book = offices.load()
    report, checked, seen = Report(rows=len(rows)), [], set()
    for number, row in enumerate(rows, start=2 if rows and "ticket_id" in rows[0] else 1):
        clean, bad = _check(row, number, book, seen)
        report.rejects.extend(bad)
        checked.append(clean)
    if not report.ok:
        return report  # refused whole: nothing written
    known = set(session.scalars(select(DeskRequest.ticket_id).where(
        DeskRequest.ticket_id.in_([c["ticket_id"] for c in checked]))))
    for clean in checked:
        if clean["ticket_id"] in known:
            report.existing.append(clean["ticket_id"])
            continue
        request = requests.submit(session, person, source="hotline", now=clean.pop("received_at"), **clean)
        report.added.append(request.id)
    audit.record(session, actor=person.username, actor_id=person.user_id, action="desk_hotline_import",
                 entity="desk_request", entity_id="12345", before=None,
                 after={"rows": report.rows, "added": len(report.added), "existing": len(report.existing)},
                 detail=f"导入12345工单 {report.rows} 条：新增 {len(report.added)}，已导入 {len(report.existing)}")
    return report


def results(session: Session, person: Person, *, month: str | None = None) -> list[list[Any]]:
    """The hotline's tickets with their outcome, for the export back to 12345."""
    from zhida.desk.roles import visible

    query = (select(DeskRequest, WorkflowCase.state).join(WorkflowCase, WorkflowCase.id == DeskRequest.case_id)
             .where(DeskRequest.ticket_id.is_not(None)))
    scope = visible(person)
    if scope is not None:
        query = query.where(scope)
    if month:
        query = query.where(DeskRequest.month == month)
    out = []
    for request, state in session.execute(query.order_by(DeskRequest.id)):
        out.append([request.ticket_id, requests.FLOW.label_of(state), request.receiving_unit, request.unit,
                    request.answer or "", "；".join(c.get("cite", "") for c in request.citations or []),
                    _local(request.answered_at), requests.RATINGS.get(request.rating or "", ""),
                    {True: "是", False: "否"}.get(request.solved, ""), _local(request.closed_at)])
    return out


def _local(value: datetime | None) -> str:
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")


def results_csv(rows: list[list[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_HEADER)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def results_json(rows: list[list[Any]]) -> bytes:
    return json.dumps([dict(zip(EXPORT_HEADER, r)) for r in rows], ensure_ascii=False, indent=1).encode()
