"""Fast scalar evaluation of every measure for one enterprise, same semantics as rules.evaluate.

Why not call ``zhida.rules.evaluate.evaluate`` per measure: it re-parses the jurisdiction and
beneficiary SQL and renders every comparison back to SQL on each call (~4 ms a measure), and it
starts a fresh evaluator per measure, so shared concepts (中小企业划型 …) are recomputed for each.
Here one evaluator serves all measures of an enterprise (facts coerced once, concepts cached),
the applicability ASTs are built once per measure, and the per-comparison SQL trace is skipped
(matching builds its own structured trace, see trace.py). The node semantics are the rules
engine's own (``Evaluator.eval``); tests check status, amount and missing facts against
``rules.evaluate`` on every seed case.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from zhida.rules.applicability import beneficiary_ast, jurisdiction_ast
from zhida.rules.evaluate import Evaluator, amount_value, kleene_and, least_value, measure_status
from zhida.rules.expr import AS_OF, OPEN, columns, open_refs
from zhida.rules.model import Measure

from zhida.matching.compiled import compile_node


_OPEN_DOT = OPEN + "."


class MatchEvaluator(Evaluator):
    """The rules evaluator with nodes compiled to closures (compiled.py), without the SQL-text
    trace, able to fork with changed facts. ``lookup`` (facts, concepts, open criteria, missing
    facts) is the rules engine's own."""

    def __init__(self, facts: dict, as_of: date, policies, strict: bool = True):
        super().__init__(facts, as_of, policies, strict)
        self._cmemo: dict[str, tuple[object, tuple[str, ...]]] = {}

    def eval(self, node):
        return compile_node(node)(self)

    def lookup(self, name: str):
        """As the rules evaluator's; a concept's value is cached *with* the missing facts met
        while computing it, replayed on every later lookup (so that a measure evaluated after
        another one that used the same concept lists the same missing facts as a fresh run)."""
        concept = self.policies.concepts.get(name)
        if concept is None:  # Evaluator.lookup's fact / as_of / open-criterion branches, inlined
            if name == AS_OF:
                return self.as_of
            if name.startswith(_OPEN_DOT):
                if name not in self.opened:
                    self.opened.append(name)
                return self.judgements.get(name, True)  # assumed met, reported as open
            value = self.values.get(name)
            if value is None and name not in self.missing:
                self.missing.append(name)
            return value
        found = self._cmemo.get(name)
        if found is None:
            # a concept is a function of its facts (and as_of): shared across evaluators
            inputs, with_as_of = concept_inputs(self.policies)[name]
            key = (name, self.as_of if with_as_of else None, tuple(self.values.get(f) for f in inputs))
            shared = cache_for(self.policies).setdefault("concept_values", {})
            found = shared.get(key)
            if found is None:
                saved, self.missing = self.missing, []
                try:
                    value = self.eval(concept.ast)
                finally:
                    inner, self.missing = self.missing, saved
                found = (value, tuple(inner))
                if len(shared) > 100_000:
                    shared.clear()
                shared[key] = found
            self._cmemo[name] = found
        value, inner = found
        for fact in inner:
            if fact not in self.missing:
                self.missing.append(fact)
        if value is None:
            for fact in self._facts_of_concept(name):
                if fact not in self.missing:
                    self.missing.append(fact)
        return value

    def _record(self, *args, **kwargs) -> None:  # the structured trace replaces it
        return None

    def fork(self, changes: dict[str, object]) -> "MatchEvaluator":
        """A copy with some facts changed (already typed values; None = unknown)."""
        child = object.__new__(MatchEvaluator)
        child.policies, child.as_of = self.policies, self.as_of
        if changes:
            child.values = self.values.copy()
            child.values.update(changes)
        else:
            child.values = self.values
        child.judgements = dict(self.judgements)
        child.checks, child.missing, child.opened, child._stack = [], [], [], []
        # keep cached concepts that do not depend on a changed fact
        child._concepts = {}
        child._cmemo = dict(self._cmemo)
        if child._cmemo:
            users = concepts_using(self.policies)
            for f in changes:
                for k in users.get(f, ()):
                    child._cmemo.pop(k, None)
        return child


def new_evaluator(facts: dict, as_of: date, policies, strict: bool = False) -> MatchEvaluator:
    """strict: an unknown fact name is an error (facts given by hand), not skipped."""
    return MatchEvaluator(facts, as_of, policies, strict=strict)


_CACHES: dict[int, tuple[object, dict]] = {}


def cache_for(policies) -> dict:
    """A memo dict tied to one loaded Policies object (Policies is not hashable)."""
    entry = _CACHES.get(id(policies))
    if entry is None or entry[0] is not policies:
        if len(_CACHES) > 8:
            _CACHES.clear()
        entry = _CACHES[id(policies)] = (policies, {})
    return entry[1]


def concept_facts(policies) -> dict[str, frozenset[str]]:
    """Concept name → the facts its value depends on (transitively)."""
    memo = cache_for(policies)
    if "concept_facts" not in memo:
        # transitive over concept.ast (a concept's ``expanded`` form is not always fully expanded)
        out: dict[str, frozenset[str]] = {}

        def facts_of(name: str, seen: tuple[str, ...] = ()) -> frozenset[str]:
            if name in out:
                return out[name]
            found: set[str] = set()
            for ref in columns(policies.concepts[name].ast):
                if ref in policies.concepts and ref not in seen:
                    found |= facts_of(ref, seen + (name,))
                elif ref != AS_OF and not ref.startswith(OPEN + ".") and ref not in policies.concepts:
                    found.add(ref)
            out[name] = frozenset(found)
            return out[name]

        for name in policies.concepts:
            facts_of(name)
        memo["concept_facts"] = out
    return memo["concept_facts"]


