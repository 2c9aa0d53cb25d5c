"""The expression language: a validated, type-checked subset of SQL parsed by sqlglot.

One AST serves every back end (DuckDB/PostgreSQL/Spark SQL and the scalar evaluator).
Identifiers name catalogue facts (``employees``), event attributes
(``equipment_purchase.unit_value``), concepts, open criteria (``open.rd_standard``) or
``as_of``. Anything outside the subset — IS NULL, COALESCE, division, sub-queries, other
functions — is rejected: a rule may not turn a missing fact into a value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError

from zhida.errors import RuleError
from zhida.rules import periods
from zhida.rules.catalogue import NUMERIC_TYPES, Catalogue

COMPARISONS = (exp.EQ, exp.NEQ, exp.LT, exp.LTE, exp.GT, exp.GTE)
ARITHMETIC = (exp.Add, exp.Sub, exp.Mul)
AS_OF = "as_of"
OPEN = "open"
IN_FORCE_META = "zhida_in_force"  # meta key on a concept's window CASE: (concept, from, to)
# Open criteria of one expression are tried in every TRUE/FALSE combination up to this many;
# beyond, all of them are reported (the seeds have at most one per condition).
MAX_JOINT_OPEN = 6
PERIOD_FUNCTIONS = ("PERIOD", "SUM_OVER", "MAX_OVER", "MIN_OVER")  # rules/periods.py


@dataclass(frozen=True)
class Type:
    kind: str  # a fact type, or "number"/"string" for untyped literals
    currency: str | None = None  # money only: CNY / USD
    values: tuple[str, ...] | None = None  # code only: allowed values

    @property
    def numeric(self) -> bool:
        return self.kind in NUMERIC_TYPES or self.kind == "number"

    def __str__(self) -> str:
        return f"money({self.currency})" if self.kind == "money" else self.kind


BOOLEAN = Type("boolean")


@dataclass
class Concept:
    name: str
    type: str
    label_zh: str
    expr_text: str
    source: dict
    ast: exp.Expression | None = None  # parsed
    expanded: exp.Expression | None = None  # concepts inside replaced by their definitions
    uses: set[str] = field(default_factory=set)  # concepts it depends on (transitively)
    values: tuple[str, ...] | None = None
    value_labels: tuple[tuple[str, str], ...] = ()  # (code, Chinese label), as for code facts
    origin: str = ""
    # When the definition applies (inclusive); outside it the concept is UNKNOWN. ``ast`` then
    # carries the window as CASE WHEN as_of … THEN <definition> END, so every back end applies
    # it; ``written`` is the definition as written (display, fidelity).
    effective_from: date | None = None
    effective_to: date | None = None
    written: exp.Expression | None = None

    def value_label(self, code) -> str:
        return dict(self.value_labels).get(str(code), str(code))


@dataclass
class Scope:
    catalogue: Catalogue
    concepts: dict[str, Concept] = field(default_factory=dict)
    open_ids: set[str] = field(default_factory=set)


def parse(text, where: str, policy_period: str | None = None) -> exp.Expression:
    """``policy_period``: what ``@policy`` means here (the measure's execution period, a
    canonical period key), None where there is none (concepts)."""
    if isinstance(text, bool):
        return exp.Boolean(this=text)
    if isinstance(text, (int, float)):
        text = repr(text) if isinstance(text, float) else str(text)
    if not isinstance(text, str) or not text.strip():
        raise RuleError(where, "an expression is required")
    try:
        node = sqlglot.parse_one(periods.rewrite_at(text))
    except (ParseError, Exception) as exc:  # sqlglot raises a few error types
        raise RuleError(where, f"cannot parse {text!r}: {str(exc).splitlines()[0]}") from None
    node = _expand_periods(node, where, text, policy_period)
    _check_shape(node, where, text)
    return node


def _expand_periods(node: exp.Expression, where: str, text: str, policy_period: str | None) -> exp.Expression:
    """PERIOD(fact, 'spec') → the column ``fact@spec``; SUM_OVER / MAX_OVER / MIN_OVER over a range
    of years → the years' columns added / GREATEST / LEAST (strict: an unknown year → unknown)."""
    if not any(isinstance(n, exp.Anonymous) and n.name.upper() in PERIOD_FUNCTIONS for n in node.walk()):
        return node

    def spec_of(spec: str) -> str:
        try:
            spec = periods.canonical_spec(spec)
        except ValueError as exc:
            raise RuleError(where, f"{exc}, in {text!r}") from None
        if spec == periods.POLICY:
            if policy_period is None:
                raise RuleError(where, f"'policy' needs the measure's period (period.start and period.end), in {text!r}")
            return policy_period
        return spec

    def swap(sub):
        if not (isinstance(sub, exp.Anonymous) and sub.name.upper() in PERIOD_FUNCTIONS):
            return sub
        func, args = sub.name.upper(), sub.expressions
        if (len(args) != 2 or not isinstance(args[0], exp.Column) or args[0].table or periods.SEP in args[0].name
                or not (isinstance(args[1], exp.Literal) and args[1].is_string)):
            raise RuleError(where, f"{func}(fact, 'period') takes a yearly fact and a quoted period, in {text!r}")
        fact, spec = args[0].name, args[1].this
        try:
            years = periods.year_specs(spec)
        except ValueError as exc:
            raise RuleError(where, f"{exc}, in {text!r}") from None
        if func == "PERIOD" or (func == "SUM_OVER" and years is None):
            return exp.column(f"{fact}{periods.SEP}{spec_of(spec)}", quoted=True)
        if years is None:
            raise RuleError(where, f"{func} needs a range of years such as 'year-3..year-1' or '2019..2021', in {text!r}")
        cols = [exp.column(f"{fact}{periods.SEP}{y}", quoted=True) for y in years]
        if len(cols) == 1:
            return cols[0]
        if func == "SUM_OVER":
            total = cols[0]
            for c in cols[1:]:
                total = exp.Add(this=total, expression=c)
            return exp.Paren(this=total)
        cls = exp.Greatest if func == "MAX_OVER" else exp.Least
        return cls(this=cols[0], expressions=cols[1:])

    return node.transform(swap)


