"""亩均效益综合评价: per enterprise and year, ratio indicators from land, energy, emission,
employment and R&D data, a weighted score against the group's benchmark, and A/B/C/D grades
within region × industry. The method (indicators, weights, cap, groups, grade shares) is data:
policies/monitoring/mu_evaluation.yaml, whose header states the arithmetic exactly.

All arithmetic is exact with fixed half-up rounding (one DuckDB query in integers:
zhida.monitoring.grading), so an independent calculation reproduces it. Stored grades become the
yearly catalogue fact ``mu_grade`` of the enterprise's profile (``mirror_grades``).
An enterprise missing any input is not scored and gets no grade (待补数据), never a 0."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhida import audit, config
from zhida.enterprises.uscc import is_valid
from zhida.errors import ZhidaError
from zhida.monitoring.tables import MonEvaluation

SIX = Decimal("0.000001")
TWO = Decimal("0.01")
INPUTS = {"统一社会信用代码": "uscc", "所在区": "region_code", "行业代码": "industry_code",
          "用地面积": "land_mu", "税收": "tax", "营业收入": "revenue", "工业增加值": "value_added",
          "综合能耗": "energy_tce", "排放当量": "emission_t", "年平均职工人数": "employees", "研发经费": "rd_expense"}
AMOUNTS = [v for v in INPUTS.values() if v not in ("uscc", "region_code", "industry_code")]


@dataclass(frozen=True)
class Indicator:
    id: str
    label: str
    unit: str
    numerator: str
    denominator: str
    weight: Decimal


@dataclass(frozen=True)
class Method:
    name: str
    label: str
    group_by: tuple[str, ...]
    industry_digits: int
    cap: Decimal
    indicators: tuple[Indicator, ...]
    grades: tuple[tuple[str, str, Decimal], ...]  # (grade, label, cumulative share)


def load_method(path=None) -> Method:
    from zhida.rules.yamlio import load_yaml

    path = path or config.policies_subdir("monitoring") / "mu_evaluation.yaml"
    raw = load_yaml(path) or {}
    where = path.name
    try:
        indicators = tuple(Indicator(str(i["id"]), str(i["label"]), str(i.get("unit", "")), str(i["numerator"]),
                                     str(i["denominator"]), Decimal(str(i["weight"]))) for i in raw["indicators"])
        grades = tuple((str(g["grade"]), str(g["label"]), Decimal(str(g["share"]))) for g in raw["grades"])
        method = Method(str(raw["method"]), str(raw.get("label", raw["method"])), tuple(raw.get("group_by") or ()),
                        int(raw.get("industry_digits", 3)), Decimal(str(raw.get("cap", 3))), indicators, grades)
    except (KeyError, TypeError, InvalidOperation) as exc:
        raise ZhidaError(where, f"评价方法不完整或数值有误：{exc}") from None
    for i in indicators:
        for name in (i.numerator, i.denominator):
            if name not in AMOUNTS:
                raise ZhidaError(f"{where} {i.id}", f"“{name}”不是可用的输入（{'、'.join(AMOUNTS)}）")
        if i.weight <= 0:
            raise ZhidaError(f"{where} {i.id}.weight", "权重应为正数")
    shares = [g[2] for g in grades]
    if not grades or shares != sorted(shares) or shares[-1] != 1:
        raise ZhidaError(f"{where} grades", "分档累计比例应递增且最后一档为 1")
    for g in method.group_by:
        if g not in ("region_code", "industry_section"):
            raise ZhidaError(f"{where} group_by", f"“{g}”不是可用的分组（region_code、industry_section）")
    return method


@dataclass
class Scored:
    uscc: str
    region_code: str
    industry_code: str
    inputs: dict
    values: dict[str, Decimal | None] = field(default_factory=dict)
    parts: dict[str, Decimal] = field(default_factory=dict)
    score: Decimal | None = None
    grade: str | None = None
    rank: int | None = None
    group: tuple = ()


def ratio(numerator: Decimal | None, denominator: Decimal | None) -> Decimal | None:
    if numerator is None or denominator is None or denominator == 0:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(SIX, rounding=ROUND_HALF_UP)


def group_key(method: Method, region_code: str, industry_code: str) -> tuple:
    parts = {"region_code": region_code, "industry_section": industry_code[: method.industry_digits]}
    return tuple(parts[g] for g in method.group_by)


def grade(method: Method, population: list[dict]) -> list[Scored]:
    """Score and grade ``population`` (dicts with uscc, region_code, industry_code and the inputs)
    by one DuckDB query (zhida.monitoring.grading: exact integer arithmetic, window functions)."""
    import duckdb

    from zhida.monitoring.grading import grading_sql, inputs_table, scale_of

    scale = scale_of(population, AMOUNTS)
    con = duckdb.connect()
    try:
        con.register("inputs", inputs_table(population, AMOUNTS, scale))
        rows = con.execute(grading_sql(method, "inputs", scale)).fetchall()
    finally:
        con.close()
    ids = [i.id for i in method.indicators]
    by_uscc = {r[0]: r for r in rows}
    out = []
    for row in population:
        got = by_uscc[row["uscc"]]
        s = Scored(row["uscc"], row["region_code"], row["industry_code"], {k: row.get(k) for k in AMOUNTS})
        s.group = group_key(method, s.region_code, s.industry_code)
        k = len(ids)
        s.values = {i: _micro(v) for i, v in zip(ids, got[3:3 + k])}
        if got[-1] is not None:
            s.parts = {i: _micro(v) for i, v in zip(ids, got[3 + k:3 + 2 * k])}
            s.score, s.rank, s.grade = Decimal(int(got[-3])).scaleb(-2), int(got[-2]), got[-1]
        out.append(s)
    return out


def _micro(value) -> Decimal | None:
    return None if value is None else Decimal(int(value)).scaleb(-6)


def read_inputs(data: bytes, name: str) -> tuple[list[dict], list[dict]]:
    """(rows, rejects) of an annual input file (CSV/XLSX; Chinese headers as INPUTS); a blank amount is missing."""
    from zhida.monitoring.indicators import read_table_with, region

    rows, rejects, seen = [], [], {}
    for n, row in read_table_with(data, name, INPUTS):
        uscc = str(row.get("uscc") or "").strip().upper()
        try:
            if not is_valid(uscc):
                raise ValueError(f"统一社会信用代码“{uscc}”校验不通过")
            item = {"uscc": uscc}
            for key, label in (("region_code", "所在区"), ("industry_code", "行业代码")):
                item[key] = str(row.get(key) or "").strip()
                if not item[key]:
                    raise ValueError(f"缺少{label}")
            item["region_code"] = region(item["region_code"])
            for key in AMOUNTS:
                item[key] = _amount(row.get(key), next(h for h, v in INPUTS.items() if v == key))
            if uscc in seen:
                raise ValueError(f"与第 {seen[uscc]} 行重复")
        except ValueError as exc:
            rejects.append({"row": n, "uscc": uscc, "reason": str(exc)})
            continue
        seen[uscc] = n
        rows.append(item)
    return rows, rejects


def _amount(value, label: str) -> Decimal | None:
    if value is None or str(value).strip() == "":
        return None
    try:
        number = Decimal(repr(value) if isinstance(value, float) else str(value).strip().replace(",", ""))
    except InvalidOperation:
        raise ValueError(f"{label}“{value}”不是数字") from None
    if not number.is_finite() or number < 0:
        raise ValueError(f"{label}“{value}”应为非负数")
    return number


def store(session: Session, year: int, method: Method, scored: list[Scored], *, actor: str,
          actor_id: int | None = None) -> dict:
    """Record each enterprise's grade for ``year`` (a re-run with the same result changes nothing)."""
    existing = {e.uscc: e for e in session.scalars(select(MonEvaluation).where(MonEvaluation.year == year))}
    now, counts = datetime.now(UTC), {"added": 0, "changed": 0, "unchanged": 0}
    for s in scored:
        indicators = {**{k: _text(v) for k, v in s.inputs.items()}, **{k: _text(v) for k, v in s.values.items()},
                      "parts": {k: _text(v) for k, v in s.parts.items()}, "rank": s.rank}
        row = existing.get(s.uscc)
        new = {"region_code": s.region_code, "industry_code": s.industry_code, "indicators": indicators,
               "score": s.score, "grade": s.grade, "method": method.name}
        if row is None:
            session.add(MonEvaluation(uscc=s.uscc, year=year, at=now, **new))
            counts["added"] += 1
        elif any(getattr(row, k) != v for k, v in new.items()):
            for k, v in new.items():
                setattr(row, k, v)
            row.at = now
            counts["changed"] += 1
        else:
            counts["unchanged"] += 1
    if counts["added"] or counts["changed"]:
        audit.record(session, actor=actor, actor_id=actor_id, action="monitoring_evaluation", entity="mon_evaluation",
                     entity_id=str(year), before=None, after={"method": method.name, **counts})
    counts["profiles"] = mirror_grades(session, year, {s.uscc: s.grade for s in scored}, actor=actor, actor_id=actor_id)
    return counts


