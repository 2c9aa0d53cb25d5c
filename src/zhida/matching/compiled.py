"""Rule expressions compiled once into Python closures: the rules evaluator's semantics, faster.

``zhida.rules.evaluate.Evaluator.eval`` walks the sqlglot tree with an isinstance chain on every
call; matching evaluates the same few hundred nodes thousands of times (every measure, every
near-miss candidate), so each node is turned into a closure once. The semantics are copied
node by node from ``Evaluator.eval`` (Kleene AND/OR, NULL-propagating comparisons and
arithmetic, a CASE WHEN must be TRUE, strict LEAST/GREATEST); tests compare both evaluators on
every seed case and on generated facts.
"""

from __future__ import annotations

import operator
from datetime import date
from decimal import Decimal

from sqlglot import exp

from zhida.errors import RuleError
from zhida.rules.evaluate import kleene_and, kleene_or
from zhida.rules.expr import columns, name_of

_CMP = {exp.EQ: operator.eq, exp.NEQ: operator.ne, exp.LT: operator.lt, exp.LTE: operator.le,
        exp.GT: operator.gt, exp.GTE: operator.ge}
_ARITH = {exp.Add: operator.add, exp.Sub: operator.sub, exp.Mul: operator.mul}
_MEMO: dict[int, tuple[exp.Expression, object]] = {}


def column_name(node: exp.Column) -> str:
    """name_of, memoised (sqlglot's property access is slow on hot paths)."""
    found = _NAMES.get(id(node))
    if found is not None and found[0] is node:
        return found[1]
    name = name_of(node)
    _NAMES[id(node)] = (node, name)
    return name


_NAMES: dict[int, tuple[exp.Expression, str]] = {}


def compile_node(node: exp.Expression):
    """node → f(evaluator) → value; memoised by node identity (rule ASTs live as long as policies)."""
    found = _MEMO.get(id(node))
    if found is not None and found[0] is node:
        return found[1]
    fn = _compile(node)
    _MEMO[id(node)] = (node, fn)
    return fn


def _compile(node: exp.Expression):  # noqa: C901 - one branch per node type, as in Evaluator.eval
    c = compile_node
    if isinstance(node, exp.Paren):
        return c(node.this)
    if isinstance(node, exp.Column):
        name = name_of(node)
        return lambda ev: ev.lookup(name)
    if isinstance(node, exp.Literal):
        value = node.this if node.is_string else Decimal(node.this)
        return lambda ev: value
    if isinstance(node, exp.Boolean):
        value = bool(node.this)
        return lambda ev: value
    if isinstance(node, exp.Cast):
        value = date.fromisoformat(node.this.this)
        return lambda ev: value
    if isinstance(node, exp.Neg):
        f = c(node.this)

        def neg(ev):
            v = f(ev)
            return None if v is None else -v
        return neg
    if isinstance(node, (exp.And, exp.Or)):
        fa, fb = c(node.this), c(node.expression)
        combine = kleene_and if isinstance(node, exp.And) else kleene_or
        return lambda ev: combine(fa(ev), fb(ev))
    if isinstance(node, exp.Not):
        f = c(node.this)

        def not_(ev):
            v = f(ev)
            return None if v is None else not v
        return not_
    if type(node) in _CMP:
        fa, fb, op = c(node.this), c(node.expression), _CMP[type(node)]

        def cmp(ev):
            a, b = fa(ev), fb(ev)
            return None if a is None or b is None else op(a, b)
        return cmp
    if isinstance(node, exp.Between):
        fa, flo, fhi = c(node.this), c(node.args["low"]), c(node.args["high"])

        def between(ev):
            a, low, high = fa(ev), flo(ev), fhi(ev)
            return kleene_and(None if a is None or low is None else a >= low,
                              None if a is None or high is None else a <= high)
        return between
    if isinstance(node, exp.In):
        fa, items = c(node.this), [c(i) for i in node.expressions]

        def in_(ev):
            a = fa(ev)
            values = [f(ev) for f in items]
            if a is None:
                return None
            if a in values:
                return True
            return None if any(v is None for v in values) else False
        return in_
    if type(node) in _ARITH:
        fa, fb, op = c(node.this), c(node.expression), _ARITH[type(node)]

        def arith(ev):
            a, b = fa(ev), fb(ev)
            if a is None or b is None:
                return None
            return op(Decimal(a), Decimal(b))
        return arith
    if isinstance(node, exp.Case):
        branches = [(c(b.this), c(b.args["true"])) for b in node.args.get("ifs") or []]
        default = node.args.get("default")
        fdefault = c(default) if default is not None else (lambda ev: None)

        def case(ev):
            for when, then in branches:
                if when(ev) is True:
                    return then(ev)
            return fdefault(ev)
        return case
    if isinstance(node, (exp.Least, exp.Greatest)):
        items = [c(i) for i in [node.this, *node.expressions]]
        pick = min if isinstance(node, exp.Least) else max

        def extreme(ev):
            values = [f(ev) for f in items]
            if any(v is None for v in values):  # strict, unlike SQL engines' NULL-skipping LEAST
                return None
            return pick(values)
        return extreme
    if isinstance(node, exp.Left):
        f, n = c(node.this), int(node.expression.this)

        def left(ev):
            v = f(ev)
            return None if v is None else str(v)[:n]
        return left
    raise RuleError(node.sql(), "not allowed in rule expressions")
