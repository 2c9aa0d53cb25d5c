"""Commands for the policy store: db upgrade, ingest, docs list/show/reindex, search."""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Annotated, Any

import typer
from rich import box
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table
from sqlalchemy.engine import make_url

from zhida import config
from zhida.cli import app
from zhida.store import Store, ingest_paths, open_store, search
from zhida.store.catalog import list_documents, show_document
from zhida.store.database import create_store_engine, upgrade
from zhida.store.ingest import expand_paths

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

db_app = typer.Typer(help="The store's schema (Alembic migrations).", no_args_is_help=True)
docs_app = typer.Typer(help="Documents in the store.", no_args_is_help=True)
documents_app = typer.Typer(help="Documents from where they are published (crawl).", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(docs_app, name="docs")
app.add_typer(documents_app, name="documents")

JsonFlag = Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout.")]


def _print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")


def _safe_url(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def _open() -> Store:
    store = open_store()
    if store.upgraded_from is not None:
        err.print(f"store {_safe_url(config.database_url())}: schema upgraded from "
                  f"{store.upgraded_from or 'empty'} to the latest revision")
    return store


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the store's tables (alembic upgrade head)."""
    url = config.database_url()
    engine = create_store_engine(url)
    try:
        before, head = upgrade(engine)
    finally:
        engine.dispose()
    state = "already at" if before == head else f"upgraded from {before or 'empty'} to"
    out.print(f"store {_safe_url(url)}: {state} revision {head}")


@app.command("ingest")
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Policy files or directories (txt, md, docx, pdf, html).")],
    draft: Annotated[bool, typer.Option("--draft", help="Also draft the measures of new and updated documents "
                                                        "(zhida drafts make).")] = False,
    workers: Annotated[int | None, typer.Option("--workers", min=1, help="Processes reading files in parallel "
                                                "(default: every core when there are many files).")] = None,
) -> None:
    """Parse documents and store them; a changed file becomes a new version of its document."""
    store = _open()
    files = expand_paths(paths)
    failures: list[str] = []
    try:
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                      console=err, transient=True, disable=len(files) < 2) as progress:
            task = progress.add_task("ingesting", total=len(files))

            def advance(result):
                if result.error:
                    failures.append(result.error)
                progress.advance(task)

            results = ingest_paths(store, files, on_result=advance, workers=workers, draft=draft)
    finally:
        store.close()
    for line in failures:
        err.print(f"[red]failed:[/red] {line}", markup=True)
    _summary(results)
    for result in results if draft else ():
        if result.drafts is not None:
            out.print(f"{result.key}: {result.drafts} 条草稿")
    if failures:
        raise typer.Exit(1)


def _summary(results) -> None:
    if len(results) <= 30:
        table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
        table.add_column("document", no_wrap=True)
        for name in ("status", "version", "clauses"):
            table.add_column(name, no_wrap=True)
        for result in results:
            table.add_row(result.key, result.status, str(result.version or "-"), str(result.clauses))
        out.print(table)
    counts = Counter(result.status for result in results)
    out.print("  ".join(f"{status} {counts.get(status, 0)}" for status in ("new", "updated", "unchanged", "failed")))


@docs_app.command("list")
def docs_list(as_json: JsonFlag = False) -> None:
    """Every document with its current version."""
    store = _open()
    try:
        documents = list_documents(store)
    finally:
        store.close()
    if as_json:
        _print_json(documents)
        return
    key_width = max((_cells(d["key"]) for d in documents), default=3)
    number_width = max((_cells(d["doc_number"]) for d in documents), default=4)
    # Rich shrinks columns unpredictably on narrow terminals; give the title whatever is left.
    title_width = max(10, out.width - key_width - number_width - len("ver") - len("clauses") - 12)
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("key", no_wrap=True, min_width=key_width)
    table.add_column("文号", no_wrap=True, min_width=number_width)
    table.add_column("ver", no_wrap=True, min_width=3)
    table.add_column("clauses", no_wrap=True, min_width=7)
    table.add_column("title", overflow="ellipsis", no_wrap=True, max_width=title_width)
    for doc in documents:
        script = "" if doc["script"] == "simplified" else f" [{doc['script']}]"
        table.add_row(doc["key"], doc["doc_number"] or "", str(doc["version"]), str(doc["clauses"]),
                      (doc["title"] or "") + script)
    out.print(table)
    out.print(f"{len(documents)} documents")


def _cells(value: str | None) -> int:
    from rich.cells import cell_len

    return cell_len(value or "")


@docs_app.command("show")
def docs_show(
    doc: Annotated[str, typer.Argument(help="Document key, unique key prefix (e.g. 000) or 文号.")],
    as_json: JsonFlag = False,
    version: Annotated[int | None, typer.Option("--version", help="A past version (default: current).")] = None,
) -> None:
    """One document: metadata and clause tree."""
    store = _open()
    try:
        shown = show_document(store, doc, version)
    finally:
        store.close()
    if as_json:
        _print_json(shown)
        return
    meta = shown["metadata"]
    out.print(f"[bold]{shown['key']}[/bold]  version {shown['version']} of {len(shown['versions'])}", markup=True)
    for label, name in (("title", "title"), ("文号", "doc_number"), ("issuer", "issuer"),
                        ("issued", "issued_on"), ("effective", "effective_on"), ("valid until", "valid_until")):
        if meta.get(name):
            out.print(f"  {label}: {meta[name]}")
    for extra in (shown["preamble"],):
        if extra:
            out.print(f"  preamble  {_headline(extra)}")
    for clause in shown["clauses"]:
        _outline(clause, 1)
    if shown["closing"]:
        out.print(f"  closing  {_headline(shown['closing'])}")


