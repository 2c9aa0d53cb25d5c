"""Totals of a batch run, read from its Parquet results (long layout, engines.py) with DuckDB.

Money stays exact: DuckDB sums DECIMAL(20,2) as DECIMAL(38,2); totals leave as strings in JSON.
A benefit shared by several measures (same ``benefit`` id: 留抵退税 restated by three documents)
is counted once per enterprise in overall totals: the largest known amount among its measures.
"""

from __future__ import annotations

from decimal import Decimal

from zhida.batch.engines import STATUS_CODES


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
    """Per measure: enterprises in each status; amount total and count over eligible rows.

    The results hold applicable pairs only: not_applicable = enterprises − the other three.
    """
    con = con or connect()
    codes = {v: k for k, v in STATUS_CODES.items()}
    counts: dict[int, dict] = {}
    for measure, status, n, total, known in con.execute(
            f"SELECT measure, status, count(*), sum(amount), count(amount) FROM read_parquet('{run.results_glob()}') "
            "GROUP BY ALL").fetchall():
        entry = counts.setdefault(int(measure), {})
        entry[codes[int(status)]] = int(n)
        if codes[int(status)] == "eligible":
            entry["amount"] = (total, int(known))
    out = []
    for i, m in enumerate(run.manifest["measures"]):
        got = counts.get(i, {})
        entry = {"measure_id": m["id"], "benefit": m["benefit"], "amount_kind": m["amount_kind"]}
        entry.update({st: got.get(st, 0) for st in STATUS_CODES})
        entry["not_applicable"] = int(run.manifest["enterprises"]) - sum(got.get(st, 0) for st in STATUS_CODES)
        total, known = got.get("amount", (None, 0))
        entry["amount_total"] = _money(total) if known else None
        entry["amount_known"] = known
        out.append(entry)
    return out


def benefit_groups(measures: list[dict]) -> dict[str, list[dict]]:
    """Enterprise benefits → their measures (individual / government-internal ones excluded)."""
    groups: dict[str, list[dict]] = {}
    for m in measures:
        if m["enterprise_benefit"]:
            groups.setdefault(m["benefit"], []).append(m)
    return groups


def overall_totals(run, con=None) -> dict:
    """Enterprises, enterprises reached, and money by amount kind with shared benefits counted once."""
    con = con or connect()
    measures = run.manifest["measures"]
    groups = benefit_groups(measures)
    index = {m["id"]: i for i, m in enumerate(measures)}
    pairs = [(index[m["id"]], benefit) for benefit, group in groups.items() for m in group]
    per_benefit, by_kind, reached = {}, {}, 0
    if pairs:
        values = ", ".join(f"({i}, '{b.replace(chr(39), chr(39) * 2)}')" for i, b in pairs)
        # per enterprise and benefit: the largest known amount among its eligible measures (once)
        con.execute(f"CREATE OR REPLACE TEMP TABLE zhida_benefit AS SELECT r.uscc, b.benefit, max(r.amount) AS amount "
                    f"FROM read_parquet('{run.results_glob()}') r JOIN (VALUES {values}) b(measure, benefit) "
                    f"ON r.measure = b.measure WHERE r.status = {STATUS_CODES['eligible']} GROUP BY ALL")
        reached = con.execute("SELECT count(DISTINCT uscc) FROM zhida_benefit").fetchone()[0]
        rows = dict((b, (t, n)) for b, t, n in con.execute(
            "SELECT benefit, sum(amount), count(*) FROM zhida_benefit GROUP BY benefit").fetchall())
        for benefit, group in groups.items():
            kind = group[0]["amount_kind"]
            if kind in (None, "not_stated"):
                continue
            total, eligible = rows.get(benefit, (None, 0))
            per_benefit[benefit] = {"measures": [m["id"] for m in group], "eligible": int(eligible),
                                    "amount_total": _money(total), "amount_kind": kind}
            by_kind[kind] = by_kind.get(kind, Decimal(0)) + Decimal(total or 0)
    return {"enterprises": int(run.manifest["enterprises"]), "enterprises_reached": int(reached),
            "amount_total_by_kind": {k: _money(v) for k, v in by_kind.items()}, "benefits": per_benefit}
