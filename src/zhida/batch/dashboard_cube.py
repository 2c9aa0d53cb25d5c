"""The district/unit dashboard's figures, aggregated once per batch run (at batch time).

A run's results hold every (enterprise, measure) pair (packed.py); a dashboard question — per measure
in a district, per district for a unit, per industry — only needs sums over small groups. So the
run writes three small Parquet files beside its results, grouped by measure (or benefit) ×
district × zone × GB/T 4754 大类, and every page reads those (``zhida.batch.dashboard``):

- ``dashboard_measures.parquet``: per measure and group, enterprises eligible and undetermined,
  and the money of the eligible ones by the honest split of ``zhida.rules.totals`` (确定可得 /
  最高可达 / 减免·抵扣·递延 / 待认定, with how many amounts are unknown or only a floor);
- ``dashboard_benefits.parquet``: the same split per benefit, each enterprise's benefit counted
  once by its best measure (a benefit restated by several documents is not added twice) — the
  figures that may be added across measures (districts' totals, the chart);
- ``dashboard_unknown.parquet``: per measure, group and catalogue fact, how many undetermined
  enterprises miss that fact in a condition still open (the fact that would decide most of them);
- ``dashboard_enterprises.parquet``: per group (and 街道), the enterprises and how many reach at
  least one counted benefit;
- ``dashboard_street_measures.parquet``, ``dashboard_street_benefits.parquet``: the first two per
  district × zone × 街道（乡镇） instead of × 大类 (街道 × 大类 would make groups as small as the
  results themselves).
"""

from __future__ import annotations

import os
from pathlib import Path

from zhida.batch.engines import STATUS_CODES
from zhida.batch.packed import is_long, pairs_sql
from zhida.batch.summary import best_per_benefit, connect, counted_items

MEASURES = "dashboard_measures.parquet"
BENEFITS = "dashboard_benefits.parquet"
UNKNOWN = "dashboard_unknown.parquet"
ENTERPRISES = "dashboard_enterprises.parquet"
STREET_MEASURES = "dashboard_street_measures.parquet"
STREET_BENEFITS = "dashboard_street_benefits.parquet"
FILES = (MEASURES, BENEFITS, UNKNOWN, ENTERPRISES, STREET_MEASURES, STREET_BENEFITS)
TAX = ("relief", "deduction", "deferral", "refund")
# money columns of both cubes: bucket group → (sum column, count column)
MONEY = {"certain": ("certain",), "up_to": ("up_to",), "tax": TAX, "pending": ("pending",)}


