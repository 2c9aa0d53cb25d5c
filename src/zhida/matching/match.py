"""企业找政策: every measure for one enterprise — status, period, amount, reasons, near-miss.

``match_enterprise(profile_or_facts, as_of)`` takes an ``EnterpriseProfile`` (facts derived with
``zhida.enterprises.facts.profile_to_facts``) or a facts dict (catalogue names → values).

Events: a measure that reads event attributes (``equipment_purchase.unit_value``) is evaluated
once per event of that type on or before ``as_of``; the result reports the *best* event (eligible
before undetermined before ineligible, then the larger amount) and lists every event evaluated in
``events`` (date, status, amount). A profile with no such event is evaluated once with the
attributes unknown (→ undetermined, listing them as missing). A facts dict carries its event in focus.
"""

from __future__ import annotations

import copy
import threading
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from zhida.rules.describe import LABEL_AS_OF, jurisdiction_text, label, wording
from zhida.rules.expr import AS_OF, OPEN, columns, parse
from zhida.rules.periods import policy_spec
from zhida.rules.model import BENEFICIARY_ZH, Amount, Measure
from zhida.rules.present import amount_text
from zhida.documents.citation import cite
from zhida.rules.totals import bucket, payer_split, split

from zhida.matching.evaluator import Evaluated, cache_for, compiled, concept_facts, evaluate_measure, new_evaluator
from zhida.matching.explain import exact, leaf_reason
from zhida.matching.near_miss import NearMiss, near_miss, plausibility_key
from zhida.matching.trace import TNode, decisive, trace

# facts the jurisdiction / beneficiary tests read (jurisdiction_basis: registration, tax, premises)
_APPLICABILITY_FACTS = ("region_code", "tax_region_code", "premises_region_code", "served_project.region_code",
                        "special_zone", "entity_type")
STATUSES = ("eligible", "undetermined", "ineligible", "not_applicable")
_RANK = {"eligible": 0, "undetermined": 1, "ineligible": 2, "not_applicable": 3}


@dataclass
class Reason:
    condition: str  # condition id, or "jurisdiction" / "beneficiary"
    outcome: bool | None
    text: str
    quote: str | None


@dataclass
class AmountView:
    kind: str | None  # exact | maximum | minimum | range | not_stated | None (the measure has no amount)
    value: Decimal | None
    upper: Decimal | None
    currency: str
    unit: str
    text: str
    least: Decimal | None = None  # value unknown, a sum of parts: the known parts' sum (at least this)
    payers: list[dict] = field(default_factory=list)  # {payer, share, amount}: who pays which part


@dataclass
class EventView:
    type: str
    index: int  # position in the profile's events
    date: date
    status: str
    amount: Decimal | None


@dataclass
class MatchResult:
    measure_id: str
    title: str
    benefit: str
    document: str
    status: str
    period: str
    amount: AmountView
    reasons: list[Reason]
    missing: list[str]
    open_criteria: list[dict]
    near_miss: list[NearMiss]
    sources: list[dict]
    application: str
    responsible_units: list[str]
    event: EventView | None = None
    events: list[EventView] = field(default_factory=list)
    enterprise_benefit: bool = True
    kind: str = ""  # the measure's kind (cash_subsidy, tax_deduction, deferral …): its totals bucket
    draft: bool = False  # the source is a draft (征求意见稿): labelled, never counted in totals
    explained: bool = True  # False: a brief result (match_enterprise explain=False), no reasons or near-misses


def load_default_policies():
    """The project's policies, loaded once per process (parsing them takes seconds), however many
    threads ask at the same time."""
    global _POLICIES
    if _POLICIES is None:
        with _POLICIES_LOCK:
            if _POLICIES is None:
                from zhida.rules import load_policies

                _POLICIES = load_policies()
    return _POLICIES


_POLICIES = None
_POLICIES_LOCK = threading.Lock()


def match_enterprise(profile_or_facts, as_of: date, measures: list[Measure] | None = None,
                     policies=None, near_misses: bool = True, explain: bool = True) -> list[MatchResult]:
    """Every measure (or those given) → one explained result, in the measures' order.
    ``near_misses=False``: no near-miss search (the 政策计算器 shows none; it is a third of the work).
    ``explain=False``: no reasons and no near-misses at all (``reasons`` and ``near_miss`` empty, the
    result's ``explained`` False): status, period, amount, missing facts, open criteria and sources
    only — the same as an explained result's — at a fraction of the cost (the brief checkup)."""
    policies = policies or load_default_policies()
    token = LABEL_AS_OF.set(as_of)  # reasons name yearly facts' periods ("2021年营业收入")
    wanted = _NEAR_MISSES.set(near_misses)
    try:
        if not explain:
            return _match_brief(profile_or_facts, as_of, measures, policies)
        return _match(profile_or_facts, as_of, measures, policies)
    finally:
        _NEAR_MISSES.reset(wanted)
        LABEL_AS_OF.reset(token)


