"""Staged compilation: the rules engine's query shape, without repeating shared sub-expressions.

``rules.sql.SqlBackend.compile`` inlines every concept into every condition and every condition
into status, amount and both masks. With the seed rules that is a 7 MB statement (the SME size
class alone is ~80 kB expanded, used by a dozen conditions): DuckDB spends minutes planning it.
Here the same expressions are evaluated in stages over the facts table, so each is written once:

  concepts, in dependency order (one CTE per level, each ``SELECT *, <concept> AS name``)
  → applicability and conditions of every measure as boolean columns (``m{i}_j``, ``m{i}_c{k}``)
  → status / amount / failing / unknown from those columns, exactly as ``SqlBackend`` does.

Only ``compile`` differs; literals, LEAST/GREATEST, rounding and dialects are the base class's.
"""

from __future__ import annotations

from datetime import date

from sqlglot import exp

from zhida.rules.applicability import beneficiary_ast, jurisdiction_ast
from zhida.rules.expr import columns, parse
from zhida.rules.model import Measure
from zhida.rules.sql import CompiledQuery, DuckDBBackend, PostgresBackend, SparkBackend, SqlBackend

STATUSES = ("eligible", "ineligible", "undetermined", "not_applicable")


def _col(name: str) -> exp.Column:
    return exp.column(name, quoted=True)


def amount_ast(m: Measure, part: str) -> exp.Expression | None:
    """An amount part as written (concept names kept), else the loader's expanded AST."""
    a = m.amount
    if a is None or getattr(a, part) is None:
        return None
    text = a.text.get(part)
    return parse(text, f"{m.id} amount.{part}") if text is not None else getattr(a, part)


class StagedMixin(SqlBackend):
    def _concept_levels(self, measures: list[Measure]) -> list[list[str]]:
        """Concepts the measures' conditions use, grouped so each level needs only earlier ones."""
        concepts = self.policies.concepts
        wanted: set[str] = set()
        for m in measures:
            nodes = [c.ast for c in m.conditions]
            nodes += [n for n in (amount_ast(m, p) for p in ("expr", "cap", "floor", "upper")) if n is not None]
            for node in nodes:
                for name in columns(node):
                    if name in concepts:
                        wanted |= {name, *concepts[name].uses}
        levels: list[list[str]] = []
        done: set[str] = set()
        while wanted - done:
            level = sorted(n for n in wanted - done if set(concepts[n].uses) <= done)
            if not level:  # a cycle: the loader rejects those, never reached
                raise ValueError(f"concept cycle among {sorted(wanted - done)}")
            levels.append(level)
            done |= set(level)
        return levels

    def compile(self, measures: list[Measure], table: str, as_of: date, key: str = "enterprise_id") -> CompiledQuery:
        t = lambda n: exp.Paren(this=self.translate(n, as_of))  # noqa: E731
        ctes: list[tuple[str, exp.Select]] = []
        source: exp.Expression = exp.to_table(table) if "(" not in table else exp.maybe_parse(table, dialect=self.dialect)
        previous = source
        for i, level in enumerate(self._concept_levels(measures)):
            select = exp.select(exp.Star(), *[exp.alias_(t(self.policies.concepts[n].ast), n, quoted=True, copy=False)
                                              for n in level], copy=False).from_(previous, copy=False)
            ctes.append((f"zc{i}", select))
            previous = exp.to_table(f"zc{i}")

        # stage 2: applicability and every condition once, as boolean columns
        stage2 = []
        for i, m in enumerate(measures):
            applicable = exp.and_(t(jurisdiction_ast(m)), t(beneficiary_ast(m)), copy=False)
            stage2.append(exp.alias_(applicable, f"m{i}_a", quoted=True, copy=False))
            stage2 += [exp.alias_(t(c.ast), f"m{i}_c{k}", quoted=True, copy=False) for k, c in enumerate(m.conditions)]
        ctes.append(("zconds", exp.select(exp.Star(), *stage2, copy=False).from_(previous, copy=False)))

        select = [_col(key)]
        out_columns, conditions = {}, {}
        for i, m in enumerate(measures):
            alias = f"m{i}"
            select += self._measure_from_stage(m, i, as_of, alias)
            out_columns[m.id] = {k: f"{alias}_{k}" for k in ("status", "amount", "failing", "unknown")}
            if m.amount is not None and m.amount.upper is not None:
                out_columns[m.id]["upper"] = f"{alias}_upper"
            conditions[m.id] = [c.id for c in m.conditions]
        query = exp.select(*select, copy=False).from_("zconds", copy=False)
        for name, cte in ctes:  # copy=False: sqlglot's builders deep-copy the whole tree otherwise
            query = query.with_(name, as_=cte, copy=False)
        return CompiledQuery(query.sql(dialect=self.dialect), out_columns, conditions)

    def _measure_from_stage(self, m: Measure, i: int, as_of: date, alias: str) -> list[exp.Expression]:
        applicable = _col(f"m{i}_a")
        conds = [_col(f"m{i}_c{k}") for k in range(len(m.conditions))]
        all_conds = exp.and_(*conds) if conds else exp.true()
        eligible = exp.and_(applicable.copy(), all_conds.copy())
        status = exp.Case(
            ifs=[exp.If(this=exp.Not(this=applicable.copy()), true=exp.Literal.string("not_applicable")),
                 exp.If(this=exp.Not(this=exp.Paren(this=all_conds.copy())), true=exp.Literal.string("ineligible")),
                 exp.If(this=exp.Paren(this=eligible.copy()), true=exp.Literal.string("eligible"))],
            default=exp.Literal.string("undetermined"))
        out = [exp.alias_(status, f"{alias}_status", quoted=True)]
        a = m.amount
        if a is not None and a.kind != "not_stated":
            expr, floor, cap, upper = (amount_ast(m, p) for p in ("expr", "floor", "cap", "upper"))
            out.append(exp.alias_(self._amount(eligible, expr, floor, cap, as_of), f"{alias}_amount", quoted=True))
            if upper is not None:
                out.append(exp.alias_(self._amount(eligible, upper, None, cap, as_of), f"{alias}_upper", quoted=True))
        else:
            out.append(exp.alias_(exp.cast(exp.Null(), exp.DataType.build("DECIMAL(20,2)")), f"{alias}_amount",
                                  quoted=True))
        out.append(exp.alias_(self._mask(conds, lambda c: exp.Not(this=c.copy())), f"{alias}_failing", quoted=True))
        out.append(exp.alias_(self._mask(conds, lambda c: exp.Is(this=c.copy(), expression=exp.Null())),
                              f"{alias}_unknown", quoted=True))
        return out


class StagedDuckDB(StagedMixin, DuckDBBackend):
    pass


class StagedPostgres(StagedMixin, PostgresBackend):
    pass


class StagedSpark(StagedMixin, SparkBackend):
    pass


STAGED = {"duckdb": StagedDuckDB, "postgres": StagedPostgres, "spark": StagedSpark}
