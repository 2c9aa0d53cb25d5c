"""Held-out gold measures (issue 17): measure files encoded by hand for documents zhida did not
see while its drafting rules were written, kept apart from ``policies/`` (they are a yardstick,
not the platform's rules) — ``tests/drafting/heldout/<key>.yaml`` beside the document they encode.

Each file is checked by the loader itself, with its document served from the parsed text (the
library under ``policies/sources`` does not hold it), so a gold quote, clause or period that the
text does not carry is refused exactly as in a reviewed file."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import yaml

from zhida.drafting.source import DocText
from zhida.drafting.validate import with_document
from zhida.errors import RuleError
from zhida.rules.loader import load_measure_mapping


def load_gold(policies, path: Path, doc: DocText) -> list:
    """The measures of one gold file (``path`` stem = ``doc.key``); RuleError naming file and field."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or data.get("document") != doc.key:
        raise RuleError(path.name, f"document must be {doc.key!r}")
    measures, _ = load_measure_mapping(data, path, with_document(policies, doc))
    return measures


def gold_policies(policies, golds: dict[str, list]):
    """``policies`` whose measures are the gold ones only (what ``zhida.drafting.score`` compares)."""
    measures = {m.id: m for ms in golds.values() for m in ms}
    return dataclasses.replace(policies, measures=measures, errors=[], not_encoded=[], measure_files=[])
