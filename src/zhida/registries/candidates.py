"""Candidates: who meets a registry's criteria now and is not on the list (for a ladder: not yet at
that tier), computed by batch over the population — one DuckDB query over the engine's results —
then proposed for the keeping unit's review."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa

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
        sql = (f"WITH best AS (SELECT r.uscc, r.measure, r.open FROM read_parquet('{run.results}') r "
               "JOIN tiers t ON r.measure = t.measure LEFT JOIN held h ON h.uscc = r.uscc "
               "WHERE r.status = 1 AND (h.uscc IS NULL OR t.rank > h.rank) "
               "QUALIFY row_number() OVER (PARTITION BY r.uscc ORDER BY t.rank DESC) = 1) "
               f"SELECT b.uscc, {pick}, b.measure, b.open FROM best b "
               f"JOIN read_parquet('{run.identity}') e ON e.uscc = b.uscc ORDER BY b.uscc")
        return con.execute(sql).to_arrow_table()
    finally:
        con.close()


def rows(run: criteria.Run, found: pa.Table) -> list[Candidate]:
    out = []
    for u, n, r, i, m, o in zip(*(found.column(c).to_pylist() for c in found.column_names)):
        tier, c = run.tiers[m]
        out.append(Candidate(u, n or u, r, i, tier.code, c.version,
                             criteria.bits(o, [x.label for x in c.measure.open_criteria])))
    return out


def compute(reg: Registry, on: date, facts: Path, policies, members: dict[str, str], engine=None,
            workdir: Path | None = None) -> list[Candidate]:
    """``members``: USCC → tier held on ``on``."""
    run = criteria.execute(reg, on, facts, policies, engine, workdir)
    return [] if run is None else rows(run, table(reg, run, members))
