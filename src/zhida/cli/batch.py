"""`zhida batch`, `zhida pushlist`, `zhida simulate`: all enterprises × all measures (docs/batch.md)."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from zhida import config
from zhida.rules.totals import split_for_lines, totals_lines
from zhida.cli import app
from zhida.errors import DataError

out = Console(soft_wrap=True)
err = Console(stderr=True)


def _date(value: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise DataError(option, f"{value!r} is not a date (YYYY-MM-DD)") from None


def _default_out() -> Path:
    return config.home() / "batch"


def _conf(pairs: list[str]) -> dict[str, str]:
    conf = {}
    for pair in pairs:
        if "=" not in pair:
            raise DataError("--spark-conf", f"{pair!r} is not KEY=VALUE")
        key, value = pair.split("=", 1)
        conf[key] = value
    return conf


@app.command("batch")
def batch_command(
    as_of: Annotated[str, typer.Option("--as-of", help="Evaluation date (YYYY-MM-DD).")],
    input_path: Annotated[Path | None, typer.Option("--input", help="Facts Parquet (`zhida generate`); default: the store's enterprises.")] = None,
    engine: Annotated[str, typer.Option("--engine", help="duckdb | postgres | spark")] = "duckdb",
    out_dir: Annotated[Path | None, typer.Option("--out", help="Directory for runs (default $ZHIDA_HOME/batch).")] = None,
    measure: Annotated[list[str] | None, typer.Option("--measure", help="Only these measures (repeatable).")] = None,
    pushlists: Annotated[bool | None, typer.Option("--pushlists/--no-pushlists", help="XLSX push lists (default: when ≤ 200,000 eligible pairs).")] = None,
    store: Annotated[bool, typer.Option("--store/--no-store", help="Record the run in the store.")] = True,
    store_pairs: Annotated[bool | None, typer.Option("--store-pairs/--no-store-pairs", help="Also store eligible pairs (default: when ≤ 500,000).")] = None,
    postgres_url: Annotated[str | None, typer.Option("--postgres-url", help="For --engine postgres (default ZHIDA_DATABASE_URL).")] = None,
    spark_master: Annotated[str | None, typer.Option("--spark-master", help="e.g. spark://host:7077 (default local[2]).")] = None,
    spark_conf: Annotated[list[str] | None, typer.Option("--spark-conf", help="KEY=VALUE Spark setting (repeatable).")] = None,
) -> None:
    """Every enterprise × every measure: Parquet results, push lists, totals in the store."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from zhida.batch.engines import make_engine
    from zhida.batch.runner import run_batch

    day = _date(as_of, "--as-of")
    pg_url = postgres_url or (os.environ.get("ZHIDA_DATABASE_URL") if engine == "postgres" else None)
    runner_engine = make_engine(engine, postgres_url=pg_url, spark_master=spark_master,
                                spark_conf=_conf(spark_conf or []))
    columns = (TextColumn("[bold]{task.description}"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
               TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True, disable=not err.is_terminal) as bar:
        task = bar.add_task(f"{engine}: enterprises × measures", total=1.0)
        outcome = run_batch(day, out_dir or _default_out(), input_path=input_path, engine=runner_engine,
                            measure_ids=measure or None, store_url=None if store else False, store_pairs=store_pairs,
                            pushlists=pushlists, progress=lambda f: bar.update(task, completed=f),
                            say=lambda text: bar.console.print(text))
    run = outcome.run
    overall = run.manifest["totals"]["overall"]
    out.print(f"run {run.key}: {outcome.rows:,} enterprises × {len(run.manifest['measures'])} measures "
              f"in {outcome.engine_seconds:.1f} s ({engine})")
    out.print(f"  results   {run.results}")
    out.print(f"  reached   {overall['enterprises_reached']:,} enterprises eligible for at least one benefit")
    split = overall.get("split")
    if split:  # issue 9 §4: each kind of money apart, never added together
        out.print("  金额合计（同一企业同一待遇只计一次，各类分开、不相加）：", markup=False)
        for line in totals_lines(split_for_lines(split)):
            out.print(f"    {line}", markup=False)
    if outcome.pushlists:
        out.print(f"  pushlists {len(outcome.pushlists)} XLSX in {run.path / 'pushlists'}")
    else:
        out.print("  pushlists not written (many pairs): `zhida pushlist latest --district CODE`")
    if outcome.store_run_id:
        out.print(f"  store     batch run #{outcome.store_run_id} complete")


@app.command("pushlist")
def pushlist_command(
    run_ref: Annotated[str, typer.Argument(help="Run directory, run key, or 'latest'.")] = "latest",
    out_dir: Annotated[Path | None, typer.Option("--runs", help="Directory of runs (default $ZHIDA_HOME/batch).")] = None,
    district: Annotated[str | None, typer.Option("--district", help="GB/T 2260 code or zone (bda).")] = None,
    unit: Annotated[str | None, typer.Option("--unit", help="Only this responsible unit, as printed (市财政局).")] = None,
    target: Annotated[Path | None, typer.Option("--out", help="Directory for the XLSX files (default $ZHIDA_HOME/pushlists).")] = None,
    show: Annotated[bool, typer.Option("--list", help="Print one line per measure (as the 精准推送 page) instead of writing XLSX.")] = False,
    search: Annotated[str, typer.Option("--search", help="With --list: only measures whose title, document or unit contain these words.")] = "",
    industry: Annotated[str | None, typer.Option("--industry", help="With --list: GB/T 4754 code prefix (C, C39).")] = None,
) -> None:
    """精准推送名单 of a complete run, one XLSX per district, one sheet per responsible unit."""
    from zhida.batch.pushlists import write_pushlists
    from zhida.batch.runner import open_run

    run = open_run(run_ref, out_dir or _default_out())
    if show:
        _print_listing(run, district, unit, search, industry)
        return
    files = write_pushlists(run, target or config.home() / "pushlists", district=district, unit=unit)
    if not files:
        raise DataError(run.key, "no eligible enterprise for that district / unit")
    for path in files:
        out.print(str(path))


def _print_listing(run, district: str | None, unit: str | None, search: str, industry: str | None) -> None:
    """The page's lines (zhida.pushlists.listing): one per measure, its units listed, money by kind."""
    from zhida import money_format
    from zhida.matching.match import load_default_policies
    from zhida.pushlists import listing
    from zhida.pushlists.scope import Scope

    found = listing.listing(run, load_default_policies(), Scope((unit,) if unit else ()), query=search,
                            region=district, industry=industry, per_page=100_000)
    where = district or "全市"
    out.print(f"{run.key}：{where} {found.population:,} 家企业，{found.matched} 项措施有符合条件的企业", markup=False)
    for document, lines in found.by_document():
        out.print(document, markup=False)
        for line in lines:
            money = "政策未明确金额" if line.bucket == "unquantified" else \
                f"{line.kind_label} {money_format.money(line.total) if line.total is not None else '—'}"
            pending = f"，待认定 {line.pending:,} 家" if line.pending else ""
            out.print(f"  {line.measure_id}  {line.title}  [{'、'.join(line.units) or '未列明'}]  "
                      f"{line.count:,} 家  {money}{pending}", markup=False)


@app.command("simulate")
def simulate_command(
    as_of: Annotated[str, typer.Option("--as-of", help="Evaluation date (YYYY-MM-DD).")] = "2022-12-31",
    input_path: Annotated[Path | None, typer.Option("--input", help="Facts Parquet (default: the store's enterprises).")] = None,
    changes: Annotated[list[str] | None, typer.Option("--set", help="What-if: MEASURE.amount.cap=500000, MEASURE.conditions.ID.threshold=… (repeatable).")] = None,
    measure: Annotated[list[str] | None, typer.Option("--measure", help="Only these measures (default: the changed ones, or all).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON on stdout.")] = False,
    movers: Annotated[int, typer.Option("--movers", help="Enterprises that gain or lose to list, per change.")] = 20,
    list_parameters: Annotated[str | None, typer.Option("--parameters", help="List the numbers of this measure that --set can change (as the 模拟测算 page) and exit.")] = None,
) -> None:
    """Coverage and estimated cost per measure (by district, by industry); baseline vs reform."""
    from zhida.batch.simulate import simulate
    from zhida.matching.match import load_default_policies

    day = _date(as_of, "--as-of")
    policies = load_default_policies()  # loaded once: the kept facts' name reads them too
    if list_parameters:
        from zhida.batch.whatif import parameter_views

        if list_parameters not in policies.measures:
            raise DataError("--parameters", f"unknown measure {list_parameters!r}")
        for p in parameter_views(policies.measures[list_parameters], policies):
            out.print(f"{list_parameters}.{p['id']}={p['value']}  {p['where']}：{p['context']}", markup=False)
        return
    source = input_path
    if source is None:  # the store's enterprises, exported once per store state (kept in $ZHIDA_HOME/facts)
        from zhida.batch.population import facts_file
        from zhida.store import open_store

        store = open_store()
        try:
            source = facts_file(store, day)
        finally:
            store.close()
    elif not source.exists():
        raise DataError(str(source), "no such file")
    result = simulate(policies, source, day, changes or [], measure or None, movers_limit=movers)
    if as_json:
        from dataclasses import asdict

        sys.stdout.write(json.dumps(asdict(result), ensure_ascii=False, indent=1, default=str) + "\n")
        return
    table = Table(title=f"{result.enterprises:,} enterprises, as of {day}", show_lines=False)
    for col in ("measure", "eligible", "undetermined", "cost (元)"):
        table.add_column(col, justify="left" if col == "measure" else "right")
    reform = any("reform" in m for m in result.measures)
    if reform:
        for col in ("eligible′", "cost′ (元)"):
            table.add_column(col, justify="right")
    for m in result.measures:
        b = m["baseline"]
        row = [m["measure_id"], f"{b['eligible']:,}", f"{b['undetermined']:,}", _cost(b["cost"], m["amount_kind"])]
        if reform:
            r = m.get("reform")
            row += [f"{r['eligible']:,}", _cost(r["cost"], m["amount_kind"])] if r else ["", ""]
        table.add_row(*row)
    out.print(table)
    if len(result.measures) <= 3:  # by district / industry only when few measures fit the screen
        for label, rows, key in (("district", result.by_district, "district"), ("industry", result.by_industry, "industry")):
            t = Table(title=f"by {label}")
            t.add_column(label)
            for m in result.measures:
                t.add_column(f"{m['measure_id']} eligible / cost", justify="right")
                if "reform" in m:
                    t.add_column("reform", justify="right")
            for r in rows:
                cells = [f"{r[key]} {r['name']}"]
                for m in result.measures:
                    v = r["measures"][m["measure_id"]]
                    cells.append(f"{v['eligible']:,} / {v['cost'] or '-'}")
                    if "reform" in m:
                        w = r["measures"][m["measure_id"] + "#reform"]
                        cells.append(f"{w['eligible']:,} / {w['cost'] or '-'}")
                t.add_row(*cells)
            out.print(t)
    if result.movers:
        t = Table(title="enterprises that gain or lose (largest changes first)")
        for col in ("measure", "USCC", "name", "district", "baseline", "reform", "change (元)"):
            t.add_column(col)
        for mv in result.movers:
            t.add_row(mv["measure_id"], mv["uscc"], mv["name"] or "", mv["district"],
                      f"{mv['baseline']['status']} {mv['baseline']['amount'] or ''}",
                      f"{mv['reform']['status']} {mv['reform']['amount'] or ''}", mv["change"] or "")
        out.print(t)
        first = result.movers[0]
        out.print(f"{first['changed_total']:,} enterprises change: {first['gainers']:,} gain, {first['losers']:,} lose")
    elif result.changes:
        out.print("no enterprise changes status or amount under this reform")


def _cost(value: str | None, kind: str | None) -> str:
    if value is None:
        return "-"
    prefix = {"maximum": "≤ ", "minimum": "≥ "}.get(kind, "")
    return f"{prefix}{value}"


@app.command("dashboard")
def dashboard_command(
    run_ref: Annotated[str, typer.Argument(help="Run directory, run key, or 'latest'.")] = "latest",
    out_dir: Annotated[Path | None, typer.Option("--runs", help="Directory of runs (default $ZHIDA_HOME/batch).")] = None,
    district: Annotated[str | None, typer.Option("--district", help="区县 (name or GB/T 2260 code) or zone (bda).")] = None,
    unit: Annotated[list[str] | None, typer.Option("--unit", help="Only measures of this responsible unit (repeatable).")] = None,
    industry: Annotated[str | None, typer.Option("--industry", help="GB/T 4754 门类 letter (C).")] = None,
    by: Annotated[str, typer.Option("--by", help="Drill-down: district, street, zone or industry.")] = "district",
    previous: Annotated[str | None, typer.Option("--previous", help="The run to compare with (trend).")] = None,
) -> None:
    """工作台 of a complete run (as the web page): per measure eligible / undetermined enterprises,
    the fact deciding most undetermined ones, money by kind, the trend; then the drill-down."""
    from zhida.batch import dashboard
    from zhida.batch.runner import open_run
    from zhida.enterprises import regions

    runs = out_dir or _default_out()
    run = open_run(run_ref, runs)
    earlier = open_run(previous, runs) if previous else None
    area = regions.scope_code_or_none(district) if district else None
    if district and area is None:
        raise DataError("--district", f"unknown district {district!r}")
    if by not in dashboard.DIMENSIONS:
        raise DataError("--by", f"one of {', '.join(dashboard.DIMENSIONS)}")
    scope = dashboard.Scope(area=area, units=tuple(unit or ()), industry=(industry or "").upper()[:1] or None)
    totals = dashboard.totals(run, scope)
    money = "；".join(f"{dashboard.GROUP_ZH[k]} {_money_cell(m)}" for k, m in totals["money"].items() if m.count)
    out.print(f"{run.key}：{regions.label(area) if area else '全市'} {totals['enterprises']:,} 家企业，"
              f"{totals['reached']:,} 家至少可享一项；{money or '无可计金额'}", markup=False)
    table = Table("措施", "符合条件", "待确认", "最缺的信息", *dashboard.GROUP_ZH.values(), "较上次")
    for r in dashboard.sort_rows(dashboard.measure_rows(run, scope, earlier), "eligible"):
        cells = [_money_cell(r.money[k]) for k in dashboard.GROUPS]
        trend = "—" if r.trend is None else f"{r.trend['eligible']:+,}"
        table.add_row(r.title, f"{r.eligible:,}", f"{r.undetermined:,}", r.deciding_fact or "—", *cells, trend)
    out.print(table)
    slices = Table(dashboard.DIMENSIONS[by], "至少可享一项", *dashboard.GROUP_ZH.values())
    for s in dashboard.breakdown(run, scope, by):
        slices.add_row(s.label, f"{s.enterprises:,}",
                       *[_money_cell(s.money[k]) for k in dashboard.GROUPS])
    out.print(slices)


def _money_cell(m) -> str:
    """A kind's sum as the page says it: — (none), 金额待核定 (every amount unknown), or the sum."""
    from zhida import money_format

    if not m.count:
        return "—"
    if m.unknown == m.count:
        return f"{money_format.PENDING}（{m.count:,} 项）"
    return money_format.money(m.total) + (f"（另 {m.unknown:,} 项待核定）" if m.unknown else "")
