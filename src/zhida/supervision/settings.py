"""Supervision settings as data (``data/supervision.yaml``): the supervising office, when a
deadline counts as near, the default report cycle, what evidence files are accepted."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from zhida import workflow

DATA = Path(__file__).parent / "data"
TASK_FLOW = workflow.load(DATA / "task.workflow.yaml")
REPORT_FLOW = workflow.load(DATA / "report.workflow.yaml")


@dataclass(frozen=True)
class Settings:
    office: str
    near_days: int
    cycle: str
    max_bytes: int
    max_files: int
    types: dict[str, str]


@cache
def load() -> Settings:
    data = yaml.safe_load((DATA / "supervision.yaml").read_text(encoding="utf-8"))
    evidence = data.get("evidence") or {}
    return Settings(data["office"], int(data.get("near_days", 15)), data.get("cycle", "month"),
                    int(evidence.get("max_bytes", 10 * 1024 * 1024)), int(evidence.get("max_files", 5)),
                    dict(evidence.get("types") or {}))
