"""Candidates: who meets a registry's criteria now and is not on the list (for a ladder: not yet at
that tier), computed by batch over the population — on DuckDB one query straight over the facts
(registries.scan); on another engine, one DuckDB query over that engine's packed results — then
proposed for the keeping unit's review. The list stays an Arrow table (``CandidateList``): rows
become Python objects only when read."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa

from zhida.batch.packed import pairs_sql
from zhida.registries import criteria
from zhida.registries.definition import Registry


@dataclass(frozen=True)
class Candidate:
    uscc: str
    name: str
    region_code: str | None
    industry_code: str | None
    tier: str
    version: str
    pending: tuple[str, ...]  # open criteria the unit decides on review


def table(reg: Registry, run: criteria.Run, members: dict[str, str]) -> pa.Table:
    """uscc, name, region_code, industry_code, measure, open — eligible (open criteria pending
    allowed) and not a member; for a ladder the highest tier met above the tier held."""
    tiers = pa.table({"measure": list(range(len(run.tiers))),  # noqa: F841 - read by DuckDB
                      "rank": [reg.rank(t.code) for t, _ in run.tiers]})
    held = pa.table({"uscc": pa.array(list(members), pa.string()),  # noqa: F841 - read by DuckDB
                     "rank": pa.array([reg.rank(t) if reg.ladder else 1 << 20 for t in members.values()], pa.int64())})
    con = duckdb.connect()
    try:
        cols = {r[0] for r in con.execute(f"DESCRIBE SELECT * FROM read_parquet('{run.identity}')").fetchall()}
        pick = ", ".join(f"e.{c}" if c in cols else f"NULL AS {c}" for c in ("name", "region_code", "industry_code"))
        pairs = pairs_sql(con, run.results, run.measures, (1,), columns=("uscc", "measure", "open"))
        sql = (f"WITH best AS (SELECT r.uscc, r.measure, r.open FROM {pairs} r "
               "JOIN tiers t ON r.measure = t.measure LEFT JOIN held h ON h.uscc = r.uscc "
               "WHERE h.uscc IS NULL OR t.rank > h.rank "
               "QUALIFY row_number() OVER (PARTITION BY r.uscc ORDER BY t.rank DESC) = 1) "
               f"SELECT b.uscc, {pick}, b.measure, b.open FROM best b "
               f"JOIN read_parquet('{run.identity}') e ON e.uscc = b.uscc ORDER BY b.uscc")
        return con.sql(sql).to_arrow_table()
    finally:
        con.close()


def rows(run: criteria.Run, found: pa.Table) -> list[Candidate]:
    out = []
    for u, n, r, i, m, o in zip(*(found.column(c).to_pylist() for c in found.column_names)):
        tier, c = run.tiers[m]
        out.append(Candidate(u, n or u, r, i, tier.code, c.version,
                             criteria.bits(o, [x.label for x in c.measure.open_criteria])))
    return out


class CandidateList(Sequence):
    """The candidate table with the tiers its ``measure`` column indexes; a Sequence of Candidate
    whose rows are converted when read (a slice converts only that slice). Row order is the
    engine's; ``first(n)`` gives the n smallest USCCs in order."""

    def __init__(self, found: pa.Table | None, tiers: tuple = ()):
        self.table, self.tiers = found, tiers

    def __len__(self) -> int:
        return 0 if self.table is None else self.table.num_rows

    def __getitem__(self, at):
        if isinstance(at, slice):
            start, stop, step = at.indices(len(self))
            if step != 1:
                return rows(self._run(), self.table)[at]
            return rows(self._run(), self.table.slice(start, max(0, stop - start)))
        if at < 0:
            at += len(self)
        if not 0 <= at < len(self):
            raise IndexError(at)
        return rows(self._run(), self.table.slice(at, 1))[0]

    def __iter__(self):
        if self.table is None:
            return
        for batch in self.table.to_batches(65_536):
            yield from rows(self._run(), pa.Table.from_batches([batch]))

    def first(self, count: int) -> list[Candidate]:
        """The ``count`` candidates with the smallest USCCs, in USCC order (what a listing shows)."""
        if not len(self) or count <= 0:
            return []
        import pyarrow.compute as pc

        picked = self.table.take(pc.select_k_unstable(self.table, k=min(count, len(self)),
                                                      sort_keys=[("uscc", "ascending")]))
        return rows(self._run(), picked)

    def _run(self) -> criteria.Run:
        return criteria.Run(Path(), Path(), self.tiers)

    def counts(self) -> dict[str, int]:
        """Candidates per tier code (counted in Arrow)."""
        if not len(self):
            return {}
        import pyarrow.compute as pc

        got = pc.value_counts(self.table.column("measure")).to_pylist()
        return {self.tiers[x["values"]][0].code: x["counts"] for x in got}


def on_duckdb(engine) -> bool:
    from zhida.batch.engines import DuckDBEngine

    return engine is None or isinstance(engine, DuckDBEngine)


def compute(reg: Registry, on: date, facts: Path, policies, members: dict[str, str], engine=None,
            workdir: Path | None = None) -> CandidateList:
    """``members``: USCC → tier held on ``on``."""
    if not criteria.tiers_to_run(reg, on):
        return CandidateList(None)
    if on_duckdb(engine):
        from zhida.registries.scan import Scan

        with Scan(reg, on, facts, policies, members, engine) as scan:
            return CandidateList(scan.candidates(), scan.tiers)
    run = criteria.execute(reg, on, facts, policies, engine, workdir)
    return CandidateList(table(reg, run, members), run.tiers)
