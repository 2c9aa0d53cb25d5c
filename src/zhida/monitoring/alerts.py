"""Alerts: the rules of ``monitoring.rules`` evaluated for one month over every enterprise.

``month_facts`` builds, per enterprise, the facts of the month with the same indicator one month
and twelve months earlier (a missing month stays missing). ``evaluate_batch`` runs all rules as
ONE SQL query on DuckDB (the rule language compiled by ``zhida.rules.sql``; PostgreSQL and Spark
take the same compiled expressions); ``explain`` runs one rule on one enterprise with the scalar
evaluator (the same verdict, with its checks in Chinese). ``run`` records each fired rule once
per enterprise and month (a re-run adds nothing), hands each new alert to the service desk as a
request to the rule's unit (``zhida.desk.requests.submit``); ``close`` closes it with a note, and
``follow_desk`` closes the alerts whose request the unit has answered, with the answer as the note.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhida import audit
from zhida.errors import ZhidaError
from zhida.monitoring.indicators import month_key
from zhida.monitoring.rules import PRICE_FACTS, SERIES, AlertRule, load_rules, month_policies
from zhida.monitoring.tables import MonAlert, MonIndicator, MonResumption
from zhida.rules.evaluate import Evaluator

SYSTEM_NAME = "运行监测系统"  # who acts when an alert becomes a request or closes with it: shown to people

RESUMED = "resumed_third_working_day"
FACT_COLUMNS = [f"{s}{suffix}" for s in SERIES for suffix in ("", "_prev_month", "_prev_year")] + [RESUMED, *PRICE_FACTS]


def third_working_days(month: str) -> list[date]:
    """Days of ``month`` that are the 3rd working day after a holiday (3 or more consecutive days off,
    on the official calendar with 调休: zhida.workflow.calendar)."""
    from datetime import timedelta

    from zhida.workflow.calendar import is_workday

    first = as_of(month)
    day, off, counted, out = first - timedelta(days=40), 0, None, []
    while day.strftime("%Y-%m") <= month:
        if not is_workday(day)[0]:
            off, counted = off + 1, None
        else:
            if off >= 3:
                counted = 0
            off = 0
            if counted is not None:
                counted += 1
                if counted == 3:
                    if day >= first:
                        out.append(day)
                    counted = None
        day += timedelta(days=1)
    return out


def shift(month: str, months: int) -> str:
    year, mon = (int(x) for x in month.split("-"))
    index = year * 12 + (mon - 1) + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def month_facts(session: Session, month: str) -> dict[str, dict]:
    """uscc → facts of ``month`` (only enterprises reporting that month; None = not reported)."""
    month = month_key(month)
    wanted = {month: "", shift(month, -1): "_prev_month", shift(month, -12): "_prev_year"}
    out: dict[str, dict] = {}
    rows = session.scalars(select(MonIndicator).where(MonIndicator.month.in_(list(wanted))))
    by_month: dict[str, list[MonIndicator]] = {}
    for row in rows:
        by_month.setdefault(row.month, []).append(row)
    for row in by_month.get(month, []):
        out[row.uscc] = {c: None for c in FACT_COLUMNS}
    for m, suffix in wanted.items():
        for row in by_month.get(m, []):
            if row.uscc in out:
                for s in SERIES:
                    out[row.uscc][s + suffix] = getattr(row, s)
    days = third_working_days(month)
    if days:  # the latest such day reported counts; an enterprise reporting only 开复工 is watched too
        q = select(MonResumption).where(MonResumption.day.in_(days)).order_by(MonResumption.day)
        for row in session.scalars(q):
            out.setdefault(row.uscc, {c: None for c in FACT_COLUMNS})[RESUMED] = row.resumed
    return out


def price_facts(session: Session, month: str) -> dict[str, dict]:
    """commodity → the facts of ``month`` (FACT_COLUMNS, only the price ones known)."""
    from zhida.monitoring import prices

    return {c: {**{k: None for k in FACT_COLUMNS}, **f} for c, f in prices.month_facts(session, month).items()}


def as_of(month: str) -> date:
    year, mon = (int(x) for x in month.split("-"))
    return date(year, mon, 1)


def explain(rule: AlertRule, facts: dict, month: str) -> tuple[bool | None, str]:
    """The scalar verdict of ``rule`` on one enterprise-month, with its checks in Chinese."""
    ev = Evaluator({k: v for k, v in facts.items() if v is not None}, as_of(month), month_policies(), strict=False)
    value = ev.run(rule.ast)
    checks = "；".join(c.text_zh for c in ev.checks)
    if value is None:
        labels = "、".join(month_policies().catalogue.facts[m].label_zh for m in ev.missing if m in month_policies().catalogue.facts)
        return None, f"{rule.label}：无法判断（缺少{labels or '数据'}）"
    return value, f"{rule.label}：{'触发' if value else '未触发'}。{checks}"


def compiled_sql(rules: list[AlertRule], month: str, table: str = "facts", dialect: str = "duckdb") -> str:
    """One query: per enterprise, one BOOLEAN column per rule (NULL = undetermined)."""
    from zhida.rules.sql import BACKENDS

    backend = BACKENDS[dialect](month_policies())
    cols = ", ".join(f"{backend.sql(r.ast, as_of(month))} AS {backend.quote('r__' + r.id)}" for r in rules)
    return f"SELECT {backend.quote('uscc')}, {cols} FROM {table}"


def facts_table(facts: dict[str, dict]):
    """The facts as an Arrow table (uscc + FACT_COLUMNS, exact decimals), for any engine to read."""
    import pyarrow as pa

    columns = {"uscc": list(facts)}
    for c in FACT_COLUMNS:
        columns[c] = [facts[u][c] for u in facts]
    schema = pa.schema([("uscc", pa.string())] + [
        (c, pa.bool_() if c == RESUMED else pa.int64() if c.startswith("employees") else pa.decimal128(20, 2))
        for c in FACT_COLUMNS])
    return pa.table(columns, schema=schema)


def evaluate_batch(facts: dict[str, dict], rules: list[AlertRule], month: str) -> dict[str, dict[str, bool | None]]:
    """uscc → rule id → verdict, computed by DuckDB over a facts table."""
    import duckdb

    con = duckdb.connect()
    try:
        con.register("facts", facts_table(facts))
        rows = con.execute(compiled_sql(rules, month)).fetchall()
    finally:
        con.close()
    return {row[0]: {r.id: row[i + 1] for i, r in enumerate(rules)} for row in rows}


@dataclass
class RunResult:
    month: str
    fired: int = 0  # rule × enterprise pairs that fired this run
    new: int = 0  # of those, not recorded before
    undetermined: int = 0
    alerts: list[MonAlert] | None = None


@dataclass(frozen=True)
class DeskActor:
    """The monitoring system, acting as staff of the rule's unit when it hands an alert over."""
    user_id: int | None
    username: str
    role: str
    units: tuple[str, ...]
    uscc: str | None = None


