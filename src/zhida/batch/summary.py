"""Totals of a batch run, read from its Parquet results (long layout, engines.py) with DuckDB.

Money stays exact: DuckDB sums DECIMAL(20,2) as DECIMAL(38,2); totals leave as strings in JSON.
A benefit shared by several measures (same ``benefit`` id: 留抵退税 restated by three documents)
is counted once per enterprise in overall totals: the largest known amount among its measures.
"""

from __future__ import annotations

from decimal import Decimal

from zhida.batch.engines import STATUS_CODES
from zhida.rules.totals import BUCKETS, GROUP_ZH, KIND_BUCKET, LABEL_ZH


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
        entry = {"measure_id": m["id"], "benefit": m["benefit"], "amount_kind": m["amount_kind"],
                 "document_status": m.get("document_status", "final")}
        entry.update({st: got.get(st, 0) for st in STATUS_CODES})
        entry["not_applicable"] = int(run.manifest["enterprises"]) - sum(got.get(st, 0) for st in STATUS_CODES)
        total, known = got.get("amount", (None, 0))
        entry["amount_total"] = _money(total) if known else None
        entry["amount_known"] = known
        out.append(entry)
    return out


def benefit_groups(measures: list[dict]) -> dict[str, list[dict]]:
    """Enterprise benefits → their measures (individual / government-internal ones excluded, and
    measures of a draft document — 征求意见稿 — which are never counted in totals)."""
    groups: dict[str, list[dict]] = {}
    for m in measures:
        if m["enterprise_benefit"] and m.get("document_status", "final") != "draft":
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
            "amount_total_by_kind": {k: _money(v) for k, v in by_kind.items()}, "benefits": per_benefit,
            "split": split_totals(run.results_glob(), measures, con)}


def split_totals(results: str, measures: list[dict], con=None, usccs: list[str] | None = None) -> dict:
    """The honest split of ``zhida.rules.totals`` over a run: per bucket (certain 确定可得, up_to
    最高可达, relief/deduction/deferral/refund 减免·抵扣·递延, pending 待认定, unquantified), summed
    over enterprises — each enterprise's benefit counted once, by its best measure (bucket order,
    floor last, larger amount), exactly as ``summary()`` of one enterprise's checkup; results of
    measures not in force at the run's date, of draft documents, non-enterprise and non-CNY ones
    are not counted (drafts are listed apart). ``usccs``: only these enterprises (tests).
    ``measures``: the manifest's entries, in measure-index order."""
    con = con or connect()
    out = {b: {"label": LABEL_ZH[b], "group": GROUP_ZH[b], "total": "0.00", "benefits": 0, "amount_unknown": 0}
           for b in BUCKETS}
    out["draft"] = {"label": LABEL_ZH["draft"], "benefits": 0}
    where = f"r.status = {STATUS_CODES['eligible']}"
    if usccs is not None:
        where += " AND r.uscc IN (" + ", ".join(_lit(u) for u in usccs) + ")"
    items = counted_items(results, measures, where)
    if items is None:
        return out
    best = best_per_benefit(items)
    sql = (f"WITH best AS ({best}) "
           f"SELECT bucket, sum(value), count(*), count(*) FILTER (value IS NULL OR floor) FROM best b "
           f"WHERE NOT draft GROUP BY bucket "
           f"UNION ALL SELECT 'draft', NULL, count(*), 0 FROM best d WHERE draft AND NOT EXISTS "
           f"(SELECT 1 FROM best f WHERE NOT f.draft AND f.uscc = d.uscc AND f.benefit = d.benefit)")
    for name, total, n, unknown in con.execute(sql).fetchall():
        if name == "draft":
            out["draft"]["benefits"] = int(n)
            continue
        out[name].update({"total": _money(total) if total is not None else "0.00", "benefits": int(n),
                          "amount_unknown": int(unknown)})
    return out


def counted_items(results: str, measures: list[dict], where: str) -> str | None:
    """SQL: one row per result of ``read_parquet(results) r`` matching ``where`` of a measure whose
    money counts (enterprise benefit, in force at the run's date, in CNY): uscc, benefit, draft, id
    (the measure index), bucket (``zhida.rules.totals.bucket``), value (the amount counted: a
    range's upper end for 最高可达, a sum's known part as a floor) and floor. None: no such measure."""
    rows = []
    for i, m in enumerate(measures):
        unit = m.get("amount_unit") or ""
        if m["enterprise_benefit"] and m.get("period_as_of", "in_force") == "in_force" \
                and "USD" not in unit.upper() and "美元" not in unit:
            rows.append((i, m["benefit"], KIND_BUCKET.get(m["kind"]), m["amount_kind"], bool(m.get("draft"))))
    if not rows:
        return None
    values = ", ".join(f"({i}, {_lit(b)}, {_lit(t)}, {_lit(k)}, {str(d).upper()})" for i, b, t, k, d in rows)
    return (
        f"SELECT r.uscc, m.benefit, m.draft, m.id, b.bucket, "
        f"CASE WHEN b.bucket = 'up_to' AND m.akind = 'range' AND r.upper IS NOT NULL THEN r.upper "
        f"ELSE coalesce(r.amount, r.least) END AS value, "
        f"(r.amount IS NULL AND r.least IS NOT NULL) AS floor "
        f"FROM read_parquet('{results}') r JOIN (VALUES {values}) m(id, benefit, tax, akind, draft) "
        f"ON r.measure = m.id, LATERAL (SELECT CASE WHEN m.akind IS NULL OR m.akind = 'not_stated' THEN 'unquantified' "
        f"WHEN r.open <> 0 OR r.amount IS NULL THEN 'pending' WHEN m.tax IS NOT NULL THEN m.tax "
        f"WHEN m.akind IN ('maximum', 'range') THEN 'up_to' ELSE 'certain' END AS bucket) b WHERE {where}")


def best_per_benefit(items: str) -> str:
    """SQL over ``counted_items``: per enterprise and benefit the best result (bucket order, a floor
    after a known amount, then the larger amount) — a benefit restated by several measures once."""
    rank = "CASE bucket " + "".join(f"WHEN '{b}' THEN {n} " for n, b in enumerate(BUCKETS)) + "END"
    order = "(rnk, floor, -coalesce(value, -1), id)"
    return (f"SELECT uscc, benefit, draft, arg_min(bucket, {order}) AS bucket, arg_min(value, {order}) AS value, "
            f"arg_min(floor, {order}) AS floor FROM (SELECT *, {rank} AS rnk FROM ({items})) "
            f"GROUP BY uscc, benefit, draft")


def _lit(value) -> str:
    return "NULL" if value is None else "'" + str(value).replace("'", "''") + "'"
