"""Profile → the fact catalogue's values as of a date (one dict, or an Arrow table for many).

Conventions (catalogue ``policies/facts/*.yaml``):
- yearly facts are the last complete year before ``as_of`` (figures[as_of.year - 1]); the ones
  the catalogue calls 本年度 (``graduates_hired``) are ``as_of.year``;
- qualifications are those valid on ``as_of``; a type the profile does not list is unknown unless
  ``qualifications_complete`` (then none); an entry ``held: false`` says that type is not held;
- an event fact ``<event>.<attribute>`` is the event in focus: by default the latest event of
  that type on or before ``as_of``; ``event_fact_rows`` gives one row per event instead;
- catalogue facts without a dedicated profile field come from ``other_facts`` (point in time),
  ``figures[year].other`` (yearly) and catalogue events (``CatalogueEvent``);
- unknown stays None: a fact with no data in the profile is None.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from functools import cache
from typing import Any

import pyarrow as pa

from zhida import config
from zhida.enterprises.profile import EnterpriseProfile
from zhida.rules import periods

IDENTITY_COLUMNS = ("uscc", "name")
MONEY = pa.decimal128(18, 2)  # yuan to the fen, up to 10^16 yuan
DECIMAL = pa.decimal128(24, 6)
THIS_YEAR_FACTS = {"graduates_hired", "beijing_graduates_hired"}  # 本年度 / 毕业年度内
_LEVEL_RANK = {"national": 3, "provincial": 2, "municipal": 1}


@cache
def catalogue():
    from zhida.rules.catalogue import load_catalogue

    return load_catalogue(sorted(config.policies_subdir("facts").glob("*.yaml")))


def arrow_type(fact) -> pa.DataType:
    return {
        "money": MONEY, "integer": pa.int64(), "decimal": DECIMAL, "percent": DECIMAL,
        "boolean": pa.bool_(), "date": pa.date32(),
    }.get(fact.type, pa.string())


def default_period_names() -> list[str]:
    """The period-qualified facts the project's rules read (``revenue@2021`` …), in order."""
    from zhida.matching.match import load_default_policies

    return load_default_policies().catalogue.period_names()


def arrow_schema(period_names: Iterable[str] | None = None, judgements: Iterable[str] = (),
                 extra: Iterable[pa.Field] = ()) -> pa.Schema:
    """Identity columns, then every catalogue fact (event attributes as ``event__attribute``), then
    the period-qualified facts the rules read (``revenue__p2021``; default: the project's rules),
    then ``extra`` fields (a generated population's months and quarters of a window), then a
    BOOLEAN ``open__<id>`` per open criterion id in ``judgements`` (a responsible unit's
    judgement; NULL = not judged), which the batch engines read."""
    from zhida.rules.sql import judgement_column

    fields = [pa.field("uscc", pa.string(), nullable=False), pa.field("name", pa.string())]
    fields += [pa.field(f.column, arrow_type(f)) for f in catalogue().facts.values()]
    names = default_period_names() if period_names is None else period_names
    fields += [pa.field(catalogue().get(n).column, arrow_type(catalogue().get(n))) for n in names]
    fields += list(extra)
    fields += [pa.field(judgement_column(j), pa.bool_()) for j in judgements]
    return pa.schema(fields)


# --- extractors: one per fact this package can supply -----------------------------------------

# catalogue fact → YearFigures field (the others are in ``figures[period].other``)
FIGURE_FIELDS = {"employees": "employees", "revenue": "revenue", "total_assets": "total_assets",
                 "taxable_income": "taxable_income", "rd_expense": "rd_expense",
                 "unemployment_insurance_paid_last_year": "unemployment_insurance_paid",
                 "graduates_hired": "graduates_hired", "above_designated_size": "above_designated_size"}


def _given(p: EnterpriseProfile, name: str, period: periods.Period):
    figures = p.figures.get(int(period.key) if period.kind == "year" else period.key)
    if figures is None:
        return None
    field = FIGURE_FIELDS.get(name)
    return getattr(figures, field) if field else figures.other.get(name)


def period_value(p: EnterpriseProfile, name: str, period: periods.Period):
    """The yearly fact ``name`` over ``period``: as given for that period; else, for a flow
    (catalogue ``flow: true``), the sum of its quarters or months (each given or summed itself),
    for a stock the value at its last quarter / month; None (unknown) if a part is missing."""
    value, _ = period_value_and_missing(p, name, period)
    return value


def period_value_and_missing(p: EnterpriseProfile, name: str, period: periods.Period):
    """(value, the periods that would have to be given for it: [] when known)."""
    value = _given(p, name, period)
    if value is not None:
        return value, []
    fact = catalogue().get(name)
    if fact is None or period.kind == "month" or not any(isinstance(k, str) for k in p.figures):
        return None, [period]  # (only whole years given: no parts to add up)
    parts = period.parts()
    if not parts:
        return None, [period]
    if not fact.flow:
        value, missing = period_value_and_missing(p, name, parts[-1])
        return value, ([] if value is not None else [period])
    total, missing = 0, []
    for part in parts:
        got, lacking = period_value_and_missing(p, name, part)
        if got is None:
            missing += lacking
        else:
            total += got
    if missing:
        # nothing given inside the period at all: the period itself is what is missing
        return None, missing if _given_any(p, name, period) else [period]
    return total, []


