"""The scalar evaluator: one measure, one enterprise, Kleene logic, an explanation trace.

Semantics are exactly those of the SQL back ends (docs/measures.md): a missing fact is
UNKNOWN (None) and stays so through comparisons, arithmetic, LEAST/GREATEST and CASE
(a WHEN must be TRUE to be taken); FALSE AND UNKNOWN = FALSE, TRUE OR UNKNOWN = TRUE.
"""

from __future__ import annotations

import itertools
import operator
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlglot import exp

from zhida.errors import RuleError
from zhida.rules.applicability import beneficiary_ast, jurisdiction_ast
from zhida.rules.describe import LABEL_AS_OF, label, value_text
from zhida.rules.expr import AS_OF, IN_FORCE_META, MAX_JOINT_OPEN, OPEN, columns, name_of, open_refs
from zhida.rules.model import Measure
from zhida.rules.result import Check, ConditionOutcome, MeasureResult
from zhida.rules.values import judgement

FEN = Decimal("0.01")
_CMP = {exp.EQ: operator.eq, exp.NEQ: operator.ne, exp.LT: operator.lt, exp.LTE: operator.le,
        exp.GT: operator.gt, exp.GTE: operator.ge}
_SQL_OP = {exp.EQ: "=", exp.NEQ: "<>", exp.LT: "<", exp.LTE: "<=", exp.GT: ">", exp.GTE: ">="}
YES = {True: "是", False: "否", None: "未知"}


def to_fen(value: Decimal | None) -> Decimal | None:
    """Round to the fen, half away from zero (= SQL ROUND(x, 2) on DECIMAL)."""
    if value is None:
        return None
    return Decimal(value).quantize(FEN, rounding=ROUND_HALF_UP)


def same_value(a, b) -> bool:
    """Equal values of one expression (None only equals None; TRUE is not 1)."""
    if a is None or b is None:
        return a is b
    return type(a) is type(b) and a == b


def kleene_and(a, b):
    if a is False or b is False:
        return False
    if a is None or b is None:
        return None
    return True


def kleene_or(a, b):
    if a is True or b is True:
        return True
    if a is None or b is None:
        return None
    return False


def measure_status(applicable: bool | None, all_conditions: bool | None) -> str:
    """A measure's status from its (three-valued) applicability and conjunction of conditions."""
    if applicable is False:
        return "not_applicable"
    if all_conditions is False:
        return "ineligible"
    if applicable is True and all_conditions is True:
        return "eligible"
    return "undetermined"