def _check_shape(node: exp.Expression, where: str, text: str) -> None:
    for sub in node.walk():
        if isinstance(sub, exp.Cast):
            if not (sub.to.is_type("date") and isinstance(sub.this, exp.Literal) and sub.this.is_string):
                raise RuleError(where, f"only DATE 'YYYY-MM-DD' literals may be cast, in {text!r}")
            try:
                date.fromisoformat(sub.this.this)
            except ValueError:
                raise RuleError(where, f"bad date {sub.this.this!r} in {text!r}") from None
            continue
        if isinstance(sub, exp.DataType) and isinstance(sub.parent, exp.Cast):
            continue
        if isinstance(sub, exp.Identifier) and isinstance(sub.parent, exp.Column):
            continue
        if isinstance(sub, exp.Div):
            raise RuleError(where, f"division is not allowed (write rates as * 0.10), in {text!r}")
        if isinstance(sub, (exp.Is, exp.Coalesce, exp.Null)):
            raise RuleError(where, f"IS NULL / COALESCE / NULL are not allowed (a missing fact stays unknown), in {text!r}")
        allowed = (exp.Column, exp.Literal, exp.Boolean, exp.Paren, exp.Neg, exp.Not, exp.And, exp.Or,
                   exp.In, exp.Between, exp.Case, exp.If, exp.Least, exp.Greatest, exp.Left,
                   *ARITHMETIC, *COMPARISONS)
        if not isinstance(sub, allowed):
            raise RuleError(where, f"{sub.key.upper()} is not allowed in rule expressions ({sub.sql()!r} in {text!r})")


def name_of(column: exp.Column) -> str:
    """'employees', 'equipment_purchase.unit_value', 'open.rd_standard'."""
    return f"{column.table}.{column.name}" if column.table else column.name


