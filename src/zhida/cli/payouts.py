"""`zhida payouts`: 政策兑现 from the command line — 免申即享 lists (build, confirm, pay), the ledger,
budgets (资金池), re-checking records on current facts, and which measures stack. Thin over
zhida.payouts; every change is audited under the name given with --by (default: the OS user)."""

from __future__ import annotations

import csv
import datetime as dt
import getpass
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from zhida.cli import app
from zhida.errors import DataError, ZhidaError

out = Console(highlight=False, soft_wrap=True)
payouts_app = typer.Typer(help="政策兑现: 免申即享 lists, the payment ledger, budgets, recheck, stacking.",
                          no_args_is_help=True)
exempt_app = typer.Typer(help="免申即享 lists: build (数据比对), confirm (bulk, with exclusions), pay (拨付到账).",
                         no_args_is_help=True)
budget_app = typer.Typer(help="Budgets (资金池) per measure, year and payer.", no_args_is_help=True)
app.add_typer(payouts_app, name="payouts")
payouts_app.add_typer(exempt_app, name="exempt")
payouts_app.add_typer(budget_app, name="budget")

By = Annotated[str | None, typer.Option("--by", help="Who acts (audit); default cli:<OS user>.")]


def _approver(by: str | None, role: str = "unit"):
    from zhida.payouts.ledger import Approver

    return Approver(by or f"cli:{getpass.getuser()}", None, role)