class Evaluator:
    """Evaluates expressions for one row of facts; records checks and missing facts."""

    def __init__(self, facts: dict, as_of: date, policies, strict: bool = True):
        self.policies = policies
        self.as_of = as_of
        self.values: dict[str, object] = {}
        self.judgements: dict[str, bool] = {}
        for name, value in (facts or {}).items():
            if name.startswith(OPEN + "."):
                judged = judgement(f"facts.{name}", value)
                if judged is not None:  # null = not judged: assumed met, like an absent key
                    self.judgements[name] = judged
                continue
            fact = policies.catalogue.get(name)
            if fact is None:
                if strict:
                    raise RuleError(f"facts.{name}", "unknown fact (see `zhida facts list`)")
                continue
            self.values[name] = policies.catalogue.check_value(name, value)
        self.checks: list[Check] = []
        self.missing: list[str] = []
        self.opened: list[str] = []
        self.not_in_force: list[str] = []  # concepts whose definition does not apply at as_of
        self._concepts: dict[str, object] = {}
        self._stack: list[str] = []

    # -- public -----------------------------------------------------------------------
    def run(self, node: exp.Expression):
        self.checks, self.missing, self.opened = [], [], []
        return self.eval(node)

    def value_judged(self, compute, judged: dict[str, bool]):
        """``compute()`` (a node, or a function of this evaluator) with some open criteria judged;
        the trace of the current run (checks, missing, opened) is left as it was."""
        saved = (self.checks, self.missing, self.opened, self.judgements)
        self.judgements = {**self.judgements, **judged}
        try:
            return self.run(compute) if isinstance(compute, exp.Expression) else compute(self)
        finally:
            self.checks, self.missing, self.opened, self.judgements = saved

    def relevant_open(self, compute, names) -> list[str]:
        """Of the open criteria ``names`` (those the expression references), those its value depends on.

        An open criterion is reported only if judging it not met could change the value: for
        some TRUE/FALSE judgement of the other open criteria, the value with it TRUE differs from
        the value with it FALSE (it is not a dummy variable). ``TRUE OR open.x`` and
        ``FALSE AND open.x`` do not depend on x; ``open.a OR open.b`` depends on both. Criteria
        the profile judges explicitly are not open any more."""
        free = [n for n in dict.fromkeys(names) if n not in self.judgements]
        if len(free) > MAX_JOINT_OPEN:
            return free
        out = []
        for name in free:
            others = [n for n in free if n != name]
            for bits in itertools.product((True, False), repeat=len(others)):
                rest = dict(zip(others, bits))
                met = self.value_judged(compute, {**rest, name: True})
                unmet = self.value_judged(compute, {**rest, name: False})
                if not same_value(met, unmet):
                    out.append(name)
                    break
        return out

    # -- nodes -------------------------------------------------------------------------
    def eval(self, node: exp.Expression):
        ev = self.eval
        if isinstance(node, exp.Paren):
            return ev(node.this)
        if isinstance(node, exp.Column):
            value = self.lookup(name_of(node))
            if isinstance(value, bool) or value is None and self._is_boolean(node):
                self._record(node, "IS TRUE", value, True, value)
            return value
        if isinstance(node, exp.Literal):
            return node.this if node.is_string else Decimal(node.this)
        if isinstance(node, exp.Boolean):
            return bool(node.this)
        if isinstance(node, exp.Cast):
            return date.fromisoformat(node.this.this)
        if isinstance(node, exp.Neg):
            value = ev(node.this)
            return None if value is None else -value
        if isinstance(node, exp.And):
            return kleene_and(ev(node.this), ev(node.expression))
        if isinstance(node, exp.Or):
            return kleene_or(ev(node.this), ev(node.expression))
        if isinstance(node, exp.Not):
            value = ev(node.this)
            return None if value is None else not value
        if type(node) in _CMP:
            a, b = ev(node.this), ev(node.expression)
            outcome = None if a is None or b is None else _CMP[type(node)](a, b)
            self._record(node.this, _SQL_OP[type(node)], a, b, outcome, node)
            return outcome
        if isinstance(node, exp.Between):
            a, low, high = ev(node.this), ev(node.args["low"]), ev(node.args["high"])
            outcome = kleene_and(None if a is None or low is None else a >= low,
                                 None if a is None or high is None else a <= high)
            self._record(node.this, "BETWEEN", a, (low, high), outcome, node)
            return outcome
        if isinstance(node, exp.In):
            a = ev(node.this)
            items = [ev(i) for i in node.expressions]
            if a is None:
                outcome = None
            elif a in items:
                outcome = True
            else:
                outcome = None if any(i is None for i in items) else False
            self._record(node.this, "IN", a, tuple(items), outcome, node)
            return outcome
        if isinstance(node, (exp.Add, exp.Sub, exp.Mul)):
            a, b = ev(node.this), ev(node.expression)
            if a is None or b is None:
                return None
            op = {exp.Add: operator.add, exp.Sub: operator.sub, exp.Mul: operator.mul}[type(node)]
            return op(Decimal(a), Decimal(b))
        if isinstance(node, exp.Case):
            window = node.meta.get(IN_FORCE_META)
            if window is not None:  # a concept's effective window (loader._with_window)
                name, start, end = window
                if (start is None or self.as_of >= start) and (end is None or self.as_of <= end):
                    return ev(node.args["ifs"][0].args["true"])
                if name not in self.not_in_force:
                    self.not_in_force.append(name)
                return None
            for branch in node.args.get("ifs") or []:
                if ev(branch.this) is True:
                    return ev(branch.args["true"])
            default = node.args.get("default")
            return ev(default) if default is not None else None
        if isinstance(node, (exp.Least, exp.Greatest)):
            items = [ev(i) for i in [node.this, *node.expressions]]
            if any(i is None for i in items):  # strict, unlike SQL engines' NULL-skipping LEAST
                return None
            return min(items) if isinstance(node, exp.Least) else max(items)
        if isinstance(node, exp.Left):
            value = ev(node.this)
            return None if value is None else str(value)[: int(node.expression.this)]
        raise RuleError(node.sql(), "not allowed in rule expressions")

    def lookup(self, name: str):
        if name == AS_OF:
            return self.as_of
        if name.startswith(OPEN + "."):
            if name not in self.opened:
                self.opened.append(name)
            return self.judgements.get(name, True)  # assumed met, reported as open
        concept = self.policies.concepts.get(name)
        if concept is not None:
            if name not in self._concepts:
                self._stack.append(name)
                self._concepts[name] = self.eval(concept.ast)
                self._stack.pop()
            value = self._concepts[name]
            if name in self.not_in_force:  # UNKNOWN because of the date, not for want of facts
                self._record_not_in_force(name)
            elif value is None:
                for fact in self._facts_of_concept(name):
                    if fact not in self.missing:
                        self.missing.append(fact)
            return value
        value = self.values.get(name)
        if value is None and name not in self.missing:
            self.missing.append(name)
        return value

    def _facts_of_concept(self, name: str) -> list[str]:
        out = []
        for ref in columns(self.policies.concepts[name].ast):
            if ref in self.policies.concepts:
                out += self._facts_of_concept(ref)
            elif ref != AS_OF and self.values.get(ref) is None and not ref.startswith(OPEN + "."):
                out.append(ref)
        return out

    def _record_not_in_force(self, name: str) -> None:
        concept = self.policies.concepts[name]
        start, end = concept.effective_from, concept.effective_to
        sources = concept.source if isinstance(concept.source, list) else [concept.source]
        cited = "、".join(s.get("doc_number") or s.get("title") or "政策原文" for s in sources)
        span = f"{start.isoformat() if start else '…'} 至 {end.isoformat() if end else '…'}"
        text = f"{concept.label_zh}：依据（{cited}）适用于 {span}，评估日 {self.as_of.isoformat()} 不在其内 → 无法判断"
        if not any(c.op == "IN FORCE" and c.concept == name for c in self.checks):
            self.checks.append(Check(name, "IN FORCE", [AS_OF], self.as_of, (start, end), False, name, text))

    def _is_boolean(self, node) -> bool:
        fact = self.policies.catalogue.get(name_of(node))
        concept = self.policies.concepts.get(name_of(node))
        return (fact is not None and fact.type == "boolean") or (concept is not None and concept.type == "boolean")

    def _record(self, left, op, value, threshold, outcome, node=None) -> None:
        refs = columns(left)
        text = _check_text(left, op, value, threshold, outcome, self.policies, node)
        self.checks.append(Check(sql_text(node or left), op, refs, value, threshold, outcome,
                                 self._stack[-1] if self._stack else None, text))


