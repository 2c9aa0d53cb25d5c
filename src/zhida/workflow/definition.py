"""A workflow declared as data: its states, the transitions between them, who may take each,
what each needs (a reason, a deadline), and the time limit of each state in working days.

Why a declared table and not a state-machine library's classes: the state lives in the
database (one row per case, ``tables.WorkflowCase``) and changes inside the same transaction
as the mechanism's own rows and the audit entry; a library's in-memory machine would be a
second copy of that state. The table is what reviewers read (it renders as a table of
transitions on the web), what the engine enforces, and what ``validate`` checks: unknown
states or roles, unreachable states, dead ends.

A definition file (YAML)::

    name: application
    label: 政策兑现申请
    initial: draft
    roles: {applicant: 申请企业, reviewer: 审核人员}
    states:
      draft: {label: 草稿}
      review: {label: 审核中, limit: 10, escalate_to: supervisor}   # 10 working days, then 督办
      publicity: {label: 公示, limit: 5, on_due: publicity_ends}       # fired by the clock
      paid: {label: 已兑现, final: true}
    transitions:
      submit: {label: 提交, from: [draft], to: review, roles: [applicant]}
      correct: {label: 要求补正, from: [review], to: draft, roles: [reviewer], needs: [reason, deadline]}
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from zhida.errors import ZhidaError

NEEDS = {"reason": "理由", "deadline": "期限"}
SYSTEM_ROLE = "system"  # the clock and batch jobs: the only role allowed to fire on_due transitions


class DefinitionError(ZhidaError):
    """A workflow definition is malformed."""


@dataclass(frozen=True)
class State:
    name: str
    label: str
    limit: int | None = None  # working days the case may stay here (SLA)
    escalate_to: str | None = None  # role that supervises (督办) an overdue case
    on_due: str | None = None  # transition the clock fires when the limit runs out
    final: bool = False


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: tuple[str, ...]
    target: str
    roles: frozenset[str]
    needs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Workflow:
    name: str
    label: str
    initial: str
    roles: dict[str, str]
    states: dict[str, State]
    transitions: dict[str, Transition]
    source: str = ""
    _by_state: dict[str, tuple[Transition, ...]] = field(default_factory=dict, compare=False, repr=False)

    def leaving(self, state: str) -> tuple[Transition, ...]:
        return self._by_state.get(state, ())

    def allowed(self, state: str, roles: frozenset[str] | set[str]) -> list[Transition]:
        """Transitions out of ``state`` that someone holding ``roles`` may take."""
        return [t for t in self.leaving(state) if t.roles & set(roles)]

    def label_of(self, state: str) -> str:
        return self.states[state].label


def _fail(where: str, reason: str):
    raise DefinitionError(where, reason)


def parse(data: dict, source: str = "<data>") -> Workflow:
    where = source
    if not isinstance(data, dict):
        _fail(where, "工作流定义应为映射")
    for key in ("name", "label", "initial", "states", "transitions"):
        if key not in data:
            _fail(where, f"缺少 {key}")
    roles = dict(data.get("roles") or {})
    roles.setdefault(SYSTEM_ROLE, "系统")
    states: dict[str, State] = {}
    for name, spec in data["states"].items():
        spec = spec or {}
        unknown = set(spec) - {"label", "limit", "escalate_to", "on_due", "final"}
        if unknown:
            _fail(f"{where}: states.{name}", f"未知字段 {sorted(unknown)}")
        limit = spec.get("limit")
        if limit is not None and (not isinstance(limit, int) or limit < 0):
            _fail(f"{where}: states.{name}.limit", "时限应为非负整数（工作日）")
        if spec.get("escalate_to") and spec["escalate_to"] not in roles:
            _fail(f"{where}: states.{name}.escalate_to", f"未声明的角色 {spec['escalate_to']}")
        states[name] = State(name, spec.get("label") or _fail(f"{where}: states.{name}", "缺少 label"),
                             limit, spec.get("escalate_to"), spec.get("on_due"), bool(spec.get("final")))
    transitions: dict[str, Transition] = {}
    for name, spec in data["transitions"].items():
        at = f"{where}: transitions.{name}"
        sources = spec.get("from")
        sources = tuple([sources] if isinstance(sources, str) else sources or ())
        if not sources:
            _fail(at, "缺少 from")
        for state in (*sources, spec.get("to")):
            if state not in states:
                _fail(at, f"未声明的状态 {state}")
        for state in sources:
            if states[state].final:
                _fail(at, f"终态 {state} 不能再流转")
        roles_of = frozenset(spec.get("roles") or ())
        if not roles_of or roles_of - set(roles):
            _fail(at, f"角色应为已声明的角色之一：{sorted(roles_of - set(roles)) or '未填写'}")
        needs = tuple(spec.get("needs") or ())
        if set(needs) - set(NEEDS):
            _fail(at, f"needs 只能是 {sorted(NEEDS)}")
        transitions[name] = Transition(name, spec.get("label") or _fail(at, "缺少 label"), sources,
                                       spec["to"], roles_of, needs)
    if data["initial"] not in states:
        _fail(f"{where}: initial", f"未声明的状态 {data['initial']}")
    for state in states.values():
        if state.on_due and (state.on_due not in transitions or state.name not in transitions[state.on_due].sources
                             or SYSTEM_ROLE not in transitions[state.on_due].roles):
            _fail(f"{where}: states.{state.name}.on_due", "应为从此状态出发、由 system 执行的流转")
    by_state: dict[str, list[Transition]] = {}
    for transition in transitions.values():
        for state in transition.sources:
            by_state.setdefault(state, []).append(transition)
    workflow = Workflow(str(data["name"]), str(data["label"]), data["initial"], roles, states, transitions,
                        source, {k: tuple(v) for k, v in by_state.items()})
    _check_graph(workflow)
    return workflow


def _check_graph(workflow: Workflow) -> None:
    reached, frontier = {workflow.initial}, [workflow.initial]
    while frontier:
        for transition in workflow.leaving(frontier.pop()):
            if transition.target not in reached:
                reached.add(transition.target)
                frontier.append(transition.target)
    if unreachable := sorted(set(workflow.states) - reached):
        _fail(workflow.source, f"从初始状态到不了：{unreachable}")
    if dead := sorted(s.name for s in workflow.states.values() if not s.final and not workflow.leaving(s.name)):
        _fail(workflow.source, f"非终态却无出路：{dead}")


@cache
def load(path: str | Path) -> Workflow:
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise DefinitionError(str(path), f"无法读取工作流定义：{exc}") from None
    return parse(data, str(path))
