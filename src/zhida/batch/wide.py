"""Totals and dashboard figures aggregated wide: straight from the packed columns (packed.py).

Unpacking the results into (enterprise, measure) pair rows first (``packed.pairs_sql``: 7.5 M eligible
and undetermined pairs at 200,000 enterprises, 75 M at 2,000,000) and grouping those cost 5× the
rules themselves. Every figure the totals and the cubes need is a sum over enterprises of a per-row
expression of a few packed columns, so one scan of ``results.parquet`` computes them all, one
aggregate per (measure, figure): ``Wide`` collects those aggregates (deduplicated) and says, per
measure and per benefit, which of them hold each bucket's sum, count and vague count.

A measure's bucket (``zhida.rules.totals.bucket``) is fixed but for ``pending`` (an open criterion
still to judge, or no amount): so per measure two sums and counts suffice. A benefit restated by
several measures (16 of 138) needs, per enterprise, its best result (``summary.BEST_KEY``: bucket
rank, floor, larger value, lower index): the least of its measures' keys, one LEAST per row.
"""

from __future__ import annotations

from dataclasses import dataclass

from zhida.batch.packed import widths
from zhida.rules.totals import BUCKETS, KIND_BUCKET

RANK = {b: n for n, b in enumerate(BUCKETS)}
NO_MONEY = "NULL::DECIMAL(20,2)"
NO_SUM = "NULL::DECIMAL(38,2)"


@dataclass(frozen=True)
class Counted:
    """A measure whose money counts (enterprise benefit, in force at the run's date, CNY)."""

    index: int
    benefit: str
    bucket: str  # its bucket once all is known: a tax kind, up_to, certain — or unquantified
    akind: str | None
    draft: bool


def counted(measures: list[dict]) -> list[Counted]:
    """The counted measures of a manifest (the rows ``summary.counted_items`` selects)."""
    out = []
    for i, m in enumerate(measures):
        unit = m.get("amount_unit") or ""
        if m["enterprise_benefit"] and m.get("period_as_of", "in_force") == "in_force" \
                and "USD" not in unit.upper() and "美元" not in unit:
            akind = m["amount_kind"]
            static = ("unquantified" if akind in (None, "not_stated") else KIND_BUCKET.get(m["kind"])
                      or ("up_to" if akind in ("maximum", "range") else "certain"))
            out.append(Counted(i, m["benefit"], static, akind, bool(m.get("draft"))))
    return out


def by_benefit(items: list[Counted]) -> dict[str, list[Counted]]:
    groups: dict[str, list[Counted]] = {}
    for c in items:
        groups.setdefault(c.benefit, []).append(c)
    return groups


class Columns:
    """SQL over one packed row: a measure's status, money, open bits, and the counted expressions."""

    def __init__(self, measures: list[dict], money: set[str]):
        self.width = widths(measures)
        self.money = money

    def status(self, i: int) -> str:
        return f"(p{i} & 3)"

    def part(self, name: str, i: int) -> str:
        return f"{name}{i}" if f"{name}{i}" in self.money else NO_MONEY

    def unknown(self, i: int) -> str:
        return f"((p{i} >> {2 + self.width[i]}) & {(1 << self.width[i]) - 1})"

    def waiting(self, i: int) -> str:
        """Pending rather than its fixed bucket: an open criterion to judge, or no amount."""
        return f"((p{i} >> {2 + 2 * self.width[i]}) <> 0 OR {self.part('amount', i)} IS NULL)"

    def static_value(self, c: Counted) -> str:
        """The value of a result in its fixed bucket (the amount is known): a range's upper end."""
        amount = self.part("amount", c.index)
        return f"coalesce({self.part('upper', c.index)}, {amount})" if (c.bucket, c.akind) == ("up_to", "range") \
            else amount

    def known_value(self, i: int) -> str:
        return f"coalesce({self.part('amount', i)}, {self.part('least', i)})"

    def value(self, c: Counted) -> str:
        if c.bucket == "unquantified":
            return self.known_value(c.index)
        return f"CASE WHEN {self.waiting(c.index)} THEN {self.known_value(c.index)} ELSE {self.static_value(c)} END"

    def rank(self, c: Counted) -> str:
        if c.bucket == "unquantified":
            return str(RANK["unquantified"])
        return f"CASE WHEN {self.waiting(c.index)} THEN {RANK['pending']} ELSE {RANK[c.bucket]} END"

    def key(self, c: Counted) -> str:
        """``summary.BEST_KEY`` of an eligible result (NULL otherwise): least is best."""
        i = c.index
        floor = f"({self.part('amount', i)} IS NULL AND {self.part('least', i)} IS NOT NULL)"
        return (f"CASE WHEN {self.status(i)} = 1 THEN (((({self.rank(c)} * 2 + {floor}::INT)::HUGEINT << 71) + "
                f"((1::HUGEINT << 70) - CAST(coalesce({self.value(c)}, -1) * 100 AS HUGEINT))) << 16) | {i} END")


