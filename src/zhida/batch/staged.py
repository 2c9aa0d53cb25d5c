"""Staged compilation for batch runs: the rules engine's query, each condition evaluated once.

``rules.sql.SqlBackend.compile`` computes concepts once (stacked CTEs) but writes every
condition into the status CASE, the eligibility test of the amount and both bitmasks, so a
condition is evaluated up to five times per row. Over millions of rows that dominates. Here one
more CTE evaluates applicability and every condition once, as boolean columns (``m{i}_a``,
``m{i}_c{k}``; NULL = unknown), and status / amount / masks are built from those columns with
the base class's own pieces (``_amount``, ``_mask``, literals, rounding, dialects). Only
``compile`` differs; results are identical (tests/batch compare with the scalar evaluator).
"""

from __future__ import annotations

from datetime import date

import sqlglot
from sqlglot import exp

from zhida.rules.applicability import beneficiary_sql, jurisdiction_sql
from zhida.rules.expr import OPEN, name_of, open_refs
from zhida.rules.model import Measure
from zhida.rules.sql import (CompiledQuery, DuckDBBackend, PostgresBackend, SparkBackend, SqlBackend,
                             judgement_column)

STATUSES = ("eligible", "ineligible", "undetermined", "not_applicable")
CONDITIONS_CTE = "zhida_conditions"