def run(session: Session, month: str, *, actor: str, now: datetime | None = None, actor_id: int | None = None,
        to_desk: bool = True) -> RunResult:
    """Evaluate every rule for ``month``; record new alerts and hand them to the desk (one transaction)."""
    month = month_key(month)
    now = now or datetime.now(UTC)
    rules = load_rules()
    by_id = {r.id: r for r in rules}
    facts = month_facts(session, month)
    on_enterprises = [r for r in rules if r.over == "enterprises"]
    verdicts = evaluate_batch(facts, on_enterprises, month) if facts and on_enterprises else {}
    priced = price_facts(session, month)  # subjects are commodity codes, never a USCC
    on_prices = [r for r in rules if r.over == "prices"]
    if priced and on_prices:
        verdicts.update(evaluate_batch(priced, on_prices, month))
        facts.update(priced)
    result = RunResult(month, alerts=[])
    existing = {(a.rule_id, a.uscc) for a in session.scalars(select(MonAlert).where(MonAlert.month == month))}
    for uscc in sorted(verdicts):
        for rule_id, value in verdicts[uscc].items():
            if value is None:
                result.undetermined += 1
            if not value:
                continue
            result.fired += 1
            if (rule_id, uscc) in existing:
                continue
            rule = by_id[rule_id]
            _, reason = explain(rule, facts[uscc], month)
            alert = MonAlert(rule_id=rule_id, uscc=uscc, month=month, unit=rule.unit, label=rule.label,
                             reason=reason, status="open", created_at=now)
            session.add(alert)
            session.flush()
            audit.record(session, actor=actor, actor_id=actor_id, action="monitoring_alert", entity="mon_alert",
                         entity_id=str(alert.id), before=None,
                         after={"rule": rule_id, "uscc": uscc, "month": month, "unit": rule.unit})
            if to_desk:
                hand_over(session, alert, now=now)
            result.new += 1
            result.alerts.append(alert)
    return result