_SQL_TEXT: dict[int, tuple[exp.Expression, str]] = {}


def sql_text(node: exp.Expression) -> str:
    """``node.sql()``, remembered: generating SQL costs ~1 ms and the evaluator records the same
    comparisons of a measure for every profile. Keyed by identity, holding the node (so its id
    cannot be reused); a transformed copy is another object and gets its own text."""
    hit = _SQL_TEXT.get(id(node))
    if hit is not None and hit[0] is node:
        return hit[1]
    if len(_SQL_TEXT) > 100_000:
        _SQL_TEXT.clear()
    text = node.sql()
    _SQL_TEXT[id(node)] = (node, text)
    return text


def _check_text(left, op, value, threshold, outcome, policies, node) -> str:
    refs = columns(left)
    fact = policies.catalogue.get(refs[0]) if len(refs) == 1 else None
    what = label(refs[0], policies) if len(refs) == 1 else left.sql()
    if op == "IS TRUE":
        return f"{what}：{YES[value] if isinstance(value, bool) or value is None else value}"
    shown = value_text(value, fact)
    if op == "BETWEEN":
        limit = f"{value_text(threshold[0], fact)}至{value_text(threshold[1], fact)}"
    elif op == "IN":
        limit = "、".join(value_text(t, fact) for t in threshold)
    else:
        limit = value_text(threshold, fact)
    sign = {"=": "=", "<>": "≠", "<": "<", "<=": "≤", ">": ">", ">=": "≥", "BETWEEN": "在", "IN": "属于"}[op]
    return f"{what} {shown}，要求 {sign} {limit} → {YES[outcome]}"


def evaluate(measure: Measure, facts: dict, as_of: date, policies, strict: bool = True) -> MeasureResult:
    """Status, amount and reasons of ``measure`` for one enterprise's ``facts`` at ``as_of``."""
    token = LABEL_AS_OF.set(as_of)  # reasons name yearly facts' periods ("2021年营业收入")
    try:
        return _evaluate(measure, facts, as_of, policies, strict)
    finally:
        LABEL_AS_OF.reset(token)