GRADE_FACT = "mu_grade"  # policies/facts/monitoring.yaml: a yearly fact measures read


def mirror_grades(session: Session, year: int, grades: dict[str, str | None], *, actor: str,
                  actor_id: int | None = None) -> int:
    """Write each stored enterprise's class for ``year`` into its profile (figures[year].other.mu_grade;
    removed when not graded), audited as an enterprise edit; returns how many profiles changed."""
    from zhida.enterprises.tables import Enterprise

    changed, ordered = 0, sorted(grades)
    for i in range(0, len(ordered), 500):
        for ent in session.scalars(select(Enterprise).where(Enterprise.uscc.in_(ordered[i:i + 500]))):
            profile = dict(ent.profile_json)
            figures = dict(profile.get("figures") or {})
            year_figures = dict(figures.get(str(year)) or {})
            other = dict(year_figures.get("other") or {})
            before, grade = other.get(GRADE_FACT), grades[ent.uscc]
            if before == grade:
                continue
            if grade is None:
                other.pop(GRADE_FACT, None)
            else:
                other[GRADE_FACT] = grade
            year_figures["other"] = other
            figures[str(year)] = year_figures
            profile["figures"] = figures
            ent.profile_json = profile
            audit.record(session, actor=actor, actor_id=actor_id, action="monitoring_grade_fact", entity="enterprise",
                         entity_id=ent.uscc, before={GRADE_FACT: before, "year": year},
                         after={GRADE_FACT: grade, "year": year})
            changed += 1
    return changed


def _text(value) -> str | None:
    return None if value is None else str(value)


def grade_of(session: Session, uscc: str, year: int) -> str | None:
    """The 亩均 grade of an enterprise for a year, as a fact (None: not graded or data missing)."""
    row = session.scalar(select(MonEvaluation).where(MonEvaluation.uscc == uscc, MonEvaluation.year == year))
    return row.grade if row else None
