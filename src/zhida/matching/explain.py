"""Chinese wording of match results: values, thresholds, the source phrase a threshold comes from.

'从业人员1,500人，不满足“从业人员1000人以下”' — the fact's value, then the requirement in the
words of the source where the threshold's number can be found in a quote of the measure or of
the concept it sits in; otherwise the requirement rendered from the rule (要求少于1,000人).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from sqlglot import exp

from zhida.matching.compiled import column_name
from zhida.rules.describe import label, render, value_text
from zhida.rules.expr import columns
from zhida.matching.trace import TNode

# requirement words by operator, when the condition must hold / must not hold
_WANT = {"<": "低于", "<=": "不超过", ">": "超过", ">=": "不低于", "=": "为", "<>": "不为"}
_NEGATE = {"<": ">=", "<=": ">", ">": "<=", ">=": "<", "=": "<>", "<>": "="}
_OPS = {exp.LT: "<", exp.LTE: "<=", exp.GT: ">", exp.GTE: ">=", exp.EQ: "=", exp.NEQ: "<>"}
_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "=": "=", "<>": "<>"}
_CUT = re.compile(r"[，,；;。：:（）()、\n]|或者|或|且|其中")


def fact_of(policies, name: str):
    return policies.catalogue.get(name)


def worded(policies, name: str):
    """The catalogue fact ``name`` reads, or a code concept (its values have words too)."""
    found = policies.catalogue.get(name)
    if found is None:
        concept = policies.concepts.get(name)
        if concept is not None and concept.type == "code" and concept.value_labels:
            return concept
    return found


def fmt(value, fact=None) -> str:
    """A value for a reader: 1,500人, 4.2亿元, 600万元, 30%, 2022年5月10日 (unlike value_text, 1,500 has a comma)."""
    ftype = getattr(fact, "type", None)
    if value is None or isinstance(value, (bool, date)) or ftype in ("money", "percent", "code"):
        return value_text(value, fact)
    if isinstance(value, (int, Decimal)):
        number = Decimal(value)
        text = f"{int(number):,}" if number == number.to_integral_value() else f"{number.normalize():,f}"
        return text + (getattr(fact, "unit", None) or "" if ftype in ("integer", "decimal") else "")
    return str(value)


def subject(node: exp.Expression, policies) -> tuple[str, object]:
    """The left-hand side of a comparison in words, and the fact it is about (or None)."""
    while isinstance(node, exp.Paren):
        node = node.this
    if isinstance(node, exp.Left):
        node = node.this
    if isinstance(node, exp.Column):
        name = column_name(node)
        return label(name, policies), worded(policies, name)
    refs = columns(node)
    fact = fact_of(policies, refs[0]) if len(refs) == 1 else None
    if isinstance(node, exp.Mul) and fact is not None:
        return render(node, policies), fact
    return render(node, policies), None


def comparison(t: TNode) -> tuple[str, object] | None:
    """(operator, threshold) of a simple comparison leaf, oriented fact-on-the-left."""
    node = t.ast
    if isinstance(node, exp.Between):
        return "BETWEEN", t.right
    if isinstance(node, exp.In):
        return "IN", t.right
    op = _OPS.get(type(node))
    if op is None:
        return None
    if _is_constant(node.this) and not _is_constant(node.expression):
        return _FLIP[op], t.left
    return op, t.right


def _is_constant(node: exp.Expression) -> bool:
    found = _CONSTANT.get(id(node))
    if found is None or found[0] is not node:
        found = _CONSTANT[id(node)] = (node, node.find(exp.Column) is None)
    return found[1]


_CONSTANT: dict[int, tuple] = {}


def requirement(t: TNode, policies, want: bool = True, threshold_fact=None) -> str:
    """'低于1,000人', '在2022年1月1日至2022年12月31日之间', '为3、4、5、10之一' (want=False: negated)."""
    node = t.ast
    fact = threshold_fact
    if fact is None:
        lhs = node.expression if _OPS.get(type(node)) and _is_constant(node.this) and not _is_constant(node.expression) \
            else node.this
        _, fact = subject(lhs, policies)
    shape = comparison(t)
    if shape is None:
        return ("须满足" if want else "须不满足") + f"“{render(node, policies)}”"
    op, threshold = shape
    if op == "BETWEEN":
        low, high = threshold
        return f"{'在' if want else '不在'}{fmt(low, fact)}至{fmt(high, fact)}之间"
    if op == "IN":
        items = "、".join(fmt(i, fact) for i in threshold)
        return f"为{items}之一" if want else f"不为{items}中任一"
    if not want:
        op = _NEGATE[op]
    word = _WANT[op]
    if op == "<" and getattr(fact, "unit", None) == "人":
        word = "少于"
    return f"{word}{fmt(threshold, fact)}"


# --- source phrases -------------------------------------------------------------------------

def _number_forms(value, fact) -> list[str]:
    if isinstance(value, bool) or value is None or not isinstance(value, (int, Decimal)):
        return []
    v = Decimal(value)
    forms = []
    if getattr(fact, "type", None) == "money":
        for div, unit in ((Decimal(100000000), "亿"), (Decimal(10000), "万")):
            q = (v / div).normalize()
            if q == q.to_integral_value() or len(f"{q:f}") <= 6:
                forms.append(f"{q:f}{unit}")
        forms.append(f"{v.normalize():f}元")
    elif getattr(fact, "type", None) == "percent":
        forms.append(f"{(v * 100).normalize():f}%")
    else:
        forms.append(f"{v.normalize():f}")
    return forms


def source_phrase(value, fact, texts: list[str]) -> str | None:
    """The short phrase of a quote that states ``value`` (e.g. '从业人员1000人以下'), if any."""
    key = (str(value), getattr(fact, "name", None), tuple(texts))
    if key not in _PHRASES:
        if len(_PHRASES) > 20000:
            _PHRASES.clear()
        _PHRASES[key] = _source_phrase(value, fact, texts)
    return _PHRASES[key]


_PHRASES: dict[tuple, str | None] = {}


def _source_phrase(value, fact, texts: list[str]) -> str | None:
    for form in _number_forms(value, fact):
        pattern = re.compile(r"(?<![\d.])" + re.escape(form) + (r"(?![\d.])" if form[-1].isdigit() else ""))
        for text in texts:
            m = pattern.search(text)
            if m is None:
                continue
            start = max((c.end() for c in _CUT.finditer(text, 0, m.start())), default=0)
            end = next((c.start() for c in _CUT.finditer(text, m.end())), len(text))
            phrase = text[start:end]
            phrase = re.sub(r"^(标准为|对|凡)", "", phrase)
            phrase = re.split(r"的为|的，|的,", phrase)[0]
            return phrase.strip()
    return None


def concept_texts(policies, name: str | None) -> list[str]:
    if name is None or name not in policies.concepts:
        return []
    source = policies.concepts[name].source
    items = source if isinstance(source, list) else [source]
    return [str(i.get("quote") or i.get("text") or "") for i in items if isinstance(i, dict)]


def leaf_reason(t: TNode, policies, quotes: tuple[str, ...]) -> str:
    """One decisive leaf in words: value, then whether it meets the requirement.

    Memoised on everything the words depend on (the node, its values, the quotes): most leaves
    read the same way for many enterprises (未知, 是/否, the same thresholds)."""
    key = (id(t.ast), t.kind, exact(t.value), exact(t.left), exact(t.right), t.name, t.within,
           tuple(id(w) for w in t.unknown_whens), quotes)
    found = _REASONS.get(key)
    if found is None or found[0] is not t.ast or found[1] is not policies:
        if len(_REASONS) > 50_000:
            _REASONS.clear()
        found = _REASONS[key] = (t.ast, policies, _leaf_reason(t, policies, quotes))
    return found[2]


_REASONS: dict[tuple, tuple] = {}


def exact(value):
    """A key that tells apart values that compare equal but read differently (True, 1, 1.0; 1.50)."""
    if isinstance(value, tuple):
        return tuple(exact(v) for v in value)
    if isinstance(value, Decimal):
        return (Decimal, str(value))
    return (type(value), value)


def _leaf_reason(t: TNode, policies, quotes: tuple[str, ...]) -> str:
    if t.kind == "open":
        return ""
    if t.kind == "fact":
        what = label(t.name, policies)
        return f"{what}：{fmt(t.value)}" if t.value is not None else f"{what}：未知"
    if t.kind == "case" and not t.children:
        missing = sorted({c for w in t.unknown_whens for c in columns(w)})
        return "无法确定适用哪一类标准（缺少：" + "、".join(label(m, policies) for m in missing) + "）"
    if t.kind != "cmp":
        return render(t.ast, policies) + {True: "：是", False: "：否", None: "：未知"}[t.value]
    lhs = t.ast.expression if _OPS.get(type(t.ast)) and _is_constant(t.ast.this) else t.ast.this
    what, fact = subject(lhs, policies)
    shape = comparison(t)
    value = t.right if shape and lhs is t.ast.expression else t.left
    shown = f"{what}{fmt(value, fact)}" if value is not None else f"{what}未知"
    phrase = None
    if shape and shape[0] not in ("BETWEEN", "IN"):
        phrase = source_phrase(shape[1], fact, [*quotes, *concept_texts(policies, t.within)])
    if phrase:
        verdict = {True: "满足", False: "不满足", None: "无法判断是否满足"}[t.value]
        return f"{shown}，{verdict}“{phrase}”"
    verdict = {True: "满足", False: "不满足", None: "无法判断"}[t.value]
    return f"{shown}，要求{requirement(t, policies)}（{verdict}）"
