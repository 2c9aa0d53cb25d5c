"""Totals of a batch run, read from its Parquet results (packed layout, packed.py) with DuckDB.

Money stays exact: DuckDB sums DECIMAL(20,2) as DECIMAL(38,2); totals leave as strings in JSON.
A benefit shared by several measures (same ``benefit`` id: 留抵退税 restated by three documents)
is counted once per enterprise in overall totals: the largest known amount among its measures.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from zhida.batch.engines import STATUS_CODES
from zhida.batch.packed import counts_sql, is_long, pairs_sql
from zhida.rules.totals import BUCKETS, GROUP_ZH, KIND_BUCKET, LABEL_ZH


def q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# Reading a run (totals, push lists, pages) is bounded: beyond this DuckDB spills to disk rather
# than growing — at 2,000,000 enterprises the totals' grouping wanted 3 GB unbounded, 12 GB before.
MEMORY_LIMIT = "1GB"


def connect(memory_limit: str = MEMORY_LIMIT):
    import os
    import tempfile

    import duckdb

    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    con.execute(f"SET memory_limit = '{memory_limit}'")
    spill = os.path.join(tempfile.gettempdir(), f"zhida-duckdb-{os.getpid()}")  # not the working directory
    con.execute("SET temp_directory = '" + spill.replace("'", "''") + "'")
    return con


def _money(value) -> str | None:
    return None if value is None else str(Decimal(value).quantize(Decimal("0.01")))


def measure_totals(run, con=None) -> list[dict]:
    """Per measure: enterprises in each status; amount total and count over eligible rows.

    not_applicable = enterprises − the other three. One scan of the packed columns.
    """
    con = con or connect()
    sql, names = counts_sql(run.results_glob(), run.manifest["measures"])
    counts: dict[int, dict] = {}
    for (measure, part), value in zip(names, con.execute(sql).fetchone()):
        counts.setdefault(measure, {})[part] = value
    for entry in counts.values():
        if entry.get("eligible") and entry.get("amount_count"):
            entry["amount"] = (entry["amount_sum"], int(entry["amount_count"]))
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


def overall_totals(run, con=None, via_pairs: bool | None = None) -> dict:
    """Enterprises, enterprises reached, and money by amount kind with shared benefits counted once.

    One wide scan of the packed columns (``summary_wide``, the split in the same scan);
    ``via_pairs``: from the unpacked pairs instead (a run of the former long layout always — and
    the tests, as the reference)."""
    con = con or connect()
    measures = run.manifest["measures"]
    groups = benefit_groups(measures)
    if not (via_pairs or (via_pairs is None and is_long(run.results_glob()))):
        from zhida.batch import summary_wide

        return summary_wide.overall_totals(run, con, groups)
    per_benefit, by_kind, reached = {}, {}, 0
    if groups:
        results = run.results_glob()
        codes = {b: n for n, b in enumerate(groups)}
        values = ", ".join(f"({i}, {codes[b]}, {str(len(group) > 1).upper()})"
                           for b, group in groups.items() for i in _indexes(measures, group))
        pairs = pairs_sql(con, results, measures, (STATUS_CODES["eligible"],),
                          [i for group in groups.values() for i in _indexes(measures, group)],
                          ("uscc", "measure", "amount"))
        eligible = (f"SELECT r.uscc, m.b, m.multi, r.amount FROM {pairs} r "
                    f"JOIN (VALUES {values}) m(measure, b, multi) ON r.measure = m.measure")
        reached = con.execute(f"SELECT count(DISTINCT uscc) FROM ({eligible})").fetchone()[0]
        # per enterprise and benefit: the largest known amount among its eligible measures (once);
        # a benefit of one measure has one row per enterprise already (no grouping by enterprise)
        rows = {int(b): (t, n) for b, t, n in con.execute(
            f"WITH e AS ({eligible}) SELECT b, sum(amount), count(*) FROM ("
            f"SELECT b, amount FROM e WHERE NOT multi UNION ALL "
            f"SELECT b, max(amount) FROM e WHERE multi GROUP BY uscc, b) GROUP BY b").fetchall()}
        for benefit, group in groups.items():
            kind = group[0]["amount_kind"]
            if kind in (None, "not_stated"):
                continue
            total, eligible_n = rows.get(codes[benefit], (None, 0))
            per_benefit[benefit] = {"measures": [m["id"] for m in group], "eligible": int(eligible_n),
                                    "amount_total": _money(total), "amount_kind": kind}
            by_kind[kind] = by_kind.get(kind, Decimal(0)) + Decimal(total or 0)
    return {"enterprises": int(run.manifest["enterprises"]), "enterprises_reached": int(reached),
            "amount_total_by_kind": {k: _money(v) for k, v in by_kind.items()}, "benefits": per_benefit,
            "split": split_totals(run.results_glob(), measures, con, via_pairs=True)}


def _indexes(measures: list[dict], group: list[dict]) -> list[int]:
    ids = {m["id"] for m in group}
    return [i for i, m in enumerate(measures) if m["id"] in ids]


def split_totals(results: str, measures: list[dict], con=None, usccs: list[str] | None = None,
                 via_pairs: bool | None = None) -> dict:
    """The honest split of ``zhida.rules.totals`` over a run: per bucket (certain 确定可得, up_to
    最高可达, relief/deduction/deferral/refund 减免·抵扣·递延, pending 待认定, unquantified), summed
    over enterprises — each enterprise's benefit counted once, by its best measure (bucket order,
    floor last, larger amount), exactly as ``summary()`` of one enterprise's checkup; results of
    measures not in force at the run's date, of draft documents, non-enterprise and non-CNY ones
    are not counted (drafts are listed apart). ``usccs``: only these enterprises (tests).
    ``measures``: the manifest's entries, in measure-index order. A packed run is read wide
    (``summary_wide``); ``via_pairs``: from its unpacked pairs (long-layout runs; the tests' reference).

    Only a benefit given by several counted measures needs its rows grouped per enterprise (16
    of 138); every other eligible row is its benefit's best already and is summed as it streams.
    Grouping everything by (enterprise, benefit) held ~18 M groups at 2 M enterprises: 12 GB."""
    con = con or connect()
    if not (via_pairs or (via_pairs is None and is_long(results))):
        from zhida.batch import summary_wide

        return summary_wide.split_totals(results, measures, con, usccs)
    out = {b: {"label": LABEL_ZH[b], "group": GROUP_ZH[b], "total": "0.00", "benefits": 0, "amount_unknown": 0}
           for b in BUCKETS}
    out["draft"] = {"label": LABEL_ZH["draft"], "benefits": 0}
    where = None if usccs is None else "uscc IN (" + ", ".join(_lit(u) for u in usccs) + ")"
    items = counted_items(con, results, measures, where)
    if items is None:
        return out
    # a final version counts; a draft is listed apart only where no final measure gives the benefit
    best = (f"SELECT unnest(arg_min({{'bucket': bucket, 'value': value, 'floor': floor}}, {BEST_KEY}) "
            f"FILTER (NOT draft)), bool_or(NOT draft) AS counted FROM ({items}) WHERE multi GROUP BY uscc, b")
    single = f"SELECT bucket, value, floor, NOT draft AS counted FROM ({items}) WHERE NOT multi"
    sql = (f"SELECT CASE WHEN counted THEN bucket ELSE 'draft' END AS name, sum(value) FILTER (counted), count(*), "
           f"count(*) FILTER (counted AND (value IS NULL OR floor)) FROM ({single} UNION ALL {best}) GROUP BY name")
    for name, total, n, unknown in con.execute(sql).fetchall():
        if name == "draft":
            out["draft"]["benefits"] = int(n)
            continue
        out[name].update({"total": _money(total) if total is not None else "0.00", "benefits": int(n),
                          "amount_unknown": int(unknown)})
    return out


# The best result of a benefit: least (bucket rank, floor, −value, measure index), packed into one
# HUGEINT (value in fen < 2^67, index < 2^16) — DuckDB compares it far faster than a tuple.
RANK = "CASE bucket " + "".join(f"WHEN '{b}' THEN {n} " for n, b in enumerate(BUCKETS)) + "END"
BEST_KEY = (f"(((({RANK} * 2 + floor::INT)::HUGEINT << 71) + ((1::HUGEINT << 70) - "
            f"CAST(coalesce(value, -1) * 100 AS HUGEINT))) << 16 | id)")


ITEM_COLUMNS = ("uscc", "measure", "amount", "upper", "open", "least")


def counted_items(con, results: str, measures: list[dict], where: str | None = None) -> str | None:
    """SQL: one row per eligible result (``where``: a further filter on the results' columns, as
    ``pairs_sql``) of a measure whose
    money counts (enterprise benefit, in force at the run's date, in CNY): uscc, benefit, draft, id
    (the measure index), bucket (``zhida.rules.totals.bucket``), value (the amount counted: a
    range's upper end for 最高可达, a sum's known part as a floor) and floor; also b (the benefit
    as a number) and multi (the benefit has several counted measures).
    None: no such measure."""
    rows = []
    for i, m in enumerate(measures):
        unit = m.get("amount_unit") or ""
        if m["enterprise_benefit"] and m.get("period_as_of", "in_force") == "in_force" \
                and "USD" not in unit.upper() and "美元" not in unit:
            rows.append((i, m["benefit"], KIND_BUCKET.get(m["kind"]), m["amount_kind"], bool(m.get("draft"))))
    if not rows:
        return None
    codes: dict[str, int] = {}
    for _, b, *_ in rows:
        codes.setdefault(b, len(codes))
    sizes = Counter(b for _, b, *_ in rows)
    values = ", ".join(f"({i}, {_lit(b)}, {codes[b]}, {str(sizes[b] > 1).upper()}, {_lit(t)}, {_lit(k)}, "
                       f"{str(d).upper()})" for i, b, t, k, d in rows)
    bucket = ("CASE WHEN m.akind IS NULL OR m.akind = 'not_stated' THEN 'unquantified' "
              "WHEN r.open <> 0 OR r.amount IS NULL THEN 'pending' WHEN m.tax IS NOT NULL THEN m.tax "
              "WHEN m.akind IN ('maximum', 'range') THEN 'up_to' ELSE 'certain' END")
    return (
        f"SELECT uscc, benefit, b, multi, draft, id, bucket, "
        f"CASE WHEN bucket = 'up_to' AND akind = 'range' AND upper IS NOT NULL THEN upper "
        f"ELSE coalesce(amount, least) END AS value, (amount IS NULL AND least IS NOT NULL) AS floor "
        f"FROM (SELECT r.uscc, r.amount, r.upper, r.least, m.*, {bucket} AS bucket "
        f"FROM {pairs_sql(con, results, measures, (STATUS_CODES['eligible'],), [r[0] for r in rows], ITEM_COLUMNS, where)} r "
        f"JOIN (VALUES {values}) m(id, benefit, b, multi, tax, akind, draft) ON r.measure = m.id)")


def best_per_benefit(items: str) -> str:
    """SQL over ``counted_items``: per enterprise and benefit the best result (bucket order, a floor
    after a known amount, then the larger amount) — a benefit restated by several measures once."""
    return (f"SELECT uscc, benefit, draft, unnest(arg_min({{'bucket': bucket, 'value': value, 'floor': floor}}, "
            f"{BEST_KEY})) FROM ({items}) GROUP BY uscc, benefit, draft")


def _lit(value) -> str:
    return "NULL" if value is None else "'" + str(value).replace("'", "''") + "'"
