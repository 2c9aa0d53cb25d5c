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

from dataclasses import dataclass
from datetime import date

import sqlglot
from sqlglot import exp

from zhida.rules.applicability import beneficiary_sql, jurisdiction_sql
from zhida.rules.expr import AS_OF, OPEN, columns, name_of
from zhida.rules.model import Measure

SQL_TYPES = {"money": "DECIMAL(20,2)", "integer": "BIGINT", "decimal": "DECIMAL(20,6)", "percent": "DECIMAL(20,6)",
             "boolean": "BOOLEAN", "date": "DATE", "code": "VARCHAR", "text": "VARCHAR"}
CONCEPT_PREFIX = "c__"
AS_OF_COLUMN = "as_of"  # per-row evaluation date, used when compile(..., as_of=None)


@dataclass
class CompiledQuery:
    sql: str
    columns: dict[str, dict[str, str]]  # measure id → {"status": col, "amount": col, "failing": col, "unknown": col}
    conditions: dict[str, list[str]]  # measure id → condition ids in bit order


class SqlBackend:
    """Generation via sqlglot for one dialect; subclasses set the dialect and tweak."""

    dialect = "duckdb"

    def __init__(self, policies):
        self.policies = policies

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
                    return exp.true()  # assumed met; the result reports the open criterion
                return self.column(name)
            if isinstance(sub, exp.Literal) and not sub.is_string and "." in sub.this:
                return self.decimal_literal(sub.this)
            if isinstance(sub, (exp.Least, exp.Greatest)):
                return self.strict_extreme(sub)
            return sub

        return node.copy().transform(swap)

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
        q = self.quote
        jur = self.sql(sqlglot.parse_one(jurisdiction_sql(measure)), as_of)
        ben = self.sql(sqlglot.parse_one(beneficiary_sql(measure)), as_of)
        applicable = f"({jur} AND {ben})"
        conds = [self.sql(c.ast, as_of) for c in measure.conditions]
        all_conds = "(" + " AND ".join(conds) + ")" if conds else "(TRUE)"
        eligible = f"({applicable} AND {all_conds})"
        out = [f"CASE WHEN NOT {applicable} THEN 'not_applicable' WHEN NOT {all_conds} THEN 'ineligible' "
               f"WHEN {eligible} THEN 'eligible' ELSE 'undetermined' END AS {q(alias + '_status')}"]
        a = measure.amount
        if a is not None and a.kind != "not_stated":
            out.append(f"{self._amount(eligible, a.expr, a.floor, a.cap, as_of)} AS {q(alias + '_amount')}")
            if a.upper is not None:
                out.append(f"{self._amount(eligible, a.upper, None, a.cap, as_of)} AS {q(alias + '_upper')}")
        else:
            out.append(f"CAST(NULL AS DECIMAL(20,2)) AS {q(alias + '_amount')}")
        out.append(f"{self._mask(conds, 'NOT {}')} AS {q(alias + '_failing')}")
        out.append(f"{self._mask(conds, '{} IS NULL')} AS {q(alias + '_unknown')}")
        return out

    def _amount(self, eligible: str, expr, floor, cap, as_of) -> str:
        value = self.translate(expr, as_of)
        if floor is not None:
            value = self.strict_extreme(exp.Greatest(this=value, expressions=[self.translate(floor, as_of)]))
        if cap is not None:
            value = self.strict_extreme(exp.Least(this=value, expressions=[self.translate(cap, as_of)]))
        return f"CASE WHEN {eligible} THEN {self.money(value).sql(dialect=self.dialect)} END"

    def _mask(self, conds: list[str], test: str) -> str:
        if not conds:
            return "CAST(0 AS BIGINT)"
        terms = [f"CASE WHEN {test.format(c)} THEN {1 << i} ELSE 0 END" for i, c in enumerate(conds)]
        return f"CAST({' + '.join(terms)} AS BIGINT)"

    # -- whole query -------------------------------------------------------------------------
    def compile(self, measures: list[Measure], table: str, as_of: date | None, key: str = "enterprise_id") -> CompiledQuery:
        select = [self.quote(key)]
        cols, conditions, nodes = {}, {}, []
        for i, measure in enumerate(measures):
            alias = f"m{i}"
            select += self.measure_columns(measure, as_of, alias)
            nodes += self.measure_nodes(measure)
            cols[measure.id] = {k: f"{alias}_{k}" for k in ("status", "amount", "failing", "unknown")}
            if measure.amount is not None and measure.amount.upper is not None:
                cols[measure.id]["upper"] = f"{alias}_upper"
            conditions[measure.id] = [c.id for c in measure.conditions]
        with_clause, relation = self.source_with_concepts(table, nodes, as_of)
        sql = f"{with_clause}SELECT {', '.join(select)} FROM {relation}"
        return CompiledQuery(sql, cols, conditions)

    def compile_concepts(self, names: list[str], table: str, as_of: date, key: str = "enterprise_id") -> str:
        refs = [exp.column(n) for n in names]
        with_clause, relation = self.source_with_concepts(table, refs, as_of)
        cols = ", ".join(self.quote(CONCEPT_PREFIX + n) for n in names)
        return f"{with_clause}SELECT {self.quote(key)}, {cols} FROM {relation}"

    def create_table(self, table: str, key: str = "enterprise_id") -> str:
        cols = [f'"{key}" VARCHAR', f'"{AS_OF_COLUMN}" DATE']
        for fact in self.policies.catalogue.facts.values():
            cols.append(f'"{fact.column}" {SQL_TYPES[fact.type]}')
        ddl = f"CREATE TABLE {table} ({', '.join(cols)})"
        return sqlglot.transpile(ddl, read="duckdb", write=self.dialect)[0]


class DuckDBBackend(SqlBackend):
    dialect = "duckdb"


class PostgresBackend(SqlBackend):
    dialect = "postgres"


class SparkBackend(SqlBackend):
    dialect = "spark"  # backtick identifiers, VARCHAR → STRING: sqlglot's generator does it


BACKENDS = {"duckdb": DuckDBBackend, "postgres": PostgresBackend, "spark": SparkBackend}
