"""Monitoring at scale (issue 15), each figure with wall and CPU seconds, side by side with a bare
scan of the same rows:

- alerts: every rule of policies/monitoring/alerts.yaml for one month over N enterprises on DuckDB
  (target: 2,000,000 enterprises ≤ 30 s);
- the monthly analysis: N enterprises × M months of indicators in a DuckDB file; the grouping query
  of ``zhida.monitoring.figures`` (the same SQLAlchemy statement the store runs, compiled for
  DuckDB) for the city (every district and industry at once: ≤ 60 s) and for one district
  (the district dashboard: ≤ 1 s), plus the key enterprises' lines;
- 亩均 grading: ``zhida.monitoring.grading`` (one DuckDB query, exact integers) over N enterprises
  (target: 2,000,000 ≤ 30 s).

    python -m benchmarks.run --only monitoring [--monitoring-enterprises 2000000] [--monitoring-months 36]
        [--monitoring-graded 2000000] [--monitoring-skip alerts,analysis,grading]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

NAME = "monitoring"


def timed(fn):
    w, c = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - w, time.process_time() - c


def _row(step: str, wall: float, cpu: float, note: str = "") -> str:
    return f"| {step} | {wall:.2f} | {cpu:.2f} | {note} |\n"


def quiet(con):
    con.execute("SET enable_progress_bar = false")
    return con


HEAD = "| step | wall (s) | CPU (s) | note |\n|---|---|---|---|\n"


def alerts_bench(n: int, months: int) -> str:
    import duckdb

    from zhida.monitoring import alerts
    from zhida.monitoring.rules import SERIES, load_rules

    rules = [r for r in load_rules() if r.over == "enterprises"]
    con = quiet(duckdb.connect())

    def val(expr: str) -> str:
        return f"CASE WHEN random() < 0.08 THEN NULL ELSE {expr} END"

    _, built, _ = timed(lambda: con.execute(f"""CREATE TABLE ind AS SELECT e AS uscc, m AS month,
        {val("CAST(base * (0.5 + random()) AS DECIMAL(18,2))")} AS output_value,
        {val("CAST(base * 1.05 * (0.5 + random()) AS DECIMAL(18,2))")} AS revenue,
        {val("CAST(base / 10 * (0.5 + random()) AS DECIMAL(18,2))")} AS electricity,
        {val("CAST(20 + floor(random() * 500) AS BIGINT)")} AS employees,
        {val("CAST(base * 2 * (0.4 + random()) AS DECIMAL(18,2))")} AS orders
        FROM (SELECT range AS e, 100 + random() * 5000 AS base FROM range({n})) p,
             (SELECT range AS m FROM range({months})) mm"""))
    rows = con.execute("SELECT count(*) FROM ind").fetchone()[0]
    cur = months - 1
    sel = ", ".join([f"c.{s}" for s in SERIES] + [f"p.{s} AS {s}_prev_month" for s in SERIES]
                    + [f"y.{s} AS {s}_prev_year" for s in SERIES]
                    + [f"CASE WHEN random() < 0.3 THEN NULL ELSE random() < 0.97 END AS {alerts.RESUMED}"])
    _, facts_w, facts_c = timed(lambda: con.execute(f"""CREATE TEMP TABLE facts AS SELECT c.uscc, {sel} FROM ind c
        LEFT JOIN ind p ON p.uscc = c.uscc AND p.month = {cur - 1}
        LEFT JOIN ind y ON y.uscc = c.uscc AND y.month = {cur - 12}
        WHERE c.month = {cur}"""))
    inner = alerts.compiled_sql(rules, "2026-03")
    counts = ", ".join(f'count_if("r__{r.id}") AS "{r.id}", count_if("r__{r.id}" IS NULL) AS "{r.id}__u"' for r in rules)
    result, rules_w, rules_c = timed(lambda: con.execute(f"SELECT {counts} FROM ({inner}) t").fetchone())
    _, scan_w, scan_c = timed(lambda: con.execute(
        f"""SELECT count(*), sum(output_value), sum(revenue), sum(electricity), sum(employees), sum(orders)
        FROM ind WHERE month IN ({cur}, {cur - 1}, {cur - 12})""").fetchone())
    con.close()
    per_rule = "; ".join(f"{r.id}: {result[2 * i]:,} fired, {result[2 * i + 1]:,} undetermined" for i, r in enumerate(rules))
    total_w, total_c = facts_w + rules_w, facts_c + rules_c
    return (f"### Alerts\n\n{n:,} enterprises × {months} months = {rows:,} indicator rows (generated in DuckDB in "
            f"{built:.1f} s, not timed), {len(rules)} enterprise rules (the price rule runs over 4 commodities).\n\n" + HEAD
            + _row("facts of the month (3 months joined)", facts_w, facts_c)
            + _row("all rules, compiled by zhida.rules.sql", rules_w, rules_c)
            + _row("**alert evaluation total**", total_w, total_c, f"target ≤ 30 s: {'met' if total_w <= 30 else 'missed'}")
            + _row("bare scan of the same 3 months (count + 5 sums)", scan_w, scan_c)
            + f"\nVerdicts: {per_rule}.\n")


def _duckdb_sql(statement) -> str:
    """A SQLAlchemy statement as literal SQL DuckDB runs (PostgreSQL dialect: CAST, ||, round)."""
    from sqlalchemy.dialects import postgresql

    return str(statement.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}))


def analysis_bench(n: int, months: int, workdir: str) -> str:
    import duckdb

    from zhida.monitoring import figures

    path = os.path.join(workdir, "analysis.duckdb")
    con = quiet(duckdb.connect(path))
    first_year = 2024
    month_list = [f"{first_year + i // 12:04d}-{i % 12 + 1:02d}" for i in range(months)]
    con.execute("CREATE TABLE months AS SELECT * FROM (VALUES " + ", ".join(f"('{m}')" for m in month_list) + ") t(month)")

    def val(expr: str) -> str:
        return f"CASE WHEN random() < 0.05 THEN NULL ELSE {expr} END"

    # the store's table (the enterprise's code as a short text: the query only compares it)
    _, built, _ = timed(lambda: con.execute(f"""CREATE TABLE mon_indicators AS SELECT CAST(e AS VARCHAR) AS uscc, month,
        region_code, industry_code,
        {val("CAST(base * (0.6 + random() * 0.8) AS DECIMAL(18,2))")} AS output_value,
        {val("CAST(base * 1.05 * (0.6 + random() * 0.8) AS DECIMAL(18,2))")} AS revenue,
        {val("CAST(base / 10 * (0.6 + random() * 0.8) AS DECIMAL(18,2))")} AS electricity,
        {val("CAST(20 + floor(random() * 500) AS INTEGER)")} AS employees,
        CAST(NULL AS DECIMAL(18,2)) AS orders
        FROM (SELECT range AS e, 100 + random() * 5000 AS base,
                     '1101' || lpad(CAST(1 + range % 16 AS VARCHAR), 2, '0') AS region_code,
                     'C' || CAST(13 + range % 30 AS VARCHAR) || '11' AS industry_code FROM range({n})) p, months
        ORDER BY month"""))  # as monthly imports leave them: a month's rows together
    rows = con.execute("SELECT count(*) FROM mon_indicators").fetchone()[0]
    month = month_list[-1]
    window = [figures.shift(month, -i) for i in range(12, -1, -1)]
    city_sql = _duckdb_sql(figures.rows_query(window))
    raw_district_sql = _duckdb_sql(figures.rows_query(window, region="110105"))
    rollup_columns = ", ".join(["month", "region AS region_code", "industry", "reporting"]
                               + [f"{x}__{k}" for x in figures.SERIES for k in ("sum", "cur", "prev")])
    # the analysis: the grouping of the 13 months (what figures.refresh stores as rollups) …
    _, city_w, city_c = timed(lambda: con.execute(f"CREATE TABLE mon_rollups AS SELECT {rollup_columns} FROM ({city_sql}) g"))
    groups = con.execute("SELECT count(*) FROM mon_rollups").fetchone()[0]
    city_read_sql = _duckdb_sql(figures.rollup_query(window))
    _, read_w, read_c = timed(lambda: con.execute(city_read_sql).fetchall())
    # … and the district dashboard reads one district's rollups (figures.month_figures)
    district_sql = _duckdb_sql(figures.rollup_query(window, region="110105"))
    _, dist_w, dist_c = timed(lambda: con.execute(district_sql).fetchall())
    _, dist2_w, dist2_c = timed(lambda: con.execute(district_sql).fetchall())
    _, raw_w, raw_c = timed(lambda: con.execute(raw_district_sql).fetchall())
    keys = [row[0] for row in con.execute(f"SELECT DISTINCT uscc FROM mon_indicators WHERE month = '{month}' "
                                          "AND uscc LIKE '%007'").fetchall()]
    year_months = [figures.shift(month, -i) for i in range(figures.month_index(month), -1, -1)]
    key_sql = _duckdb_sql(figures.rows_query(year_months, usccs=[str(k) for k in keys], by_uscc=True))
    _, key_w, key_c = timed(lambda: con.execute(key_sql).fetchall())
    scan_sql = ("SELECT count(*), sum(output_value), sum(revenue), sum(electricity), sum(employees) FROM mon_indicators "
                f"WHERE month IN ({', '.join(repr(m) for m in window)})")
    _, scan_w, scan_c = timed(lambda: con.execute(scan_sql).fetchone())
    con.close()
    size = os.path.getsize(path) / 2**30
    total_w = city_w + read_w + key_w
    return (f"### Monthly analysis and district dashboard\n\n{n:,} enterprises × {months} months = {rows:,} indicator rows "
            f"(16 districts, 30 industries, 5 % of cells missing; stored month by month, as monthly imports leave them) "
            f"in a DuckDB file ({size:.1f} GB; generated in {built:.1f} s, not timed). The grouping query is "
            f"`zhida.monitoring.figures.rows_query` compiled for DuckDB: the 13 months ending {month}, each row joined "
            "with the enterprise's row a year earlier (同口径); its rows are what `figures.refresh` stores as rollups "
            "(every import refreshes the months it touches), which the pages read.\n\n" + HEAD
            + _row("analysis: grouping the 13 months, all districts × industries (= rollups from raw rows)", city_w, city_c,
                   f"{groups:,} groups")
            + _row("analysis: reading the city's rollups", read_w, read_c)
            + _row(f"key enterprises' lines ({len(keys):,} enterprises, 1月至当月, from raw rows)", key_w, key_c)
            + _row("**monthly analysis, all districts, total**", total_w, city_c + read_c + key_c,
                   f"target ≤ 60 s: {'met' if total_w <= 60 else 'missed'}")
            + _row("**district dashboard** (one district's rollups, 13 months)", dist_w, dist_c,
                   f"target ≤ 1 s: {'met' if dist_w <= 1 else 'missed'}")
            + _row("district dashboard, again", dist2_w, dist2_c)
            + _row("one district straight from the raw rows (no rollups), for comparison", raw_w, raw_c)
            + _row("bare scan of the same 13 months (count + 4 sums)", scan_w, scan_c))


def grading_bench(n: int) -> str:
    import duckdb

    from zhida.monitoring import evaluation, grading

    method = evaluation.load_method()
    con = quiet(duckdb.connect())

    def amount() -> str:
        return "CASE WHEN random() < 0.002 THEN NULL ELSE CAST(floor(1 + random() * 5000000) / 100 AS DECIMAL(18,2)) END"

    _, built, _ = timed(lambda: con.execute(f"""CREATE TABLE inputs AS SELECT CAST(range AS VARCHAR) AS uscc,
        '1101' || lpad(CAST(1 + range % 16 AS VARCHAR), 2, '0') AS region_code,
        'C' || CAST(13 + range % 30 AS VARCHAR) || '11' AS industry_code,
        {', '.join(f'{amount()} AS {a}' for a in evaluation.AMOUNTS)} FROM range({n})"""))
    sql = grading.grading_sql(method, "inputs", 2)
    _, grade_w, grade_c = timed(lambda: con.execute(f"CREATE TABLE graded AS {sql}"))
    counts = con.execute("SELECT grade, count(*) FROM graded GROUP BY grade ORDER BY grade NULLS LAST").fetchall()
    _, arrow_w, arrow_c = timed(lambda: con.execute("SELECT * FROM graded").to_arrow_table())
    _, scan_w, scan_c = timed(lambda: con.execute(
        f"SELECT count(*), {', '.join(f'sum({a})' for a in evaluation.AMOUNTS)} FROM inputs").fetchone())
    con.close()
    shown = ", ".join(f"{g or '待补数据'} {c:,}" for g, c in counts)
    return (f"### 亩均 grading\n\n{n:,} enterprises (16 districts × 30 industries = 480 groups; 0.2 % of each input "
            f"missing), generated in DuckDB in {built:.1f} s (not timed). `zhida.monitoring.grading.grading_sql`: one query, "
            "indicator ratios, group benchmarks (window sums), capped weighted parts, score, rank and class by window "
            "functions, all in exact integers (HUGEINT).\n\n" + HEAD
            + _row("**亩均 grading of all enterprises**", grade_w, grade_c,
                   f"target ≤ 30 s: {'met' if grade_w <= 30 else 'missed'}")
            + _row("reading the graded rows out as Arrow", arrow_w, arrow_c)
            + _row("bare scan of the inputs (count + 8 sums)", scan_w, scan_c)
            + f"\nClasses: {shown}. Before (pure Python Decimal, previous session): 200,000 in 13.6 s, ≈ 136 s extrapolated.\n")


def main(argv: list[str]) -> str:
    parser = argparse.ArgumentParser()
    parser.add_argument("--monitoring-enterprises", type=int, default=2_000_000)
    parser.add_argument("--monitoring-months", type=int, default=36)
    parser.add_argument("--monitoring-graded", type=int, default=2_000_000)
    parser.add_argument("--monitoring-skip", default="")
    args, _ = parser.parse_known_args(argv)
    skip = set(filter(None, args.monitoring_skip.split(",")))
    parts = []
    if "alerts" not in skip:
        parts.append(alerts_bench(args.monitoring_enterprises, args.monitoring_months))
    if "analysis" not in skip:
        with tempfile.TemporaryDirectory(prefix="zhida-mon-") as workdir:
            parts.append(analysis_bench(args.monitoring_enterprises, args.monitoring_months, workdir))
    if "grading" not in skip:
        parts.append(grading_bench(args.monitoring_graded))
    load = " / ".join(f"{v:.2f}" for v in os.getloadavg())
    return "\n".join(parts) + f"\nLoad average after the run: {load}.\n"


if __name__ == "__main__":
    from benchmarks.run import write_section

    body = main(sys.argv[1:])
    write_section(NAME, body, "python -m benchmarks.monitoring " + " ".join(sys.argv[1:]))
    print(body)