def concept_inputs(policies) -> dict[str, tuple[tuple[str, ...], bool]]:
    """Concept → (the facts it reads, sorted; whether it reads as_of), transitively."""
    memo = cache_for(policies)
    if "concept_inputs" not in memo:
        facts = concept_facts(policies)

        def reads_as_of(name: str, seen: tuple[str, ...] = ()) -> bool:
            refs = columns(policies.concepts[name].ast)
            return AS_OF in refs or any(reads_as_of(r, seen + (name,)) for r in refs
                                        if r in policies.concepts and r not in seen)

        memo["concept_inputs"] = {n: (tuple(sorted(facts[n])), reads_as_of(n)) for n in policies.concepts}
    return memo["concept_inputs"]


def concepts_using(policies) -> dict[str, tuple[str, ...]]:
    """Fact → the concepts whose value depends on it (the reverse of concept_facts)."""
    memo = cache_for(policies)
    if "concepts_using" not in memo:
        users: dict[str, list[str]] = {}
        for name, facts in concept_facts(policies).items():
            for f in facts:
                users.setdefault(f, []).append(name)
        memo["concepts_using"] = {f: tuple(v) for f, v in users.items()}
    return memo["concepts_using"]


@dataclass
class Compiled:
    """What is worth computing once per measure."""

    measure: Measure
    jurisdiction: object
    beneficiary: object
    events: tuple[str, ...]  # event types whose attributes the measure reads
    facts: frozenset[str]  # every fact it reads (concepts expanded)


def _compile(m: Measure, policies) -> Compiled:
    nodes = [c.expanded for c in m.conditions]
    if m.amount is not None:
        nodes += [n for n in (m.amount.expr, m.amount.cap, m.amount.floor, m.amount.upper) if n is not None]
    deps = concept_facts(policies)
    facts = set()
    for n in nodes:
        for ref in columns(n):
            if ref in deps:
                facts |= deps[ref]
            elif ref != AS_OF and not ref.startswith(OPEN + "."):
                facts.add(ref)
    events = []
    for name in sorted(facts):
        fact = policies.catalogue.get(name)
        if fact is not None and fact.event and fact.event not in events:
            events.append(fact.event)
    return Compiled(m, jurisdiction_ast(m), beneficiary_ast(m), tuple(events), frozenset(facts))


def compiled(measure: Measure, policies) -> Compiled:
    memo = cache_for(policies).setdefault("compiled", {})
    found = memo.get(measure.id)
    if found is None or found.measure is not measure:
        found = memo[measure.id] = _compile(measure, policies)
    return found


@dataclass
class Evaluated:
    """Status and amount of one measure for one row of facts (the rules engine's semantics)."""

    status: str
    jurisdiction: bool | None
    beneficiary: bool | None
    conditions: list[bool | None]
    amount: Decimal | None = None
    upper: Decimal | None = None
    least: Decimal | None = None  # amount unknown, a sum of parts: the known parts' sum (a floor)
    missing: list[str] = field(default_factory=list)
    opened: list[str] = field(default_factory=list)


def evaluate_measure(c: Compiled, ev: MatchEvaluator, with_amount: bool = True,
                     applicability: tuple | None = None) -> Evaluated:
    """As ``rules.evaluate.evaluate`` (status, amount, missing, open criteria), without reasons.

    ``applicability``: (jurisdiction, beneficiary, missing) already known for these facts
    (near-miss re-evaluations never change region or entity type)."""
    m = c.measure
    missing: list[str] = []

    def note() -> None:
        for f in ev.missing:
            if f not in missing:
                missing.append(f)

    if applicability is None:
        jur = ev.run(c.jurisdiction)
        if jur is None:
            note()
        ben = ev.run(c.beneficiary)
        if ben is None:
            note()
    else:
        jur, ben, missing = applicability[0], applicability[1], list(applicability[2])
    applicable = kleene_and(jur, ben)
    if applicable is False:  # not applicable whatever the conditions say: skip them
        return Evaluated("not_applicable", jur, ben, [None] * len(m.conditions))
    values: list[bool | None] = []
    opened: list[str] = []
    all_ok = True
    for cond in m.conditions:
        value = ev.run(cond.ast)
        # the rules engine's rule: of the open criteria the condition references, those its value
        # depends on (not ev.opened: one evaluator serves every measure, so that list accumulates)
        refs = open_refs(cond.ast)
        if refs:
            opened += [o for o in ev.relevant_open(cond.ast, refs) if o not in opened]
        if value is None:
            note()
        values.append(value)
        all_ok = kleene_and(all_ok, value)
    status = measure_status(applicable, all_ok)
    out = Evaluated(status, jur, ben, values, opened=opened)
    a = m.amount
    if with_amount and status == "eligible" and a is not None and a.kind != "not_stated":
        out.amount = amount_value(ev, a.expr, a.floor, a.cap)
        if out.amount is None:
            note()
            out.least = least_value(ev, a)
        if a.upper is not None:
            out.upper = amount_value(ev, a.upper, None, a.cap)
        in_amount = open_refs(a.expr, a.floor, a.cap, a.upper)
        if in_amount:
            def both(e):
                return (amount_value(e, a.expr, a.floor, a.cap),
                        amount_value(e, a.upper, None, a.cap) if a.upper is not None else None)

            opened += [o for o in ev.relevant_open(both, in_amount) if o not in opened]
            out.opened = opened
    out.missing = missing if status in ("undetermined", "eligible") else []
    if status not in ("eligible", "undetermined"):
        out.opened = []
    return out


