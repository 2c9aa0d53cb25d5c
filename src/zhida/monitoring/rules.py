"""Alert rules as data (policies/monitoring/alerts.yaml): each an expression of the rule language
(zhida.rules) over the facts of one enterprise-month (data/facts.yaml), type-checked at load, so
one AST runs as SQL on DuckDB/PostgreSQL/Spark and in the scalar explainer."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from sqlglot import exp

from zhida import config
from zhida.errors import RuleError, ZhidaError
from zhida.rules.expr import BOOLEAN, parse, typecheck

FACTS = Path(__file__).resolve().parent / "data" / "facts.yaml"
SERIES = ("output_value", "revenue", "electricity", "employees", "orders")  # each with _prev_month, _prev_year
PRICE_FACTS = ("price", "price_prev_month")  # of one commodity and month (monitoring.prices)
OVER = ("enterprises", "prices")


@dataclass(frozen=True)
class AlertRule:
    id: str
    label: str
    expr: str
    unit: str
    ast: exp.Expression
    over: str = "enterprises"  # enterprises (one enterprise-month) | prices (one commodity-month)


@cache
def month_policies():
    """The rule machinery over enterprise-month facts instead of enterprise facts."""
    from zhida.rules.catalogue import load_catalogue
    from zhida.rules.loader import Policies, policies_root
    from zhida.rules.sources import SourceLibrary

    root = policies_root()
    return Policies(root, load_catalogue([FACTS]), {}, {}, [], SourceLibrary(root / "sources"))


def rules_path() -> Path:
    return config.policies_subdir("monitoring") / "alerts.yaml"


def load_rules(path: Path | None = None) -> list[AlertRule]:
    from zhida.rules.yamlio import load_yaml

    path = path or rules_path()
    data = load_yaml(path) or {}
    scope = month_policies().scope()
    out, seen = [], set()
    for i, raw in enumerate(data.get("alerts") or [], 1):
        at = f"{path.name} alerts[{i}]"
        if not isinstance(raw, dict):
            raise ZhidaError(at, "每条规则应含 id、label、expr、unit")
        ident = str(raw.get("id") or "")
        if not re.fullmatch(r"[a-z][a-z0-9_]{0,63}", ident) or ident in seen:
            raise ZhidaError(f"{at}.id", "规则编号应为小写英文、数字或下划线，且不重复")
        label, unit, text = (str(raw.get(k) or "").strip() for k in ("label", "unit", "expr"))
        if not label:
            raise ZhidaError(f"{at}.label", "请填写规则说明")
        if not unit:
            raise ZhidaError(f"{at}.unit", "请填写承办单位")
        try:
            node = parse(text, f"{at}.expr")
            if typecheck(node, scope, f"{at}.expr") != BOOLEAN:
                raise ZhidaError(f"{at}.expr", "表达式应为判断（是/否）")
        except RuleError as exc:
            raise ZhidaError(f"{at}.expr", f"表达式无法识别：{exc.reason}") from None
        over = str(raw.get("over") or "enterprises")
        if over not in OVER:
            raise ZhidaError(f"{at}.over", f"over 应为 {'、'.join(OVER)} 之一")
        used = {c.name for c in node.find_all(exp.Column)}
        if (over == "prices") != bool(used & set(PRICE_FACTS)) or (over == "prices" and used - set(PRICE_FACTS)):
            raise ZhidaError(f"{at}.expr", "价格规则（over: prices）只能使用价格事实，企业规则不能使用价格事实")
        seen.add(ident)
        out.append(AlertRule(ident, label, text, unit, node, over))
    return out
