"""Candidates: who meets a registry's criteria now and is not on the list (for a ladder: not yet at
that tier), computed by batch over the population, then proposed for the keeping unit's review."""

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


def compute(reg: Registry, on: date, facts: Path, policies, members: dict[str, str], engine=None,
            workdir: Path | None = None) -> list[Candidate]:
    """``members``: USCC → tier held on ``on``. Eligible (open criteria pending allowed, named)
    and not a member — for a ladder, the highest tier met above the tier held."""
    verdicts, ident = criteria.run(reg, on, facts, policies, engine, workdir)
    return from_verdicts(reg, on, verdicts, ident, members)


def from_verdicts(reg: Registry, on: date, verdicts, ident: Path, members: dict[str, str]) -> list[Candidate]:
    versions = {t.code: c.version for t, c in criteria.tiers_to_run(reg, on)}
    best: dict[str, criteria.Verdict] = {}
    for v in verdicts:
        if v.status != "eligible":
            continue
        held = members.get(v.uscc)
        if held is not None and (not reg.ladder or reg.rank(held) >= reg.rank(v.tier)):
            continue
        if v.uscc not in best or reg.rank(v.tier) > reg.rank(best[v.uscc].tier):
            best[v.uscc] = v
    if not best:
        return []
    con = duckdb.connect()
    try:
        wanted = pa.table({"uscc": list(best)})  # noqa: F841 - read by DuckDB below
        cols = {r[0] for r in con.execute(f"DESCRIBE SELECT * FROM read_parquet('{ident}')").fetchall()}
        pick = ", ".join(f"e.{c}" if c in cols else f"NULL AS {c}" for c in ("name", "region_code", "industry_code"))
        rows = con.execute(f"SELECT e.uscc, {pick} FROM read_parquet('{ident}') e JOIN wanted w USING (uscc) "
                           "ORDER BY e.uscc").fetchall()
    finally:
        con.close()
    return [Candidate(u, n or u, r, i, best[u].tier, versions[best[u].tier], best[u].pending) for u, n, r, i in rows]
