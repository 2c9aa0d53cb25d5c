"""`zhida enterprises checkup` and `zhida enterprises supply`: the web's 政策体检 at the command line.

Both call the same domain modules as the enterprise pages: zhida.matching.checkup (sections,
counts, reasons), zhida.enterprises.fact_edit (supplying one fact) and
zhida.matching.checkup_change (what the fact changed).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from zhida.cli.enterprises import _date, enterprises_app
from zhida.enterprises.lookup import load_profile

out = Console(highlight=False, soft_wrap=True)
SECTION_ZH = {"eligible": "可享受", "near_miss": "差一点", "undetermined": "待确认", "ineligible": "不符合",
              "not_applicable": "不适用"}
AsOf = Annotated[str | None, typer.Option("--as-of", help="Assessment date YYYY-MM-DD (default today).")]


def _day(as_of: str | None) -> dt.date:
    return _date(as_of, "--as-of") if as_of else dt.date.today()


@enterprises_app.command("checkup")
def checkup_command(
    ref: Annotated[str, typer.Argument(help="A USCC in the store, or a profile .json file.")],
    as_of: AsOf = None,
    all_sections: Annotated[bool, typer.Option("--all", help="Also list 不符合 and 不适用 (counted only by default).")] = False,
) -> None:
    """政策体检: the sections the web page shows (counts, money split, each result with its reasons)."""
    from zhida.matching import checkup

    result = checkup.run(checkup.Unstored(load_profile(ref)), _day(as_of))
    counts = result.counts
    out.print("  ".join(f"{SECTION_ZH[g]} {counts[g]}" for g in checkup.GROUPS))
    for row in result.totals_rows:
        out.print(f"{row['label']}：{row['text']}")
    shown = checkup.GROUPS if all_sections else ("eligible", "near_miss", "undetermined")
    for group in shown:
        out.print(f"\n{SECTION_ZH[group]}（{counts[group]}）")
        for r in result.groups[group]:
            out.print(f"- {r['title']}")
            for line in r["unlock"] if group == "near_miss" else []:
                out.print(f"    还需：{line}")
            for why in r["why"]:
                out.print(f"    · {why}")
    if not all_sections:
        out.print(f"\n另有 {counts['ineligible']} 项不符合、{counts['not_applicable']} 项不适用（--all 列出）")


@enterprises_app.command("supply")
def supply_command(
    ref: Annotated[str, typer.Argument(help="A USCC in the store, or a profile .json file.")],
    fact: Annotated[str, typer.Argument(help="Catalogue fact name, e.g. employees, tech_sme.")],
    value: Annotated[str, typer.Argument(help="Its value as the web form takes it (35 for 35%, true/false …).")],
    as_of: AsOf = None,
    output: Annotated[Path | None, typer.Option("--output", help="Write the changed profile (JSON) here.")] = None,
) -> None:
    """Supply one fact and say what the checkup gains ("+1 项可享受，…"); the store is not changed
    (the web's fact forms store it, audited)."""
    from zhida.enterprises import fact_edit
    from zhida.matching import checkup, checkup_change

    day = _day(as_of)
    profile = load_profile(ref)
    changed = fact_edit.supply(profile, fact, fact_edit.parse_value(fact, value), day)
    change = checkup_change.compare(checkup.run(checkup.Unstored(profile), day),
                                    checkup.run(checkup.Unstored(changed), day))
    out.print(change.text)
    for title in change.newly_eligible:
        out.print(f"+ {title}")
    for title in change.no_longer_eligible:
        out.print(f"− {title}")
    if output is not None:
        output.write_text(changed.to_json() + "\n", encoding="utf-8")