def resolve(name: str, scope: Scope, where: str) -> Type:
    if name == AS_OF:
        return Type("date")
    if name.startswith(OPEN + "."):
        if name[len(OPEN) + 1:] not in scope.open_ids:
            raise RuleError(where, f"unknown open criterion {name!r} (declare it under open_criteria)")
        return BOOLEAN
    concept = scope.concepts.get(name)
    if concept is not None:
        return Type(concept.type, "CNY" if concept.type == "money" else None, concept.values)
    fact = scope.catalogue.get(name)
    if fact is None:
        base, spec = periods.split(name)
        if spec is not None and scope.catalogue.get(base) is not None:
            raise RuleError(where, f"{base!r} is not a yearly fact: only yearly facts are read for a period ({name!r})")
        raise RuleError(where, f"unknown fact {name!r}")
    if fact.temporal == "period":
        scope.catalogue.register_period(name)  # facts tables get its column
    return Type(fact.type, fact.currency, fact.values)


def _comparable(a: Type, b: Type) -> bool:
    if a.numeric and b.numeric:
        if "number" in (a.kind, b.kind):
            return True
        if a.kind == "money" or b.kind == "money":
            return a.kind == b.kind and a.currency == b.currency
        return True
    strings = ("code", "text", "string")
    if a.kind in strings and b.kind in strings:
        return True
    return a.kind == b.kind


def _check_code_literal(t: Type, other: exp.Expression, where: str) -> None:
    if t.values and isinstance(other, exp.Literal) and other.is_string and other.this not in t.values:
        raise RuleError(where, f"{other.this!r} is not a value of this code ({', '.join(t.values)})")


def typecheck(node: exp.Expression, scope: Scope, where: str) -> Type:
    """The type of ``node``; RuleError naming ``where`` on any mismatch."""
    tc = lambda n: typecheck(n, scope, where)  # noqa: E731
    if isinstance(node, exp.Paren):
        return tc(node.this)
    if isinstance(node, exp.Column):
        return resolve(name_of(node), scope, where)
    if isinstance(node, exp.Literal):
        return Type("string") if node.is_string else Type("number")
    if isinstance(node, exp.Boolean):
        return BOOLEAN
    if isinstance(node, exp.Cast):
        return Type("date")
    if isinstance(node, exp.Neg):
        t = tc(node.this)
        if not t.numeric:
            raise RuleError(where, f"cannot negate {t} in {node.sql()!r}")
        return t
    if isinstance(node, (exp.And, exp.Or)):
        for side in (node.this, node.expression):
            if tc(side) != BOOLEAN:
                raise RuleError(where, f"{side.sql()!r} is not a condition (AND/OR need booleans)")
        return BOOLEAN
    if isinstance(node, exp.Not):
        if tc(node.this) != BOOLEAN:
            raise RuleError(where, f"NOT needs a condition, got {node.this.sql()!r}")
        return BOOLEAN
    if isinstance(node, COMPARISONS):
        a, b = tc(node.this), tc(node.expression)
        if not _comparable(a, b):
            raise RuleError(where, f"cannot compare {a} with {b} in {node.sql()!r}")
        _check_code_literal(a, node.expression, where)
        _check_code_literal(b, node.this, where)
        return BOOLEAN
    if isinstance(node, exp.Between):
        t = tc(node.this)
        for bound in (node.args["low"], node.args["high"]):
            if not _comparable(t, tc(bound)):
                raise RuleError(where, f"cannot compare {t} with {tc(bound)} in {node.sql()!r}")
        return BOOLEAN
    if isinstance(node, exp.In):
        if node.args.get("query") or node.args.get("unnest") or node.args.get("field"):
            raise RuleError(where, f"IN takes a list of literals, in {node.sql()!r}")
        t = tc(node.this)
        for item in node.expressions:
            if not isinstance(item, (exp.Literal, exp.Neg, exp.Cast)) or not _comparable(t, tc(item)):
                raise RuleError(where, f"IN list items must be literals of type {t}, in {node.sql()!r}")
            _check_code_literal(t, item, where)
        return BOOLEAN
    if isinstance(node, ARITHMETIC):
        a, b = tc(node.this), tc(node.expression)
        if not (a.numeric and b.numeric):
            raise RuleError(where, f"arithmetic on {a} and {b} in {node.sql()!r}")
        if isinstance(node, exp.Mul):
            if a.kind == "money" and b.kind == "money":
                raise RuleError(where, f"money × money is not money, in {node.sql()!r}")
            if "money" in (a.kind, b.kind):
                return a if a.kind == "money" else b
            if "number" in (a.kind, b.kind):
                return b if a.kind == "number" else a
            return Type("decimal")
        if a.kind == "money" or b.kind == "money":
            if not ((a.kind == b.kind and a.currency == b.currency) or "number" in (a.kind, b.kind)):
                raise RuleError(where, f"cannot add/subtract {a} and {b} in {node.sql()!r}")
            return a if a.kind == "money" else b
        return a if a.kind != "number" else b
    if isinstance(node, exp.Case):
        if node.this is not None:
            raise RuleError(where, "use searched CASE WHEN <condition> THEN …")
        results = []
        for branch in node.args.get("ifs") or []:
            if tc(branch.this) != BOOLEAN:
                raise RuleError(where, f"CASE WHEN needs a condition, got {branch.this.sql()!r}")
            results.append((branch.args["true"], tc(branch.args["true"])))
        if node.args.get("default") is not None:
            results.append((node.args["default"], tc(node.args["default"])))
        return _common(results, where, node)
    if isinstance(node, (exp.Least, exp.Greatest)):
        items = [node.this, *node.expressions]
        return _common([(i, tc(i)) for i in items], where, node)
    if isinstance(node, exp.Left):
        t, n = tc(node.this), node.expression
        if t.kind not in ("code", "text", "string") or not (isinstance(n, exp.Literal) and not n.is_string):
            raise RuleError(where, f"LEFT(text, n) needs a code/text and a number, in {node.sql()!r}")
        return Type("text")
    raise RuleError(where, f"{node.key.upper()} is not allowed in rule expressions")


