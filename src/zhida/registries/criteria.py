"""A registry's criteria over a population, on a batch engine (DuckDB by default; PostgreSQL and
Spark give the same answers): per enterprise and tier the status, and the conditions that fail or
cannot be decided (their labels: the reasons a candidate or a flag shows) and the open criteria
the keeping unit still decides."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pyarrow.parquet as pq

from zhida.batch.engines import STATUS_NAMES, DuckDBEngine, Engine
from zhida.registries.definition import Criteria, Registry, Tier


@dataclass(frozen=True)
class Verdict:
    uscc: str
    tier: str
    status: str  # eligible | ineligible | undetermined (not_applicable pairs are left out)
    failing: tuple[str, ...]  # condition labels
    unknown: tuple[str, ...]
    pending: tuple[str, ...]  # open criteria labels the unit decides


def tiers_to_run(reg: Registry, on: date) -> list[tuple[Tier, Criteria]]:
    """A ladder runs every tier's criteria; a list whose tiers are categories (白名单) shares one set."""
    found = reg.measures_on(on)
    return found if reg.ladder else found[:1]


def _bits(mask, items) -> tuple[str, ...]:
    return tuple(x for i, x in enumerate(items) if int(mask or 0) >> i & 1)


def run(reg: Registry, on: date, facts: Path, policies, engine: Engine | None = None,
        workdir: Path | None = None) -> tuple[list[Verdict], Path]:
    """Every enterprise of ``facts`` × the tiers' criteria in force on ``on``; (verdicts, the
    identity file the engine wrote: uscc, name, region_code, industry_code …)."""
    engine = engine or DuckDBEngine()
    chosen = tiers_to_run(reg, on)
    if not chosen:
        return [], Path()
    workdir = workdir or Path(tempfile.mkdtemp(prefix="zhida-registry-"))
    out = workdir / "results.parquet"
    ident = workdir / "enterprises.parquet"
    engine.run(policies, [c.measure for _, c in chosen], on, facts, out, enterprises_out=ident)
    table = pq.read_table(out, columns=["uscc", "measure", "status", "failing", "unknown", "open"])
    verdicts = []
    meta = [(t.code, [x.label for x in c.measure.conditions], [o.label for o in c.measure.open_criteria])
            for t, c in chosen]
    for u, mi, st, fa, un, op in zip(*(table.column(n).to_pylist() for n in table.column_names)):
        code, labels, opens = meta[mi]
        verdicts.append(Verdict(u, code, STATUS_NAMES[st], _bits(fa, labels), _bits(un, labels), _bits(op, opens)))
    return verdicts, ident


def scalar(reg: Registry, on: date, facts: dict, policies) -> dict[str, object]:
    """The scalar explainer for one enterprise's facts: tier → MeasureResult (reasons in Chinese)."""
    from zhida.rules.evaluate import evaluate

    return {t.code: evaluate(c.measure, facts, on, policies, strict=False) for t, c in tiers_to_run(reg, on)}
