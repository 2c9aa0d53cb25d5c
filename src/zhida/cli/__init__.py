"""The `zhida` command: a thin Typer shell over the core modules.

Each domain adds its commands in its own module (documents, rules, …); this file only
assembles them and turns ZhidaError into a one-line message with exit code 2.
"""

from __future__ import annotations

import sys

import typer
from rich.console import Console

from zhida.errors import ZhidaError

app = typer.Typer(
    name="zhida",
    help="政策直达: read policy documents, encode their measures as rules, match enterprises.",
    no_args_is_help=True,
    add_completion=False,
)
err = Console(stderr=True)


def _register() -> None:
    # Imported for their side effect of adding commands to `app`.
    import importlib

    for name in ("documents", "rules", "enterprises", "checkup", "matching", "batch", "web", "demo", "notify", "desk", "payouts",
                 "payouts_applications", "tasks", "registries", "projects", "monitoring", "lifecycle", "drafts"):
        try:
            importlib.import_module(f"zhida.cli.{name}")
        except ModuleNotFoundError as exc:  # a domain not built yet
            if exc.name != f"zhida.cli.{name}":
                raise


def main() -> None:
    _register()
    try:
        app()  # standalone: usage errors exit 2 with click's message; our errors pass through
    except ZhidaError as exc:
        err.print(f"[red]error:[/red] {exc}", highlight=False, soft_wrap=True)
        sys.exit(2)


@app.callback()
def _root() -> None:
    """政策直达 (zhida)."""
