"""Totals of a batch run, read from its Parquet results with DuckDB.

Money stays exact: DuckDB sums DECIMAL(20,2) as DECIMAL(38,2); totals leave as strings in JSON.
A benefit shared by several measures (same ``benefit`` id: 留抵退税 restated by three documents)
is counted once per enterprise in overall totals: the largest known amount among its measures.
"""

from __future__ import annotations

from decimal import Decimal

from zhida.batch.staged import STATUSES


def q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def connect():
    import duckdb

    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    return con


def _money(value) -> str | None:
    return None if value is None else str(Decimal(value).quantize(Decimal("0.01")))


def measure_totals(run, con=None) -> list[dict]:
    """Per measure: enterprises in each status; amount total and count over eligible rows."""
    con = con or connect()
    parts = []
    for m in run.manifest["measures"]:
        s, a = q(m["id"] + ":status"), q(m["id"] + ":amount")
        parts += [f"count_if({s} = '{st}')" for st in STATUSES]
        parts += [f"sum({a}) FILTER ({s} = 'eligible')", f"count({a}) FILTER ({s} = 'eligible')"]
    row = con.execute(f"SELECT {', '.join(parts)} FROM read_parquet('{run.results_glob()}')").fetchone()
    out, width = [], len(STATUSES) + 2
    for i, m in enumerate(run.manifest["measures"]):
        values = row[i * width:(i + 1) * width]
        entry = {"measure_id": m["id"], "benefit": m["benefit"], "amount_kind": m["amount_kind"]}
        entry.update({st: int(v) for st, v in zip(STATUSES, values)})
        entry["amount_total"] = _money(values[4]) if values[5] else None
        entry["amount_known"] = int(values[5] or 0)
        out.append(entry)
    return out


def benefit_groups(measures: list[dict]) -> dict[str, list[dict]]:
    """Enterprise benefits → their measures (individual / government-internal ones excluded)."""
    groups: dict[str, list[dict]] = {}
    for m in measures:
        if m["enterprise_benefit"]:
            groups.setdefault(m["benefit"], []).append(m)
    return groups


def benefit_amount_sql(group: list[dict]) -> str:
    """Per row: the benefit's amount, counted once (largest known among its eligible measures)."""
    cases = [f"CASE WHEN {q(m['id'] + ':status')} = 'eligible' THEN {q(m['id'] + ':amount')} END" for m in group]
    return cases[0] if len(cases) == 1 else f"GREATEST({', '.join(cases)})"  # DuckDB's GREATEST skips NULLs


def benefit_eligible_sql(group: list[dict]) -> str:
    return "(" + " OR ".join(f"{q(m['id'] + ':status')} = 'eligible'" for m in group) + ")"


def overall_totals(run, con=None) -> dict:
    """Enterprises, enterprises reached, and money by amount kind with shared benefits counted once."""
    con = con or connect()
    groups = benefit_groups(run.manifest["measures"])
    parts = ["count(*)"]
    reached = " OR ".join(benefit_eligible_sql(g) for g in groups.values()) or "FALSE"
    parts.append(f"count_if({reached})")
    kinds: dict[str, list[str]] = {}
    for benefit, group in groups.items():
        kind = group[0]["amount_kind"]
        if kind in (None, "not_stated"):
            continue
        kinds.setdefault(kind, []).append(benefit)
        parts.append(f"sum({benefit_amount_sql(group)})")
        parts.append(f"count_if({benefit_eligible_sql(group)})")
    row = con.execute(f"SELECT {', '.join(parts)} FROM read_parquet('{run.results_glob()}')").fetchone()
    by_kind: dict[str, Decimal] = {}
    per_benefit = {}
    i = 2
    for benefit, group in groups.items():
        kind = group[0]["amount_kind"]
        if kind in (None, "not_stated"):
            continue
        total, eligible = row[i], row[i + 1]
        i += 2
        per_benefit[benefit] = {"measures": [m["id"] for m in group], "eligible": int(eligible),
                                "amount_total": _money(total), "amount_kind": kind}
        by_kind[kind] = by_kind.get(kind, Decimal(0)) + Decimal(total or 0)
    return {"enterprises": int(row[0]), "enterprises_reached": int(row[1]),
            "amount_total_by_kind": {k: _money(v) for k, v in by_kind.items()}, "benefits": per_benefit}
