"""Set-based evaluation: measures compiled to ONE SQL query over an enterprise facts table.

The facts table has one row per enterprise (or per enterprise × event in focus), one column
per catalogue fact (``event.attr`` → column ``event__attr``), NULL = missing. The query returns,
per row and measure: status, amount (DECIMAL(20,2), rounded to the fen half away from zero),
a bitmask of FALSE conditions and one of UNKNOWN conditions (bit i = i-th condition).

Back ends are small classes over sqlglot dialects; each overrides only what differs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlglot
from sqlglot import exp

from zhida.rules.applicability import beneficiary_ast, jurisdiction_ast
from zhida.rules.expr import AS_OF, OPEN, name_of
from zhida.rules.model import Measure

SQL_TYPES = {"money": "DECIMAL(20,2)", "integer": "BIGINT", "decimal": "DECIMAL(20,6)", "percent": "DECIMAL(20,6)",
             "boolean": "BOOLEAN", "date": "DATE", "code": "VARCHAR", "text": "VARCHAR"}


@dataclass
class CompiledQuery:
    sql: str
    columns: dict[str, dict[str, str]]  # measure id → {"status": col, "amount": col, "failing": col, "unknown": col}
    conditions: dict[str, list[str]]  # measure id → condition ids in bit order


class SqlBackend:
    """Generic ANSI-ish generation via sqlglot; subclasses set the dialect and tweak."""

    dialect = "duckdb"

    def __init__(self, policies):
        self.policies = policies

    # -- expressions -----------------------------------------------------------------------
    def column(self, name: str) -> exp.Expression:
        fact = self.policies.catalogue.get(name)
        return exp.column(fact.column if fact else name.replace(".", "__"), quoted=True)

    def decimal_literal(self, text: str) -> exp.Expression:
        # Exact decimals everywhere: a bare 0.10 is DECIMAL in DuckDB/Spark but would be
        # DOUBLE in some engines' literal inference; cast explicitly with its own scale.
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
                if name == AS_OF:
                    return self.date_literal(as_of)
                if name.startswith(OPEN + "."):
                    return exp.true()  # assumed met; the result reports the open criterion
                return self.column(name)
            if isinstance(sub, exp.Literal) and not sub.is_string and "." in sub.this:
                return self.decimal_literal(sub.this)
            if isinstance(sub, (exp.Least, exp.Greatest)):
                return self.strict_extreme(sub)
            return sub

        return node.copy().transform(swap)

    def money(self, node: exp.Expression) -> exp.Expression:
        return exp.cast(exp.func("ROUND", node, exp.Literal.number(2)), exp.DataType.build("DECIMAL(20,2)"))

    # -- one measure -------------------------------------------------------------------------
    def measure_columns(self, measure: Measure, as_of: date, alias: str) -> list[exp.Expression]:
        t = lambda n: exp.Paren(this=self.translate(n, as_of))  # noqa: E731
        applicable = exp.and_(t(jurisdiction_ast(measure)), t(beneficiary_ast(measure)))
        conds = [t(c.expanded) for c in measure.conditions]
        all_conds = exp.and_(*conds) if conds else exp.true()
        eligible = exp.and_(applicable.copy(), all_conds.copy())
        status = exp.Case(
            ifs=[exp.If(this=exp.Not(this=exp.Paren(this=applicable.copy())), true=exp.Literal.string("not_applicable")),
                 exp.If(this=exp.Not(this=exp.Paren(this=all_conds.copy())), true=exp.Literal.string("ineligible")),
                 exp.If(this=exp.Paren(this=eligible.copy()), true=exp.Literal.string("eligible"))],
            default=exp.Literal.string("undetermined"))
        out = [exp.alias_(status, f"{alias}_status", quoted=True)]
        a = measure.amount
        if a is not None and a.kind != "not_stated":
            out.append(exp.alias_(self._amount(eligible, a.expr, a.floor, a.cap, as_of), f"{alias}_amount", quoted=True))
            if a.upper is not None:
                out.append(exp.alias_(self._amount(eligible, a.upper, None, a.cap, as_of), f"{alias}_upper", quoted=True))
        else:
            out.append(exp.alias_(exp.cast(exp.Null(), exp.DataType.build("DECIMAL(20,2)")), f"{alias}_amount", quoted=True))
        out.append(exp.alias_(self._mask(conds, lambda c: exp.Not(this=c.copy())), f"{alias}_failing", quoted=True))
        out.append(exp.alias_(self._mask(conds, lambda c: exp.Is(this=c.copy(), expression=exp.Null())),
                              f"{alias}_unknown", quoted=True))
        return out

    def _amount(self, eligible, expr, floor, cap, as_of) -> exp.Expression:
        value = self.translate(expr, as_of)
        if floor is not None:
            value = self.strict_extreme(exp.Greatest(this=value, expressions=[self.translate(floor, as_of)]))
        if cap is not None:
            value = self.strict_extreme(exp.Least(this=value, expressions=[self.translate(cap, as_of)]))
        return exp.Case(ifs=[exp.If(this=exp.Paren(this=eligible.copy()), true=self.money(value))])

    def _mask(self, conds, test) -> exp.Expression:
        if not conds:
            return exp.cast(exp.Literal.number(0), exp.DataType.build("BIGINT"))
        terms = [exp.Case(ifs=[exp.If(this=test(c), true=exp.Literal.number(1 << i))], default=exp.Literal.number(0))
                 for i, c in enumerate(conds)]
        total = terms[0]
        for term in terms[1:]:
            total = exp.Add(this=total, expression=term)
        return exp.cast(total, exp.DataType.build("BIGINT"))

    # -- whole query -------------------------------------------------------------------------
    def compile(self, measures: list[Measure], table: str, as_of: date, key: str = "enterprise_id") -> CompiledQuery:
        select = [exp.column(key, quoted=True)]
        columns, conditions = {}, {}
        for i, measure in enumerate(measures):
            alias = f"m{i}"
            select += self.measure_columns(measure, as_of, alias)
            columns[measure.id] = {k: f"{alias}_{k}" for k in ("status", "amount", "failing", "unknown")}
            if measure.amount is not None and measure.amount.upper is not None:
                columns[measure.id]["upper"] = f"{alias}_upper"
            conditions[measure.id] = [c.id for c in measure.conditions]
        query = exp.select(*select).from_(exp.to_table(table))
        return CompiledQuery(query.sql(dialect=self.dialect), columns, conditions)

    def create_table(self, table: str, key: str = "enterprise_id") -> str:
        cols = [f'"{key}" VARCHAR']
        for fact in self.policies.catalogue.facts.values():
            cols.append(f'"{fact.column}" {SQL_TYPES[fact.type]}')
        ddl = f"CREATE TABLE {table} ({', '.join(cols)})"
        return sqlglot.transpile(ddl, read="duckdb", write=self.dialect)[0]


class DuckDBBackend(SqlBackend):
    dialect = "duckdb"


class PostgresBackend(SqlBackend):
    dialect = "postgres"


class SparkBackend(SqlBackend):
    dialect = "spark"  # identifiers in backticks, VARCHAR → STRING: sqlglot's generator does it


BACKENDS = {"duckdb": DuckDBBackend, "postgres": PostgresBackend, "spark": SparkBackend}