def hand_over(session: Session, alert: MonAlert, *, now: datetime) -> int:
    """The alert as a request (诉求) to its unit on the service desk's chain; returns the request id."""
    from zhida.desk import requests

    if alert.request_id is not None:
        return alert.request_id
    from zhida.monitoring.prices import COMMODITIES, label

    person = DeskActor(None, SYSTEM_NAME, "staff", (alert.unit,))
    commodity = alert.uscc in COMMODITIES
    subject = f"：{label(alert.uscc)}" if commodity else ""
    request = requests.submit(
        session, person, now=now, kind="help", source="visit", receiving_unit=alert.unit,
        uscc=None if commodity else alert.uscc,
        title=f"运行监测预警：{alert.label}{subject}（{alert.month}）"[:255],
        text=f"{alert.month} 运行监测预警，请核实企业生产经营情况并处置。\n{alert.reason}", requester="运行监测系统")
    alert.request_id = request.id
    audit.record(session, actor=SYSTEM_NAME, actor_id=None, action="monitoring_alert_desk", entity="mon_alert",
                 entity_id=str(alert.id), before=None, after={"request": request.id, "unit": alert.unit})
    return request.id


def follow_desk(session: Session, *, now: datetime | None = None) -> list[MonAlert]:
    """Close every open alert whose desk request has been answered (反馈答复), with the unit's answer
    as its note: the desk's chain (受理, 派单, 签收, 办理, 反馈) is how an alert is handled."""
    from zhida.desk.tables import DeskRequest

    done = []
    q = (select(MonAlert, DeskRequest).join(DeskRequest, DeskRequest.id == MonAlert.request_id)
         .where(MonAlert.status == "open", DeskRequest.answered_at.is_not(None), DeskRequest.answer.is_not(None)))
    for alert, request in session.execute(q).all():
        done.append(close(session, alert.id, f"诉求 {request.id} 已反馈：{request.answer}"[:2000],
                          actor=SYSTEM_NAME, units=None, now=now))
    return done


def close(session: Session, alert_id: int, note: str, *, actor: str, units: tuple[str, ...] | None,
          now: datetime | None = None, actor_id: int | None = None) -> MonAlert:
    """Close an alert with a note (``units`` None = the economy bureau, any alert; else the alert's unit only)."""
    alert = session.get(MonAlert, alert_id)
    if alert is None or (units is not None and alert.unit not in units):
        raise ZhidaError("alert", f"没有编号为 {alert_id} 的预警，或不由您的单位处置")
    note = (note or "").strip()
    if not note:
        raise ZhidaError("note", "请填写办结说明")
    if len(note) > 2000:
        raise ZhidaError("note", "办结说明不超过 2000 字")
    if alert.status == "closed":
        raise ZhidaError("alert", "该预警已办结")
    before = {"status": alert.status}
    alert.status, alert.note, alert.closed_at, alert.closed_by = "closed", note, now or datetime.now(UTC), actor[:128]
    audit.record(session, actor=actor, actor_id=actor_id, action="monitoring_alert_close", entity="mon_alert",
                 entity_id=str(alert.id), before=before, after={"status": "closed", "note": note})
    return alert