_NEAR_MISSES: ContextVar[bool] = ContextVar("zhida_match_near_misses", default=True)


def _match(profile_or_facts, as_of: date, measures, policies) -> list[MatchResult]:
    measures = list(policies.measures.values()) if measures is None else measures
    rows, events = _rows(profile_or_facts, as_of, policies)
    base = new_evaluator(rows[None], as_of, policies, strict=events is None)
    per_event: dict[int, object] = {}
    memo = _results_memo(policies)
    out = []
    for m in measures:
        c = compiled(m, policies)
        candidates = _candidates(c, base, events, per_event, policies)
        key = _result_key(c, base, as_of, policies) if candidates[0][0] is None else None
        if key is not None and (found := memo.get(key)) is not None and found[0] is m:
            out.append(_fresh(found[1], policies))
            continue
        results = [(i, ev, evaluate_measure(c, ev)) for i, ev in candidates]
        best = _best(results)
        with wording(m):  # an open criterion reads as this measure words it
            result = _explain(c, best[1], best[2], as_of, policies)
        if key is not None and result.status != "not_applicable":  # those are cheap (_not_applicable)
            if len(memo) >= RESULTS_MEMO_SIZE:
                memo.clear()
            memo[key] = (m, result)
            result = _fresh(result, policies)
        if best[0] is not None:
            _with_events(result, best[0], results, events)
        out.append(result)
    return out


def _match_brief(profile_or_facts, as_of: date, measures, policies) -> list[MatchResult]:
    """As _match without reasons and near-misses: nothing is worded, nothing shared (evaluating a
    measure costs less than computing the key its result would be shared under)."""
    measures = list(policies.measures.values()) if measures is None else measures
    rows, events = _rows(profile_or_facts, as_of, policies)
    base = new_evaluator(rows[None], as_of, policies, strict=events is None)
    per_event: dict[int, object] = {}
    out = []
    for m in measures:
        c = compiled(m, policies)
        results = [(i, ev, evaluate_measure(c, ev)) for i, ev in _candidates(c, base, events, per_event, policies)]
        best = _best(results)
        with wording(m):
            result = _brief(c, best[2], as_of, policies)
        if best[0] is not None:
            _with_events(result, best[0], results, events)
        out.append(result)
    return out


def _candidates(c, base, events, per_event: dict, policies) -> list[tuple]:
    """(event index or None, evaluator) to evaluate the measure on: one per event of a type it reads."""
    if c.events and events is not None:
        found = [(i, e) for i, e in events if e.type in c.events]
        if found:
            candidates = []
            for i, e in found:
                if i not in per_event:
                    per_event[i] = base.fork(_event_facts(e, policies))
                candidates.append((i, per_event[i]))
            return candidates
    return [(None, base)]


def _best(results: list[tuple]) -> tuple:
    """The best event: status first, then the larger amount, then the fewest failing conditions."""
    return min(results, key=lambda r: (_RANK[r[2].status], -(r[2].amount or 0),
                                       sum(v is False for v in r[2].conditions)))


def _with_events(result: MatchResult, best: int, results: list[tuple], events) -> None:
    views = [EventView(events_by_index(events, i).type, i, events_by_index(events, i).date, r.status, r.amount)
             for i, _, r in results]
    result.events = views
    result.event = next(v for v in views if v.index == best)
    result.__dict__.pop("_shared", None)  # no longer the shared result's copy


# --- results shared by enterprises with the same facts ------------------------------------------
# A measure's explained result is a function of the facts it reads (conditions, amount, concepts,
# jurisdiction and beneficiary), the open criteria judged, the date and the policies — nothing else
# of the enterprise. Enterprises alike in those facts (the same missing facts, the same flags,
# the same district …) get the result worded once: a new enterprise's first checkup reuses
# them. Bounded; results are copied out (fresh top-level lists), their parts are never changed.
RESULTS_MEMO_SIZE = 10_000


def _results_memo(policies) -> dict:
    return cache_for(policies).setdefault("results", {})


def forget_results(policies=None) -> None:
    """Drop the shared results (benchmarks measuring the engine itself call this)."""
    _results_memo(policies or load_default_policies()).clear()


