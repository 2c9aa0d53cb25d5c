"""The dashboard cubes (``dashboard_cube``) of a packed run, aggregated wide: per cube level
(district × zone × 大类, with the facts undetermined enterprises miss; district × zone × 街道) one
scan of the results joined with each enterprise's group, one row per group holding every measure's
and benefit's figures (``wide.Wide``), only then turned into the cubes' long rows — groups are few
(1,156 and 545 at 200,000 enterprises), pairs many (7.5 M eligible or undetermined).
"""

from __future__ import annotations

from zhida.batch import wide
from zhida.batch.packed import money_columns, source

# cube money column → the buckets it adds (dashboard_cube.MONEY, unquantified counted apart)
MONEY = (("certain", ("certain",)), ("up_to", ("up_to",)), ("tax", ("relief", "deduction", "deferral", "refund")),
         ("pending", ("pending",)))
MONEY_COLUMNS = [f"{name}{suffix}" for name, _ in MONEY for suffix in ("", "_n", "_unknown")] + ["unquantified_n"]


def _q(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def money_figures(buckets: dict[str, tuple[str, str, str]]) -> list[str]:
    """The cubes' money columns (MONEY_COLUMNS) from bucket → (sum, count, vague) SQL."""
    out = []
    for _name, inside in MONEY:
        got = [buckets[b] for b in inside if b in buckets]
        out += [wide.add([s for s, _, _ in got]), wide.counts([n for _, n, _ in got]),
                wide.counts([v for _, _, v in got])]
    return out + [buckets["unquantified"][1] if "unquantified" in buckets else "0"]


def _long(table: str, keys: list[str], rows: list[tuple[list[str], list[str]]], names: list[str],
          labels: list[str], counts: set[str], keep: str, order: list[str] | None = None) -> str:
    """The long rows of a wide table (one row per group): per entry of ``rows`` (label literals, figure SQL)
    one row per group, the figures named ``names`` (``counts`` cast to BIGINT), kept where ``keep``;
    columns in ``order`` (default: labels, keys, figures)."""
    def branch(literals: list[str], figures: list[str]) -> str:
        return (f"SELECT {', '.join(f'{v} AS {n}' for v, n in zip(literals, labels))}, {', '.join(keys)}, "
                f"{', '.join(f'({v})' + ('::BIGINT' if n in counts else '::DECIMAL(38,2)') + f' AS {n}' for v, n in zip(figures, names))} "
                f"FROM {table}")
    body = " UNION ALL ".join(branch([_q(v) for v in literals], figures) for literals, figures in rows)
    if not rows:  # typed, empty
        body, keep = branch(["NULL::VARCHAR"] * len(labels), ["NULL"] * len(names)), "FALSE"
    return f"SELECT {', '.join(order or [*labels, *keys, *names])} FROM ({body}) WHERE {keep}"


def _plan(run, policies, final: list, unknown: bool):
    """The aggregates of one scan and the cube rows over them: measures, benefits and (``unknown``)
    per measure and fact the undetermined enterprises missing it."""
    from zhida.batch import dashboard_cube as cube

    measures = run.manifest["measures"]
    w = wide.Wide(measures, money_columns(run.results_glob()))
    by_index = {c.index: c for c in final}
    measure_rows, masks = [], []
    for i, m in enumerate(measures):
        if not m["enterprise_benefit"]:
            continue
        buckets = w.measure_buckets(by_index[i]) if i in by_index else {}
        measure_rows.append(([m["id"]], [w.eligible(i), w.undetermined(i)] + money_figures(buckets)))
        for fact, mask in (cube.condition_facts(m, policies).items() if unknown else ()):
            masks.append(([m["id"], fact, cube._fact_label(fact, policies)],
                          [w.count(f"{w.cols.status(i)} = 3 AND ({w.cols.unknown(i)} & {mask}) <> 0")]))
    benefit_rows = []
    for benefit, members in wide.by_benefit(final).items():
        enterprises, buckets = w.benefit_buckets(members)
        benefit_rows.append(([benefit], [enterprises] + money_figures(buckets)))
    return w, measure_rows, benefit_rows, masks


def write_wide(con, run, policies, copy) -> None:
    """The six cubes of a packed run through ``copy(select, file name)``; ``g`` holds the groups.
    One scan per level, grouped by its own small key: grouping by the finest group (street × 大类,
    17,000 at 200,000 enterprises) and summing up after held 17,000 × 900 aggregate states and took
    twice as long."""
    from zhida.batch import dashboard_cube as cube

    measures = run.manifest["measures"]
    results = run.results_glob()
    final = [c for c in wide.counted(measures) if not c.draft]  # a draft's money is never counted
    counts = {"eligible", "undetermined", "enterprises", "n", *(c for c in MONEY_COLUMNS if c.endswith(("_n", "_unknown")))}
    money = ["eligible", "undetermined", *MONEY_COLUMNS]
    for finest, measures_file, benefits_file in (("division", cube.MEASURES, cube.BENEFITS),
                                                 ("street", cube.STREET_MEASURES, cube.STREET_BENEFITS)):
        w, measure_rows, benefit_rows, masks = _plan(run, policies, final, unknown=finest == "division")
        keys = ["region_code", "zone", finest]
        con.execute(f"CREATE TEMP TABLE k_{finest} AS SELECT DISTINCT dense_rank() OVER (ORDER BY region_code, zone, "
                    f"{finest}) AS gk, uscc, region_code, zone, {finest} FROM g")
        con.execute(f"CREATE TEMP TABLE w_{finest} AS SELECT k.region_code, k.zone, k.{finest}, a.* FROM "
                    f"(SELECT gk, {w.select()} FROM {w.source(results, f'JOIN k_{finest} USING (uscc)')} GROUP BY gk) a "
                    f"JOIN (SELECT DISTINCT gk, region_code, zone, {finest} FROM k_{finest}) k USING (gk)")
        copy(_long(f"w_{finest}", keys, measure_rows, money, ["measure"], counts, "eligible + undetermined > 0"),
             measures_file)
        copy(_long(f"w_{finest}", keys, benefit_rows, ["enterprises", *MONEY_COLUMNS], ["benefit"], counts,
                   "enterprises > 0"), benefits_file)
        if finest == "division":
            copy(_long("w_division", keys, masks, ["n"], ["measure", "fact", "label"], counts, "n > 0",
                       ["measure", *keys, "fact", "label", "n"]), cube.UNKNOWN)
    w = wide.Wide(measures, set())
    reached = w.any_eligible([c.index for c in final])
    copy(f"SELECT region_code, zone, street, division, count(*) AS enterprises, "
         f"coalesce(count_if(coalesce({reached}, FALSE)), 0) AS reached "
         f"FROM g LEFT JOIN read_parquet({_q(source(results))}) r USING (uscc) GROUP BY ALL", cube.ENTERPRISES)
