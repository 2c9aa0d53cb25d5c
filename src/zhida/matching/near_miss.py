"""Near-miss: the smallest change of the enterprise's facts that makes a measure eligible.

Computed from the condition ASTs (trace.py), never written per measure:
- a failing comparison → for each fact it reads, the nearest value that flips it: candidates are
  the thresholds the fact is compared with (±1 unit: 1人, 0.01元, 1 day) and the boundary of a
  linear left-hand side (solved by finite differences: the language has + − × only), each
  checked by evaluating the comparison with the changed fact;
- OR → each alternative; AND → all failing parts together; NOT → the opposite wish;
- a missing fact → supply it (with the requirement it must meet);
- options are ranked by relative change (Σ |new − old| / |old|; supplying a fact costs 0),
  and every option shown has been verified by re-evaluating the whole measure with it applied;
- only plausible changes are proposed (plausibility.py: bounded numeric change, one rung of the
  certification ladder, no size-class leap, no change of what the enterprise is).
For an eligible measure with a cap, the cap note says where the amount stops growing.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from sqlglot import exp

from zhida.rules.describe import label, money
from zhida.rules.expr import AS_OF, OPEN, columns, name_of

from zhida.matching.compiled import column_name
from zhida.matching.evaluator import (Compiled, MatchEvaluator, amount_value, cache_for, concept_facts,
                                      evaluate_measure)
from zhida.matching.explain import fact_of, fmt, requirement
from zhida.matching.plausibility import SIZE_CONCEPT, plausible_change, size_leap
from zhida.matching.plausibility import context as plausibility_context
from zhida.matching.trace import TNode

# facts that describe what an enterprise *is*: a different value is another enterprise, not a change
IDENTITY = {"entity_type", "region_code", "special_zone", "industry_code"}
PER_NODE = 4  # options kept per node
MAX_VERIFY = 6  # re-evaluations of the measure per result
MAX_TRIES = 10  # candidate values tried per fact and comparison


@dataclass(frozen=True)
class Change:
    fact: str
    kind: str  # set | supply | judge
    current: object
    target: object  # a value meeting the requirement (None: any value, only supplying matters)
    req: object  # Chinese, e.g. 低于1,000人 — or a function giving it (worded only when shown)
    cost: float

    @property
    def requirement(self) -> str:
        if callable(self.req):  # word it once, when first shown
            object.__setattr__(self, "req", self.req())
        return self.req


@dataclass
class Option:
    changes: tuple[Change, ...]
    status: str | None = None  # after re-evaluation
    amount: Decimal | None = None
    text: str | None = None  # worded once (option_words)

    @property
    def cost(self) -> float:
        return sum(c.cost for c in self.changes)


@dataclass
class NearMiss:
    kind: str  # change | supply | cap
    best: Option | None
    alternatives: list[Option] = field(default_factory=list)
    text: str = ""


# --- candidate values --------------------------------------------------------------------------

def _unit(fact):
    t = getattr(fact, "type", None)
    if t == "integer":
        return 1
    if t == "money":
        return Decimal("0.01")
    if t == "date":
        return timedelta(days=1)
    return Decimal("0.0001")


def _typed(value, fact):
    t = getattr(fact, "type", None)
    try:
        if t == "integer":
            return int(Decimal(value).to_integral_value())
        if t == "money":
            return Decimal(value).quantize(Decimal("0.01"))
        if t in ("decimal", "percent"):
            return Decimal(value).quantize(Decimal("0.0001")).normalize()
    except Exception:  # noqa: BLE001 - a candidate that cannot be typed is skipped
        return None
    return value


def _literals_against(node: exp.Expression, fact_name: str, policies) -> list:
    """Literal values compared with ``fact_name`` in ``node``, through the concepts it names.

    Why not expand the concepts into the node and walk that: an expansion is a deep copy of a
    large tree (size_class_300 is ~10,000 nodes) and took ~50 ms per new node at request time.
    Each node and each concept is walked once instead, and the results merged by reference."""
    return _literals_transitive(node, policies).get(fact_name, [])


def _literals_transitive(node: exp.Expression, policies) -> dict[str, list]:
    memo = cache_for(policies).setdefault("literals", {})
    found = memo.get(id(node))
    if found is not None and found[0] is node:
        return found[1]
    deps = concept_facts(policies)
    own = _literals_by_fact(node)
    named = [c for c in columns(node) if c in policies.concepts]
    out: dict[str, list] = {}

    def add(name: str, values: list) -> None:
        bucket = out.setdefault(name, [])
        bucket += [v for v in values if v not in bucket]

    for name, values in own.items():
        # a concept compared with literals (size_class_300 IN ('small', …)): every fact it reads
        for fact in sorted(deps[name]) if name in deps else [name]:
            add(fact, values)
    for concept in named:
        for fact, values in _literals_transitive(policies.concepts[concept].ast, policies).items():
            add(fact, values)
    memo[id(node)] = (node, out)
    return out


def _literals_by_fact(node: exp.Expression) -> dict[str, list]:
    """Literals compared with each column of ``node`` (concepts not expanded)."""
    out: dict[str, list] = {}
    for cmp in node.find_all(exp.EQ, exp.NEQ, exp.LT, exp.LTE, exp.GT, exp.GTE, exp.Between, exp.In):
        sides = [cmp.this] + ([cmp.args["low"], cmp.args["high"]] if isinstance(cmp, exp.Between)
                              else list(cmp.expressions) if isinstance(cmp, exp.In) else [cmp.expression])
        names = {name_of(c) for s in sides for c in s.find_all(exp.Column)}
        values = []
        for s in sides:
            if isinstance(s, exp.Literal) and not s.is_string:
                values.append(Decimal(s.this))
            elif isinstance(s, exp.Cast):
                values.append(date.fromisoformat(s.this.this))
            elif isinstance(s, exp.Literal):
                values.append(s.this)
            elif isinstance(s, exp.Boolean):
                values.append(bool(s.this))
        for name in names:
            for v in values:
                if v not in out.setdefault(name, []):
                    out[name].append(v)
    return out


def _leaf_facts(node: exp.Expression, policies) -> list[str]:
    """Facts a comparison depends on (through concepts too), memoised per node."""
    memo = cache_for(policies).setdefault("leaf_facts", {})
    found = memo.get(id(node))
    if found is None or found[0] is not node:
        deps = concept_facts(policies)
        names: list[str] = []
        for ref in columns(node):
            for f in sorted(deps[ref]) if ref in deps else [ref]:
                if f != AS_OF and not f.startswith(OPEN + ".") and f in policies.catalogue.facts and f not in names:
                    names.append(f)
        found = memo[id(node)] = (node, names)
    return found[1]


def _linear_boundary(ev: MatchEvaluator, node: exp.Expression, fact: str, current):
    """x where lhs − rhs of a numeric comparison crosses 0, varying ``fact`` alone."""
    if isinstance(node, (exp.Between, exp.In)) or type(node) not in (exp.LT, exp.LTE, exp.GT, exp.GTE, exp.EQ):
        return None
    base = current if isinstance(current, (int, Decimal)) and not isinstance(current, bool) else Decimal(0)

    def g(x):
        child = ev.fork({fact: x})
        a, b = child.eval(node.this), child.eval(node.expression)
        if not isinstance(a, (int, Decimal)) or not isinstance(b, (int, Decimal)) or isinstance(a, bool):
            return None
        return Decimal(a) - Decimal(b)

    g0, g1 = g(base), g(base + 1)
    if g0 is None or g1 is None or g1 == g0:
        return None
    return Decimal(base) - g0 / (g1 - g0)


def _around(value, step) -> list:
    """value − step, value, value + step: a neighbour beyond the representable range (a date next
    to 0001-01-01 or 9999-12-31) is left out rather than raising OverflowError."""
    out = []
    for shift in (-1, 0, 1):
        try:
            out.append(value + shift * step if shift else value)
        except (OverflowError, ArithmeticError):
            continue
    return out


def _cost(current, target, kind: str) -> float:
    if kind == "supply":
        return 0.0
    if isinstance(current, (int, Decimal)) and not isinstance(current, bool) and isinstance(target, (int, Decimal)):
        if current == 0:
            return 1.0 + float(abs(Decimal(target)))
        return float(abs(Decimal(target) - Decimal(current)) / abs(Decimal(current)))
    if isinstance(current, date) and isinstance(target, date):
        return abs((target - current).days) / 365
    return 1.0


def _distance(current, candidate) -> float:
    try:
        if isinstance(current, date):
            return abs((candidate - current).days)
        if current is None:
            return 0.0
        return float(abs(Decimal(candidate) - Decimal(current)))
    except Exception:  # noqa: BLE001 - incomparable candidates go last
        return float("inf")


def leaf_options(t: TNode, want: bool, ev: MatchEvaluator, policies) -> list[tuple[Change, ...]]:
    if t.kind == "open":
        if t.value is False and want:
            crit = label(t.name, policies)
            return [(Change(t.name, "judge", False, True, f"须经责任单位认定满足{crit}", 1.0),)]
        return []
    if t.kind == "fact":
        fact = fact_of(policies, t.name)
        if t.name in IDENTITY and t.value is not None:
            return []
        kind = "supply" if t.value is None else "set"
        if not plausible_change(t.name, getattr(fact, "type", None), t.value, want, ev.values):
            return []
        return [(Change(t.name, kind, t.value, want, "为是" if want else "为否", _cost(t.value, want, kind)),)]
    if t.kind == "case" and not t.children:
        facts = sorted({c for w in t.unknown_whens for c in columns(w)
                        if ev.values.get(c) is None and c in policies.catalogue.facts})
        return [tuple(Change(f, "supply", None, None, "", 0.0) for f in facts)] if facts else []
    if t.kind != "cmp":
        return []
    node = t.ast
    out = []
    for name in _leaf_facts(node, policies):
        fact = fact_of(policies, name)
        current = ev.values.get(name)
        if name in IDENTITY and current is not None:
            continue
        candidates = []
        for lit in _literals_against(node, name, policies):
            if isinstance(lit, (Decimal, date)):
                candidates += _around(lit, _unit(fact))
            else:
                candidates.append(lit)
        other = t.right if _simple_side(node.this, name) else t.left if not isinstance(node, (exp.Between, exp.In)) \
            else None
        if isinstance(other, (Decimal, int, date)) and not isinstance(other, bool) and fact.type in (
                "money", "integer", "decimal", "percent", "date"):  # e.g. valid_until >= as_of
            candidates += _around(other, _unit(fact))
        boundary = _linear_boundary(ev, node, name, current) if fact.type in ("money", "integer", "decimal",
                                                                               "percent") else None
        if boundary is not None:
            candidates += _around(boundary, _unit(fact))
        typed = []
        for c in candidates:
            v = _typed(c, fact)
            if v is not None and v not in typed and v != current:
                typed.append(v)
        typed.sort(key=lambda v: _distance(current, v))
        for value in typed[:MAX_TRIES]:
            if _try(ev, node, name, value) is want:
                if not plausible_change(name, fact.type, current, value, ev.values):
                    continue  # a farther value may still be plausible (the next rung of a ladder)
                kind = "supply" if current is None else "set"
                req = _lazy_requirement(t, policies, want, fact) if _simple(node, name) \
                    else (lambda v=value, f=fact: f"调整为{fmt(v, f)}")
                out.append((Change(name, kind, current, value, req, _cost(current, value, kind)),))
                break
        else:
            if current is None:  # nothing verified: still say which fact to supply
                out.append((Change(name, "supply", None, None, _lazy_requirement(t, policies, want, fact)
                                   if _simple(node, name) else "", 0.0),))
    return out


_ABSENT = object()


def _try(ev: MatchEvaluator, node: exp.Expression, name: str, value):
    """``node`` evaluated with ``name`` := value. A node reading only that fact (no concept) is
    evaluated in place and the fact restored — no fork, nothing cached can go stale."""
    if columns(node) != [name]:
        return ev.fork({name: value}).eval(node)
    old = ev.values.get(name, _ABSENT)
    ev.values[name] = value
    try:
        return ev.eval(node)
    finally:
        if old is _ABSENT:
            del ev.values[name]
        else:
            ev.values[name] = old


def _lazy_requirement(t: TNode, policies, want: bool, fact):
    return lambda: requirement(t, policies, want, fact)


def _simple_side(side: exp.Expression, name: str) -> bool:
    while isinstance(side, (exp.Paren, exp.Left)):
        side = side.this
    return isinstance(side, exp.Column) and column_name(side) == name


def _simple(node: exp.Expression, name: str) -> bool:
    """A comparison of the bare fact (or LEFT(fact, n)) with constants: its requirement reads well."""
    sides = [node.this] + ([] if isinstance(node, (exp.Between, exp.In)) else [node.expression])
    for s in sides:
        while isinstance(s, (exp.Paren, exp.Left)):
            s = s.this
        if isinstance(s, exp.Column) and column_name(s) == name:
            return True
    return False


def options(t: TNode, want: bool, ev: MatchEvaluator, policies) -> list[tuple[Change, ...]]:
    """Change sets that would make ``t`` evaluate to ``want`` (unverified, cheapest first).

    Memoised per evaluator and node: the measures of one enterprise share concepts (and so trace
    nodes), and the options of a node depend only on the evaluator's facts. Callers copy before
    changing a list (slices, new lists); Change objects are immutable."""
    if t.value is want:
        return [()]
    memo = ev.__dict__.get("_options")
    if memo is None:
        memo = ev.__dict__["_options"] = {}
    key = (id(t.ast), want)
    found = memo.get(key)
    if found is None or found[0] is not t.ast:
        found = memo[key] = (t.ast, _options(t, want, ev, policies))
    return found[1]


def _options(t: TNode, want: bool, ev: MatchEvaluator, policies) -> list[tuple[Change, ...]]:
    if t.kind == "not":
        return options(t.children[0], not want, ev, policies)
    if t.kind in ("concept", "case") and t.children:
        return options(t.children[0], want, ev, policies)
    if t.kind in ("and", "or"):
        todo = [c for c in t.children if c.value is not want]
        per_child = [options(c, want, ev, policies)[:PER_NODE] for c in todo]
        if (t.kind == "and") == want:  # every part must change
            return combine(per_child)
        merged = [o for opts in per_child for o in opts]  # any one part suffices
        return sorted(merged, key=_option_cost)[:PER_NODE]
    return leaf_options(t, want, ev, policies)


def combine(per_part: list[list[tuple[Change, ...]]]) -> list[tuple[Change, ...]]:
    if any(not opts for opts in per_part):
        return []
    out = []
    for combo in itertools.islice(itertools.product(*per_part), 64):
        merged: dict[str, Change] = {}
        for part in combo:
            for ch in part:
                merged.setdefault(ch.fact, ch)
        out.append(tuple(merged.values()))
    return sorted(out, key=_option_cost)[:PER_NODE * 2]


def _option_cost(o: tuple[Change, ...]) -> float:
    return sum(c.cost for c in o)


# --- measure level -------------------------------------------------------------------------------

def apply(ev: MatchEvaluator, changes: tuple[Change, ...]) -> MatchEvaluator | None:
    values, judged = {}, {}
    for ch in changes:
        if ch.target is None:
            return None  # only "supply it" is known: cannot be tried
        if ch.kind == "judge":
            judged[ch.fact] = True
        else:
            values[ch.fact] = ch.target
    child = ev.fork(values)
    child.judgements.update(judged)
    return child


def near_miss(c: Compiled, ev: MatchEvaluator, traces: list[TNode], status: str, missing: list[str],
              policies, applicability: tuple) -> list[NearMiss]:
    """``applicability``: (jurisdiction, beneficiary, missing facts among them) of the result."""
    out: list[NearMiss] = []
    if status in ("ineligible", "undetermined"):
        parts = [options(t, True, ev, policies)[:PER_NODE] for t in traces if t.value is not True]
        verified: list[Option] = []
        tries = 0
        for changes in combine(parts) if parts else []:
            if tries >= MAX_VERIFY or len(verified) >= 3:
                break
            child = apply(ev, changes)
            if child is None or _leaps_size(ev, child, changes, policies):
                continue
            tries += 1
            result = evaluate_measure(c, child, applicability=applicability)
            if result.status == "eligible":
                verified.append(Option(changes, result.status, result.amount))
        if verified:
            out.append(NearMiss("change", verified[0], verified[1:], change_text(verified, policies)))
    covered = {ch.fact for ch in out[0].best.changes} if out else set()
    if missing and not set(missing) <= covered:
        supply = Option(tuple(Change(f, "supply", None, None, "", 0.0) for f in missing))
        out.append(NearMiss("supply", supply, [], "需补充：" + "、".join(label(f, policies) for f in missing)))
    if status == "eligible":
        cap = cap_note(c, ev, policies)
        if cap is not None:
            out.append(cap)
    return out


def _leaps_size(ev: MatchEvaluator, child: MatchEvaluator, changes: tuple[Change, ...], policies) -> bool:
    """Whether the changes together move the enterprise's size class by more than one class."""
    inputs = concept_facts(policies).get(SIZE_CONCEPT, frozenset())
    if SIZE_CONCEPT not in policies.concepts or not any(ch.fact in inputs for ch in changes):
        return False
    return size_leap(size_class(ev, policies), child.fork({}).lookup(SIZE_CONCEPT))