class StagedMixin(SqlBackend):
    def compile(self, measures: list[Measure], table: str, as_of: date, key: str = "enterprise_id",
                carry: tuple[str, ...] = (), status_codes: bool = False) -> CompiledQuery:
        """As the base class; ``carry``: input columns passed through to the result (name, district …).

        ``status_codes``: status as a TINYINT code (engines.STATUS_CODES; NULL = not_applicable)
        instead of the status name — cheaper than building and comparing strings per pair.
        """
        q = self.quote
        nodes = [n for m in measures for n in self.measure_nodes(m)]
        with_clause, relation = self.source_with_concepts(table, nodes, as_of)

        tests = []  # stage: applicability and each condition, once
        for i, m in enumerate(measures):
            jur = self.sql(sqlglot.parse_one(jurisdiction_sql(m)), as_of)
            ben = self.sql(sqlglot.parse_one(beneficiary_sql(m)), as_of)
            tests.append(f"({jur} AND {ben}) AS {q(f'm{i}_a')}")
            tests += [f"{self.sql(c.ast, as_of)} AS {q(f'm{i}_c{k}')}" for k, c in enumerate(m.conditions)]
            tests += [f"{sql} AS {q(col)}" for col, sql in self._open_tests(m, i, as_of)]
        stage = f"{CONDITIONS_CTE} AS (SELECT *, {', '.join(tests)} FROM {relation})"
        with_clause = (with_clause.rstrip() + ", " if with_clause else "WITH ") + stage + " "

        select = [q(key), *[q(c) for c in carry]]
        out_columns, conditions = {}, {}
        for i, m in enumerate(measures):
            alias = f"m{i}"
            select += self._columns_from_stage(m, i, as_of, alias, status_codes)
            out_columns[m.id] = {k: f"{alias}_{k}" for k in ("status", "amount", "failing", "unknown")}
            if m.amount is not None and m.amount.upper is not None:
                out_columns[m.id]["upper"] = f"{alias}_upper"
            if m.amount is not None and m.amount.parts and m.amount.kind != "not_stated":
                out_columns[m.id]["least"] = f"{alias}_least"
            if m.open_criteria:
                out_columns[m.id]["open"] = f"{alias}_open"
            conditions[m.id] = [c.id for c in m.conditions]
        sql = f"{with_clause}SELECT {', '.join(select)} FROM {CONDITIONS_CTE}"
        opens = {m.id: [o.id for o in m.open_criteria] for m in measures if m.open_criteria}
        return CompiledQuery(sql, out_columns, conditions, opens)

    def _columns_from_stage(self, m: Measure, i: int, as_of: date, alias: str, codes: bool = False) -> list[str]:
        q = self.quote
        conds = [q(f"m{i}_c{k}") for k in range(len(m.conditions))]
        staged_open = self._stages_open(m)
        out = self.result_columns(m, q(f"m{i}_a"), conds, as_of, alias, status_codes=codes,
                                  with_open=not staged_open)
        if staged_open and m.open_criteria:
            out.append(f"{self._open_mask_from_stage(m, i, conds)} AS {q(alias + '_open')}")
        return out

    # -- the open mask (which open criteria a result still depends on: 待认定 in the totals) ------
    # The base class re-evaluates every condition that references an open criterion inside the
    # mask, in the final projection: over 200,000 rows that made the run 20× slower. Here a
    # condition that IS the criterion (`open.qualifying`, 83 of 90) depends on it by definition,
    # and the few compound ones (`manufacturing OR open.other_industries`) get their dependency
    # computed once in the conditions stage (``m{i}_c{j}_o{k}``). Same rule as the scalar
    # evaluator (tests/batch compare the masks pair by pair).
    def _stages_open(self, m: Measure) -> bool:
        a = m.amount
        in_amount = a is not None and a.kind != "not_stated" and open_refs(a.expr, a.floor, a.cap, a.upper)
        return not in_amount

    def _open_tests(self, m: Measure, i: int, as_of: date) -> list[tuple[str, str]]:
        if not m.open_criteria or not self._stages_open(m):
            return []
        out = []
        for j, cond in enumerate(m.conditions):
            refs = open_refs(cond.ast)
            if not refs or isinstance(cond.ast, exp.Column):
                continue
            for k, oc in enumerate(m.open_criteria):
                name = f"{OPEN}.{oc.id}"
                if name not in refs:
                    continue

                def value(setting, node=cond.ast, name=name):
                    return self.translate(self.with_open(node, setting, name), as_of)

                test = self.depends_on(value, name, [r for r in refs if r != name])
                out.append((f"m{i}_c{j}_o{k}", test.sql(dialect=self.dialect)))
        return out

    def _open_mask_from_stage(self, m: Measure, i: int, conds: list[str]) -> str:
        q = self.quote
        terms = []
        for k, oc in enumerate(m.open_criteria):
            name = f"{OPEN}.{oc.id}"
            tests = []
            for j, cond in enumerate(m.conditions):
                if isinstance(cond.ast, exp.Column) and name_of(cond.ast) == name:
                    tests = ["TRUE"]
                    break
                if name in open_refs(cond.ast):
                    tests.append(q(f"m{i}_c{j}_o{k}"))
            if tests:
                test = "TRUE" if "TRUE" in tests else " OR ".join(tests)
                if self.judged(name):  # a judged criterion is not open any more
                    test = f"{q(judgement_column(name))} IS NULL" if test == "TRUE" else \
                        f"{q(judgement_column(name))} IS NULL AND ({test})"
                terms.append(f"CASE WHEN {test} THEN {1 << k} ELSE 0 END")
        mask = f"CAST({' + '.join(terms)} AS BIGINT)" if terms else "CAST(0 AS BIGINT)"
        applicable = q(f"m{i}_a")
        all_conds = "(" + " AND ".join(conds) + ")" if conds else "(TRUE)"
        return (f"CASE WHEN NOT {applicable} THEN CAST(0 AS BIGINT) WHEN NOT {all_conds} THEN CAST(0 AS BIGINT) "
                f"ELSE {mask} END")


class StagedDuckDB(StagedMixin, DuckDBBackend):
    pass


class StagedPostgres(StagedMixin, PostgresBackend):
    def compile(self, *args, **kwargs) -> CompiledQuery:
        # PostgreSQL inlines a CTE referenced once and substitutes its column expressions into
        # every reference: the SME size class would be copied into each use again (a plan that
        # runs for minutes on 2,000 rows). MATERIALIZED (PostgreSQL 12+) keeps each stage once.
        # The rule language has no sub-queries, so " AS (SELECT " only opens a CTE.
        compiled = super().compile(*args, **kwargs)
        compiled.sql = compiled.sql.replace(" AS (SELECT ", " AS MATERIALIZED (SELECT ")
        return compiled


class StagedSpark(StagedMixin, SparkBackend):
    pass


STAGED = {"duckdb": StagedDuckDB, "postgres": StagedPostgres, "spark": StagedSpark}