def _evaluate(measure: Measure, facts: dict, as_of: date, policies, strict: bool) -> MeasureResult:
    ev = Evaluator(facts, as_of, policies, strict)
    missing: list[str] = []

    def note_missing():
        for fact in ev.missing:
            if fact not in missing:
                missing.append(fact)

    jurisdiction = ev.run(jurisdiction_ast(measure))
    if jurisdiction is None:
        note_missing()
    beneficiary = ev.run(beneficiary_ast(measure))
    if beneficiary is None:
        note_missing()
    applicable = kleene_and(jurisdiction, beneficiary)

    outcomes: list[ConditionOutcome] = []
    opened: list[str] = []
    for cond in measure.conditions:
        value = ev.run(cond.ast)
        opened += [o for o in ev.relevant_open(cond.ast, open_refs(cond.ast)) if o not in opened]
        if value is None:
            note_missing()
        reason = "；".join(c.text_zh for c in ev.checks if c.concept is None or c.op != "IS TRUE") or cond.label
        verdict = {True: "满足", False: "不满足", None: "无法判断（缺少信息）"}[value]
        outcomes.append(ConditionOutcome(cond.id, cond.label, cond.quote, value, f"{cond.label}：{verdict}。{reason}",
                                         list(ev.checks), [m for m in ev.missing]))
    all_conditions = True
    for o in outcomes:
        all_conditions = kleene_and(all_conditions, o.outcome)

    status = measure_status(applicable, all_conditions)

    amount = upper = least = None
    a = measure.amount
    if status == "eligible" and a is not None and a.kind != "not_stated":
        amount = amount_value(ev, a.expr, a.floor, a.cap)
        if amount is None:
            note_missing()
            least = least_value(ev, a)
        if a.upper is not None:
            upper = amount_value(ev, a.upper, None, a.cap)
        in_amount = open_refs(a.expr, a.floor, a.cap, a.upper)
        if in_amount:
            def both(e):
                return amount_value(e, a.expr, a.floor, a.cap), amount_value(e, a.upper, None, a.cap) if a.upper is not None else None

            opened += [o for o in ev.relevant_open(both, in_amount) if o not in opened]

    result = MeasureResult(
        measure_id=measure.id, title=measure.title, benefit=measure.benefit, status=status,
        period=measure.period.label(as_of), amount=amount, amount_kind=a.kind if a else None, amount_upper=upper,
        amount_least=least, jurisdiction=jurisdiction, beneficiary=beneficiary, conditions=outcomes,
        missing=missing if status in ("undetermined", "eligible") else [],
        open_criteria=[{"id": o.id, "label": o.label, "quote": o.quote} for o in measure.open_criteria
                       if f"{OPEN}.{o.id}" in opened] if status in ("eligible", "undetermined") else [],
        sources=[{"document": s.document, "clause": s.clause, "quote": s.quote} for s in measure.sources],
        not_in_force=list(ev.not_in_force), document_status=measure.document_status,
    )
    result.reasons = _reasons(result, measure, policies)
    return result


def least_value(ev: Evaluator, amount) -> Decimal | None:
    """A floor for an amount that is a sum of parts (``amount.sum_of_parts``) whose value is
    unknown: the sum of the parts that are known (parts are ≥ 0: 增量 + 存量留抵), then the floor
    (if known) and the cap (which must be known), rounded to the fen. None if no part is known."""
    if not amount.parts:
        return None
    known = [v for v in (ev.run(p) for p in amount.parts) if v is not None]
    if not known:
        return None
    value = sum(known[1:], known[0])
    if amount.floor is not None and (low := ev.run(amount.floor)) is not None:
        value = max(value, low)
    if amount.cap is not None:
        high = ev.run(amount.cap)
        if high is None:
            return None
        value = min(value, high)
    return to_fen(value)


def amount_value(ev: Evaluator, expr, floor, cap) -> Decimal | None:
    """expr, then GREATEST(·, floor), then LEAST(·, cap), rounded to the fen (docs/measures.md)."""
    value = ev.run(expr)
    if value is not None and floor is not None:
        low = ev.run(floor)
        value = None if low is None else max(value, low)
    if value is not None and cap is not None:
        high = ev.run(cap)
        value = None if high is None else min(value, high)
    return to_fen(value)


def period_reason(period: str, measure: Measure) -> str:
    change = measure.period.changed_by
    if period == "expired" and change is not None:  # another document ended or moved it: quote that one
        title = f"《{change.title}》" if change.title else change.document
        verb = "废止" if change.kind == "repeals" else "延长有效期"
        return f"该措施已过有效期（{title}{verb}，最后有效日{change.last_day.isoformat()}；原文：{change.quote}）"
    return {"expired": "该措施已过有效期", "not_yet_effective": "该措施尚未生效"}[period]


def _reasons(result: MeasureResult, measure: Measure, policies) -> list[str]:
    out = []
    if result.jurisdiction is False:
        out.append("不在适用地域内")
    if result.beneficiary is False:
        out.append("主体类型不符合受益对象")
    out += [c.reason_zh for c in result.conditions]
    if result.missing:
        out.append("缺少信息：" + "、".join(label(m, policies) for m in result.missing))
    for o in result.open_criteria:
        out.append(f"另须满足未量化标准：{o['label']}（原文：{o['quote']}），由责任单位认定")
    if result.period != "in_force":
        out.append(period_reason(result.period, measure))
    if result.document_status == "draft":
        out.append("出自征求意见稿（非正式生效文件），仅供参考，不计入合计")
    return out