def size_class(ev: MatchEvaluator, policies):
    """The enterprise's size class (300号), looked up on a fork so that ``ev``'s missing facts stay
    those of the measure being explained."""
    return ev.fork({}).lookup(SIZE_CONCEPT) if SIZE_CONCEPT in policies.concepts else None


def plausibility_key(ev: MatchEvaluator, policies) -> tuple:
    """plausibility.context of the enterprise ``ev`` evaluates, once per evaluator."""
    found = ev.__dict__.get("_plausibility")
    if found is None:
        found = ev.__dict__["_plausibility"] = plausibility_context(ev.values, size_class(ev, policies))
    return found


def change_words(ch: Change, policies) -> str:
    fact = fact_of(policies, ch.fact)
    if ch.kind == "judge":
        return ch.requirement
    what = label(ch.fact, policies)
    if ch.kind == "supply":
        return f"补充{what}" + (f"（需{ch.requirement}）" if ch.requirement else "")
    return f"{what}需{ch.requirement}（现{fmt(ch.current, fact)}）"


def option_words(o: Option, policies) -> str:
    if o.text is not None:
        return o.text
    text = "，且".join(change_words(ch, policies) for ch in o.changes)
    if o.amount is not None and all(ch.kind != "supply" for ch in o.changes):  # else it depends on the value supplied
        text += f"，可获{money(o.amount)}"
    o.text = text
    return text


