"""Set-based evaluation: measures compiled to ONE SQL query over an enterprise facts table.

The facts table has one row per enterprise (or per enterprise × event in focus), one column
per catalogue fact (``event.attr`` → column ``event__attr``), NULL = missing. Concepts are
computed once per row in stacked CTEs (column ``c__<concept>``), in dependency order, so a
concept used by many measures is evaluated once. The query returns, per row and measure:
status, amount (DECIMAL(20,2), rounded to the fen half away from zero), a bitmask of FALSE
conditions and one of UNKNOWN conditions (bit i = i-th condition).

Back ends are small classes over sqlglot dialects; each overrides only what differs.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date

import sqlglot
from sqlglot import exp

from zhida.rules.applicability import beneficiary_sql, jurisdiction_sql
from zhida.rules.expr import AS_OF, MAX_JOINT_OPEN, OPEN, columns, name_of, open_refs
from zhida.rules.model import Measure

SQL_TYPES = {"money": "DECIMAL(20,2)", "integer": "BIGINT", "decimal": "DECIMAL(20,6)", "percent": "DECIMAL(20,6)",
             "boolean": "BOOLEAN", "date": "DATE", "code": "VARCHAR", "text": "VARCHAR"}
CONCEPT_PREFIX = "c__"
AS_OF_COLUMN = "as_of"  # per-row evaluation date, used when compile(..., as_of=None)
JUDGEMENT_PREFIX = "open__"  # open.x judged by a responsible unit: BOOLEAN column open__x, NULL = not judged


def judgement_column(open_name: str) -> str:
    """'open.rd_standard' or 'rd_standard' → 'open__rd_standard'."""
    return JUDGEMENT_PREFIX + open_name.removeprefix(OPEN + ".")


@dataclass
class CompiledQuery:
    sql: str
    columns: dict[str, dict[str, str]]  # measure id → {"status": col, "amount": col, "failing": col, "unknown": col}
    conditions: dict[str, list[str]]  # measure id → condition ids in bit order
    open_criteria: dict[str, list[str]] = field(default_factory=dict)  # measure id → open ids in bit order ("open" col)


class SqlBackend:
    """Generation via sqlglot for one dialect; subclasses set the dialect and tweak."""

    dialect = "duckdb"
    small_int = "TINYINT"  # for compact status codes

    def __init__(self, policies, judgements: bool = False):
        """``judgements``: read open criteria from BOOLEAN columns ``open__<id>`` of the facts table
        (a responsible unit's judgement; NULL = not judged, assumed met) — all of them (True) or
        those of the given ids (a batch reads only the criteria someone judged); else every open
        criterion is assumed met (TRUE)."""
        self.policies = policies
        self.judgements = judgements if isinstance(judgements, bool) else frozenset(judgements)

    def judged(self, name: str) -> bool:
        """Whether the open criterion ``name`` (open.x or x) is read from its judgement column."""
        if isinstance(self.judgements, bool):
            return self.judgements
        return name.removeprefix(OPEN + ".") in self.judgements

    # -- expressions -----------------------------------------------------------------------
    def quote(self, name: str) -> str:
        return exp.to_identifier(name, quoted=True).sql(dialect=self.dialect)

    def column(self, name: str) -> exp.Expression:
        if name in self.policies.concepts:
            return exp.column(CONCEPT_PREFIX + name, quoted=True)
        fact = self.policies.catalogue.get(name)
        return exp.column(fact.column if fact else name.replace(".", "__"), quoted=True)

    def decimal_literal(self, text: str) -> exp.Expression:
        # Exact decimals: cast each fractional literal to DECIMAL with its own scale, so no
        # engine infers DOUBLE for 0.10.
        scale = len(text.split(".")[1]) if "." in text else 0
        return exp.cast(exp.Literal.number(text), exp.DataType.build(f"DECIMAL(18,{scale})"))

    def date_literal(self, day: date) -> exp.Expression:
        return exp.cast(exp.Literal.string(day.isoformat()), exp.DataType.build("DATE"))

    def strict_extreme(self, node: exp.Expression) -> exp.Expression:
        # LEAST/GREATEST skip NULLs in DuckDB, PostgreSQL and Spark; zhida's are strict.
        items = [node.this, *node.expressions]
        result = items[0]
        cmp = exp.LTE if isinstance(node, exp.Least) else exp.GTE
        for item in items[1:]:
            any_null = exp.or_(exp.Is(this=result.copy(), expression=exp.Null()),
                               exp.Is(this=item.copy(), expression=exp.Null()))
            result = exp.Case(ifs=[exp.If(this=any_null, true=exp.Null()),
                                   exp.If(this=cmp(this=result.copy(), expression=item.copy()), true=result.copy())],
                              default=item.copy())
        return exp.Paren(this=result)

    def translate(self, node: exp.Expression, as_of: date) -> exp.Expression:
        def swap(sub):
            if isinstance(sub, exp.Column):
                name = name_of(sub)
                if name == AS_OF:  # a literal for a batch; the table's as_of column when None
                    return self.date_literal(as_of) if as_of else exp.column(AS_OF_COLUMN, quoted=True)
                if name.startswith(OPEN + "."):
                    return self.open_value(name, True)  # assumed met; the result reports it
                return self.column(name)
            if isinstance(sub, exp.Literal) and not sub.is_string and "." in sub.this:
                return self.decimal_literal(sub.this)
            return sub

        def innermost(sub):  # a LEAST/GREATEST with none inside it
            if isinstance(sub, (exp.Least, exp.Greatest)) and not any(
                    isinstance(n, (exp.Least, exp.Greatest)) for n in sub.walk() if n is not sub):
                return self.strict_extreme(sub)
            return sub

        # columns first, then LEAST/GREATEST inside out (transform does not descend into a
        # replaced node, so nested ones take one pass each)
        out = node.transform(swap)  # transform copies the tree
        while any(isinstance(n, (exp.Least, exp.Greatest)) for n in out.walk()):
            out = out.transform(innermost)
        return out

    def open_value(self, name: str, assumed: bool) -> exp.Expression:
        """An open criterion: its judgement column if judged (and the backend reads them), else ``assumed``."""
        literal = exp.Boolean(this=assumed)
        if not self.judged(name):
            return literal
        return exp.func("COALESCE", exp.column(judgement_column(name), quoted=True), literal)

    def with_open(self, node: exp.Expression, setting: dict[str, bool], tested: str) -> exp.Expression:
        """``node`` with the open criterion ``tested`` set to a literal and the others in ``setting``
        judged-or-``setting`` (a judged criterion keeps its judgement, as in the scalar evaluator)."""

        def swap(sub):
            if isinstance(sub, exp.Column):
                name = name_of(sub)
                if name == tested:
                    return exp.Boolean(this=setting[name])
                if name in setting:
                    return self.open_value(name, setting[name])
            return sub

        return node.transform(swap)  # transform copies the tree

    def depends_on(self, compute, name: str, others: list[str]) -> exp.Expression:
        """SQL for "the value depends on open criterion ``name``" (Evaluator.relevant_open): for
        some TRUE/FALSE setting of the ``others``, the value with ``name`` TRUE IS DISTINCT FROM the
        value with it FALSE. ``compute(setting)`` gives the translated value under a setting."""
        if len(others) >= MAX_JOINT_OPEN:  # as the scalar evaluator: too many to try, report it
            return exp.true()
        out = None
        for bits in itertools.product((True, False), repeat=len(others)):
            rest = dict(zip(others, bits))
            met, unmet = compute({**rest, name: True}), compute({**rest, name: False})
            test = exp.NullSafeNEQ(this=exp.Paren(this=met), expression=exp.Paren(this=unmet))
            out = test if out is None else exp.or_(out, test)
        return exp.Paren(this=out)

    def sql(self, node: exp.Expression, as_of: date) -> str:
        return "(" + self.translate(node, as_of).sql(dialect=self.dialect) + ")"

    def money(self, node: exp.Expression) -> exp.Expression:
        return exp.cast(exp.func("ROUND", node, exp.Literal.number(2)), exp.DataType.build("DECIMAL(20,2)"))

    # -- concepts as stacked CTE columns --------------------------------------------------
    def concepts_needed(self, nodes: list[exp.Expression]) -> list[list[str]]:
        """Concepts referenced (transitively), grouped in layers: a layer only uses earlier ones."""
        concepts = self.policies.concepts
        depth: dict[str, int] = {}

        def visit(name: str) -> int:
            if name not in depth:
                deps = [r for r in columns(concepts[name].ast) if r in concepts]
                depth[name] = 1 + max((visit(d) for d in deps), default=0)
            return depth[name]

        for node in nodes:
            for ref in columns(node):
                if ref in concepts:
                    visit(ref)
        layers: list[list[str]] = [[] for _ in range(max(depth.values(), default=0))]
        for name, d in depth.items():
            layers[d - 1].append(name)
        return [sorted(layer) for layer in layers]

    def source_with_concepts(self, table: str, nodes: list[exp.Expression], as_of: date) -> tuple[str, str]:
        """(WITH clause or '', relation to select from)."""
        layers = self.concepts_needed(nodes)
        if not layers:
            return "", table
        ctes, previous = [], table
        for i, layer in enumerate(layers):
            cols = ", ".join(f"{self.sql(self.policies.concepts[n].ast, as_of)} AS {self.quote(CONCEPT_PREFIX + n)}"
                             for n in layer)
            name = f"zhida_concepts_{i + 1}"
            ctes.append(f"{name} AS (SELECT *, {cols} FROM {previous})")
            previous = name
        return "WITH " + ", ".join(ctes) + " ", previous

    # -- one measure -------------------------------------------------------------------------
    def measure_nodes(self, measure: Measure) -> list[exp.Expression]:
        nodes = [c.ast for c in measure.conditions]
        a = measure.amount
        if a is not None:
            nodes += [n for n in (a.expr, a.cap, a.floor, a.upper) if n is not None]
        return nodes

    def measure_columns(self, measure: Measure, as_of: date, alias: str) -> list[str]:
        jur = self.sql(sqlglot.parse_one(jurisdiction_sql(measure)), as_of)
        ben = self.sql(sqlglot.parse_one(beneficiary_sql(measure)), as_of)
        conds = [self.sql(c.ast, as_of) for c in measure.conditions]
        return self.result_columns(measure, f"({jur} AND {ben})", conds, as_of, alias)

    def result_columns(self, measure: Measure, applicable: str, conds: list[str], as_of: date, alias: str,
                       status_codes: bool = False, with_open: bool = True) -> list[str]:
        """Status, amount (and upper), failing/unknown masks (and open mask) from the SQL of the
        measure's applicability and conditions — inline expressions or columns of an earlier stage.
        ``status_codes``: 1 eligible, 2 ineligible, 3 undetermined, NULL not applicable (compact)."""
        q = self.quote
        all_conds = "(" + " AND ".join(conds) + ")" if conds else "(TRUE)"
        eligible = f"({applicable} AND {all_conds})"
        if status_codes:
            out = [f"CAST(CASE WHEN NOT {applicable} THEN NULL WHEN NOT {all_conds} THEN 2 "
                   f"WHEN {eligible} THEN 1 ELSE 3 END AS {self.small_int}) AS {q(alias + '_status')}"]
        else:
            out = [f"CASE WHEN NOT {applicable} THEN 'not_applicable' WHEN NOT {all_conds} THEN 'ineligible' "
                   f"WHEN {eligible} THEN 'eligible' ELSE 'undetermined' END AS {q(alias + '_status')}"]
        a = measure.amount
        if a is not None and a.kind != "not_stated":
            out.append(f"{self._amount(eligible, a.expr, a.floor, a.cap, as_of)} AS {q(alias + '_amount')}")
            if a.upper is not None:
                out.append(f"{self._amount(eligible, a.upper, None, a.cap, as_of)} AS {q(alias + '_upper')}")
            if a.parts:
                out.append(f"{self._least(eligible, a, as_of)} AS {q(alias + '_least')}")
        else:
            out.append(f"CAST(NULL AS DECIMAL(20,2)) AS {q(alias + '_amount')}")
        out.append(f"{self._mask(conds, 'NOT {}')} AS {q(alias + '_failing')}")
        out.append(f"{self._mask(conds, '{} IS NULL')} AS {q(alias + '_unknown')}")
        if with_open and measure.open_criteria:
            out.append(f"{self.open_mask(measure, as_of, applicable, all_conds, eligible)} AS {q(alias + '_open')}")
        return out

    def _amount_value(self, expr, floor, cap, as_of) -> exp.Expression:
        value = self.translate(expr, as_of)
        if floor is not None:
            value = self.strict_extreme(exp.Greatest(this=value, expressions=[self.translate(floor, as_of)]))
        if cap is not None:
            value = self.strict_extreme(exp.Least(this=value, expressions=[self.translate(cap, as_of)]))
        return self.money(value)

    def _least(self, eligible: str, a, as_of) -> str:
        """``amount.sum_of_parts``: with the amount unknown and some part known, the known parts'
        sum (floor if known, then the cap, which must be known) — the scalar ``least_value``."""
        parts = [self.translate(p, as_of) for p in a.parts]
        known = " OR ".join(f"({p.sql(dialect=self.dialect)}) IS NOT NULL" for p in parts)
        total = None
        for p in parts:
            term = exp.func("COALESCE", p, exp.Literal.number(0))
            total = term if total is None else exp.Add(this=total, expression=term)
        value = total
        if a.floor is not None:  # an unknown floor is skipped: the parts are a floor already
            floor = exp.func("COALESCE", self.translate(a.floor, as_of), exp.Literal.number(0))
            value = self.strict_extreme(exp.Greatest(this=value, expressions=[floor]))
        if a.cap is not None:
            value = self.strict_extreme(exp.Least(this=value, expressions=[self.translate(a.cap, as_of)]))
        amount = self._amount_value(a.expr, a.floor, a.cap, as_of).sql(dialect=self.dialect)
        return (f"CASE WHEN {eligible} AND ({amount}) IS NULL AND ({known}) "
                f"THEN {self.money(value).sql(dialect=self.dialect)} END")

    def _amount(self, eligible: str, expr, floor, cap, as_of) -> str:
        return f"CASE WHEN {eligible} THEN {self._amount_value(expr, floor, cap, as_of).sql(dialect=self.dialect)} END"

    def open_mask(self, measure: Measure, as_of: date, applicable: str, all_conds: str, eligible: str) -> str:
        """Bit k set = the result depends on the k-th open criterion (same rule as the scalar
        evaluator: only for eligible/undetermined rows, only unjudged criteria, only where judging
        it not met would change a condition's value or an eligible row's amount)."""
        terms = []
        for k, oc in enumerate(measure.open_criteria):
            name = f"{OPEN}.{oc.id}"
            tests = []
            for cond in measure.conditions:
                refs = open_refs(cond.ast)
                if isinstance(cond.ast, exp.Column) and name_of(cond.ast) == name:
                    tests = ["TRUE"]  # the condition is the criterion itself: it always depends on it
                    break
                if name in refs:
                    def value(setting, node=cond.ast):
                        return self.translate(self.with_open(node, setting, name), as_of)

                    tests.append(self.depends_on(value, name, [r for r in refs if r != name]).sql(dialect=self.dialect))
            a = measure.amount
            if a is not None and a.kind != "not_stated":
                refs = open_refs(a.expr, a.floor, a.cap, a.upper)
                if name in refs:
                    def set_(node, setting):
                        return None if node is None else self.with_open(node, setting, name)

                    parts = [lambda s: self._amount_value(set_(a.expr, s), set_(a.floor, s), set_(a.cap, s), as_of)]
                    if a.upper is not None:
                        parts.append(lambda s: self._amount_value(set_(a.upper, s), None, set_(a.cap, s), as_of))
                    others = [r for r in refs if r != name]
                    changed = " OR ".join(self.depends_on(p, name, others).sql(dialect=self.dialect) for p in parts)
                    tests.append(f"({eligible} AND ({changed}))")
            if not tests:
                continue
            test = "TRUE" if "TRUE" in tests else " OR ".join(tests)
            if self.judged(name):  # a judged criterion is not open any more
                test = f"{self.quote(judgement_column(name))} IS NULL AND ({test})"
            terms.append(f"CASE WHEN {test} THEN {1 << k} ELSE 0 END")
        mask = f"CAST({' + '.join(terms)} AS BIGINT)" if terms else "CAST(0 AS BIGINT)"
        return (f"CASE WHEN NOT {applicable} THEN CAST(0 AS BIGINT) WHEN NOT {all_conds} THEN CAST(0 AS BIGINT) "
                f"ELSE {mask} END")

    def _mask(self, conds: list[str], test: str) -> str:
        if not conds:
            return "CAST(0 AS BIGINT)"
        terms = [f"CASE WHEN {test.format(c)} THEN {1 << i} ELSE 0 END" for i, c in enumerate(conds)]
        return f"CAST({' + '.join(terms)} AS BIGINT)"

    # -- whole query -------------------------------------------------------------------------
    def compile(self, measures: list[Measure], table: str, as_of: date | None, key: str = "enterprise_id") -> CompiledQuery:
        select = [self.quote(key)]
        cols, conditions, nodes, open_ids = {}, {}, [], {}
        for i, measure in enumerate(measures):
            alias = f"m{i}"
            select += self.measure_columns(measure, as_of, alias)
            nodes += self.measure_nodes(measure)
            cols[measure.id] = {k: f"{alias}_{k}" for k in ("status", "amount", "failing", "unknown")}
            if measure.amount is not None and measure.amount.upper is not None:
                cols[measure.id]["upper"] = f"{alias}_upper"
            if measure.amount is not None and measure.amount.parts and measure.amount.kind != "not_stated":
                cols[measure.id]["least"] = f"{alias}_least"
            if measure.open_criteria:
                cols[measure.id]["open"] = f"{alias}_open"
                open_ids[measure.id] = [o.id for o in measure.open_criteria]
            conditions[measure.id] = [c.id for c in measure.conditions]
        with_clause, relation = self.source_with_concepts(table, nodes, as_of)
        sql = f"{with_clause}SELECT {', '.join(select)} FROM {relation}"
        return CompiledQuery(sql, cols, conditions, open_ids)

    def compile_concepts(self, names: list[str], table: str, as_of: date, key: str = "enterprise_id") -> str:
        refs = [exp.column(n) for n in names]
        with_clause, relation = self.source_with_concepts(table, refs, as_of)
        cols = ", ".join(self.quote(CONCEPT_PREFIX + n) for n in names)
        return f"{with_clause}SELECT {self.quote(key)}, {cols} FROM {relation}"

    def create_table(self, table: str, key: str = "enterprise_id", judgements=()) -> str:
        """DDL of a facts table; ``judgements``: open criterion ids given BOOLEAN columns open__<id>."""
        cols = [f'"{key}" VARCHAR', f'"{AS_OF_COLUMN}" DATE']
        for fact in self.policies.catalogue.facts.values():
            cols.append(f'"{fact.column}" {SQL_TYPES[fact.type]}')
        cols += [f'"{judgement_column(j)}" BOOLEAN' for j in judgements]
        ddl = f"CREATE TABLE {table} ({', '.join(cols)})"
        return sqlglot.transpile(ddl, read="duckdb", write=self.dialect)[0]


class DuckDBBackend(SqlBackend):
    dialect = "duckdb"


class PostgresBackend(SqlBackend):
    dialect = "postgres"
    small_int = "SMALLINT"  # PostgreSQL has no TINYINT


class SparkBackend(SqlBackend):
    dialect = "spark"  # backtick identifiers, VARCHAR → STRING: sqlglot's generator does it


BACKENDS = {"duckdb": DuckDBBackend, "postgres": PostgresBackend, "spark": SparkBackend}