def _common(typed: list[tuple[exp.Expression, Type]], where: str, node) -> Type:
    concrete = [t for _, t in typed if t.kind not in ("number", "string")]
    result = concrete[0] if concrete else typed[0][1]
    for item, t in typed:
        if not _comparable(result, t):
            raise RuleError(where, f"branches of different types ({result} and {t}) in {node.sql()!r}")
    return result


def columns(node: exp.Expression) -> list[str]:
    """Names referenced by ``node`` (in order, unique).

    Memoised by node identity: rule ASTs are built once per policy load and never mutated,
    and this walk is on every evaluator's hot path (missing-fact lists, open criteria).
    """
    found = _COLUMNS.get(id(node))
    if found is None or found[0] is not node:  # the node kept alive, so its id is not reused
        seen: dict[str, None] = {}
        for col in node.find_all(exp.Column):
            seen.setdefault(name_of(col), None)
        found = _COLUMNS[id(node)] = (node, list(seen))
    return list(found[1])


_COLUMNS: dict[int, tuple[exp.Expression, list[str]]] = {}


def open_refs(*nodes: exp.Expression | None) -> list[str]:
    """``open.x`` names referenced by ``nodes`` (None skipped), in order, unique."""
    return list(dict.fromkeys(c for n in nodes if n is not None for c in columns(n) if c.startswith(OPEN + ".")))


def expand(node: exp.Expression, scope: Scope) -> exp.Expression:
    """Replace concept names by their (already expanded) definitions, so back ends see facts only."""

    def swap(sub):
        if isinstance(sub, exp.Column):
            concept = scope.concepts.get(name_of(sub))
            if concept is not None and concept.expanded is not None:
                return exp.Paren(this=concept.expanded.copy())
        return sub

    return node.transform(swap)  # transform copies the tree
