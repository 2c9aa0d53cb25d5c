"""One DuckDB pass over the facts for a registry: the candidate list, and the members' verdicts.

The general path (criteria.execute) runs the criteria on any batch engine, writes its results
(batch/packed.py) and an identity file, and then joins them: over 2,000,000
enterprises that writing and re-reading was most of the time. Here the same compiled criteria
(only this registry's tiers, through the same staged compiler, so the same answers) are read by
DuckDB straight from the facts Parquet — projection pushdown reads only the columns the criteria,
the concepts they use and the candidate's name/district/industry need — and the candidate test
(eligible at a tier above the tier held, the highest such) is part of that one query. Nothing
is written; the result is an Arrow table, never Python rows. Members' verdicts (动态管理) come
from a second query over the members' rows only.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pyarrow as pa

from zhida.batch.engines import FACTS_VIEW, KEY, DuckDBEngine, judged_in_input
from zhida.batch.staged import STAGED
from zhida.registries.criteria import Run, Verdict, tiers_to_run
from zhida.registries.definition import Registry

IDENTITY = ("name", "region_code", "industry_code")
NOT_HELD = 1 << 20  # a list without tiers: any member is "at the top"


def _held(reg: Registry, members: dict[str, str]) -> pa.Table:
    return pa.table({"uscc": pa.array(list(members), pa.string()),
                     "rank": pa.array([reg.rank(t) if reg.ladder else NOT_HELD for t in members.values()], pa.int64())})


class Scan:
    """A DuckDB connection with the facts as the compiled query's view and the members registered."""

    def __init__(self, reg: Registry, on: date, facts: Path, policies, members: dict[str, str],
                 engine: DuckDBEngine | None = None):
        self.reg, self.on, self.policies = reg, on, policies
        self.tiers = tuple(tiers_to_run(reg, on))
        self.engine = engine or DuckDBEngine()
        self.con = self.engine.connect()
        self.con.register("zhida_held", _held(reg, members))
        self.present = self.engine.facts_view(self.con, policies, facts, on)
        self.judged = judged_in_input(facts, self.present, [c.measure for _, c in self.tiers])

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Scan:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _compiled(self, carry: tuple[str, ...], table: str = FACTS_VIEW):
        return STAGED["duckdb"](self.policies, judgements=self.judged).compile(
            [c.measure for _, c in self.tiers], table, self.on, key=KEY, carry=carry, status_codes=True)

    def candidates(self) -> pa.Table:
        """uscc, name, region_code, industry_code, measure (index into ``tiers``), open — the same
        rows as candidates.table over the engine's results, in no particular order (sorting 1.2 million
        rows by USCC cost a third of the query: CandidateList.first sorts only what is shown)."""
        return self.con.sql(self.candidates_sql()).to_arrow_table()

    def candidates_sql(self) -> str:
        carry = tuple(c for c in IDENTITY if c in self.present)
        compiled = self._compiled(carry)
        cols = list(compiled.columns.values())
        ranked = sorted(range(len(cols)), key=lambda i: -self.reg.rank(self.tiers[i][0].code))
        best = "CASE " + " ".join(f'WHEN "{cols[i]["status"]}" = 1 THEN {i}' for i in ranked) + " END"
        rank = "CASE q.best " + " ".join(f"WHEN {i} THEN {self.reg.rank(t.code)}" for i, (t, _) in enumerate(self.tiers)) + " END"
        opened = "CASE q.best " + " ".join(f'WHEN {i} THEN "{c["open"]}"' for i, c in enumerate(cols) if "open" in c) + " ELSE 0 END" \
            if any("open" in c for c in cols) else "0"
        ident = ", ".join(f'q."{c}"' if c in carry else f"CAST(NULL AS VARCHAR) AS {c}" for c in IDENTITY)
        sql = (f"SELECT q.uscc, {ident}, CAST(q.best AS SMALLINT) AS measure, CAST({opened} AS BIGINT) AS open "
               f"FROM (SELECT *, {best} AS best FROM ({compiled.sql})) q LEFT JOIN zhida_held h ON h.uscc = q.uscc "
               f"WHERE q.best IS NOT NULL AND (h.uscc IS NULL OR {rank} > h.rank)")
        return sql

    def member_verdicts(self) -> list[Verdict]:
        """The verdicts of the members only (their rows filtered before the criteria run)."""
        self.con.execute(f"CREATE OR REPLACE TEMP VIEW zhida_member_facts AS SELECT * FROM {FACTS_VIEW} "
                         "WHERE uscc IN (SELECT uscc FROM zhida_held)")
        compiled = self._compiled((), "zhida_member_facts")
        sql = compiled.sql
        cols = list(compiled.columns.values())
        picks = ", ".join(f'"{c["status"]}", "{c["failing"]}", "{c["unknown"]}", ' + (f'"{c["open"]}"' if "open" in c else "0")
                          for c in cols)
        run = Run(Path(), Path(), self.tiers)
        out = []
        for row in self.con.execute(f"SELECT uscc, {picks} FROM ({sql})").fetchall():
            for i in range(len(cols)):
                status, failing, unknown, opened = row[1 + 4 * i: 5 + 4 * i]
                if status is not None:
                    out.append(run.verdict(row[0], i, status, failing, unknown, opened))
        return out