def _result_key(c, ev, as_of: date, policies) -> tuple:
    values = ev.values
    judged = tuple(sorted(ev.judgements.items())) if ev.judgements else ()
    # near-misses also read what makes a change plausible for this enterprise (plausibility.py)
    return (c.measure.id, as_of, judged, _NEAR_MISSES.get(), plausibility_key(ev, policies),
            *(exact(values.get(f)) for f in _key_facts(c, policies)))


def _key_facts(c, policies) -> tuple[str, ...]:
    """Every fact the measure's result can depend on, concepts expanded, once per measure."""
    memo = cache_for(policies).setdefault("key_facts", {})
    found = memo.get(c.measure.id)
    if found is None or found[0] is not c:
        deps = concept_facts(policies)
        names = set(c.facts)
        for node in (c.jurisdiction, c.beneficiary):
            for ref in columns(node):
                names |= deps[ref] if ref in deps else {ref}
        names = {n for n in names if n != AS_OF and not n.startswith(OPEN + ".")}
        found = memo[c.measure.id] = (c, tuple(sorted(names)))
    return found[1]


def _fresh(r: MatchResult, policies) -> MatchResult:
    out = copy.copy(r)
    out._shared = r  # its JSON is the shared one's (report.report_bytes)
    out.reasons, out.missing, out.near_miss = list(r.reasons), list(r.missing), list(r.near_miss)
    out.open_criteria = [dict(o) for o in r.open_criteria]
    out.responsible_units = list(r.responsible_units)
    out.sources = [dict(s) for s in r.sources]
    out.events = []
    return out


def events_by_index(events, index):
    return next(e for i, e in events if i == index)


def _rows(profile_or_facts, as_of: date, policies):
    """Base facts, and the profile's events on or before as_of (None for a facts dict)."""
    if isinstance(profile_or_facts, dict):
        return {None: profile_or_facts}, None
    from zhida.enterprises.facts import profile_to_facts

    facts = profile_to_facts(profile_or_facts, as_of, period_names=policies.catalogue.period_names())
    events = [(i, e) for i, e in enumerate(profile_or_facts.events or ()) if e.date <= as_of]
    return {None: facts}, events


def _event_facts(event, policies) -> dict:
    """The attributes of ``event`` as typed catalogue values (the event in focus)."""
    out = {}
    for name in policies.catalogue.events.get(event.type, {}).get("attributes", []):
        value = getattr(event, name.split(".", 1)[1], None)
        out[name] = policies.catalogue.check_value(name, value) if value is not None else None
    return out


def _explain(c, ev, r: Evaluated, as_of: date, policies) -> MatchResult:
    if r.status == "not_applicable":
        return _not_applicable(c, ev, r, as_of, policies)
    return _explained(c, ev, r, as_of, policies)


def _not_applicable(c, ev, r: Evaluated, as_of: date, policies) -> MatchResult:
    """Most results of an enterprise are 不适用 (another district, another kind of beneficiary):
    they depend on nothing but the jurisdiction and beneficiary verdicts and the period label,
    so each is worded once per such key and copied (fresh lists, fresh source dicts)."""
    m = c.measure
    key = (m.id, r.jurisdiction, r.beneficiary, m.period.label(as_of))
    memo = cache_for(policies).setdefault("not_applicable", {})
    found = memo.get(key)
    if found is None or found[0] is not m:
        found = memo[key] = (m, _explained(c, ev, r, as_of, policies))
    template = found[1]
    out = replace(template, reasons=list(template.reasons), missing=[], open_criteria=[], near_miss=[],
                  sources=_sources(m, policies), events=[])
    out._shared = template  # its JSON is the template's (report.report_bytes)
    return out


