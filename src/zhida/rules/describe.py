"""Plain-Chinese rendering of rule expressions and values (for `measures show`, reasons, traces)."""

from __future__ import annotations

import re
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from decimal import Decimal

from sqlglot import exp

from zhida.rules import periods
from zhida.rules.expr import AS_OF, OPEN, name_of

OPS = {exp.EQ: "=", exp.NEQ: "≠", exp.LT: "<", exp.LTE: "≤", exp.GT: ">", exp.GTE: "≥"}


def money(value: Decimal | int | None, unit: str = "元") -> str:
    if value is None:
        return "未知"
    value = Decimal(value)
    if unit in ("元", None) and value != 0 and abs(value) >= 10000 and value % 100 == 0:
        wan = (value / 10000).normalize()
        if abs(value) >= 100000000 and value % 1000000 == 0:
            return f"{(value / 100000000).normalize():f}亿元"
        return f"{wan:f}万元"
    text = f"{value:,.2f}" if value != value.to_integral_value() else f"{int(value):,}"
    return f"{text}{unit or ''}"


def value_text(value, fact=None) -> str:
    if value is None:
        return "未知"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, date):
        return f"{value.year}年{value.month}月{value.day}日"
    if fact is not None and fact.type == "code" and fact.value_labels:  # chinext → 创业板 (the catalogue's words)
        return fact.value_label(value)
    if fact is not None and fact.type == "money":
        return money(value, "美元" if fact.currency == "USD" else "元")
    if fact is not None and fact.type == "percent":
        return f"{(Decimal(value) * 100).normalize():f}%"
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if fact is not None and fact.unit and fact.type in ("integer", "decimal"):
        return f"{value}{fact.unit}"
    return str(value)


# The evaluation date reasons are worded for: a yearly fact is named with its year
# ("2021年营业收入"). Set by the evaluators (evaluate, match_enterprise) around their work.
LABEL_AS_OF: ContextVar[date | None] = ContextVar("zhida_label_as_of", default=None)


def label(name: str, policies, as_of: date | None = None) -> str:
    """A fact, concept or open criterion in words; yearly facts with their period."""
    as_of = as_of or LABEL_AS_OF.get()
    if name == AS_OF:
        return "评估日"
    if name.startswith(OPEN + "."):
        return open_label(name[len(OPEN) + 1:], policies)
    concept = policies.concepts.get(name)
    if concept is not None:
        return concept.label_zh
    fact = policies.catalogue.get(name)
    if fact is not None:
        if fact.event:
            ev = policies.catalogue.events.get(fact.event, {})
            return f"{ev.get('label_zh', fact.event)}·{fact.label_zh}"
        if fact.temporal == "period":
            return periods.spec_label(periods.split(name)[1], as_of) + _unperiod(fact.label_zh)
        if fact.temporal == "yearly" and as_of is not None and as_of.year > 1 and not _PERIOD_WORDS.search(fact.label_zh):
            return periods.year(as_of.year - 1).label_zh + fact.label_zh  # a bare yearly fact: last year
        return fact.label_zh
    return name


# The open criteria of the measure being worded (id → its label): an id several measures word
# differently reads as this measure's words. Set by ``wording(measure)``.
OPEN_WORDS: ContextVar[dict[str, str] | None] = ContextVar("zhida_open_words", default=None)


@contextmanager
def wording(measure):
    """Reasons, near-misses and rule texts worded inside this block name ``measure``'s open criteria."""
    token = OPEN_WORDS.set({o.id: o.label for o in measure.open_criteria})
    try:
        yield
    finally:
        OPEN_WORDS.reset(token)


def open_label(criterion: str, policies) -> str:
    """An open criterion in the words its measures give it (〔运输的是重点物资（范围未界定）〕); an id
    that measures word differently reads as the generic 〔未量化标准〕."""
    words = _OPEN_WORDS.get(id(policies))
    if words is None or words[0] is not policies:
        found: dict[str, set[str]] = {}
        for measure in getattr(policies, "measures", {}).values():
            for o in measure.open_criteria:
                found.setdefault(o.id, set()).add(o.label)
        words = _OPEN_WORDS[id(policies)] = (policies, {k: next(iter(v)) for k, v in found.items() if len(v) == 1})
    text = (OPEN_WORDS.get() or {}).get(criterion) or words[1].get(criterion)
    return f"〔{text}〕" if text else "〔未量化标准〕"


_OPEN_WORDS: dict[int, tuple] = {}
_PERIOD_WORDS = re.compile(r"本年度|上年度|当年|年度|近.年|以往|毕业年度|上年")


def _unperiod(text: str) -> str:
    """'上年度本地配套率' read for 2021 → '本地配套率' (the period is said once)."""
    return re.sub(r"^(本年度|上年度|上年末|上年|当年)", "", text)


