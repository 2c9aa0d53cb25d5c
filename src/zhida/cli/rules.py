"""CLI for the rules: `zhida measures list|show|check|benefits`, `zhida facts list|doc`, `zhida coverage`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

from zhida.cli import app
from zhida.errors import RuleError

measures_app = typer.Typer(help="Measures encoded as rules (policies/measures/*.yaml).", no_args_is_help=True)
facts_app = typer.Typer(help="The enterprise fact catalogue (policies/facts/*.yaml).", no_args_is_help=True)
app.add_typer(measures_app, name="measures")
app.add_typer(facts_app, name="facts")
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

PoliciesOpt = typer.Option(None, "--policies", help="policies directory (default $ZHIDA_POLICIES_DIR, else the reference policies)")


def _load(policies_dir: Optional[Path]):
    from zhida.rules import load_policies

    policies = load_policies(policies_dir)
    for error in policies.errors:
        err.print(f"[red]error:[/red] {error}")
    return policies


def _dump(data) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


@measures_app.command("list")
def measures_list(doc: Optional[str] = typer.Option(None, "--doc", help="document key or unique prefix"),
                  as_json: bool = typer.Option(False, "--json"), policies_dir: Optional[Path] = PoliciesOpt) -> None:
    """Every encoded measure (id, document, clause, kind, beneficiary, title)."""
    from zhida.rules.present import measure_summary

    policies = _load(policies_dir)
    key = policies.library.resolve(doc, "--doc") if doc else None
    rows = [measure_summary(x) for x in policies.measures.values() if key is None or x.document == key]
    if as_json:
        _dump(rows)
    else:
        for row in rows:
            clauses = ",".join(f"{s['document'][:3]}:{s['clause']}" for s in row["sources"])
            out.print(f"{row['id']:<48} {clauses:<14} {row['kind']:<14} {row['beneficiary']:<12} {row['title']}", markup=False)
        out.print(f"{len(rows)} measures")
    if policies.errors:
        raise typer.Exit(2)


@measures_app.command("check")
def measures_check(policies_dir: Optional[Path] = PoliciesOpt) -> None:
    """Validate every fact, concept and measure file; exit 2 if any is rejected."""
    from zhida.rules.benefits import benefit_conflicts

    policies = _load(policies_dir)
    conflicts = benefit_conflicts(policies)  # one benefit id, different kinds: totals would be wrong
    for line in conflicts:
        err.print(f"[red]error:[/red] {line}", markup=False)
    out.print(f"{len(policies.catalogue.facts)} facts, {len(policies.concepts)} concepts, "
              f"{len(policies.measures)} measures, {len(policies.errors) + len(conflicts)} errors")
    if policies.errors or conflicts:
        raise typer.Exit(2)


@measures_app.command("benefits")
def measures_benefits(show_all: bool = typer.Option(False, "--all", help="also benefits of a single measure"),
                      as_json: bool = typer.Option(False, "--json"), policies_dir: Optional[Path] = PoliciesOpt) -> None:
    """Every shared benefit id with the measures that point to it; exit 2 if their kinds differ."""
    from zhida.rules.benefits import benefit_conflicts, benefit_groups

    policies = _load(policies_dir)
    groups = benefit_groups(policies, shared_only=not show_all)
    conflicts = benefit_conflicts(policies)
    if as_json:
        _dump({"benefits": groups, "conflicts": conflicts})
    else:
        for g in groups:
            out.print(f"{g['benefit']:<44} {'/'.join(g['kinds']):<16} "
                      + ", ".join(f"{m['id']} ({m['document'][:3]} {','.join(m['clauses'])})" for m in g["measures"]),
                      markup=False)
        out.print(f"{len(groups)} benefit ids, {len(conflicts)} with inconsistent kinds")
        for line in conflicts:
            err.print(f"error: {line}", markup=False)
    if conflicts or policies.errors:
        raise typer.Exit(2)


@measures_app.command("show")
def measures_show(ident: str = typer.Argument(..., metavar="ID"), as_json: bool = typer.Option(False, "--json"),
                  policies_dir: Optional[Path] = PoliciesOpt) -> None:
    """One measure in plain Chinese: conditions, amount (caps, floors), period, jurisdiction, quotes."""
    from zhida.rules.present import measure_detail, measure_text

    policies = _load(policies_dir)
    measure = policies.measure(ident)
    if as_json:
        _dump(measure_detail(measure, policies))
    else:
        out.print(measure_text(measure, policies), markup=False)


@facts_app.command("list")
def facts_list(as_json: bool = typer.Option(False, "--json"), policies_dir: Optional[Path] = PoliciesOpt) -> None:
    """Every fact a rule may use: name, type, unit, temporal, Chinese label."""
    from zhida.rules.present import facts_rows

    policies = _load(policies_dir)
    rows = facts_rows(policies)
    if as_json:
        _dump(rows)
        return
    for row in rows:
        out.print(f"{row['name']:<40} {row['type']:<8} {row['unit'] or '':<4} {row['temporal']:<14} {row['label_zh']}", markup=False)


@facts_app.command("doc")
def facts_doc(output: Path = typer.Option(Path("docs/facts.md"), "--output", "-o"),
              policies_dir: Optional[Path] = PoliciesOpt) -> None:
    """Write the fact catalogue and concepts as Markdown (docs/facts.md)."""
    from zhida.rules.present import facts_markdown

    policies = _load(policies_dir)
    text = facts_markdown(policies)
    tmp = output.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(output)  # never a half-written doc
    out.print(f"wrote {output} ({len(policies.catalogue.facts)} facts, {len(policies.concepts)} concepts)")


@app.command("coverage")
def coverage(as_json: bool = typer.Option(False, "--json"), policies_dir: Optional[Path] = PoliciesOpt) -> None:
    """Every leaf clause of every source document → measures encoding it, or 'not encoded' + reason."""
    from zhida.rules.coverage import coverage_report

    policies = _load(policies_dir)
    report = coverage_report(policies)
    if as_json:
        _dump(report)
        return
    for doc in report["documents"]:
        out.print(f"[bold]{doc['document']}[/bold] {doc.get('doc_number') or ''}  "
                  f"{doc['encoded']}/{doc['leaves']} encoded, {doc['not_encoded']} with a reason, {doc['missing']} open")
        for row in doc["clauses"]:
            if row["measures"]:
                what = ", ".join(row["measures"])
            elif row["reason"]:
                what = f"not encoded: {row['reason']}" + (f" ({row['note']})" if row.get("note") else "")
            else:
                what = "[red]not encoded: no reason given[/red]"
            out.print(f"  {row['clause']:<10} {what}")
        b = doc["benefits"]
        out.print(f"  benefit sentences: {b['encoded']}/{b['spans']} encoded, {b['not_encoded']} with a reason, "
                  f"{b['open']} open")
        for span in doc["benefit_spans"]:
            if span["status"] == "encoded":
                what = ", ".join(span["measures"])
            elif span["status"] == "not_encoded":
                what = f"not encoded: {span['reason']}"
            else:
                what = "[red]not encoded: no measure and no reason[/red]"
            out.print(f"    {span['clause']:<8} #{span['index']} {span['text'][:48]}… → {what}")
    totals = report["totals"]
    out.print(f"{totals['encoded']}/{totals['leaves']} leaf clauses encoded, {totals['not_encoded']} not encoded "
              f"with a reason, {totals['missing']} without either")
    b = report["benefits"]
    out.print(f"{b['encoded']}/{b['spans']} benefit sentences encoded, {b['not_encoded']} not encoded with a reason, "
              f"{b['open']} without either (coverage counts benefits, not clauses)")


@app.command("check")
def check(profile: Path = typer.Argument(..., exists=True, dir_okay=False, help="enterprise facts as JSON"),
          measure: str = typer.Option(..., "--measure"), as_of: str = typer.Option(..., "--as-of"),
          as_json: bool = typer.Option(False, "--json"), policies_dir: Optional[Path] = PoliciesOpt) -> None:
    """Evaluate one measure for one enterprise (facts JSON: {fact: value}), with reasons."""
    from datetime import date

    from zhida.rules.evaluate import evaluate
    from zhida.rules.present import result_text

    policies = _load(policies_dir)
    try:
        facts = json.loads(profile.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise RuleError(str(profile), f"not valid JSON: {exc}") from None
    try:
        day = date.fromisoformat(as_of)
    except ValueError:
        raise RuleError("--as-of", f"bad date {as_of!r} (YYYY-MM-DD)") from None
    result = evaluate(policies.measure(measure), facts.get("facts", facts), day, policies)
    if as_json:
        _dump(result.to_json())
    else:
        out.print(result_text(result, policies))
