"""The monthly 工业经济运行分析 (“定期开展工业经济运行分析”, 003) of the city or of one district:
tables generated from the indicators (``figures``: by district, by industry, the key enterprises;
this month, 同比, 1月至当月累计 and its 同比; a 13-month trend; raw-material prices), frozen when
generated, and narrative paragraphs the system drafts from them and staff edit before release.

A document is a case of the declared workflow ``data/analysis.workflow.yaml`` (草稿 → 已发布):
its text can change only while a draft, and every generation, edit and release is audited.
Who may edit: the admin, staff of the economy unit (policies/monitoring/analysis.yaml) for any
scope, and a district's staff for their district's analysis."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhida import audit, config, workflow
from zhida.errors import NotFoundOrHidden, ZhidaError
from zhida.monitoring import figures as figs
from zhida.monitoring.indicators import month_key
from zhida.monitoring.tables import MonAnalysis, MonIndicator

FLOW = workflow.load(Path(__file__).resolve().parent / "data" / "analysis.workflow.yaml")
MAX_TEXT = 4000


@dataclass(frozen=True)
class Settings:
    editor_unit: str
    key_shown: int
    sections: tuple[tuple[str, str], ...]  # (key, title)


@cache
def settings() -> Settings:
    from zhida.rules.yamlio import load_yaml

    raw = load_yaml(config.policies_subdir("monitoring") / "analysis.yaml") or {}
    return Settings(str(raw.get("editor_unit") or ""), int(raw.get("key_enterprises_shown") or 20),
                    tuple((str(s["key"]), str(s["title"])) for s in raw.get("sections") or ()))


def may_edit(person, scope: str) -> bool:
    if person.role == "admin":
        return True
    if person.role != "staff":
        return False
    if settings().editor_unit in (person.units or ()):
        return True
    return bool(scope) and getattr(person, "region_code", None) == scope


def scope_for(person, requested: str | None) -> str:
    """The scope a person works in: district staff their district; others the one asked ('' = city)."""
    own = getattr(person, "region_code", None) if person.role == "staff" else None
    if own and settings().editor_unit not in (person.units or ()):
        return own
    return requested or ""


def _dec(v) -> str | None:
    return None if v is None else str(v)


def _line(line: figs.Line, extra: dict | None = None) -> dict:
    return {"key": line.key, "label": line.label, "reporting": line.reporting,
            **{f"{k}__{s}": _dec(getattr(line, k)[s]) for k in ("value", "yoy", "cumulative", "cumulative_yoy")
               for s in figs.SERIES}, **(extra or {})}


def last_day(month: str) -> date:
    year, mon = int(month[:4]), int(month[5:7])
    return date(year, mon, calendar.monthrange(year, mon)[1])


def build_figures(session: Session, month: str, scope: str) -> dict:
    """The tables of the analysis as JSON-able data (amounts as decimal text)."""
    from zhida.enterprises import regions
    from zhida.enterprises.tables import Enterprise
    from zhida.monitoring import keys, prices

    month = month_key(month)
    found = figs.month_figures(session, month, scope or None)
    q = select(MonIndicator.uscc).where(MonIndicator.month == month)
    if scope:
        q = q.where(MonIndicator.region_code == scope)
    reporting = set(session.scalars(q))
    key_list = keys.current(session, last_day(month), among=reporting)
    lines = figs.enterprise_lines(session, month, sorted(key_list.usccs))
    shown = lines[: settings().key_shown]
    names = dict(session.execute(select(Enterprise.uscc, Enterprise.name)
                                 .where(Enterprise.uscc.in_([x.key for x in shown]))).all()) if shown else {}
    key_rows = [_line(x, {"label": names.get(x.key) or x.key, "why": "；".join(key_list.why.get(x.key, []))})
                for x in shown]
    price_rows = []
    for code, points in sorted(prices.series(session, 13).items()):
        now = next((p for m, p in points if m == month), None)
        before = next((p for m, p in points if m == figs.shift(month, -1)), None)
        change = None if now is None or not before else ((now - before) * 100 / before).quantize(Decimal("0.1"))
        price_rows.append({"code": code, "label": prices.label(code), "unit": prices.COMMODITIES[code][1],
                           "price": _dec(now), "mom": _dec(change),
                           "points": [{"month": m, "price": str(p)} for m, p in points]})
    return {"month": month, "scope": scope, "scope_label": regions.label(scope) if scope else "全市",
            "total": _line(found.total), "districts": [_line(x) for x in found.districts],
            "industries": [_line(x) for x in found.industries], "key_enterprises": key_rows,
            "key_count": len(key_list.usccs), "trend": [{**t, "output_value": _dec(t["output_value"]),
                                                        "yoy": _dec(t["yoy"])} for t in found.trend],
            "prices": price_rows}


def _pct(text: str | None) -> str:
    if text is None:
        return "（无可比数据）"
    value = Decimal(text)
    return f"同比增长{value}%" if value >= 0 else f"同比下降{-value}%"


def draft_text(f: dict) -> dict[str, str]:
    """The paragraphs the system drafts from the figures (staff edit them before release)."""
    month, where, t = f["month"], f["scope_label"], f["total"]
    span = f"1—{int(month[5:])}月" if month[5:] != "01" else "1月"
    out = {
        "overview": (f"{month[:4]}年{int(month[5:])}月，{where}{t['reporting']}家报送企业完成工业总产值"
                     f"{t['value__output_value'] or '—'}万元，{_pct(t['yoy__output_value'])}；{span}累计完成"
                     f"{t['cumulative__output_value'] or '—'}万元，{_pct(t['cumulative_yoy__output_value'])}。"
                     f"营业收入{t['value__revenue'] or '—'}万元，{_pct(t['yoy__revenue'])}；用电量"
                     f"{t['value__electricity'] or '—'}万千瓦时，{_pct(t['yoy__electricity'])}。"),
    }
    top = f["districts"][:3]
    out["districts"] = "分区看，" + "；".join(
        f"{d['label']}完成{d['value__output_value'] or '—'}万元，{_pct(d['yoy__output_value'])}" for d in top) + "。" \
        if top else "本月暂无分区数据。"
    ind = f["industries"][:3]
    out["industries"] = "分行业看，" + "；".join(
        f"{d['label']}完成{d['value__output_value'] or '—'}万元，{_pct(d['yoy__output_value'])}" for d in ind) + "。" \
        if ind else "本月暂无分行业数据。"
    falling = [k for k in f["key_enterprises"] if k["yoy__output_value"] and Decimal(k["yoy__output_value"]) < 0]
    out["key_enterprises"] = (f"纳入监测的重点企业{f['key_count']}家；产值同比下降的{len(falling)}家"
                              f"（前{len(f['key_enterprises'])}家中）。")
    moves = [f"{p['label']}{p['price'] or '—'}{p['unit']}（环比{p['mom'] + '%' if p['mom'] else '—'}）"
             for p in f["prices"]]
    out["prices"] = ("原材料价格：" + "；".join(moves) + "。") if moves else "本月暂无原材料价格数据。"
    out["next_steps"] = "（请填写下一步工作安排。）"
    return out


def _load(session: Session, person, analysis_id: int) -> MonAnalysis:
    row = session.get(MonAnalysis, analysis_id)
    if row is None or (person.role != "admin" and not _may_read(person, row.scope)):
        raise NotFoundOrHidden("analysis", f"没有编号为 {analysis_id} 的运行分析")
    return row


def _may_read(person, scope: str) -> bool:
    if person.role not in ("staff", "admin"):
        return False
    own = getattr(person, "region_code", None)
    return person.role == "admin" or not own or scope in ("", own) or settings().editor_unit in (person.units or ())


def get(session: Session, person, analysis_id: int) -> MonAnalysis:
    return _load(session, person, analysis_id)


def listing(session: Session, person) -> list[MonAnalysis]:
    rows = session.scalars(select(MonAnalysis).order_by(MonAnalysis.month.desc(), MonAnalysis.scope))
    return [r for r in rows if _may_read(person, r.scope)]


def case_version(session: Session, row: MonAnalysis) -> int:
    from zhida.workflow.tables import WorkflowCase

    return session.get(WorkflowCase, row.case_id).version


def generate(session: Session, person, month: str, scope: str = "", *, now: datetime | None = None) -> MonAnalysis:
    """Generate (or, while a draft, regenerate) the analysis of ``month`` and ``scope``: the tables
    are taken afresh; paragraphs staff already edited are kept, the others drafted anew."""
    month, now = month_key(month), now or datetime.now(UTC)
    if not may_edit(person, scope):
        raise workflow.NotAllowed("analysis", "只有经济运行部门（或本区工作人员）可以生成运行分析")
    fig = build_figures(session, month, scope)
    drafted = draft_text(fig)
    row = session.scalar(select(MonAnalysis).where(MonAnalysis.month == month, MonAnalysis.scope == scope))
    if row is None:
        case = workflow.start(session, FLOW, subject_type="mon_analysis", subject_id="0",
                              actor=workflow.Actor(person.username, frozenset({"editor"}), person.user_id), now=now)
        row = MonAnalysis(month=month, scope=scope, figures=fig, paragraphs={k: {"text": v, "edited": False}
                                                                            for k, v in drafted.items()},
                          case_id=case.id, state=case.state, updated_at=now, updated_by=person.username[:128])
        session.add(row)
        session.flush()
        case.subject_id = str(row.id)
    else:
        if row.state != "draft":
            raise ZhidaError("analysis", "该月运行分析已发布，不能重新生成")
        paragraphs = dict(row.paragraphs)
        for k, v in drafted.items():
            if not (paragraphs.get(k) or {}).get("edited"):
                paragraphs[k] = {"text": v, "edited": False}
        row.figures, row.paragraphs, row.updated_at, row.updated_by = fig, paragraphs, now, person.username[:128]
    audit.record(session, actor=person.username, actor_id=person.user_id, action="monitoring_analysis_generate",
                 entity="mon_analysis", entity_id=str(row.id), before=None, after={"month": month, "scope": scope})
    return row


def edit(session: Session, person, analysis_id: int, texts: dict[str, str], *, now: datetime | None = None) -> MonAnalysis:
    """Replace the paragraphs named in ``texts`` (draft only; audited with before and after)."""
    row = _load(session, person, analysis_id)
    if not may_edit(person, row.scope):
        raise workflow.NotAllowed("analysis", "只有经济运行部门（或本区工作人员）可以修改运行分析")
    if row.state != "draft":
        raise ZhidaError("analysis", "已发布的运行分析不能修改")
    known = {k for k, _ in settings().sections}
    paragraphs, before, after = dict(row.paragraphs), {}, {}
    for key, text in texts.items():
        if key not in known:
            raise ZhidaError(key, "没有这一段")
        text = (text or "").strip()
        if len(text) > MAX_TEXT:
            raise ZhidaError(key, f"每段不超过 {MAX_TEXT} 字")
        old = (paragraphs.get(key) or {}).get("text")
        if text != old:
            before[key], after[key] = old, text
            paragraphs[key] = {"text": text, "edited": True}
    if after:
        row.paragraphs, row.updated_at, row.updated_by = paragraphs, now or datetime.now(UTC), person.username[:128]
        audit.record(session, actor=person.username, actor_id=person.user_id, action="monitoring_analysis_edit",
                     entity="mon_analysis", entity_id=str(row.id), before=before, after=after)
    return row


def release(session: Session, person, analysis_id: int, *, now: datetime | None = None,
            version: int | None = None) -> MonAnalysis:
    from zhida.workflow.tables import WorkflowCase

    row = _load(session, person, analysis_id)
    roles = frozenset({"editor"}) if may_edit(person, row.scope) else frozenset()
    case = session.get(WorkflowCase, row.case_id)
    workflow.fire(session, FLOW, case, "release", actor=workflow.Actor(person.username, roles, person.user_id),
                  now=now or datetime.now(UTC), expected_version=version)
    row.state = case.state
    return row


def text_of(row: MonAnalysis) -> list[tuple[str, str, str]]:
    """(key, title, text) of each section, in order."""
    return [(k, title, (row.paragraphs.get(k) or {}).get("text") or "") for k, title in settings().sections]