def _given_any(p: EnterpriseProfile, name: str, period: periods.Period) -> bool:
    """Some figure of ``name`` is given inside ``period`` (the period itself or a part of it)."""
    for key, figures in p.figures.items():
        inner = periods.parse_period(key)
        if period.start <= inner.start and inner.end <= period.end:
            field = FIGURE_FIELDS.get(name)
            if (getattr(figures, field) if field else figures.other.get(name)) is not None:
                return True
    return False


def _last_year(p: EnterpriseProfile, as_of: dt.date, field: str):
    if as_of.year == 1:
        return None
    return period_value(p, _FIELD_FACTS[field], periods.year(as_of.year - 1))


def _this_year(p: EnterpriseProfile, as_of: dt.date, field: str):
    return period_value(p, _FIELD_FACTS[field], periods.year(as_of.year))


_FIELD_FACTS = {v: k for k, v in FIGURE_FIELDS.items()}


def _graduates(p: EnterpriseProfile, as_of: dt.date):
    value = _this_year(p, as_of, "graduates_hired")
    if value is not None:
        return value
    hires = [e.count for e in p.events or () if e.type == "graduates_hired"
             and e.date.year == as_of.year and e.date <= as_of]
    return sum(hires) if hires else None


def _held(p: EnterpriseProfile, as_of: dt.date, qtype: str):
    """Valid qualifications of a type on as_of; None (unknown) when the profile does not list the
    type and does not say its list is complete ([] then: the type is not held)."""
    listed = [q for q in p.qualifications or () if q.type == qtype]
    if not listed and not p.qualifications_complete:
        return None
    return [q for q in listed if q.held is not False and q.valid_on(as_of)]


def _flag(qtype: str) -> Callable:
    def get(p, as_of):
        held = _held(p, as_of, qtype)
        return None if held is None else bool(held)
    return get


def _valid_until(qtype: str) -> Callable:
    def get(p, as_of):
        held = _held(p, as_of, qtype) or []
        ends = [q.valid_to for q in held if q.valid_to is not None]
        return max(ends) if ends else None
    return get


def _level(qtype: str, allowed: tuple[str, ...]) -> Callable:
    def get(p, as_of):
        held = _held(p, as_of, qtype)
        if held is None:
            return None
        levels = [q.level for q in held if q.level in allowed]
        if held and not levels:
            return None  # held, but at a level we were not told (or one the fact has no code for)
        return max(levels, key=_LEVEL_RANK.__getitem__) if levels else "none"
    return get


def _listing_status(p: EnterpriseProfile, as_of: dt.date):
    if p.events is not None:
        listed = [e for e in p.events if e.type == "listing" and e.date <= as_of]
        if listed:
            board = max(listed, key=lambda e: e.date).board
            return {"neeq": "neeq", "overseas": "listed_overseas"}.get(board, "listed_domestic")
    return p.listing_status


def _special_zone(p: EnterpriseProfile, as_of: dt.date):
    return p.special_zone or "none"  # the region is always known, so "in no zone" is a fact


def _industry_digits(p: EnterpriseProfile, as_of: dt.date):
    return p.industry_code[1:] or None  # catalogue codes carry no 门类 letter


EXTRACTORS: dict[str, Callable[[EnterpriseProfile, dt.date], Any]] = {
    "entity_type": lambda p, d: p.entity_type,
    "region_code": lambda p, d: p.region_code,
    "special_zone": _special_zone,
    "subdistrict_code": lambda p, d: p.subdistrict_code,
    "industry_code": _industry_digits,
    "industry_section": lambda p, d: p.industry_code[:1] or None,
    "declared_size_class": lambda p, d: p.declared_size.size_class if p.declared_size else None,  # kept when only the 门类 is given
    "ownership": lambda p, d: p.ownership,
    "taxpayer_type": lambda p, d: p.taxpayer_type,
    "listing_status": _listing_status,
    "restricted_industry": lambda p, d: p.restricted_industry,
    "core_ip": lambda p, d: p.core_ip,
    "above_designated_size": lambda p, d: _last_year(p, d, "above_designated_size"),
    "employees": lambda p, d: _last_year(p, d, "employees"),
    "revenue": lambda p, d: _last_year(p, d, "revenue"),
    "total_assets": lambda p, d: _last_year(p, d, "total_assets"),
    "taxable_income": lambda p, d: _last_year(p, d, "taxable_income"),
    "rd_expense": lambda p, d: _last_year(p, d, "rd_expense"),
    "unemployment_insurance_paid_last_year": lambda p, d: _last_year(p, d, "unemployment_insurance_paid"),
    "graduates_hired": _graduates,
    "high_tech_enterprise": _flag("high_tech"),
    "high_tech_valid_until": _valid_until("high_tech"),
    "tech_sme": _flag("tech_sme"),
    "tech_sme_valid_until": _valid_until("tech_sme"),
    "srdi_level": _level("zjtx_sme", ("national", "provincial", "municipal")),
    "srdi_valid_until": _valid_until("zjtx_sme"),
    "little_giant_level": _level("little_giant", ("national", "provincial")),
    "little_giant_valid_until": _valid_until("little_giant"),
}