def _explained(c, ev, r: Evaluated, as_of: date, policies) -> MatchResult:
    m = c.measure
    reasons: list[Reason] = []
    if r.jurisdiction is not True:
        reasons.append(Reason("jurisdiction", r.jurisdiction,
                              f"适用地域：{jurisdiction_text(m.jurisdiction, policies, m.jurisdiction_basis)}"
                              + {False: "，企业不在其内", None: "，企业所在地未知"}.get(r.jurisdiction, ""), None))
    if r.beneficiary is not True:
        reasons.append(Reason("beneficiary", r.beneficiary,
                              f"受益对象：{BENEFICIARY_ZH[m.beneficiary]}"
                              + {False: "，主体类型不符", None: "，主体类型未知"}.get(r.beneficiary, ""), None))
    traces: list[TNode] = []
    if r.status != "not_applicable":
        quotes = _condition_quotes(m, policies)
        for cond, value in zip(m.conditions, r.conditions):
            t = trace(cond.ast, ev)
            t.value = value  # the engine's verdict is authoritative
            traces.append(t)
            verdict = {True: "满足", False: "不满足", None: "无法判断（缺少信息）"}[value]
            found = decisive(t)
            if value is True and found and all(x.kind == "open" for x in found):
                verdict = "视为满足（未量化标准，待责任单位认定）"
            leaves = [leaf_reason(x, policies, quotes[cond.id]) for x in found]
            detail = "；".join(x for x in dict.fromkeys(leaves) if x)
            reasons.append(Reason(cond.id, value, f"{cond.label}：{verdict}" + (f"。{detail}" if detail else ""),
                                  cond.quote))
        for o in m.open_criteria:
            if f"open.{o.id}" in r.opened:
                reasons.append(Reason(f"open.{o.id}", None, f"未量化标准：{o.label}（原文未给出数值，由责任单位认定）",
                                      o.quote))
    period = m.period.label(as_of)
    if period == "expired" and m.period.changed_by is not None:  # ended by another document: say which
        from zhida.rules.evaluate import period_reason

        reasons.append(Reason("period", False, period_reason(period, m), m.period.changed_by.quote))
    result = _brief(c, r, as_of, policies)
    result.reasons, result.explained = reasons, True
    if r.status != "not_applicable" and _NEAR_MISSES.get():
        result.near_miss = near_miss(c, ev, traces, r.status, r.missing, policies,
                                     (r.jurisdiction, r.beneficiary, [f for f in r.missing if f in _APPLICABILITY_FACTS]))
    return result


def _brief(c, r: Evaluated, as_of: date, policies) -> MatchResult:
    """_explained's result without reasons and near-misses (every other field the same)."""
    m = c.measure
    return MatchResult(
        measure_id=m.id, title=m.title, benefit=m.benefit, document=m.document, status=r.status,
        period=m.period.label(as_of), amount=_amount_view(m, r, policies), reasons=[],
        missing=list(r.missing),
        open_criteria=[{"id": o.id, "label": o.label, "quote": o.quote} for o in m.open_criteria
                       if f"open.{o.id}" in r.opened],
        near_miss=[], sources=_sources(m, policies), application=m.application,
        responsible_units=list(m.responsible_units), enterprise_benefit=m.enterprise_benefit, kind=m.kind,
        draft=is_draft(m, policies), explained=False,
    )


def _condition_quotes(m: Measure, policies) -> dict[str, tuple[str, ...]]:
    """Per condition: where its thresholds' source phrases are looked for (its own quote, then the
    measure's source quotes), built once per measure."""
    memo = cache_for(policies).setdefault("condition_quotes", {})
    found = memo.get(m.id)
    if found is None or found[0] is not m:
        sources = [s.quote for s in m.sources if s.quote]
        found = memo[m.id] = (m, {c.id: (c.quote or "", *sources) for c in m.conditions})
    return found[1]


def _amount_view(m: Measure, r: Evaluated, policies) -> AmountView:
    from zhida.rules.describe import money

    a = m.amount
    unit = a.unit if a else "元"
    currency = "USD" if a and ("USD" in a.unit.upper() or "美元" in a.unit) else "CNY"
    if a is None or a.kind == "not_stated":
        return AmountView(a.kind if a else None, None, None, currency, unit, "原文未明确金额")
    if r.status != "eligible" or r.amount is None:
        formula = formula_text(m, policies)
        least = r.least if r.status == "eligible" else None
        if least is not None:
            formula = f"至少{money(least)}（已知部分之和，其余部分缺少信息），按：{formula}"
        elif r.status == "eligible":
            formula = f"金额无法计算（缺少信息），按：{formula}"
        return AmountView(a.kind, None, None, currency, unit, formula, least, _payers(a, least))
    note = unit[1:] if unit.startswith("元") else ""
    value = money(r.amount)
    text = {"exact": value, "maximum": f"最高{value}", "minimum": f"不低于{value}",
            "range": f"{value}至{money(r.upper) if r.upper is not None else '未知'}"}[a.kind]
    payers = _payers(a, r.upper if a.kind == "range" and r.upper is not None else r.amount)
    if payers:
        text += "（" + " + ".join(f"{p['payer']}{money(p['amount'])}" for p in payers) + "）"
    return AmountView(a.kind, r.amount, r.upper, currency, unit, text + note, None, payers)


def _payers(a: Amount, value: Decimal | None) -> list[dict]:
    """The amount's split by payer (``amount.payers``); amounts only when ``value`` is known."""
    if not a.payers:
        return []
    if value is None:
        whole = sum((p.part for p in a.payers), Decimal(0))
        return [{"payer": p.payer, "share": p.part / whole, "amount": None} for p in a.payers]
    return [{"payer": name, "share": share, "amount": amount}
            for name, share, amount in payer_split(value, [(p.payer, p.part) for p in a.payers])]


