"""One declared workflow engine for every mechanism (payouts, the service desk, registries,
supervision): definitions as data (``definition``), cases and steps in the store (``tables``),
transitions checked and audited (``engine``), time limits in working days on the official
calendar with 调休 (``calendar``)."""

from zhida.workflow.calendar import Deadline, add_working_days, is_workday, working_days_between
from zhida.workflow.definition import DefinitionError, State, Transition, Workflow, load, parse
from zhida.workflow.engine import (
    Actor,
    NotAllowed,
    StaleCase,
    Tick,
    available,
    case_json,
    fire,
    fire_many,
    history,
    mirror_subjects,
    overdue,
    start,
    start_many,
    tick,
)

__all__ = [
    "Actor", "Deadline", "DefinitionError", "NotAllowed", "StaleCase", "State", "Tick", "Transition", "Workflow",
    "add_working_days", "available", "case_json", "fire", "fire_many", "history", "is_workday", "load",
    "mirror_subjects", "overdue", "parse", "start", "start_many", "tick", "working_days_between",
]
