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


def _shape(node: exp.Expression) -> tuple:
    """The node's structure, read once (sqlglot attribute access is slow on hot paths)."""
    found = _SHAPES.get(id(node))
    if found is not None and found[0] is node:
        return found[1]
    inner = node
    while isinstance(inner, exp.Paren):
        inner = inner.this
    if isinstance(inner, (exp.And, exp.Or)):
        shape = ("and" if isinstance(inner, exp.And) else "or", inner, inner.this, inner.expression)
    elif isinstance(inner, exp.Not):
        shape = ("not", inner, inner.this)
    elif isinstance(inner, exp.Column):
        shape = ("col", inner, column_name(inner))
    elif isinstance(inner, exp.Case):
        shape = ("case", inner, [(b.this, b.args["true"]) for b in inner.args.get("ifs") or []],
                 inner.args.get("default"))
    elif isinstance(inner, COMPARE):
        if isinstance(inner, exp.Between):
            rhs = ("between", inner.args["low"], inner.args["high"])
        elif isinstance(inner, exp.In):
            rhs = ("in", list(inner.expressions))
        else:
            rhs = ("one", inner.expression)
        shape = ("cmp", inner, inner.this, rhs)
    elif isinstance(inner, exp.Boolean):
        shape = ("const", inner, bool(inner.this))
    else:
        shape = ("other", inner)
    _SHAPES[id(node)] = (node, shape)
    return shape


_SHAPES: dict[int, tuple] = {}


def _trace(node: exp.Expression, ev, within: str | None) -> TNode:
    shape = _shape(node)
    kind, node = shape[0], shape[1]
    if kind in ("and", "or"):
        a, b = trace(shape[2], ev, within), trace(shape[3], ev, within)
        combine = kleene_and if kind == "and" else kleene_or
        # flatten chains a AND b AND c into one node
        kids = [*(a.children if a.kind == kind else [a]), *(b.children if b.kind == kind else [b])]
        return TNode(kind, node, combine(a.value, b.value), kids)
    if kind == "not":
        child = trace(shape[2], ev, within)
        return TNode("not", node, None if child.value is None else not child.value, [child])
    if kind == "col":
        name = shape[2]
        value = ev.lookup(name)
        if name.startswith(OPEN + "."):
            return TNode("open", node, value, name=name)
        concept = ev.policies.concepts.get(name)
        if concept is not None and concept.type == "boolean":
            return TNode("concept", node, value, [_concept_trace(concept, ev, name)], name=name)
        return TNode("fact", node, value, name=name)
    if kind == "case":
        unknown = []
        for when, then in shape[2]:
            taken = ev.eval(when)
            if taken is True:
                child = trace(then, ev, within)
                return TNode("case", node, child.value, [child])
            if taken is None:
                unknown.append(when)
        default = shape[3]
        if default is not None:
            child = trace(default, ev, within)
            return TNode("case", node, child.value, [child], unknown_whens=unknown)
        return TNode("case", node, None, [], unknown_whens=unknown)
    if kind == "cmp":
        value = ev.eval(node)
        left = ev.eval(shape[2])
        rhs = shape[3]
        if rhs[0] == "between":
            right = (ev.eval(rhs[1]), ev.eval(rhs[2]))
        elif rhs[0] == "in":
            right = tuple(ev.eval(i) for i in rhs[1])
        else:
            right = ev.eval(rhs[1])
        return TNode("cmp", node, value, left=left, right=right)
    if kind == "const":
        return TNode("const", node, shape[2])
    return TNode("other", node, ev.eval(node))


def _concept_trace(concept, ev, name: str) -> TNode:
    """A boolean concept's subtree, traced once per evaluator: many measures read the same concept
    (中小企业划型 …) for one enterprise. The subtree is shared by their traces, which only ever set
    the value of their own top node; an evaluator's facts do not change while it traces (forks
    with other facts are other evaluators)."""
    memo = ev.__dict__.get("_concept_traces")
    if memo is None:
        memo = ev.__dict__["_concept_traces"] = {}
    found = memo.get(name)
    if found is None:
        found = memo[name] = trace(concept.ast, ev, name)
    return found


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
