"""A packed run's overall totals and honest split (``summary``) in one wide scan of its results:
per benefit one aggregate per figure (``wide.Wide``), never the pairs unpacked. Same figures as
``summary``'s pair-wise reading (the reference for a run of the former long layout, and the tests').
"""

from __future__ import annotations

from decimal import Decimal

from zhida.batch import wide
from zhida.batch.packed import _lit, money_columns
from zhida.rules.totals import BUCKETS, GROUP_ZH, LABEL_ZH


class _Plan:
    """Figures of one scan: ``ask(sql)`` names a figure (SQL over the aggregates), ``run`` reads them."""

    def __init__(self, results: str, measures: list[dict]):
        self.results = results
        self.w = wide.Wide(measures, money_columns(results))
        self.figures: list[str] = []

    def ask(self, sql: str) -> int:
        self.figures.append(sql)
        return len(self.figures) - 1

    def run(self, con, where: str = "") -> list:
        if not self.figures:
            return []
        inner = f"SELECT {self.w.select()} FROM {self.w.source(self.results, where=where)}"
        return list(con.execute(f"SELECT {', '.join(self.figures)} FROM ({inner})").fetchone())


def _split_plan(plan: _Plan, measures: list[dict]):
    """Ask the split's figures; returns how to read them into ``summary.split_totals``' shape."""
    w = plan.w
    asked = []  # (bucket or 'draft', sum, count, vague) figure numbers
    for _benefit, members in wide.by_benefit(wide.counted(measures)).items():
        final = [c for c in members if not c.draft]
        drafts = [c for c in members if c.draft]
        if final:
            for bucket, (total, n, vague) in w.benefit_buckets(final)[1].items():
                asked.append((bucket, plan.ask(total), plan.ask(n), plan.ask(vague)))
        if drafts:  # a draft is listed apart where no final version gives the benefit
            listed = w.count(f"NOT {w.any_eligible([c.index for c in final])} "
                             f"AND {w.any_eligible([c.index for c in drafts])}")
            asked.append(("draft", None, plan.ask(listed), None))

    def read(values: list) -> dict:
        out = {b: {"label": LABEL_ZH[b], "group": GROUP_ZH[b], "total": "0.00", "benefits": 0, "amount_unknown": 0}
               for b in BUCKETS}
        out["draft"] = {"label": LABEL_ZH["draft"], "benefits": 0}
        totals: dict[str, Decimal] = {}
        for bucket, total, n, vague in asked:
            out[bucket]["benefits"] += int(values[n] or 0)
            if bucket == "draft":
                continue
            out[bucket]["amount_unknown"] += int(values[vague] or 0)
            if values[total] is not None:
                totals[bucket] = totals.get(bucket, Decimal(0)) + Decimal(values[total])
        for bucket, total in totals.items():
            out[bucket]["total"] = str(total.quantize(Decimal("0.01")))
        return out

    return read


def split_totals(results: str, measures: list[dict], con, usccs: list[str] | None = None) -> dict:
    plan = _Plan(results, measures)
    read = _split_plan(plan, measures)
    where = "" if usccs is None else "uscc IN (" + ", ".join(_lit(u) for u in usccs) + ")"
    return read(plan.run(con, where))


def overall_totals(run, con, groups: dict[str, list[dict]]) -> dict:
    """``summary.overall_totals`` (``groups``: its benefit groups), the split in the same scan."""
    measures = run.manifest["measures"]
    plan = _Plan(run.results_glob(), measures)
    w = plan.w
    position = {m["id"]: i for i, m in enumerate(measures)}
    asked = {}
    for benefit, group in groups.items():
        indexes = [position[m["id"]] for m in group]
        amounts = [f"CASE WHEN {w.cols.status(i)} = 1 THEN {w.cols.part('amount', i)} END" for i in indexes]
        # each enterprise's largest known amount among the benefit's eligible measures, once
        largest = amounts[0] if len(amounts) == 1 else f"greatest({', '.join(amounts)})"
        asked[benefit] = (plan.ask(w.agg(f"sum({largest})")), plan.ask(w.count(w.any_eligible(indexes))))
    reached = plan.ask(w.count(w.any_eligible(sorted(position[m["id"]] for g in groups.values() for m in g))))
    read_split = _split_plan(plan, measures)
    values = plan.run(con)
    per_benefit, by_kind = {}, {}
    for benefit, group in groups.items():
        kind = group[0]["amount_kind"]
        if kind in (None, "not_stated"):
            continue
        total, eligible_n = values[asked[benefit][0]], values[asked[benefit][1]]
        per_benefit[benefit] = {"measures": [m["id"] for m in group], "eligible": int(eligible_n or 0),
                                "amount_total": _money(total), "amount_kind": kind}
        by_kind[kind] = by_kind.get(kind, Decimal(0)) + Decimal(total or 0)
    return {"enterprises": int(run.manifest["enterprises"]), "enterprises_reached": int(values[reached] or 0),
            "amount_total_by_kind": {k: _money(v) for k, v in by_kind.items()}, "benefits": per_benefit,
            "split": read_split(values)}


def _money(value) -> str | None:
    return None if value is None else str(Decimal(value).quantize(Decimal("0.01")))
