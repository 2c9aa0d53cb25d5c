"""`zhida match PROFILE.json|USCC --as-of DATE [--json] [--status …] [--measure ID]`: 企业找政策."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from zhida.cli import app
from zhida.enterprises.lookup import load_profile
from zhida.errors import DataError
from zhida.matching.amount_display import amount_display
from zhida.rules.totals import totals_lines

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

STATUS_ZH = {"eligible": "[green]符合[/green]", "ineligible": "[red]不符合[/red]",
             "undetermined": "[yellow]待定[/yellow]", "not_applicable": "[dim]不适用[/dim]"}
PERIOD_ZH = {"in_force": "有效", "expired": "[red]已过期[/red]", "not_yet_effective": "[yellow]尚未生效[/yellow]"}




@app.command("match")
def match_command(
    ref: Annotated[str, typer.Argument(metavar="PROFILE.json|USCC", help="A profile file or a USCC in the store.")],
    as_of: Annotated[str, typer.Option("--as-of", help="Evaluation date YYYY-MM-DD.")],
    as_json: Annotated[bool, typer.Option("--json", help="JSON (docs/match-json.md) instead of a table.")] = False,
    status: Annotated[Optional[str], typer.Option("--status", help="Only these statuses, comma-separated: "
                                                  "eligible,ineligible,undetermined,not_applicable")] = None,
    measure: Annotated[Optional[str], typer.Option("--measure", help="One measure id (or unique prefix).")] = None,
    policies_dir: Annotated[Optional[Path], typer.Option("--policies", help="policies directory")] = None,
) -> None:
    """Every measure for one enterprise: status, amount, reasons (中文) and the near-miss."""
    from zhida.matching.match import STATUSES, load_default_policies, match_enterprise
    from zhida.matching.report import report_json
    from zhida.rules import load_policies

    try:
        day = dt.date.fromisoformat(as_of)
    except ValueError:
        raise DataError("--as-of", f"{as_of!r} is not a date YYYY-MM-DD") from None
    wanted = None
    if status:
        wanted = [s.strip() for s in status.split(",") if s.strip()]
        bad = [s for s in wanted if s not in STATUSES]
        if bad:
            raise DataError("--status", f"{', '.join(bad)} not one of {', '.join(STATUSES)}")
    profile = load_profile(ref)
    policies = load_policies(policies_dir) if policies_dir else load_default_policies()
    for error in policies.errors:
        err.print(f"warning: measure file skipped: {error}")
    measures = [policies.measure(measure)] if measure else None
    results = match_enterprise(profile, day, measures, policies=policies)
    if wanted:
        results = [r for r in results if r.status in wanted]
    report = report_json(results, day, policies, {"uscc": profile.uscc, "name": profile.name})
    if as_json:
        sys.stdout.write(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
        return
    _print_table(report)


def _print_table(report: dict) -> None:
    ent = report["enterprise"]
    out.print(f"{ent.get('name', '')}（{ent.get('uscc', '')}）  评估日 {report['as_of']}")
    table = Table(show_lines=False)
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("措施")
    table.add_column("状态", no_wrap=True)
    table.add_column("有效期", no_wrap=True)
    table.add_column("金额")
    for i, r in enumerate(report["results"], 1):
        table.add_row(str(i), f"{r['title']} [dim]{r['measure_id']}[/dim]", STATUS_ZH[r["status"]],
                      PERIOD_ZH[r["period"]], amount_display(r).text if r["amount"]["value"] or r["amount"]["least"] else "—")
    out.print(table)
    for i, r in enumerate(report["results"], 1):
        if r["status"] == "not_applicable":
            continue
        out.print(f"\n[bold]{i}. {r['title']}[/bold]  {STATUS_ZH[r['status']]}  {PERIOD_ZH[r['period']]}")
        shown = amount_display(r)
        out.print(f"   金额：{shown.text}" + (f"；精确金额 {shown.exact}" if shown.exact else ""), markup=False)
        if shown.rule and shown.pending:
            out.print(f"   计算方式：{shown.rule}", markup=False)
        for x in r["reasons"]:
            out.print(f"   • {x['text']}", markup=False)
        if r["missing"]:
            out.print("   缺少：" + "、".join(m["label"] for m in r["missing"]), markup=False)
        for n in r["near_miss"]:
            out.print(f"   → {n['text']}", markup=False)
        src = "；".join(s["citation"] for s in r["sources"])
        out.print(f"   出处：{src}", markup=False)
    s = report["summary"]
    counts = s["counts"]
    out.print(f"\n符合 {counts['eligible']}，待定 {counts['undetermined']}，不符合 {counts['ineligible']}，"
              f"不适用 {counts['not_applicable']}", markup=False)
    out.print("金额合计（有效期内，同一待遇只计一次，各类分开、不相加）：", markup=False)
    for line in totals_lines(s["totals"]):
        out.print(f"   {line}", markup=False)