class Wide:
    """The aggregates of one scan, each once; figures name them (``a<n>``) in SQL over the result."""

    def __init__(self, measures: list[dict], money: set[str]):
        self.measures = measures
        self.cols = Columns(measures, money)
        self.aggregates: dict[str, str] = {}
        self.projected: list[str] = []  # per-row columns the aggregates read: multi-benefit bests (b<n>) …
        self.derived: list[str] = []  # … and their value (v<n>) and whether it has no amount (x<n>)

    def agg(self, sql: str) -> str:
        return self.aggregates.setdefault(sql, f"a{len(self.aggregates)}")

    def count(self, condition: str) -> str:
        # count_if, not count(*) FILTER (one selection per clause); over no rows it is NULL
        return self.agg(f"coalesce(count_if({condition}), 0)")

    def eligible(self, i: int) -> str:
        return self.count(f"{self.cols.status(i)} = 1")

    def undetermined(self, i: int) -> str:
        return self.count(f"{self.cols.status(i)} = 3")

    def any_eligible(self, indexes) -> str:
        return "(" + " OR ".join(f"{self.cols.status(i)} = 1" for i in indexes) + ")" if indexes else "FALSE"

    def measure_buckets(self, c: Counted) -> dict[str, tuple[str, str, str]]:
        """Bucket → (sum, count, vague count) of a measure's eligible results, as SQL over the
        aggregates. Vague (unknown or only a floor) is exactly: no amount."""
        cols, i = self.cols, c.index
        eligible = self.eligible(i)
        vague = self.count(f"{cols.status(i)} = 1 AND {cols.part('amount', i)} IS NULL")
        if c.bucket == "unquantified":
            return {"unquantified": (self.agg(f"sum(CASE WHEN {cols.status(i)} = 1 THEN {cols.known_value(i)} END)"),
                                     eligible, vague)}
        pending = f"{cols.status(i)} = 1 AND {cols.waiting(i)}"
        waiting = self.count(pending)
        return {c.bucket: (self.agg(f"sum(CASE WHEN {cols.status(i)} = 1 AND NOT {cols.waiting(i)} "
                                    f"THEN {cols.static_value(c)} END)"), f"({eligible} - {waiting})", "0"),
                "pending": (self.agg(f"sum(CASE WHEN {pending} THEN {cols.known_value(i)} END)"), waiting, vague)}

    def benefit_buckets(self, members: list[Counted]) -> tuple[str, dict[str, tuple[str, str, str]]]:
        """(enterprises, bucket → (sum, count, vague count)) of a benefit counted once per enterprise
        by its best result among ``members`` (final versions)."""
        if len(members) == 1:
            return self.eligible(members[0].index), self.measure_buckets(members[0])
        n, cols = len(self.projected), self.cols
        self.projected.append(f"least({', '.join(cols.key(c) for c in members)}) AS b{n}")
        which = lambda expr: "CASE b{0} & 65535 ".format(n) + "".join(  # noqa: E731 - the best measure's expr
            f"WHEN {c.index} THEN {expr(c)} " for c in members) + "END"
        self.derived += [f"{which(cols.value)} AS v{n}",
                         f"{which(lambda c: cols.part('amount', c.index) + ' IS NULL')} AS x{n}"]
        possible = {c.bucket for c in members} | ({"pending"} if any(c.bucket != "unquantified" for c in members)
                                                  else set())
        buckets = {}
        for b in sorted(possible, key=RANK.get):
            this = f"(b{n} >> 88) = {RANK[b]}"
            buckets[b] = (self.agg(f"sum(CASE WHEN {this} THEN v{n} END)"), self.count(this),
                          self.count(f"{this} AND x{n}"))
        return self.agg(f"count(b{n})"), buckets

    def source(self, results: str, join: str = "", where: str = "") -> str:
        """FROM: the results (``r``) with ``join``, ``where``, and the per-row best columns."""
        from zhida.batch.packed import _lit, source

        base = f"SELECT * FROM read_parquet({_lit(source(results))}) r {join}" + (f" WHERE {where}" if where else "")
        if not self.projected:
            return f"({base})"
        return (f"(SELECT *, {', '.join(self.derived)} FROM "
                f"(SELECT *, {', '.join(self.projected)} FROM ({base})))")

    def select(self) -> str:
        return ", ".join(f"{sql} AS {alias}" for sql, alias in self.aggregates.items()) or "count(*) AS a0"


def add(parts: list[str], empty: str = NO_SUM) -> str:
    """SQL: the sum of nullable parts, NULL when all are (as a SUM over no value)."""
    if not parts:
        return empty
    if len(parts) == 1:
        return parts[0]
    return f"CASE WHEN coalesce({', '.join(parts)}) IS NULL THEN NULL ELSE " + \
        " + ".join(f"coalesce({p}, 0)" for p in parts) + " END"


def counts(parts: list[str]) -> str:
    return " + ".join(parts) if parts else "0"
