"""A structured trace of one boolean expression: which AND/OR/NOT/comparison gave which value.

Reasons (explain.py) and near-misses (near_miss.py) both read this tree. Boolean concepts
(``sme_equipment_deduction``) are descended into, and a boolean CASE follows the branch that
was taken, so a reason can say 从业人员1,500人 rather than just 中小微企业：否.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlglot import exp

from zhida.rules.evaluate import kleene_and, kleene_or
from zhida.rules.expr import OPEN

from zhida.matching.compiled import column_name

COMPARE = (exp.EQ, exp.NEQ, exp.LT, exp.LTE, exp.GT, exp.GTE, exp.Between, exp.In)


@dataclass
class TNode:
    kind: str  # and | or | not | cmp | fact | open | concept | case | const | other
    ast: exp.Expression
    value: bool | None
    children: list["TNode"] = field(default_factory=list)
    name: str | None = None  # fact / concept / open criterion name
    left: object = None  # cmp: left-hand value
    right: object = None  # cmp: right-hand value(s)
    unknown_whens: list[exp.Expression] = field(default_factory=list)  # case: WHENs that were unknown
    within: str | None = None  # the boolean concept this node sits in (for its source quote)


def trace(node: exp.Expression, ev, within: str | None = None) -> TNode:
    t = _trace(node, ev, within)
    t.within = within
    return t


def _trace(node: exp.Expression, ev, within: str | None) -> TNode:
    """Evaluate ``node`` with the evaluator ``ev`` (a rules Evaluator), keeping the structure."""
    while isinstance(node, exp.Paren):
        node = node.this
    if isinstance(node, (exp.And, exp.Or)):
        a, b = trace(node.this, ev, within), trace(node.expression, ev, within)
        combine = kleene_and if isinstance(node, exp.And) else kleene_or
        kind = "and" if isinstance(node, exp.And) else "or"
        # flatten chains a AND b AND c into one node
        kids = [*(a.children if a.kind == kind else [a]), *(b.children if b.kind == kind else [b])]
        return TNode(kind, node, combine(a.value, b.value), kids)
    if isinstance(node, exp.Not):
        child = trace(node.this, ev, within)
        return TNode("not", node, None if child.value is None else not child.value, [child])
    if isinstance(node, exp.Column):
        name = column_name(node)
        value = ev.lookup(name)
        if name.startswith(OPEN + "."):
            return TNode("open", node, value, name=name)
        concept = ev.policies.concepts.get(name)
        if concept is not None and concept.type == "boolean":
            return TNode("concept", node, value, [trace(concept.ast, ev, name)], name=name)
        return TNode("fact", node, value, name=name)
    if isinstance(node, exp.Case):
        for branch in node.args.get("ifs") or []:
            taken = ev.eval(branch.this)
            if taken is True:
                child = trace(branch.args["true"], ev, within)
                return TNode("case", node, child.value, [child])
        default = node.args.get("default")
        unknown = [b.this for b in node.args.get("ifs") or [] if ev.eval(b.this) is None]
        if default is not None:
            child = trace(default, ev, within)
            return TNode("case", node, child.value, [child], unknown_whens=unknown)
        return TNode("case", node, None, [], unknown_whens=unknown)
    if isinstance(node, COMPARE):
        value = ev.eval(node)
        left = ev.eval(node.this)
        if isinstance(node, exp.Between):
            right = (ev.eval(node.args["low"]), ev.eval(node.args["high"]))
        elif isinstance(node, exp.In):
            right = tuple(ev.eval(i) for i in node.expressions)
        else:
            right = ev.eval(node.expression)
        return TNode("cmp", node, value, left=left, right=right)
    if isinstance(node, exp.Boolean):
        return TNode("const", node, bool(node.this))
    return TNode("other", node, ev.eval(node))


def decisive(t: TNode) -> list[TNode]:
    """The leaves that explain ``t``'s value (the failing parts of a false AND, every
    alternative of a false OR, the unknown parts of an unknown node)."""
    if t.kind in ("and", "or"):
        if t.value is None:
            picked = [c for c in t.children if c.value is None]
        elif (t.kind == "and") == (t.value is True):
            picked = t.children  # true AND / false OR: every part counts
        else:
            picked = [c for c in t.children if c.value is t.value]  # false AND / true OR
        return [leaf for c in picked for leaf in decisive(c)]
    if t.kind in ("not", "concept", "case") and t.children:
        return [leaf for c in t.children for leaf in decisive(c)]
    return [t]
