"""Commands for enterprise profiles: `zhida enterprises import|show|facts` and `zhida generate`."""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from zhida.cli import app
from zhida.enterprises.lookup import load_profile
from zhida.errors import DataError

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

enterprises_app = typer.Typer(help="Enterprise profiles (一户一档): import, show, facts.", no_args_is_help=True)
app.add_typer(enterprises_app, name="enterprises")


def _date(value: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise DataError(option, f"{value!r} is not a date YYYY-MM-DD") from None


@enterprises_app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(help="CSV or XLSX (one enterprise per row), or JSON profiles: one "
                                         "object, a list, or JSON Lines (.json/.jsonl).")],
    mapping: Annotated[Path | None, typer.Option("--mapping", help="YAML column mapping.")] = None,
    resume: Annotated[bool, typer.Option("--resume", help="Continue an interrupted import of this file.")] = False,
    rejects: Annotated[Path | None, typer.Option("--rejects", help="Reject report (.csv or .xlsx); "
                                                 "default FILE.rejects.csv")] = None,
    batch_size: Annotated[int, typer.Option("--batch-size", min=1, help="Rows per transaction.")] = 10_000,
) -> None:
    """Validate and store enterprises; every invalid row goes to the reject report.

    Exit code 0: every row stored; 1: some rows rejected (see the report); 2: the file cannot be
    imported at all (nothing stored from it)."""
    from zhida.enterprises.importer import import_file
    from zhida.store import open_store

    store = open_store()
    try:
        result = import_file(file, store, mapping_path=mapping, resume=resume, batch_size=batch_size,
                             report_path=rejects)
    finally:
        store.close()
    for warning in result.warnings:
        err.print(f"warning: {warning}")
    if any("不是可识别的字段" in w for w in result.warnings):
        err.print("hint: map such columns to profile fields with --mapping (YAML `columns: {header: field}`)")
    out.print(result.summary())
    if result.rejected_rows:
        raise typer.Exit(1)



@enterprises_app.command("show")
def show_command(
    ref: Annotated[str, typer.Argument(help="A USCC in the store, or a profile .json file.")],
    as_of: Annotated[str | None, typer.Option("--as-of", help="Assessment date for the unused-figures list (default today).")] = None,
) -> None:
    """Print one profile (JSON) with its derived size class per year, and the figures no measure reads."""
    import datetime as dt

    from zhida.enterprises.size_class import SIZE_LABELS, derive_size_class
    from zhida.enterprises.unused import unused_figures
    from zhida.matching.match import load_default_policies

    profile = load_profile(ref)
    sys.stdout.write(profile.to_json() + "\n")
    for year, f in sorted((y, f) for y, f in profile.figures.items() if isinstance(y, int)):
        size = derive_size_class(profile.industry_code, f.employees, f.revenue, f.total_assets)
        err.print(f"{year}: {SIZE_LABELS.get(size, '无法判定 (undetermined)')}")
    if profile.declared_size is not None:
        from zhida.enterprises.importer import sized_figures

        year, f = sized_figures(profile)
        derived = derive_size_class(profile.industry_code, f.employees, f.revenue, f.total_assets) if f else None
        declared = profile.declared_size
        line = f"申报规模: {SIZE_LABELS.get(declared.size_class)}（来源：{declared.source}）"
        if derived is not None and derived != declared.size_class:
            line += f" — 与按{year}年数据判定的 {SIZE_LABELS.get(derived)} 不一致，以数据判定为准"
        err.print(line)
    day = _date(as_of, "--as-of") if as_of else dt.date.today()
    unused = unused_figures(profile, day, load_default_policies())
    for u in unused:
        err.print(f"unused: {u.period} {u.label_zh} ({u.fact}) — 评估日 {day.isoformat()} 没有措施读取此期间的数据")


@enterprises_app.command("facts")
def facts_command(
    ref: Annotated[str, typer.Argument(help="A USCC in the store, or a profile .json file.")],
    as_of: Annotated[str, typer.Option("--as-of", help="Date the facts hold on (YYYY-MM-DD).")],
) -> None:
    """The catalogue facts of one profile on a date, as JSON (null = unknown)."""
    from zhida.enterprises.facts import profile_to_facts

    values = profile_to_facts(load_profile(ref), _date(as_of, "--as-of"))
    sys.stdout.write(json.dumps(values, ensure_ascii=False, indent=2, default=str) + "\n")


@enterprises_app.command("mine")
def mine_command(
    ref: Annotated[str, typer.Argument(help="A USCC in the store, or a profile .json file.")],
    as_of: Annotated[str | None, typer.Option("--as-of", help="Evaluation date (default today).")] = None,
    days: Annotated[int, typer.Option("--days", min=0, help="Deadlines within this many days.")] = 90,
    as_json: Annotated[bool, typer.Option("--json", help="JSON instead of text.")] = False,
) -> None:
    """我的政策 of one enterprise: what it gets now, with one more fact or one change, deadlines."""
    from zhida.matching.match import load_default_policies, match_enterprise
    from zhida.matching.report import report_json
    from zhida.mypolicies.mine import assemble, lines

    day = _date(as_of, "--as-of") if as_of else dt.date.today()
    policies = load_default_policies()
    profile = load_profile(ref)
    results = match_enterprise(profile, day, policies=policies)
    report = json.loads(json.dumps(report_json(results, day, policies, {"uscc": profile.uscc, "name": profile.name}),
                                   default=str))
    page = assemble(report, policies, horizon_days=days)
    if as_json:
        sys.stdout.write(json.dumps(page, ensure_ascii=False, indent=2) + "\n")
    else:
        out.print(f"{profile.name}（{profile.uscc}）")
        out.print("\n".join(lines(page)))


@app.command("generate")
def generate_command(
    count: Annotated[int, typer.Option("--count", min=1, help="Number of enterprises.")],
    seed: Annotated[int, typer.Option("--seed", help="Random seed: same seed, same file.")] = 0,
    out_path: Annotated[Path | None, typer.Option("--out", help="Parquet file to write (default $ZHIDA_HOME/enterprises.parquet).")] = None,
    as_of: Annotated[str, typer.Option("--as-of", help="Date the facts hold on.")] = "2022-12-31",
    to_store: Annotated[bool, typer.Option("--store", help="Also load the profiles into the store.")] = False,
) -> None:
    """A synthetic population (Beijing's 16 districts + 经开区, 忻州) as columnar facts."""
    from zhida.enterprises.generate import generate, store_population, write_parquet

    from zhida import config

    out_path = out_path or config.home() / "enterprises.parquet"
    started = time.perf_counter()
    population = generate(count, seed, _date(as_of, "--as-of"))
    write_parquet(population, out_path)
    message = f"{out_path}: {count:,} enterprises (seed {seed}, as of {as_of}) in {time.perf_counter() - started:.1f} s"
    if to_store:
        from zhida.store import open_store

        store = open_store()
        try:
            stored, skipped = store_population(population, store)
        finally:
            store.close()
        message += f"; store: {stored:,} added, {skipped:,} already there"
    out.print(message)
