"""A registry's criteria over a population, on a batch engine (DuckDB by default; PostgreSQL and
Spark give the same answers): per enterprise and tier the status, and the conditions that fail or
cannot be decided (their labels: the reasons a candidate or a flag shows) and the open criteria
the keeping unit still decides. The engine's packed results stay in Parquet; only the rows asked
for (candidates, members) are read back into Python."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from zhida.batch.engines import STATUS_NAMES, DuckDBEngine, Engine
from zhida.batch.packed import pairs_sql
from zhida.registries.definition import Criteria, Registry, Tier


@dataclass(frozen=True)
class Verdict:
    uscc: str
    tier: str
    status: str  # eligible | ineligible | undetermined | not_applicable
    failing: tuple[str, ...]  # condition labels
    unknown: tuple[str, ...]
    pending: tuple[str, ...]  # open criteria labels the unit decides


@dataclass(frozen=True)
class Run:
    """One engine run: its packed results (batch/packed.py; measure i = ``tiers[i]``) and
    the identity file (uscc, name, region_code, industry_code …)."""

    results: Path
    identity: Path
    tiers: tuple[tuple[Tier, Criteria], ...]

    @property
    def measures(self) -> list:
        return [c.measure for _, c in self.tiers]

    def verdict(self, uscc: str, measure: int, status: int, failing, unknown, opened) -> Verdict:
        tier, c = self.tiers[measure]
        labels = [x.label for x in c.measure.conditions]
        return Verdict(uscc, tier.code, STATUS_NAMES[status], bits(failing, labels), bits(unknown, labels),
                       bits(opened, [o.label for o in c.measure.open_criteria]))

    def verdicts(self, usccs: list[str] | None = None) -> list[Verdict]:
        """The verdicts of ``usccs`` (all when None; not_applicable pairs are not stored)."""
        import duckdb

        con = duckdb.connect()
        try:
            where = None
            if usccs is not None:
                wanted = pa.table({"uscc": pa.array(usccs, pa.string())})  # noqa: F841 - read by DuckDB
                where = "uscc IN (SELECT uscc FROM wanted)"
            pairs = pairs_sql(con, self.results, self.measures, columns=("uscc", "measure", "status", "failing",
                                                                     "unknown", "open"), where=where)
            rows = con.execute(f"SELECT * FROM {pairs}").fetchall()
        finally:
            con.close()
        return [self.verdict(*r) for r in rows]


def tiers_to_run(reg: Registry, on: date) -> list[tuple[Tier, Criteria]]:
    """A ladder runs every tier's criteria; a list whose tiers are categories (白名单) shares one set."""
    found = reg.measures_on(on)
    return found if reg.ladder else found[:1]


def bits(mask, items) -> tuple[str, ...]:
    return tuple(x for i, x in enumerate(items) if int(mask or 0) >> i & 1)


def execute(reg: Registry, on: date, facts: Path, policies, engine: Engine | None = None,
            workdir: Path | None = None) -> Run | None:
    """Every enterprise of ``facts`` × the tiers' criteria in force on ``on`` (None: none in force)."""
    engine = engine or DuckDBEngine()
    chosen = tiers_to_run(reg, on)
    if not chosen:
        return None
    workdir = workdir or Path(tempfile.mkdtemp(prefix="zhida-registry-"))
    workdir.mkdir(parents=True, exist_ok=True)
    out, ident = workdir / "results.parquet", workdir / "enterprises.parquet"
    engine.run(policies, [c.measure for _, c in chosen], on, facts, out, enterprises_out=ident)
    if out.is_dir():  # Spark writes part files
        pq.write_table(pq.read_table(out), workdir / "results-one.parquet")
        out = workdir / "results-one.parquet"
    return Run(out, ident, tuple(chosen))


def run(reg: Registry, on: date, facts: Path, policies, engine: Engine | None = None,
        workdir: Path | None = None) -> tuple[list[Verdict], Path]:
    """All verdicts and the identity file (for tests and small populations)."""
    done = execute(reg, on, facts, policies, engine, workdir)
    return ([], Path()) if done is None else (done.verdicts(), done.identity)


def scalar(reg: Registry, on: date, facts: dict, policies) -> dict[str, object]:
    """The scalar explainer for one enterprise's facts: tier → MeasureResult (reasons in Chinese)."""
    from zhida.rules.evaluate import evaluate

    return {t.code: evaluate(c.measure, facts, on, policies, strict=False) for t, c in tiers_to_run(reg, on)}
