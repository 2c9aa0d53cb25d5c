"""Commands on a policy's life: `zhida docs links|diff|relink|expiring` (over zhida.lifecycle)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer

from zhida.cli.documents import JsonFlag, _open, _print_json, docs_app, out
from zhida.errors import ZhidaError


@docs_app.command("links")
def docs_links(doc: Annotated[str, typer.Argument(help="Document key, unique key prefix or 文号.")],
               as_json: JsonFlag = False) -> None:
    """What the document does to others (repeals, extends, amends …) and what others do to it."""
    from zhida.lifecycle import stored

    store = _open()
    try:
        found = stored.graph(store, doc)
    finally:
        store.close()
    if as_json:
        _print_json(found)
        return
    for direction, label in (("outgoing", "本文件 →"), ("incoming", "→ 本文件")):
        for link in found[direction]:
            other = link["other"] or f"（未入库）{link['name']}"
            out.print(f"{label} {link['kind_zh']}  {other}  {link['on'] or ''}  {link['quote']}")


@docs_app.command("diff")
def docs_diff(doc: Annotated[str, typer.Argument(help="Document key, unique key prefix or 文号.")],
              old: Annotated[int | None, typer.Option("--from", help="Old version (default: the one before).")] = None,
              new: Annotated[int | None, typer.Option("--to", help="New version (default: current).")] = None,
              as_json: JsonFlag = False) -> None:
    """Clause-level changes between two versions, and the reviewed measures to look at again."""
    from zhida.lifecycle import stored
    from zhida.matching.match import load_default_policies

    store = _open()
    try:
        diff = stored.version_diff(store, doc, old, new, load_default_policies().measures.values())
    finally:
        store.close()
    if as_json:
        _print_json(diff.to_dict())
        return
    out.print(f"{diff.key}: 第{diff.old_version}版 → 第{diff.new_version}版，未变 {diff.unchanged} 条")
    for change in diff.changes:
        out.print(f"  {change.change_zh}  {change.old_id or '—'} → {change.new_id or '—'}")
    for review in diff.reviews:
        note = "原引文仍在" if review.quote_still_present else "原引文已不在新文本中"
        out.print(f"  需复核 {review.measure_id} {review.title}（条款 {review.clause_id}，{note}）")


@docs_app.command("relink")
def docs_relink() -> None:
    """Re-read the links of every current document version (after an upgrade of the link reader)."""
    from zhida.lifecycle import stored

    store = _open()
    try:
        out.print(f"{stored.relink(store)} links stored")
    finally:
        store.close()


@docs_app.command("expiring")
def docs_expiring(days: Annotated[int, typer.Option("--days", min=1, max=3650, help="Horizon in days.")] = 90,
                  as_of: Annotated[str | None, typer.Option("--as-of", help="Today (YYYY-MM-DD).")] = None,
                  as_json: JsonFlag = False) -> None:
    """Measures whose period ends, and application windows that close, within the horizon, by unit."""
    from zhida.lifecycle.expiry import by_unit, upcoming
    from zhida.matching.match import load_default_policies

    try:
        today = dt.date.fromisoformat(as_of) if as_of else dt.date.today()
    except ValueError:
        raise ZhidaError("--as-of", f"bad date {as_of!r} (YYYY-MM-DD)") from None
    grouped = by_unit(upcoming(load_default_policies(), today, days))
    if as_json:
        _print_json({unit: [{"measure_id": e.measure_id, "title": e.title, "document": e.document, "kind": e.kind,
                             "on": e.on.isoformat(), "days_left": e.days_left, "quote": e.quote} for e in items]
                     for unit, items in grouped.items()})
        return
    for unit, items in grouped.items():
        out.print(f"[bold]{unit}[/bold]（{len(items)}）", markup=True)
        for e in items:
            out.print(f"  {e.on.isoformat()}（{e.days_left}天）{e.kind_zh}  {e.measure_id} {e.title}")


consult_app = typer.Typer(help="政策征集: the clock closes periods and escalates late publications.",
                          no_args_is_help=True)
from zhida.cli import app as _app  # noqa: E402

_app.add_typer(consult_app, name="consultations")


@consult_app.command("tick")
def consultations_tick(now: Annotated[str | None, typer.Option("--now", help="The instant (ISO 8601); default: now.")] = None) -> None:
    """Close the consultations whose period ended; escalate those not published in time (督办)."""
    from zhida.consultation import service

    try:
        instant = dt.datetime.fromisoformat(now) if now else dt.datetime.now(dt.UTC)
    except ValueError:
        raise ZhidaError("--now", f"bad instant {now!r} (ISO 8601)") from None
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=dt.UTC)
    store = _open()
    try:
        with store.transaction() as session:
            done = service.tick(session, instant)
    finally:
        store.close()
    out.print(f"closed {done['closed']}, escalated {done['escalated']}")