def is_draft(m: Measure, policies) -> bool:
    """The measure's document is a draft (征求意见稿): its results are labelled and never counted.
    Read from the document's metadata when the library records it (``status``/``draft``)."""
    if getattr(m, "document_status", "final") == "draft":  # the measure file says so (document_status)
        return True
    memo = cache_for(policies).setdefault("draft_documents", {})
    if m.document not in memo:
        try:
            doc = policies.library.get(m.document)
            memo[m.document] = bool(getattr(doc, "draft", False)) or getattr(doc, "status", None) == "draft"
        except Exception:  # noqa: BLE001 - no library: not a draft
            memo[m.document] = False
    return memo[m.document]


def formula_text(m: Measure, policies) -> str:
    """The amount rule in words, with concepts by name (as written, not expanded)."""
    memo = cache_for(policies).setdefault("amount_text", {})
    if m.id not in memo:
        a = m.amount
        try:
            policy = policy_spec(m.period.start, m.period.end)
            parts = {k: parse(v, k, policy) for k, v in a.text.items()}
            shown = Amount(a.kind, parts.get("expr"), parts.get("cap"), parts.get("floor"), parts.get("upper"),
                           a.unit, a.quote, a.text)
            memo[m.id] = amount_text(replace(m, amount=shown), policies)
        except Exception:  # noqa: BLE001 - fall back to the expanded form
            memo[m.id] = amount_text(m, policies)
    return memo[m.id]


def _sources(m: Measure, policies) -> list[dict]:
    cached = cache_for(policies).setdefault("sources", {})
    if m.id not in cached:
        cached[m.id] = _sources_of(m, policies)
    return [dict(s) for s in cached[m.id]]


def _sources_of(m: Measure, policies) -> list[dict]:
    """Each source with its 文号 and how a reader cites it (《短标题》（文号）第三条（八））."""
    memo = cache_for(policies).setdefault("source_documents", {})
    out = []
    for s in m.sources:
        if s.document not in memo:
            try:
                memo[s.document] = policies.library.get(s.document)
            except Exception:  # noqa: BLE001 - the number and title are informative only
                memo[s.document] = None
        doc = memo[s.document]
        number = doc.doc_number if doc is not None else None
        labels = doc.labels.get(str(s.clause)) if doc is not None else None
        out.append({"document": s.document, "doc_number": number, "clause": s.clause, "quote": s.quote,
                    "citation": cite(doc.title if doc is not None else None, number, labels, s.clause)})
    return out


def summary(results: list[MatchResult]) -> dict:
    """Counts by status, and the money split by kind (``zhida.rules.totals``): ``eligible_total``
    is 确定可得 only; caps, tax bases/deferrals and results still to be judged are in ``totals``.
    Each benefit counted once; CNY, in force, enterprise benefits only; drafts never counted."""
    counts = {s: 0 for s in STATUSES}
    for r in results:
        counts[r.status] += 1
    t = split(counted(r) for r in results if counts_in_totals(r))
    shared = sorted({r.benefit for r in results if r.status == "eligible"
                     and sum(1 for x in results if x.benefit == r.benefit and x.status == "eligible") > 1})
    counted_n = sum(len(b.items) for b in t.buckets.values())
    return {"counts": counts, "eligible_total": t.certain, "benefits_counted": counted_n, "shared_benefits": shared,
            "totals": t}


def counts_in_totals(r: MatchResult) -> bool:
    return r.status == "eligible" and r.period == "in_force" and r.enterprise_benefit and r.amount.currency == "CNY"


def result_bucket(r: MatchResult) -> str | None:
    """The totals bucket of a result (certain, up_to, relief, …), ``draft`` for a result of a
    draft document (listed, never counted), None if it is not counted at all."""
    if not counts_in_totals(r):
        return None
    return "draft" if r.draft else _money_bucket(r)


def _money_bucket(r: MatchResult) -> str:
    a = r.amount
    return bucket(r.kind, a.kind, a.value is not None, a.least is not None, bool(r.open_criteria))


def counted(r: MatchResult) -> tuple:
    a = r.amount
    name = _money_bucket(r)
    value = a.upper if name == "up_to" and a.kind == "range" and a.upper is not None else a.value
    floor = value is None and a.least is not None
    return (r.benefit, r.measure_id, name, a.least if floor else value, floor, r.draft)


def missing_labels(result: MatchResult, policies) -> list[dict]:
    return [{"fact": f, "label": label(f, policies)} for f in result.missing]