def _q(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def _groups(enterprises: str, con) -> str:
    """The enterprises with their group keys (absent identity columns are empty)."""
    present = {row[0] for row in con.execute(f"DESCRIBE SELECT * FROM read_parquet({_q(enterprises)})").fetchall()}

    def col(name: str, expr: str) -> str:
        return expr if name in present else "''"

    return (f"SELECT uscc, coalesce({col('region_code', 'region_code')}, '') AS region_code, "
            f"coalesce(nullif({col('special_zone', 'special_zone')}, 'none'), '') AS zone, "
            f"coalesce({col('subdistrict_code', 'subdistrict_code')}, '') AS street, "
            f"coalesce(left({col('industry_code', 'industry_code')}, 2), '') AS division "
            f"FROM read_parquet({_q(enterprises)})")


def _money_columns() -> str:
    """Money columns over grouped rows: bucket, n results, value (their sum), vague (how many of
    them unknown or only a floor) — ``p``'s groups, or ``best`` rows as groups of one."""
    parts = []
    for name, buckets in MONEY.items():
        inside = ", ".join(_q(b) for b in buckets)
        parts.append(f"sum(i.value) FILTER (i.bucket IN ({inside})) AS {name}, "
                     f"{_count(f'i.bucket IN ({inside})')} AS {name}_n, "
                     f"{_count(f'i.bucket IN ({inside})', 'vague')} AS {name}_unknown")
    parts.append(_count("i.bucket = 'unquantified'") + " AS unquantified_n")
    return ", ".join(parts)


def _count(where: str, column: str = "n") -> str:
    return f"coalesce(sum(i.{column}) FILTER ({where}), 0)::BIGINT"


def condition_facts(manifest_measure: dict, policies) -> dict[str, int]:
    """Catalogue fact → bitmask of the measure's conditions (manifest bit order) that read it,
    concepts expanded. A measure or condition no longer in the policies reads nothing here."""
    from zhida.matching.evaluator import concept_facts
    from zhida.rules.expr import AS_OF, OPEN, columns

    measure = policies.measures.get(manifest_measure["id"])
    if measure is None:
        return {}
    deps = concept_facts(policies)
    by_id = {c.id: c for c in measure.conditions}
    masks: dict[str, int] = {}
    for bit, cid in enumerate(manifest_measure["conditions"]):
        cond = by_id.get(cid)
        if cond is None or bit > 62:  # bit 63 would make the BIGINT mask negative
            continue
        for ref in columns(cond.expanded):
            for fact in (deps[ref] if ref in deps else {ref}):
                if fact != AS_OF and not fact.startswith(OPEN + "."):
                    masks[fact] = masks.get(fact, 0) | (1 << bit)
    return masks


def write(run, out_dir: Path | None = None, policies=None, via_pairs: bool | None = None) -> list[Path]:
    """Write the cubes of ``run`` into ``out_dir`` (default: the run's directory), each through a
    temporary name so a reader sees a whole file or none. Aggregated wide from the packed columns
    (``dashboard_wide``); ``via_pairs``: from the unpacked pairs instead (a run of the former long
    layout always — and the tests, as the reference the wide figures must equal)."""
    from zhida.matching.match import load_default_policies

    policies = policies or load_default_policies()
    out_dir = Path(out_dir or run.path)
    con = connect()
    # each enterprise's groups, also as one small integer (grouping by it is far cheaper than by four strings)
    con.execute(f"CREATE TEMP TABLE g AS SELECT *, dense_rank() OVER (ORDER BY region_code, zone, street, division) "
                f"AS grp FROM ({_groups(run.enterprises_glob(), con)})")
    written = []

    def copy(select: str, name: str) -> None:
        target = out_dir / name
        part = out_dir / f".{name}.part"
        con.execute(f"COPY ({select}) TO {_q(str(part))} (FORMAT parquet, COMPRESSION zstd)")
        os.replace(part, target)
        written.append(target)

    if via_pairs or (via_pairs is None and is_long(run.results_glob())):
        _write_from_pairs(con, run, policies, copy)
    else:
        from zhida.batch.dashboard_wide import write_wide

        write_wide(con, run, policies, copy)
    con.close()
    return written


def _write_from_pairs(con, run, policies, copy) -> None:
    measures = run.manifest["measures"]
    results = run.results_glob()
    ids = ", ".join(f"({i}, {_q(m['id'])})" for i, m in enumerate(measures) if m["enterprise_benefit"])
    if not ids:
        ids = "(-1, '')"
    con.execute(f"CREATE TEMP TABLE mid AS SELECT * FROM (VALUES {ids}) t(measure, id)")
    eligible, undetermined = STATUS_CODES["eligible"], STATUS_CODES["undetermined"]
    items = counted_items(con, results, measures)
    empty = "SELECT NULL::VARCHAR AS uscc, NULL::VARCHAR AS benefit, FALSE AS draft, NULL::INTEGER AS id, " \
            "NULL::VARCHAR AS bucket, NULL::DECIMAL(20,2) AS value, FALSE AS floor WHERE FALSE"
    con.execute(f"CREATE TEMP TABLE i AS {items or empty}")
    # every applicable pair of an enterprise-benefit measure that is eligible or undetermined, with
    # its groups and (eligible ones) its bucket: the one pass over the results all cubes read,
    # grouped at the finest level the cubes need (n pairs, their money, how many of it vague), so
    # that 2,000,000 enterprises' tens of millions of pairs are never held (or spilled) as rows
    pairs = pairs_sql(con, results, measures, (eligible, undetermined),
                      [i for i, m in enumerate(measures) if m["enterprise_benefit"]], ("uscc", "measure", "status", "unknown"))
    con.execute(f"CREATE TEMP TABLE p AS SELECT mid.id AS measure, f.*, k.region_code, k.zone, k.street, k.division "
                f"FROM (SELECT r.measure AS idx, r.status, "
                f"CASE WHEN r.status = {undetermined} THEN r.unknown ELSE 0 END AS unknown, g.grp, i.bucket, "
                f"count(*) AS n, sum(i.value) AS value, count(*) FILTER (i.value IS NULL OR i.floor) AS vague "
                f"FROM {pairs} r JOIN g ON g.uscc = r.uscc "
                f"LEFT JOIN i ON i.uscc = r.uscc AND i.id = r.measure AND NOT i.draft "
                f"GROUP BY ALL) f JOIN mid ON mid.measure = f.idx "
                f"JOIN (SELECT DISTINCT grp, region_code, zone, street, division FROM g) k ON k.grp = f.grp")
    # a benefit only one counted measure gives is its own best: only the others are grouped
    con.execute(f"CREATE TEMP TABLE best AS SELECT uscc, benefit, draft, bucket, value, floor FROM i "
                f"WHERE NOT multi UNION ALL {best_per_benefit('SELECT * FROM i WHERE multi')}")
    for finest, measures_file, benefits_file in (("division", MEASURES, BENEFITS),
                                                 ("street", STREET_MEASURES, STREET_BENEFITS)):
        copy(f"SELECT i.measure, i.region_code, i.zone, i.{finest}, "
             f"{_count(f'i.status = {eligible}')} AS eligible, "
             f"{_count(f'i.status = {undetermined}')} AS undetermined, {_money_columns()} "
             f"FROM p i GROUP BY ALL", measures_file)
        copy(f"SELECT i.benefit, g.region_code, g.zone, g.{finest}, count(*) AS enterprises, {_money_columns()} "
             f"FROM (SELECT *, 1 AS n, (value IS NULL OR floor)::INT AS vague FROM best) i JOIN g ON g.uscc = i.uscc "
             f"WHERE NOT i.draft GROUP BY ALL", benefits_file)
    masks = [(i, fact, mask) for i, m in enumerate(measures) if m["enterprise_benefit"]
             for fact, mask in condition_facts(m, policies).items()]
    labels = {f: _fact_label(f, policies) for _i, f, _m in masks}
    if masks:
        values = ", ".join(f"({i}, {_q(f)}, {_q(labels[f])}, {mask})" for i, f, mask in masks)
        unknown = (f"SELECT p.measure, p.region_code, p.zone, p.division, f.fact, f.label, sum(p.n)::BIGINT AS n "
                   f"FROM p JOIN (VALUES {values}) f(idx, fact, label, mask) ON f.idx = p.idx "
                   f"WHERE p.status = {undetermined} AND (p.unknown & f.mask) <> 0 GROUP BY ALL")
    else:
        unknown = ("SELECT NULL::VARCHAR AS measure, NULL::VARCHAR AS region_code, NULL::VARCHAR AS zone, "
                   "NULL::VARCHAR AS division, NULL::VARCHAR AS fact, NULL::VARCHAR AS label, 0::BIGINT AS n WHERE FALSE")
    copy(unknown, UNKNOWN)
    copy("SELECT g.region_code, g.zone, g.street, g.division, count(*) AS enterprises, count(r.uscc) AS reached FROM g "
         "LEFT JOIN (SELECT DISTINCT uscc FROM i WHERE NOT draft AND bucket IS NOT NULL) r ON r.uscc = g.uscc "
         "GROUP BY ALL", ENTERPRISES)


def _fact_label(name: str, policies) -> str:
    fact = policies.catalogue.get(name)
    return fact.label_zh if fact is not None and fact.label_zh else "企业信息"


def present(path: Path) -> bool:
    return all((Path(path) / name).is_file() for name in FILES)
