"""Staged compilation for batch runs: the rules engine's query, each condition evaluated once.

``rules.sql.SqlBackend.compile`` computes concepts once (stacked CTEs) but writes every
condition into the status CASE, the eligibility test of the amount and both bitmasks, so a
condition is evaluated up to five times per row. Over millions of rows that dominates. Here one
more CTE evaluates applicability and every condition once, as boolean columns (``m{i}_a``,
``m{i}_c{k}``; NULL = unknown), and status / amount / masks are built from those columns with
the base class's own pieces (``_amount``, ``_mask``, literals, rounding, dialects). Only
``compile`` differs; results are identical (tests/batch compare with the scalar evaluator).

The stage holds each DISTINCT test once: 161 measures have 14 distinct applicability tests and
312 conditions 149 distinct ones (87 are an open criterion assumed met, the constant TRUE, which
is not a column at all but written into status and masks as a literal the engine folds away).
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
SUMS_CTE = "zhida_sums"
CONSTANTS = ("TRUE", "FALSE")


class StagedMixin(SqlBackend):
    def compile(self, measures: list[Measure], table: str, as_of: date, key: str = "enterprise_id",
                carry: tuple[str, ...] = (), status_codes: bool = False, packed: bool = False) -> CompiledQuery:
        """As the base class; ``carry``: input columns passed through to the result (name, district …).

        ``status_codes``: status as a TINYINT code (engines.STATUS_CODES; NULL = not_applicable)
        instead of the status name — cheaper than building and comparing strings per pair.
        ``packed``: the batch's result layout instead (packed.py): per measure ONE integer ``p{i}``
        holding status and masks, and its money columns ``amount{i}`` / ``upper{i}`` / ``least{i}``.
        """
        q = self.quote
        nodes = [n for m in measures for n in self.measure_nodes(m)]
        with_clause, relation = self.source_with_concepts(table, nodes, as_of)

        self._staged: dict[str, str] = {}  # m{i}_a, m{i}_c{k}, m{i}_c{j}_o{k} → its column or literal
        seen: dict[str, str] = {}  # a test's SQL → the column holding it
        tests = []  # stage: applicability and each distinct condition, once

        def stage_test(name: str, sql: str) -> None:
            if sql.strip("()").upper() in CONSTANTS:  # an open criterion assumed met: no column
                self._staged[name] = sql.strip("()").upper()
            elif sql in seen:
                self._staged[name] = seen[sql]
            else:
                seen[sql] = self._staged[name] = q(name)
                tests.append(f"{sql} AS {q(name)}")

        for i, m in enumerate(measures):
            jur = self.sql(sqlglot.parse_one(jurisdiction_sql(m)), as_of)
            ben = self.sql(sqlglot.parse_one(beneficiary_sql(m)), as_of)
            stage_test(f"m{i}_a", f"({jur} AND {ben})")
            for k, c in enumerate(m.conditions):
                stage_test(f"m{i}_c{k}", self.sql(c.ast, as_of))
            for col, sql in self._open_tests(m, i, as_of):
                stage_test(col, sql)
        stage = f"{CONDITIONS_CTE} AS (SELECT *{''.join(', ' + t for t in tests)} FROM {relation})"
        with_clause = (with_clause.rstrip() + ", " if with_clause else "WITH ") + stage + " "
        if packed:
            return self._packed(measures, as_of, with_clause, key, carry)

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

    def _packed(self, measures: list[Measure], as_of: date, with_clause: str, key: str,
                carry: tuple[str, ...]) -> CompiledQuery:
        """Per measure ``p{i}`` = 0 (not applicable) or status | failing << 2 | unknown << (2 + C) |
        open << (2 + 2C), C its conditions (packed.py), and its money columns. One CASE per condition
        gives both mask bits (``s{i}``, in a stage of its own); status follows from them: a failing
        bit → ineligible, else an unknown bit or unknown applicability → undetermined, else eligible
        — the CASE of ``result_columns``."""
        from zhida.batch.packed import bits_of

        q = self.quote
        sums, select, out_columns = [], [q(key), *[q(c) for c in carry]], {}
        for i, m in enumerate(measures):
            conds = [self._staged[f"m{i}_c{k}"] for k in range(len(m.conditions))]
            width = len(conds)
            kind = "INTEGER" if bits_of(m.id, width, len(m.open_criteria)) <= 31 else "BIGINT"  # ≤ 63 or refused
            terms = [f"CASE WHEN {c} THEN 0 WHEN NOT {c} THEN {1 << (2 + k)} ELSE {1 << (2 + width + k)} END"
                     for k, c in enumerate(conds) if c != "TRUE"]
            sums.append(f"{' + '.join(terms) if terms else '0'} AS {q(f's{i}')}")
            applicable, s_i = self._staged[f"m{i}_a"], q(f"s{i}")
            failing = ((1 << width) - 1) << 2
            status = (f"CASE WHEN ({s_i} & {failing}) <> 0 THEN 2 WHEN {s_i} <> 0 OR {applicable} IS NULL "
                      f"THEN 3 ELSE 1 END")
            if m.open_criteria and self._stages_open(m):  # open bits only where not ineligible
                bits = self._open_bits(m, i)
                shifted = str(int(bits) << (2 + 2 * width)) if bits.isdigit() else f"({bits}) * {1 << (2 + 2 * width)}"
                status = (f"CASE WHEN ({s_i} & {failing}) <> 0 THEN 2 WHEN {s_i} <> 0 OR {applicable} IS NULL "
                          f"THEN 3 + {shifted} ELSE 1 + {shifted} END")
            value = f"{s_i} + {status}"
            if m.open_criteria and not self._stages_open(m):  # the base class's mask (open in the amount)
                all_conds = "(" + " AND ".join(conds) + ")" if conds else "(TRUE)"
                eligible = f"({applicable} AND {all_conds})"
                mask = self.open_mask(m, as_of, applicable, all_conds, eligible)
                value += f" + ({mask}) * {1 << (2 + 2 * width)}"
            select.append(f"CAST(CASE WHEN NOT {applicable} THEN 0 ELSE {value} END AS {kind}) AS {q(f'p{i}')}")
            out_columns[m.id] = {"packed": f"p{i}"}
            money = self.result_columns(m, applicable, conds, as_of, f"m{i}", status_codes=True, with_open=False)
            for part in ("amount", "upper", "least"):
                found = [c for c in money if c.endswith(" AS " + q(f"m{i}_{part}"))]
                if found and not found[0].startswith("CAST(NULL AS"):
                    select.append(found[0][: -len(q(f"m{i}_{part}"))] + q(f"{part}{i}"))
                    out_columns[m.id][part] = f"{part}{i}"
        with_clause = with_clause.rstrip() + f", {SUMS_CTE} AS (SELECT *, {', '.join(sums)} FROM {CONDITIONS_CTE}) "
        sql = f"{with_clause}SELECT {', '.join(select)} FROM {SUMS_CTE}"
        conditions = {m.id: [c.id for c in m.conditions] for m in measures}
        opens = {m.id: [o.id for o in m.open_criteria] for m in measures if m.open_criteria}
        return CompiledQuery(sql, out_columns, conditions, opens)

    def _columns_from_stage(self, m: Measure, i: int, as_of: date, alias: str, codes: bool = False) -> list[str]:
        conds = [self._staged[f"m{i}_c{k}"] for k in range(len(m.conditions))]
        staged_open = self._stages_open(m)
        out = self.result_columns(m, self._staged[f"m{i}_a"], conds, as_of, alias, status_codes=codes,
                                  with_open=not staged_open)
        if staged_open and m.open_criteria:
            out.append(f"{self._open_mask_from_stage(m, i, conds)} AS {self.quote(alias + '_open')}")
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
        applicable = self._staged[f"m{i}_a"]
        all_conds = "(" + " AND ".join(conds) + ")" if conds else "(TRUE)"
        return (f"CASE WHEN NOT {applicable} THEN CAST(0 AS BIGINT) WHEN NOT {all_conds} THEN CAST(0 AS BIGINT) "
                f"ELSE CAST({self._open_bits(m, i)} AS BIGINT) END")

    def _open_bits(self, m: Measure, i: int) -> str:
        """The open mask where the result is not ineligible: an integer literal where every bit is
        certain (a condition that IS an unjudged criterion), else a sum of CASEs."""
        q = self.quote
        fixed, terms = 0, []
        for k, oc in enumerate(m.open_criteria):
            name = f"{OPEN}.{oc.id}"
            tests = []
            for j, cond in enumerate(m.conditions):
                if isinstance(cond.ast, exp.Column) and name_of(cond.ast) == name:
                    tests = ["TRUE"]
                    break
                if name in open_refs(cond.ast):
                    tests.append(self._staged[f"m{i}_c{j}_o{k}"])
            if tests:
                test = "TRUE" if "TRUE" in tests else " OR ".join(tests)
                if self.judged(name):  # a judged criterion is not open any more
                    test = f"{q(judgement_column(name))} IS NULL" if test == "TRUE" else \
                        f"{q(judgement_column(name))} IS NULL AND ({test})"
                if test == "TRUE":
                    fixed |= 1 << k
                else:
                    terms.append(f"CASE WHEN {test} THEN {1 << k} ELSE 0 END")
        return " + ".join([str(fixed)] * bool(fixed or not terms) + terms)


class StagedDuckDB(StagedMixin, DuckDBBackend):
    pass


class StagedPostgres(StagedMixin, PostgresBackend):
    def compile(self, *args, **kwargs) -> CompiledQuery:
        # PostgreSQL inlines a CTE referenced once and substitutes its column expressions into
        # every reference: the SME size class would be copied into each use again (a plan that
        # runs for minutes on 2,000 rows). MATERIALIZED (PostgreSQL 12+) keeps each stage once.
        # The rule language has no sub-queries, so " AS (SELECT " only opens a CTE.
        compiled = super().compile(*args, **kwargs)
        # The packed layout's sums (``zhida_sums``) are cheap CASEs over booleans: inlined, not stored.
        compiled.sql = compiled.sql.replace(" AS (SELECT ", " AS MATERIALIZED (SELECT ").replace(
            f"{SUMS_CTE} AS MATERIALIZED (SELECT ", f"{SUMS_CTE} AS (SELECT ")
        return compiled


class StagedSpark(StagedMixin, SparkBackend):
    pass


STAGED = {"duckdb": StagedDuckDB, "postgres": StagedPostgres, "spark": StagedSpark}