def _date(value: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise DataError(option, f"{value!r} is not a date YYYY-MM-DD") from None


def _store():
    from zhida.store import open_store

    return open_store()


@exempt_app.command("build")
def exempt_build(
    measure: Annotated[str, typer.Option("--measure", help="Measure id (marked 免申即享).")],
    year: Annotated[int, typer.Option("--year", help="The year paid for (budget year).")],
    as_of: Annotated[str | None, typer.Option("--as-of", help="Evaluation date; default 12-31 of --year.")] = None,
    input_path: Annotated[Path | None, typer.Option("--input", help="Facts Parquet (zhida generate); "
                                                    "default: the store's enterprises.")] = None,
    threads: Annotated[int | None, typer.Option("--threads", help="DuckDB threads.")] = None,
    by: By = None,
) -> None:
    """数据比对: the measure's eligible enterprises with their amounts, stored as a list to confirm."""
    from zhida.matching.match import load_default_policies
    from zhida.payouts import exempt

    day = _date(as_of, "--as-of") if as_of else dt.date(year, 12, 31)
    policies = load_default_policies()
    store = _store()
    try:
        if input_path is None:
            from zhida.batch.population import facts_file

            input_path = facts_file(store, day)
        elif not input_path.is_file():
            raise DataError("--input", f"{input_path} is not a file")
        view = store.retrying(lambda s: exempt.list_json(exempt.build(
            s, measure_id=policies.measure(measure).id, year=year, as_of=day, actor=_approver(by),
            input_path=input_path, policies=policies, threads=threads), s))
    finally:
        store.close()
    out.print(f"免申即享名单 #{view['id']}：{view['measure_id']} {view['year']}年，{view['items']} 家企业，"
              f"合计 {view['total_text']}（待单位确认）")


def _exclusions(pairs: list[str], path: Path | None) -> dict[str, str]:
    found: dict[str, str] = {}
    for pair in pairs:
        uscc, _, reason = pair.partition("=")
        found[uscc.strip()] = reason.strip()
    if path is not None:
        try:
            with path.open(encoding="utf-8-sig", newline="") as handle:
                for row in csv.reader(handle):
                    if row and row[0].strip() and row[0].strip() not in ("uscc", "统一社会信用代码"):
                        found[row[0].strip()] = (row[1] if len(row) > 1 else "").strip()
        except OSError as exc:
            raise DataError(str(path), f"cannot read ({exc.strerror})") from None
    return found


@exempt_app.command("confirm")
def exempt_confirm(
    list_id: Annotated[int, typer.Argument(help="List id (from build).")],
    exclude: Annotated[list[str], typer.Option("--exclude", help="USCC=reason (repeatable).")] = [],  # noqa: B006
    exclusions: Annotated[Path | None, typer.Option("--exclusions", help="CSV: USCC,reason per line.")] = None,
    by: By = None,
) -> None:
    """单位确认 in bulk: every item not excluded is reserved in the ledger (caps, budget, no double
    payment); an item a guard refuses is excluded with the guard's reason."""
    from zhida.payouts import exempt

    excluded = _exclusions(exclude, exclusions)
    store = _store()
    try:
        done = store.retrying(lambda s: exempt.confirm(s, list_id, actor=_approver(by), exclusions=excluded))
    finally:
        store.close()
    from zhida.money_format import yuan as money

    out.print(f"名单 #{list_id} 已确认：{done.confirmed} 家，合计 {money(done.total)}；排除 {done.excluded} 家"
              f"（其中系统拦截 {len(done.refused)} 家）")
    for uscc, reason in done.refused:
        out.print(f"  拦截 {uscc}：{reason}")


@exempt_app.command("pay")
def exempt_pay(
    list_id: Annotated[int, typer.Argument(help="List id.")],
    reference: Annotated[str | None, typer.Option("--reference", help="Payment reference (国库支付凭证号).")] = None,
    by: By = None,
) -> None:
    """拨付到账: pay every item whose enterprise confirmed its account (意愿确认)."""
    from zhida.payouts import exempt

    store = _store()
    try:
        paid = store.retrying(lambda s: exempt.pay(s, list_id, actor=_approver(by), reference=reference))
    finally:
        store.close()
    out.print(f"名单 #{list_id}：已拨付 {len(paid)} 家")


@exempt_app.command("show")
def exempt_show(
    list_id: Annotated[int, typer.Argument(help="List id.")],
    as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False,
    limit: Annotated[int, typer.Option("--limit", min=1)] = 100,
) -> None:
    """A list and its enterprises, with the step each is at."""
    from zhida.payouts import exempt, views

    store = _store()
    try:
        with store.transaction() as s:
            view = exempt.list_json(exempt.get_list(s, list_id), s)
            total, rows = views.exempt_items(s, list_id, None, limit=limit)
    finally:
        store.close()
    if as_json:
        out.print_json(json.dumps({"list": view, "total": total, "items": rows}, ensure_ascii=False))
        return
    out.print(f"名单 #{view['id']} {view['measure_id']} {view['year']}年 {view['items']} 家 合计 {view['total_text']}")
    for label, count in view["steps"].items():
        out.print(f"  {label}：{count}")
    for r in rows:
        out.print(f"{r['uscc']}  {r['name'] or ''}  {r['amount_text']}  {r['step']}" +
                  (f"（{r['reason']}）" if r["reason"] else ""))


@payouts_app.command("ledger")
def ledger_list(
    uscc: Annotated[str | None, typer.Option("--uscc")] = None,
    measure: Annotated[str | None, typer.Option("--measure")] = None,
    status: Annotated[str | None, typer.Option("--status", help="queued|approved|paid|flagged|clawed_back|cancelled")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    limit: Annotated[int, typer.Option("--limit", min=1)] = 50,
) -> None:
    """Payment records (newest first): measure, benefit, period, amount, status, where the money is."""
    from zhida.matching.match import load_default_policies
    from zhida.payouts import ledger, views
    from zhida.payouts.tables import STATUSES

    if status and status not in STATUSES:
        raise ZhidaError("--status", f"one of {', '.join(STATUSES)}")
    store = _store()
    try:
        with store.transaction() as s:
            total, rows = views.records(s, views.Scope(uscc=uscc), load_default_policies(), status=status,
                                        measure_id=measure, limit=limit)
            budgets = ledger.budgets(s, measure)
    finally:
        store.close()
    if as_json:
        out.print_json(json.dumps({"total": total, "records": rows, "budgets": budgets}, ensure_ascii=False))
        return
    out.print(f"{total} 条兑现记录")
    for r in rows:
        expected = f"，预计 {r['expected_on']} 到账" if r["expected_on"] else ""
        paid = f"，{r['paid_on']} 到账" if r["paid_on"] else ""
        out.print(f"#{r['id']} {r['uscc']} {r['measure']} {r['period']} {r['amount_text']} {r['status_label']}"
                  f"{expected}{paid}（{r['source']} {r['source_id']}）")
    for b in budgets:
        out.print(f"资金池 {b['measure_id']} {b['year']} {b['payer']}：{b['amount']} 已用 {b['used']} 余 {b['left']}"
                  f"（超出时{'排队' if b['on_exceed'] == 'queue' else '拒绝'}，排队 {b['queued']} 条）")


@budget_app.command("set")
def budget_set(
    measure: Annotated[str, typer.Option("--measure")],
    year: Annotated[int, typer.Option("--year")],
    payer: Annotated[str, typer.Option("--payer", help="市级 | 区级 | 省级 | 国家")],
    amount: Annotated[str, typer.Option("--amount", help="Yuan, to the fen.")],
    on_exceed: Annotated[str, typer.Option("--on-exceed", help="refuse | queue")] = "refuse",
    note: Annotated[str | None, typer.Option("--note")] = None,
    by: By = None,
) -> None:
    """Create or change a 资金池; queued records that now fit are approved."""
    from zhida.matching.match import load_default_policies
    from zhida.payouts import ledger

    policies = load_default_policies()
    store = _store()
    try:
        view = store.retrying(lambda s: ledger.budget_json(ledger.set_budget(
            s, measure_id=policies.measure(measure).id, year=year, payer=payer, amount=amount,
            on_exceed=on_exceed, note=note, actor=_approver(by), policies=policies)))
    finally:
        store.close()
    out.print(f"资金池 {view['measure_id']} {view['year']} {view['payer']}：{view['amount']}，已用 {view['used']}，"
              f"余 {view['left']}")


@payouts_app.command("recheck")
def recheck_command(
    uscc: Annotated[str | None, typer.Option("--uscc")] = None,
    measure: Annotated[str | None, typer.Option("--measure")] = None,
    by: By = None,
) -> None:
    """Re-evaluate approved and paid records on the enterprises' current facts; flag what no longer holds."""
    from zhida.payouts.recheck import recheck

    store = _store()
    try:
        found = store.retrying(lambda s: recheck(s, actor=_approver(by, "reviewer"), uscc=uscc, measure_id=measure))
    finally:
        store.close()
    flagged = [r for r in found if r.outcome == "flagged"]
    out.print(f"复核 {len(found)} 条：{len(flagged)} 条待复核，"
              f"{sum(r.outcome == 'no_profile' for r in found)} 条无当前信息")
    for r in flagged:
        out.print(f"  #{r.record_id}：{r.reason}")


@payouts_app.command("stacking")
def stacking_command(
    profile: Annotated[str, typer.Argument(help="USCC in the store or a profile .json")],
    as_of: Annotated[str | None, typer.Option("--as-of")] = None,
) -> None:
    """Which of the enterprise's measures stack and which exclude each other (before applying)."""
    from zhida.enterprises.lookup import load_profile
    from zhida.matching.match import load_default_policies
    from zhida.payouts import stacking
    from zhida.payouts.ledger import _live

    day = _date(as_of, "--as-of") if as_of else dt.date.today()
    policies = load_default_policies()
    p = load_profile(profile)
    store = _store()
    try:
        with store.transaction() as s:
            held = _live(s, p.uscc)
    finally:
        store.close()
    for entry in stacking.for_profile(p, day, policies, held):
        basis = f"原文：“{entry['quote']}”" if entry["quote"] else (f"{entry['decided_by']}确定" if entry["decided_by"] else "")
        label = "" if entry["relation"] == "same_benefit" else f"：{entry['label']}"
        out.print(f"{entry['relation_label']}{label}  {basis}".rstrip())
        for m in entry["measures"]:
            out.print(f"  - {m['title']}（{m['id']}）")
        if entry["held"]:
            out.print(f"  已有兑现记录 #{entry['held']['record']}（{entry['held']['status']}）")