def change_text(verified: list[Option], policies) -> str:
    return "；或".join(option_words(o, policies) for o in verified)


def cap_note(c: Compiled, ev: MatchEvaluator, policies) -> NearMiss | None:
    """Where the amount stops growing: the cap, and the fact value at which it is reached."""
    a = c.measure.amount
    if a is None or a.cap is None or a.expr is None:
        return None
    cap = ev.run(a.cap)
    raw = amount_value(ev, a.expr, a.floor, None)
    if cap is None or raw is None:
        return None
    for name in columns(a.expr):
        fact = fact_of(policies, name)
        current = ev.values.get(name)
        if fact is None or fact.type not in ("money", "integer", "decimal", "percent") or current is None:
            continue
        base = Decimal(current)
        g0 = amount_value(ev.fork({name: base}), a.expr, a.floor, None)
        g1 = amount_value(ev.fork({name: base + 10000}), a.expr, a.floor, None)
        if g0 is None or g1 is None or g1 == g0:
            continue
        boundary = _typed(base + (Decimal(cap) - g0) * 10000 / (g1 - g0), fact)
        what = label(name, policies)
        if raw >= cap:
            text = (f"已达上限{money(cap)}：{what}超过{fmt(boundary, fact)}的部分不再增加金额"
                    f"（现{fmt(current, fact)}，按公式可得{money(raw)}）")
        else:
            text = (f"距上限{money(cap)}还差{money(Decimal(cap) - raw)}：{what}增至{fmt(boundary, fact)}"
                    f"（现{fmt(current, fact)}）即达上限")
        change = Change(name, "set", current, boundary, f"达到{fmt(boundary, fact)}", _cost(current, boundary, "set"))
        after = amount_value(ev.fork({name: boundary}), a.expr, a.floor, a.cap)
        return NearMiss("cap", Option((change,), "eligible", after), [], text)
    return None