def registry_value(p: EnterpriseProfile, as_of: dt.date, fact):
    """A registry membership fact on ``as_of`` from the profile's registry entries: a boolean is
    TRUE while an entry is valid, FALSE if the enterprise was listed but is not on that day; a
    code is the tier held ('none' then); unknown (None) if the registry never listed it."""
    entries = [e for e in p.registries or () if e.registry == fact.registry]
    if not entries:
        return None
    valid = [e for e in entries if e.valid_on(as_of)]
    if fact.type == "boolean":
        return bool(valid)
    if not valid:
        return "none"
    return max(valid, key=lambda e: e.valid_from).tier


def _events_in_focus(p: EnterpriseProfile, as_of: dt.date) -> dict[str, Any]:
    focus: dict[str, Any] = {}
    for event in sorted(p.events or (), key=lambda e: e.date):
        if event.date <= as_of:
            focus[event.type] = event  # later ones replace earlier: the latest wins
    return focus


def profile_to_facts(profile: EnterpriseProfile, as_of: dt.date,
                     focus: dict[str, Any] | None = None, period_names: Iterable[str] = ()) -> dict[str, Any]:
    """Every catalogue fact → its value on ``as_of`` (None = unknown); and each period-qualified
    fact of ``period_names`` (``revenue@2021``, ``revenue@last_year`` …, rules/periods.py)."""
    focus = _events_in_focus(profile, as_of) if focus is None else focus
    facts: dict[str, Any] = {}
    for name, fact in catalogue().facts.items():
        if fact.event:
            event = focus.get(fact.event)
            attribute = name.split(".", 1)[1]
            facts[name] = getattr(event, attribute, None) if event is not None else None
        elif name in EXTRACTORS:
            facts[name] = EXTRACTORS[name](profile, as_of)
        elif fact.registry:
            facts[name] = registry_value(profile, as_of, fact)
            if facts[name] is None:  # a list zhida does not keep for this enterprise: as given, if given
                facts[name] = profile.other_facts.get(name)
        elif fact.temporal == "yearly":
            year = year_of(fact, as_of)
            facts[name] = period_value(profile, name, periods.year(year)) if year >= 1 else None
        else:
            facts[name] = profile.other_facts.get(name)
    for ident, judged in (profile.judgements or {}).items():  # open.<id>: the evaluators read it as judged
        facts[f"open.{ident}"] = judged.met
    for name in period_names:
        base, spec = periods.split(name)
        period = periods.resolve(spec, as_of)
        facts[name] = None if period is None else period_value(profile, base, period)
    return facts


def year_of(fact, as_of: dt.date) -> int:
    # Yearly facts are the last complete year, except those the catalogue labels 本年度/当年.
    this_year = "本年度" in fact.label_zh or "当年" in fact.label_zh or fact.name in THIS_YEAR_FACTS
    return as_of.year if this_year else as_of.year - 1


def event_fact_rows(profile: EnterpriseProfile, as_of: dt.date) -> list[dict[str, Any]]:
    """One facts dict per event on or before as_of (each in focus in turn); at least one row."""
    base = _events_in_focus(profile, as_of)
    rows = [profile_to_facts(profile, as_of, {**base, e.type: e})
            for e in profile.events or () if e.date <= as_of]
    return rows or [profile_to_facts(profile, as_of, base)]


def profiles_to_table(profiles: Iterable[EnterpriseProfile], as_of: dt.date,
                      period_names: Iterable[str] | None = None, judgements: Iterable[str] = ()) -> pa.Table:
    """Columnar facts for many profiles: identity columns + one column per catalogue fact (and per
    period-qualified fact the rules read, and per judged open criterion id, see arrow_schema)."""
    from zhida.rules.sql import judgement_column

    periods_read = list(default_period_names() if period_names is None else period_names)
    judgements = list(judgements)
    schema = arrow_schema(periods_read, judgements)
    names = list(catalogue().facts) + periods_read
    columns: dict[str, list] = {f.name: [] for f in schema}
    for profile in profiles:
        columns["uscc"].append(profile.uscc)
        columns["name"].append(profile.name)
        facts = profile_to_facts(profile, as_of, period_names=periods_read)
        for name in names:
            columns[catalogue().get(name).column].append(facts[name])
        for ident in judgements:
            columns[judgement_column(ident)].append(facts.get(f"open.{ident}"))
    table = pa.Table.from_pydict(columns, schema=schema)
    return table.replace_schema_metadata({"zhida.as_of": as_of.isoformat(), "zhida.profile_schema": "1.0"})