def render(node: exp.Expression, policies, hint=None) -> str:
    """An expression in Chinese: 从业人员 < 1000人 且 营业收入 < 4亿元."""
    r = lambda n, h=None: render(n, policies, h)  # noqa: E731
    if isinstance(node, exp.Paren):
        inner = r(node.this, hint)
        return f"（{inner}）" if isinstance(node.this, (exp.And, exp.Or)) else inner
    if isinstance(node, exp.Column):
        return label(name_of(node), policies)
    if isinstance(node, exp.Literal):
        if node.is_string:
            if getattr(hint, "value_labels", None):
                return hint.value_label(node.this)
            return f"“{node.this}”"
        number = Decimal(node.this)
        if hint is not None and getattr(hint, "type", None) in ("money", "percent", "integer"):
            return value_text(number if hint.type != "integer" else int(number), hint)
        return f"{number.normalize():f}"
    if isinstance(node, exp.Boolean):
        return "是" if node.this else "否"
    if isinstance(node, exp.Cast):
        return value_text(date.fromisoformat(node.this.this))
    if isinstance(node, exp.Neg):
        return f"-{r(node.this, hint)}"
    if isinstance(node, exp.And):
        return f"{r(node.this)} 且 {r(node.expression)}"
    if isinstance(node, exp.Or):
        return f"{r(node.this)} 或 {r(node.expression)}"
    if isinstance(node, exp.Not):
        return f"并非（{r(node.this)}）"
    if type(node) in OPS:
        fact = _fact_of(node.this, policies)
        return f"{r(node.this)} {OPS[type(node)]} {r(node.expression, fact)}"
    if isinstance(node, exp.Between):
        fact = _fact_of(node.this, policies)
        return f"{r(node.this)} 在 {r(node.args['low'], fact)} 至 {r(node.args['high'], fact)} 之间"
    if isinstance(node, exp.In):
        fact = _fact_of(node.this, policies)
        return f"{r(node.this)} 属于 {'、'.join(r(e, fact) for e in node.expressions)}"
    if isinstance(node, exp.Mul):
        a, b = node.this, node.expression
        if isinstance(b, exp.Literal) and not b.is_string:
            factor = Decimal(b.this)
            if abs(factor) < 1:  # a rate (0.10 → 10%); a whole multiplier (6 months) stays a number
                return f"{r(a)} × {(factor * 100).normalize():f}%"
            return f"{r(a)} × {factor.normalize():f}"
        return f"{r(a)} × {r(b)}"
    if isinstance(node, exp.Add):
        return f"{r(node.this, hint)} + {r(node.expression, hint)}"
    if isinstance(node, exp.Sub):
        return f"{r(node.this, hint)} − {r(node.expression, hint)}"
    if isinstance(node, exp.Case):
        parts = [f"若 {r(b.this)} 则 {r(b.args['true'], hint)}" for b in node.args.get("ifs") or []]
        if node.args.get("default") is not None:
            parts.append(f"否则 {r(node.args['default'], hint)}")
        return "；".join(parts)
    if isinstance(node, exp.Least):
        return f"取较小值（{'，'.join(r(e, hint) for e in [node.this, *node.expressions])}）"
    if isinstance(node, exp.Greatest):
        return f"取较大值（{'，'.join(r(e, hint) for e in [node.this, *node.expressions])}）"
    if isinstance(node, exp.Left):
        return f"{r(node.this)}前{node.expression.this}位"
    return node.sql()


def _fact_of(node, policies):
    if isinstance(node, exp.Paren):
        return _fact_of(node.this, policies)
    if isinstance(node, exp.Column):
        name = name_of(node)
        concept = policies.concepts.get(name)
        if concept is not None and concept.value_labels:  # a code concept: its values have words
            return concept
        return policies.catalogue.get(name)
    if isinstance(node, exp.Mul):  # money × rate → money
        return _fact_of(node.this, policies) or _fact_of(node.expression, policies)
    return None


def jurisdiction_text(codes: list[str], policies, basis=None) -> str:
    """'北京市朝阳区'; with a basis other than registration alone: '北京市（全市各区）（注册地或纳税地）'."""
    from zhida.rules.model import BASIS_ZH

    text = _places(codes, policies)
    if basis and list(basis) != ["registration"]:
        text += "（" + "或".join(BASIS_ZH[b] for b in basis) + "）"
    return text


def _places(codes: list[str], policies) -> str:
    names = {"110000": "北京市（全市各区）", "110105": "北京市朝阳区", "140900": "山西省忻州市（含所辖县市区）"}
    out = []
    for code in codes:
        if code.startswith("zone:"):
            zone = policies.catalogue.zones.get(code[5:])
            out.append(zone.label_zh if zone else code)
        else:
            out.append(names.get(code) or _division(code))
    return "、".join(out)


def _division(code: str) -> str:
    """Any other GB/T 2260 code: its full name from the regions dataset (广东省广州市黄埔区)."""
    from zhida.enterprises import regions

    try:
        return regions.full_name(code)
    except KeyError:
        return code
