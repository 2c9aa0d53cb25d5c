"""Microsimulation: coverage and estimated cost per measure, and parametric what-ifs.

A what-if changes one literal of a measure, addressed by a documented path:

  <measure id>.amount.cap | .floor | .upper        the whole part becomes the value (added if absent)
  <measure id>.amount.expr_rate                     the only number in amount.expr (e.g. 0.10)
  <measure id>.amount.expr.<n>                      the n-th number (1-based) in amount.expr
  <measure id>.conditions.<condition id>.threshold  the only number or date in that condition
  <measure id>.conditions.<condition id>.<n>        its n-th number or date

Values are plain numbers in the rule's units (yuan, fractions: ``0.15``) or dates ``YYYY-MM-DD``.
Baseline and reform run in ONE query over the same population (the reformed measure is
compiled alongside as ``<id>#reform``), so they differ only by the change.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path

from sqlglot import exp

from zhida.batch.summary import q
from zhida.errors import RuleError
from zhida.rules.expr import expand

REFORM = "#reform"
AMOUNT_PARTS = ("cap", "floor", "upper", "expr")


@dataclass
class Change:
    measure: str
    path: str  # the part after the measure id, e.g. amount.cap
    value: str


@dataclass
class Simulation:
    as_of: dt.date
    enterprises: int
    measures: list[dict]  # per measure: coverage and cost (baseline, and reform where changed)
    by_district: list[dict]
    by_industry: list[dict]
    changes: list[dict] = field(default_factory=list)
    movers: list[dict] = field(default_factory=list)  # enterprises that gain or lose


def parse_change(text: str, policies) -> Change:
    if "=" not in text:
        raise RuleError(f"--set {text}", "expected PATH=VALUE, e.g. xz2022.first-set-equipment-subsidy.amount.cap=500000")
    path, value = (s.strip() for s in text.split("=", 1))
    for marker in (".amount.", ".conditions."):
        if marker in path:
            mid, rest = path.split(marker, 1)
            measure = policies.measure(mid)
            return Change(measure.id, marker.strip(".") + "." + rest, value)
    raise RuleError(f"--set {path}", "path must be <measure>.amount.<part> or <measure>.conditions.<id>.threshold")


def _literal(value: str, where: str) -> exp.Expression:
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        dt.date.fromisoformat(value)
        return exp.cast(exp.Literal.string(value), exp.DataType.build("DATE"))
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise RuleError(where, f"{value!r} is not a number or a YYYY-MM-DD date") from None
    return exp.Literal.number(format(number, "f"))


def _numbers(node: exp.Expression) -> list[exp.Expression]:
    """Numeric literals and DATE literals of an expression, in reading order."""
    found = []
    for sub in node.walk(bfs=False):  # depth first: reading order
        if isinstance(sub, exp.Literal) and not sub.is_string:
            found.append(sub)
        elif isinstance(sub, exp.Cast) and sub.to.is_type("date") and isinstance(sub.this, exp.Literal):
            found.append(sub)  # DATE 'YYYY-MM-DD' (its string literal is not numeric, so not listed twice)
    return found


@dataclass(frozen=True)
class Parameter:
    """A number or date of a measure that ``--set <measure>.<path>=VALUE`` can change."""

    path: str  # amount.cap, amount.expr.2, conditions.<id>.1
    kind: str  # number | date
    value: str  # as encoded: 5000000, 0.50, 2022-12-31
    context: exp.Expression  # the expression it sits in (the literal's parent), for describing it


def _literal_value(node: exp.Expression) -> tuple[str, str]:
    if isinstance(node, exp.Cast):
        return "date", node.this.this
    return "number", node.this


def parameters(measure) -> list[Parameter]:
    """The measure's addressable numbers and dates, in path order; literals in a list of codes
    (``IN (3, 4, 5)``) are categories, not parameters, and are left out (their positions still count)."""
    out = []
    a = measure.amount
    if a is not None:
        for part in ("cap", "floor", "upper"):
            node = getattr(a, part)
            if isinstance(node, exp.Literal) and not node.is_string:
                out.append(Parameter(f"amount.{part}", "number", node.this, node))
        if a.expr is not None:
            written = (policies_parse(a.text["expr"], f"{measure.id}.amount.expr", measure) if a.text.get("expr")
                       else a.expr)
            out += _positional(written, "amount.expr")
    for c in measure.conditions:
        out += _positional(c.ast, f"conditions.{c.id}")
    return out


def _positional(node: exp.Expression, prefix: str) -> list[Parameter]:
    out = []
    for n, literal in enumerate(_numbers(node), start=1):
        if isinstance(literal.parent, (exp.In, exp.Tuple)):
            continue
        kind, value = _literal_value(literal)
        out.append(Parameter(f"{prefix}.{n}", kind, value, literal.parent or node))
    return out


def _replace_literal(node: exp.Expression, selector: str, value: str, where: str) -> exp.Expression:
    node = node.copy()
    literals = _numbers(node)
    if selector in ("threshold", "rate", "expr_rate"):
        nonzero = [lit for lit in literals if lit.sql() not in ("0",)]
        if len(nonzero) != 1:
            raise RuleError(where, f"{len(nonzero)} numbers in {node.sql()!r}; address one by position (.1, .2 …)")
        target = nonzero[0]
    else:
        if not selector.isdigit() or not 1 <= int(selector) <= len(literals):
            raise RuleError(where, f"no number #{selector} in {node.sql()!r} ({len(literals)} numbers)")
        target = literals[int(selector) - 1]
    new = _literal(value, where)
    if target is node:
        return new
    target.replace(new)
    return node


def apply_change(measure, change: Change, policies):
    """A reformed copy of ``measure`` (its id gets ``#reform``); the original is untouched."""
    where = f"--set {change.measure}.{change.path}"
    parts = change.path.split(".")
    scope = policies.scope([o.id for o in measure.open_criteria])
    if parts[0] == "amount":
        if measure.amount is None:
            raise RuleError(where, "this measure has no amount")
        amount = copy.copy(measure.amount)
        amount.text = dict(amount.text)
        if len(parts) == 2 and parts[1] in ("cap", "floor", "upper"):
            new = _literal(change.value, where)
        elif len(parts) == 2 and parts[1] == "expr_rate" or len(parts) == 3 and parts[1] == "expr":
            if amount.expr is None:
                raise RuleError(where, "the amount has no formula (kind not_stated)")
            written = (policies_parse(amount.text.get("expr"), where, measure) if amount.text.get("expr")
                       else amount.expr)
            new = expand(_replace_literal(written, parts[-1] if parts[1] == "expr" else "expr_rate", change.value,
                                          where), scope)
            parts = ["amount", "expr"]
        else:
            raise RuleError(where, "amount parts: cap, floor, upper, expr_rate, expr.<n>")
        setattr(amount, parts[1], new)
        amount.text[parts[1]] = new.sql()
        return replace(measure, id=measure.id + REFORM, amount=amount)
    if parts[0] == "conditions" and len(parts) == 3:
        conditions = []
        hit = False
        for c in measure.conditions:
            if c.id == parts[1]:
                ast = _replace_literal(c.ast, parts[2], change.value, where)
                c = replace(c, ast=ast, expanded=expand(ast, scope), expr=ast.sql())
                hit = True
            conditions.append(c)
        if not hit:
            ids = ", ".join(c.id for c in measure.conditions)
            raise RuleError(where, f"no condition {parts[1]!r} (conditions: {ids})")
        return replace(measure, id=measure.id + REFORM, conditions=conditions)
    raise RuleError(where, "path must be amount.<part> or conditions.<id>.threshold")


def policies_parse(text: str, where: str, measure=None) -> exp.Expression:
    """A measure's expression as written (``@policy`` read as the measure's period)."""
    from zhida.rules.expr import parse
    from zhida.rules.periods import policy_spec

    return parse(text, where, policy_spec(measure.period.start, measure.period.end) if measure else None)


def simulate(policies, input_path: Path, as_of: dt.date, changes: list[str] = (), measure_ids: list[str] | None = None,
             movers_limit: int = 50, engine=None, region_code: str | None = None) -> Simulation:
    """Baseline (and reform) over the population in ``input_path``, aggregated with DuckDB.

    ``region_code``: only the enterprises of that district. Movers: per change, the
    ``movers_limit`` largest gains and the ``movers_limit`` largest losses (``direction``)."""
    from zhida.batch.engines import DuckDBEngine, result_names
    from zhida.batch.pushlists import area_name, industry_name

    parsed = [parse_change(c, policies) for c in changes]
    ids = measure_ids or ([c.measure for c in parsed] if parsed else list(policies.measures))
    baseline = [policies.measure(i) for i in dict.fromkeys(ids)]
    reformed: dict[str, object] = {}
    for ch in parsed:
        base = reformed.get(ch.measure) or policies.measure(ch.measure)
        reformed[ch.measure] = replace(apply_change(base, ch, policies), id=ch.measure + REFORM)
    measures = baseline + list(reformed.values())
    engine = engine or DuckDBEngine()
    con = engine.connect()
    con.execute("SET enable_progress_bar = false")
    present = engine.facts_view(con, policies, Path(input_path), as_of, region_code=region_code)
    carry = tuple(c for c in ("name", "region_code", "special_zone", "industry_code") if c in present)
    compiled = engine.compile(policies, measures, as_of, carry)
    names = result_names(compiled, carry)
    outer = ", ".join(f'"{a}" AS {q(n)}' for a, n in names.items())
    con.execute(f"CREATE TEMP TABLE sim AS SELECT {outer} FROM ({compiled.sql})")
    total = con.execute("SELECT count(*) FROM sim").fetchone()[0]

    def aggregates(m_id: str) -> list[str]:
        s, a = q(m_id + ":status"), q(m_id + ":amount")
        # count(*) FILTER, not count_if: 0 (not NULL) over no rows (a district without enterprises)
        return [f"count(*) FILTER ({s} = 'eligible')", f"count(*) FILTER ({s} = 'undetermined')",
                f"sum({a}) FILTER ({s} = 'eligible')"]

    def table(group_sql: str | None) -> list[tuple]:
        cols = [x for m in measures for x in aggregates(m.id)]
        head = f"{group_sql} AS g, " if group_sql else ""
        tail = " GROUP BY g ORDER BY g" if group_sql else ""
        return con.execute(f"SELECT {head}{', '.join(cols)} FROM sim{tail}").fetchall()

    def unpack(row, offset: int) -> dict[str, dict]:
        out = {}
        for i, m in enumerate(measures):
            e, u, cost = row[offset + 3 * i: offset + 3 * i + 3]
            out[m.id] = {"eligible": int(e), "undetermined": int(u),
                         "cost": None if cost is None else str(Decimal(cost).quantize(Decimal("0.01")))}
        return out

    overall = unpack(table(None)[0], 0)
    per_measure = []
    for m in baseline:
        entry = {"measure_id": m.id, "title": m.title, "benefit": m.benefit,
                 "amount_kind": m.amount.kind if m.amount else None, "baseline": overall[m.id]}
        if m.id in reformed:
            entry["reform"] = overall[m.id + REFORM]
        per_measure.append(entry)
    area = "CASE WHEN special_zone IS NOT NULL AND special_zone <> 'none' THEN special_zone ELSE region_code END"
    by_district = [{"district": r[0], "name": area_name(r[0]) if r[0] else "", "measures": unpack(r, 1)}
                   for r in table(area)]
    by_industry = [{"industry": r[0], "name": industry_name(r[0]) if r[0] else "", "measures": unpack(r, 1)}
                   for r in table("LEFT(industry_code, 2)")]
    movers = []
    for mid in reformed:
        counts = _mover_counts(con, mid)
        next(e for e in per_measure if e["measure_id"] == mid)["movers"] = counts
        movers += _movers(con, mid, movers_limit, counts)
    con.close()
    return Simulation(as_of, int(total), per_measure, by_district, by_industry,
                      [{"measure": c.measure, "path": c.path, "value": c.value} for c in parsed], movers)


def _mover_sql(mid: str) -> dict[str, str]:
    """Per enterprise: the change in money and its direction. A gain is becoming eligible or
    getting more; a loss the reverse; other changes (ineligible ↔ undetermined) are neither."""
    b_s, b_a, r_s, r_a = q(mid + ":status"), q(mid + ":amount"), q(mid + REFORM + ":status"), q(mid + REFORM + ":amount")
    delta = (f"coalesce(CASE WHEN {r_s} = 'eligible' THEN {r_a} END, 0) "
             f"- coalesce(CASE WHEN {b_s} = 'eligible' THEN {b_a} END, 0)")
    gain = f"({r_s} = 'eligible' AND {b_s} <> 'eligible' OR {b_s} = 'eligible' AND {r_s} = 'eligible' AND ({delta}) > 0)"
    loss = f"({b_s} = 'eligible' AND {r_s} <> 'eligible' OR {b_s} = 'eligible' AND {r_s} = 'eligible' AND ({delta}) < 0)"
    return {"b_s": b_s, "b_a": b_a, "r_s": r_s, "r_a": r_a, "delta": delta,
            "direction": f"CASE WHEN {gain} THEN 'gain' WHEN {loss} THEN 'loss' ELSE 'other' END",
            "differs": f"({b_s} <> {r_s} OR {b_a} IS DISTINCT FROM {r_a})"}


def _mover_counts(con, mid: str) -> dict[str, int]:
    m = _mover_sql(mid)
    changed, gainers, losers = con.execute(
        f"SELECT count(*), count(*) FILTER ({m['direction']} = 'gain'), count(*) FILTER ({m['direction']} = 'loss') "
        f"FROM sim WHERE {m['differs']}").fetchone()
    return {"changed": int(changed), "gainers": int(gainers), "losers": int(losers)}


def _movers(con, mid: str, limit: int, counts: dict[str, int]) -> list[dict]:
    from zhida.batch.pushlists import area_name

    m = _mover_sql(mid)
    rows = con.execute(
        f"SELECT * FROM (SELECT uscc, name, region_code, industry_code, {m['b_s']}, {m['b_a']}, {m['r_s']}, {m['r_a']}, "
        f"{m['delta']} AS delta, {m['direction']} AS direction FROM sim WHERE {m['differs']}) "
        f"QUALIFY row_number() OVER (PARTITION BY direction ORDER BY abs(delta) DESC, uscc) <= {int(limit)} "
        f"ORDER BY abs(delta) DESC, uscc").fetchall()
    return [{"measure_id": mid, "uscc": uscc, "name": name, "region_code": region,
             "district": area_name(region) if region else "", "industry_code": industry, "direction": direction,
             "baseline": {"status": bs, "amount": _s(ba)}, "reform": {"status": rs, "amount": _s(ra)},
             "change": _s(delta), "changed_total": counts["changed"], "gainers": counts["gainers"],
             "losers": counts["losers"]}
            for uscc, name, region, industry, bs, ba, rs, ra, delta, direction in rows]


def _s(value) -> str | None:
    return None if value is None else str(Decimal(value).quantize(Decimal("0.01")))
