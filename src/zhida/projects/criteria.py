"""Conditions written in the rule language (zhida.rules), compiled and explained the way measures
are: a list of {id, label, expr} is type-checked against a fact catalogue, and evaluated on one row
of facts by the scalar explainer (Kleene logic: a missing fact leaves the condition undetermined,
never false), each condition with the checks it made in Chinese.

Used by financial products (eligibility over enterprise facts, the project's policies) and by
parcels' admission standards (over project facts, ``project_policies``)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

from zhida.errors import RuleError, ZhidaError
from zhida.rules.evaluate import Evaluator, kleene_and
from zhida.rules.expr import BOOLEAN, parse, typecheck

FACTS = Path(__file__).resolve().parent / "data" / "facts.yaml"
VERDICT = {True: "满足", False: "不满足", None: "无法判断（缺少信息）"}


@dataclass(frozen=True)
class Outcome:
    id: str
    label: str
    value: bool | None
    reason: str
    missing: tuple[str, ...] = ()

    def to_json(self) -> dict:
        return {"id": self.id, "label": self.label, "value": self.value, "verdict": VERDICT[self.value],
                "reason": self.reason, "missing": list(self.missing)}


@dataclass(frozen=True)
class Explained:
    value: bool | None  # all conditions (Kleene AND)
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def status(self) -> str:
        return {True: "eligible", False: "ineligible", None: "undetermined"}[self.value]

    @property
    def reasons(self) -> list[str]:
        return [o.reason for o in self.outcomes]

    def to_json(self) -> dict:
        return {"value": self.value, "status": self.status, "conditions": [o.to_json() for o in self.outcomes]}


@cache
def project_policies():
    """The rule machinery over project facts (projects/data/facts.yaml) instead of enterprise facts."""
    from zhida.rules.catalogue import load_catalogue
    from zhida.rules.loader import Policies, policies_root
    from zhida.rules.sources import SourceLibrary

    root = policies_root()
    return Policies(root, load_catalogue([FACTS]), {}, {}, [], SourceLibrary(root / "sources"))


def enterprise_policies():
    from zhida.matching.match import load_default_policies

    return load_default_policies()


@cache
def _parsed(text: str):
    return parse(text, "expr")


def check(conditions, policies, where: str = "conditions") -> list[dict]:
    """Validated conditions ({id, label, expr}); ZhidaError naming the condition otherwise."""
    if not isinstance(conditions, list):
        raise ZhidaError(where, "条件应为列表")
    out, seen = [], set()
    scope = policies.scope()
    for i, raw in enumerate(conditions, 1):
        at = f"{where}[{i}]"
        if not isinstance(raw, dict):
            raise ZhidaError(at, "每个条件应含 id、label、expr")
        ident = str(raw.get("id") or f"c{i}").strip()
        label = str(raw.get("label") or "").strip()
        expr = str(raw.get("expr") or "").strip()
        if not re.fullmatch(r"[a-z][a-z0-9_]{0,31}", ident) or ident in seen:
            raise ZhidaError(f"{at}.id", "条件编号应为小写英文、数字或下划线，且不重复")
        if not label or len(label) > 200:
            raise ZhidaError(f"{at}.label", "请填写条件说明（不超过 200 字）")
        if not expr or len(expr) > 1000:
            raise ZhidaError(f"{at}.expr", "请填写条件表达式（不超过 1000 字符）")
        try:
            if typecheck(parse(expr, f"{at}.expr"), scope, f"{at}.expr") != BOOLEAN:
                raise ZhidaError(f"{at}.expr", "表达式应为判断（是/否）")
        except RuleError as exc:
            raise ZhidaError(f"{at}.expr", f"表达式无法识别：{exc.reason}") from None
        seen.add(ident)
        out.append({"id": ident, "label": label, "expr": expr})
    return out


def explain(conditions: list[dict], facts: dict, policies, as_of: date) -> Explained:
    """Every condition on ``facts`` (unknown fact names are ignored, absent ones are missing)."""
    ev = Evaluator(facts, as_of, policies, strict=False)
    outcomes, total = [], True
    for c in conditions:
        value = ev.run(_parsed(c["expr"]))
        checks = "；".join(x.text_zh for x in ev.checks) or c["label"]
        missing = tuple(policies.catalogue.facts[m].label_zh if m in policies.catalogue.facts else m
                        for m in ev.missing)
        outcomes.append(Outcome(c["id"], c["label"], value, f"{c['label']}：{VERDICT[value]}。{checks}", missing))
        total = kleene_and(total, value)
    return Explained(total, outcomes)
