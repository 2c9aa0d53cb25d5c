"""A reviewer's cases for one measure (the OpenFisca-style cases of docs/measures.md), run on the
scalar evaluator and on DuckDB like the cases under policies/measures — with the measure as the
reviewer has it now, before it is published."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date

import yaml

from zhida.errors import RuleError
from zhida.rules import cases as rule_cases
from zhida.rules.loader import _date
from zhida.rules.vocabulary import MATCH_STATUS_ZH
from zhida.rules.yamlio import Loader


@dataclass
class CaseRun:
    name: str
    ok: bool
    status: str | None
    amount: str | None
    expected: dict
    problems: list[str] = field(default_factory=list)  # Chinese lines


def parse(text: str, measure_id: str) -> list[rule_cases.Case]:
    """Cases YAML (a list; ``measure`` may be left out: this measure) → cases; errors name the case."""
    try:
        data = yaml.load(text or "[]", Loader=Loader) or []  # noqa: S506 - a SafeLoader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise RuleError(f"案例 第{mark.line + 1}行" if mark else "案例", "无法解析（请检查格式）") from None
    if not isinstance(data, list):
        raise RuleError("案例", "应为案例列表（每项含 name、as_of、facts、expect）")
    out = []
    for i, raw in enumerate(data):
        where = f"案例 {i + 1}"
        if not isinstance(raw, dict) or not isinstance(raw.get("expect"), dict) or "status" not in raw["expect"]:
            raise RuleError(where, "每个案例须有 expect（至少含 status）")
        if raw.get("measure") not in (None, measure_id):
            raise RuleError(f"{where} measure", f"须为本措施 {measure_id}")
        unknown = set(raw["expect"]) - rule_cases.EXPECT_KEYS
        if unknown:
            raise RuleError(f"{where} expect", f"不认识的预期项 {sorted(unknown)[0]}")
        try:
            as_of = _date(raw.get("as_of"), where) or rule_cases.DEFAULT_AS_OF
        except RuleError:
            raise RuleError(f"{where} as_of", "日期格式应为 YYYY-MM-DD") from None
        out.append(rule_cases.Case("review", str(raw.get("name", i + 1)), measure_id, as_of,
                                   dict(raw.get("facts") or {}), raw["expect"]))
    return out


def run(policies, measure, text: str) -> list[CaseRun]:
    """Each case on the scalar evaluator and DuckDB; both must meet the expectation."""
    from zhida.rules.evaluate import evaluate

    items = parse(text, measure.id)
    scoped = dataclasses.replace(policies, measures={**policies.measures, measure.id: measure})
    sql_problems: dict[int, list[str]] = {}
    try:
        sql_problems = rule_cases.check_sql(items, scoped) if items else {}
    except RuleError as exc:
        sql_problems = {i: [f"SQL：{exc.reason}"] for i in range(len(items))}
    out = []
    for i, case in enumerate(items):
        try:
            result = evaluate(measure, case.facts, case.as_of, scoped)
        except RuleError as exc:
            out.append(CaseRun(case.name, False, None, None, case.expect, [f"{exc.where}：事实不在目录中或取值不合法"]))
            continue
        problems = []
        if rule_cases.check_scalar(case, scoped):
            problems.append("结果与预期不符")
        if sql_problems.get(i):
            problems.append("数据库引擎结果与预期不符")
        out.append(CaseRun(case.name, not problems, MATCH_STATUS_ZH.get(result.status, result.status),
                           None if result.amount is None else f"{result.amount}", case.expect, problems))
    return out


def skeleton(measure_id: str, as_of: date) -> str:
    """A starting point for the reviewer: one case to fill in (nothing assumed about the facts)."""
    return (f"- name: 符合全部条件 → 可享受\n  measure: {measure_id}\n  as_of: {as_of.isoformat()}\n"
            "  facts: {entity_type: enterprise, region_code: \"110105\"}\n  expect: {status: eligible}\n")
