"""Before publishing: the enterprises whose result would change — the store's enterprises (the
population the batch runs on, ``zhida.batch.population``) evaluated with the rule as published
now (if any) and as the reviewer has it, in one DuckDB query (as ``zhida simulate`` does)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from zhida.batch.summary import q

NEW = "#review"


@dataclass
class Impact:
    enterprises: int
    changed: int
    gained: int  # newly eligible or more money
    lost: int
    rows: list[dict] = field(default_factory=list)  # the first ``limit`` changed, largest change first


def run(policies, measure, before, facts_path, as_of: date, limit: int = 50) -> Impact:
    """``before``: the published measure with this id, or None (a new rule)."""
    from zhida.batch.engines import DuckDBEngine, result_names

    engine = DuckDBEngine()
    con = engine.connect()
    try:
        con.execute("SET enable_progress_bar = false")
        new = dataclasses.replace(measure, id=measure.id + NEW)
        measures = [new] + ([before] if before is not None else [])
        scoped = dataclasses.replace(policies, measures={**policies.measures, new.id: new})
        present = engine.facts_view(con, scoped, facts_path, as_of)
        carry = tuple(c for c in ("name", "region_code") if c in present)
        compiled = engine.compile(scoped, measures, as_of, carry)
        names = result_names(compiled, carry)
        outer = ", ".join(f'"{a}" AS {q(n)}' for a, n in names.items())
        con.execute(f"CREATE TEMP TABLE review AS SELECT {outer} FROM ({compiled.sql})")
        total = con.execute("SELECT count(*) FROM review").fetchone()[0]
        r_s, r_a = q(new.id + ":status"), q(new.id + ":amount")
        if before is not None:
            b_s, b_a = q(before.id + ":status"), q(before.id + ":amount")
        else:
            b_s, b_a = "'not_applicable'", "CAST(NULL AS DECIMAL(20,2))"
        # NULL when an eligible result's amount is unknown (a missing fact): no change is shown as 0
        delta = (f"(CASE WHEN {r_s} = 'eligible' THEN {r_a} ELSE 0 END) - "
                 f"(CASE WHEN {b_s} = 'eligible' THEN {b_a} ELSE 0 END)")
        differs = f"(coalesce({b_s}, 'not_applicable') <> coalesce({r_s}, 'not_applicable') OR {b_a} IS DISTINCT FROM {r_a})"
        gain = f"({r_s} = 'eligible' AND coalesce({b_s}, '') <> 'eligible' OR ({delta}) > 0)"
        loss = f"({b_s} = 'eligible' AND coalesce({r_s}, '') <> 'eligible' OR ({delta}) < 0)"
        changed, gained, lost = con.execute(
            f"SELECT count(*), count(*) FILTER ({gain}), count(*) FILTER ({loss}) FROM review WHERE {differs}").fetchone()
        name = "name" if "name" in carry else "NULL"
        region = "region_code" if "region_code" in carry else "NULL"
        rows = con.execute(
            f"SELECT uscc, {name}, {region}, coalesce({b_s}, 'not_applicable'), {b_a}, "
            f"coalesce({r_s}, 'not_applicable'), {r_a}, {delta} FROM review WHERE {differs} "
            f"ORDER BY abs({delta}) DESC NULLS LAST, uscc LIMIT {int(limit)}").fetchall()
    finally:
        con.close()
    return Impact(int(total), int(changed), int(gained), int(lost), [
        {"uscc": u, "name": n, "region_code": r, "before": {"status": bs, "amount": _s(ba)},
         "after": {"status": rs, "amount": _s(ra)}, "change": _s(d)} for u, n, r, bs, ba, rs, ra, d in rows])


def _s(value) -> str | None:
    return None if value is None else str(Decimal(value).quantize(Decimal("0.01")))


def published_measure(session, policies, measure_id: str):
    """The measure with this id as published: the newest store version, else the YAML under policies/."""
    from zhida.drafting import rulebook, validate, yamlform

    version = rulebook.latest(session, measure_id)
    if version is not None:
        checked = validate.check(policies, version.document, yamlform.parse_measure(yamlform.from_item(version.item),
                                                                                     measure_id))
        if checked.measure is not None:
            return checked.measure
    return policies.measures.get(measure_id)
