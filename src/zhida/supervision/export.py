"""The monthly 督办 report of one document or one unit (or everything the person sees): each task
with its source, units, deadline, colour, this cycle's report and figures against targets; the
completion by section; the per-unit figures and score. Rendered as XLSX and A4 PDF by
``zhida.web.supervision.reports``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhida.documents.citation import short_title
from zhida.supervision import cycles, roles, views
from zhida.supervision.reports import STATUSES
from zhida.supervision.tables import SvReport


@dataclass
class Line:
    row: views.Row
    citation: str
    report_status: str  # this cycle's status label, or 未报送 / 待报送
    narrative: str
    targets: str  # 25家（≥）：完成 12


def _targets_text(row: views.Row) -> str:
    figures = {f["target"]: f["value"] for f in row.task.figures or []}
    parts = []
    for i, target in enumerate(row.task.targets or []):
        goal = target["text"]
        done = figures.get(i)
        parts.append(f"{goal}：完成 {done}" if done is not None else goal)
    return "；".join(parts)


def monthly(session: Session, person: roles.Person, now: datetime, cycle: str, *, document: str | None = None,
            unit: str | None = None) -> dict:
    cycles.check(cycle)
    if unit is not None and not roles.is_office(person) and unit not in roles.own_units(person):
        unit = "—"  # a unit's report is for that unit and the office
    found = [r for r in views.rows(session, person, now, document=document, unit=unit) if r.state != "draft"]
    ids = [r.task.id for r in found]
    this_cycle: dict[int, list[SvReport]] = {}
    if ids:
        for report in session.scalars(select(SvReport).where(SvReport.task_id.in_(ids), SvReport.cycle == cycle)):
            this_cycle.setdefault(report.task_id, []).append(report)
    lines = []
    for row in found:
        mine = [r for r in this_cycle.get(row.task.id, []) if unit is None or r.unit == unit or r.unit in row.lead]
        submitted = [r for r in mine if r.status]
        status = "、".join(f"{r.unit}：{STATUSES[r.status]}" for r in submitted) or ("待报送" if mine else "未报送")
        narrative = "\n".join(f"{r.unit}：{r.narrative}" for r in submitted)
        lines.append(Line(row, row.task.draft.get("citation") or row.task.clause_id, status, narrative,
                          _targets_text(row)))
    unit_figures = views.by_unit(session, person, now, document=document)
    if unit is not None:
        unit_figures = [f for f in unit_figures if f.unit == unit]
    title = None
    if document and found:
        title = f"《{short_title(found[0].task.document_title) or document}》"
    scope = title or (unit if unit else "全部任务")
    colours: dict[str, int] = {}
    for row in found:
        colours[row.status.label] = colours.get(row.status.label, 0) + 1
    return {"cycle": cycle, "scope": scope, "lines": lines, "sections": views.by_section(found) if document else [],
            "units": unit_figures, "colours": colours, "total": len(found),
            "done": sum(1 for r in found if r.state == "done")}
