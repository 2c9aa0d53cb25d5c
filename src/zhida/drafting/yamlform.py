"""Measures as the text of a measure file (docs/measures.md): one block per measure, the way the
files under policies/measures/ are written, so a draft reads like a reviewed measure and can be
pasted into one. ``block`` ↔ ``mapping``: the YAML of one measure as a reviewer edits it
(``id: …`` at column 0) and the same measure as an item of a file's ``measures:`` list."""

from __future__ import annotations

import yaml

from zhida.errors import RuleError
from zhida.rules.yamlio import Loader

ITEM_INDENT = "  "


def dump_measure(measure: dict) -> str:
    """One measure as YAML (``id: …`` first, keys in the order given, Chinese as is)."""
    return yaml.safe_dump(measure, allow_unicode=True, sort_keys=False, width=4096, default_flow_style=False)


def as_item(text: str) -> str:
    """``id: x\\ntitle: …`` → ``  - id: x\\n    title: …`` (an item of a file's measures list)."""
    lines = text.rstrip("\n").split("\n")
    out = [f"{ITEM_INDENT}- {lines[0]}"]
    out += [(f"{ITEM_INDENT}  {line}" if line.strip() else "") for line in lines[1:]]
    return "\n".join(out) + "\n"


def from_item(item: str) -> str:
    """The inverse of ``as_item`` for display and editing (comments kept)."""
    lines = item.rstrip("\n").split("\n")
    first = lines[0].lstrip()
    first = first[2:] if first.startswith("- ") else first
    indent = len(lines[0]) - len(lines[0].lstrip()) + 2
    rest = [line[indent:] if line[:indent].strip() == "" else line.lstrip() for line in lines[1:]]
    return "\n".join([first, *rest]) + "\n"


def parse_measure(text: str, where: str) -> dict:
    """An edited measure's YAML → its mapping; a YAML error is one line naming the place."""
    try:
        data = yaml.load(text, Loader=Loader)  # noqa: S506 - a SafeLoader (dates kept as strings)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" 第{mark.line + 1}行" if mark else ""
        raise RuleError(f"{where}{at}", f"not valid YAML: {getattr(exc, 'problem', exc)}") from None
    if not isinstance(data, dict):
        raise RuleError(where, "a measure is a mapping (id, title, kind, …)")
    return data


def file_text(document: str, items: list[str], head: str | None = None) -> str:
    """A measure file: its head (``document: …`` and ``measures:``) and items."""
    head = head if head is not None else f"document: {document}\nmeasures:\n"
    return head + "".join(items)