def _headline(clause: dict) -> str:
    words = clause.get("heading") or " ".join(clause["text"].split())
    return words if len(words) <= 60 else words[:60] + "…"


def _outline(clause: dict, depth: int) -> None:
    facts = [f"{len(clause[name])} {name}" for name in ("amounts", "percentages", "dates") if clause.get(name)]
    suffix = f"  ({', '.join(facts)})" if facts else ""
    out.print(f"{'  ' * depth}{clause['id']}  {_headline(clause)}{suffix}")
    for child in clause["children"]:
        _outline(child, depth + 1)


@docs_app.command("reindex")
def docs_reindex() -> None:
    """Rebuild the clause search index from the store (it is kept up to date by itself; this is
    for a deleted, damaged or copied index)."""
    from zhida.store.search_sync import reindex

    store = _open()
    started = time.perf_counter()
    try:
        where, clauses = reindex(store)
    finally:
        store.close()
    out.print(f"search index {where or '(in memory)'}: {clauses} clauses indexed in "
              f"{time.perf_counter() - started:.1f} s")


@app.command("search")
def search_command(
    query: Annotated[str, typer.Argument(help="Words to find; several words must all occur (AND).")],
    doc: Annotated[str | None, typer.Option("--doc", help="Only this document (key, prefix or 文号).")] = None,
    unit: Annotated[str | None, typer.Option("--unit", help="Only clauses a responsible unit like this leads.")] = None,
    beneficiary: Annotated[str | None, typer.Option("--beneficiary", help="Only clauses for this beneficiary.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="At most this many results.")] = 10,
    as_json: JsonFlag = False,
) -> None:
    """Full-text search of the current clauses (simplified or traditional script)."""
    store = _open()
    try:
        hits = search(store, query, doc=doc, unit=unit, beneficiary=beneficiary, limit=limit)
    finally:
        store.close()
    if as_json:
        _print_json({
            "query": query,
            "filters": {"doc": doc, "unit": unit, "beneficiary": beneficiary, "limit": limit},
            "results": [hit.to_json() for hit in hits],
        })
        return
    if not hits:
        out.print("no matching clauses")
        return
    for hit in hits:
        score = "" if hit.score is None else f"  score {hit.score:.3f}"
        heading = f"  {hit.heading}" if hit.heading else ""
        out.print(f"{hit.document} {hit.clause_id}{heading}{score}")
        out.print(f"    {hit.snippet}")


@documents_app.command("crawl")
def documents_crawl(
    urls: Annotated[list[str], typer.Argument(help="Document URLs (html, pdf, docx, txt) to fetch and store.")] = None,
    listing: Annotated[list[str], typer.Option("--listing", help="A listing page, RSS/Atom feed or sitemap whose "
                                               "documents to fetch (repeatable).")] = None,
    pattern: Annotated[str | None, typer.Option(help="Only links matching this regex are documents.")] = None,
    follow: Annotated[str | None, typer.Option(help="Links matching this regex are further listing pages.")] = None,
    delay: Annotated[float, typer.Option(help="Seconds between two requests to one site (robots Crawl-delay "
                                         "wins when longer).")] = 1.0,
    max_fetches: Annotated[int | None, typer.Option(help="Stop after this many URLs (run again to resume).")] = None,
) -> None:
    """Fetch documents where they are published and store them (source URL and time kept).

    Polite: robots.txt, a pause between requests, conditional requests for documents seen
    before. An interrupted crawl run again with the same URLs resumes where it stopped.
    """
    from zhida.documents.crawl import crawl
    from zhida.documents.crawl.fetcher import PoliteClient

    if not urls and not listing:
        raise typer.BadParameter("give document URLs or --listing")
    store = _open()
    client = PoliteClient(delay=delay)
    home = config.home() / "crawl"

    def show(url: str, status: str, detail: str) -> None:
        colour = {"failed": "red", "disallowed": "yellow"}.get(status)
        line = f"{status:<13} {url}" + (f"  ({detail})" if detail and status in ("listing", "failed") else "")
        err.print(f"[{colour}]{line}[/{colour}]" if colour else line, markup=bool(colour))

    try:
        report = crawl(store, home / "state.sqlite", home / "files", list(urls or []), list(listing or []),
                       pattern=pattern, follow=follow, max_fetches=max_fetches, client=client, on_event=show)
    finally:
        store.close()
    counts = report.counts()
    state = "finished" if report.finished else "stopped (run again to resume)"
    out.print(f"crawl {report.run}{' resumed' if report.resumed else ''}: {state}; {report.requests} requests; "
              + "  ".join(f"{name} {counts[name]}" for name in
                          ("new", "updated", "unchanged", "not_modified", "listing", "disallowed", "failed")))
    if counts["failed"]:
        raise typer.Exit(1)
