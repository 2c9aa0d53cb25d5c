"""The fact catalogue: every enterprise fact a rule may name, with its type and unit.

Facts come from ``policies/facts/*.yaml`` (merged; a duplicate name is an error). Event facts
carry dated attributes, referenced as ``event.attribute`` in expressions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from zhida.errors import RuleError

FACT_TYPES = ("money", "integer", "decimal", "percent", "boolean", "date", "code", "text")
TEMPORAL = ("point_in_time", "yearly", "event")
NUMERIC_TYPES = ("money", "integer", "decimal", "percent")


@dataclass(frozen=True)
class Fact:
    name: str  # as referenced in expressions: "employees" or "equipment_purchase.unit_value"
    type: str
    label_zh: str
    description: str = ""
    temporal: str = "point_in_time"
    unit: str | None = None
    values: tuple[str, ...] | None = None  # allowed codes
    value_labels: tuple[tuple[str, str], ...] = ()  # (code, Chinese label): what a user sees for a code
    pattern: str | None = None  # regex a code/text value must match
    event: str | None = None  # for event attributes: the event name
    flow: bool = False  # yearly flows (营业收入) add up over months/quarters; stocks (从业人员) do not
    registry: str | None = None  # membership of this registry (policies/registries): supplied from its entries

    @property
    def column(self) -> str:
        """Column name in an enterprise facts table (SQL has no dotted column names;
        ``revenue@2021`` → ``revenue__p2021``, see rules/periods.py)."""
        if "@" in self.name:
            from zhida.rules.periods import column_name

            return column_name(self.name)
        return self.name.replace(".", "__")

    def value_label(self, code) -> str:
        """The Chinese word for one of this code fact's values (the code itself if it has none)."""
        return dict(self.value_labels).get(str(code), str(code))

    @property
    def currency(self) -> str | None:
        if self.type != "money":
            return None
        return "USD" if (self.unit or "").upper() in ("USD", "美元") else "CNY"


@dataclass(frozen=True)
class Zone:
    code: str
    label_zh: str
    region: str
    description: str = ""


@dataclass
class Catalogue:
    facts: dict[str, Fact] = field(default_factory=dict)
    events: dict[str, dict] = field(default_factory=dict)  # event name → {label_zh, description, attributes}
    zones: dict[str, Zone] = field(default_factory=dict)
    origin: dict[str, str] = field(default_factory=dict)  # fact name → file it came from

    def get(self, name: str) -> Fact | None:
        found = self.facts.get(name)
        if found is None and "@" in name:
            return self.period_fact(name)
        return found

    def period_fact(self, name: str) -> Fact | None:
        """``revenue@2021``: the yearly fact ``revenue`` read for a period (rules/periods.py);
        None unless the base is a yearly fact and the period is written canonically."""
        from zhida.rules.periods import canonical_spec, split

        base_name, spec = split(name)
        base = self.facts.get(base_name)
        if base is None or base.temporal != "yearly" or not spec:
            return None
        try:
            if canonical_spec(spec) != spec or spec == "policy":
                return None
        except ValueError:
            return None
        return Fact(name=name, type=base.type, label_zh=base.label_zh, description=base.description,
                    temporal="period", unit=base.unit, values=base.values, value_labels=base.value_labels, pattern=base.pattern, flow=base.flow)

    def register_period(self, name: str) -> Fact:
        """Add a period-qualified fact a rule reads to ``facts`` (so facts tables get its column)."""
        fact = self.facts.get(name) or self.period_fact(name)
        if fact is None:
            raise RuleError(name, "not a yearly fact with a period")
        self.facts.setdefault(name, fact)
        return fact

    def period_names(self) -> list[str]:
        """The period-qualified facts registered (those the loaded rules read)."""
        return [n for n, f in self.facts.items() if f.temporal == "period"]

    def base(self, name: str) -> Fact | None:
        """The catalogue fact a (possibly period-qualified) name reads."""
        return self.facts.get(name.partition("@")[0])

    def check_value(self, name: str, value):
        """Coerce a profile value to the fact's Python type; RuleError if it does not fit."""
        from zhida.rules.values import coerce

        fact = self.get(name)
        if fact is None:
            raise RuleError(name, "unknown fact")
        return coerce(fact, value)


def _fact(where: str, raw: dict, event: str | None = None) -> Fact:
    if not isinstance(raw, dict):
        raise RuleError(where, "a fact must be a mapping")
    name = raw.get("name")
    if not isinstance(name, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", name):
        raise RuleError(where, f"fact name {name!r} must be lower_snake_case")
    ftype = raw.get("type")
    if ftype not in FACT_TYPES:
        raise RuleError(f"{where} {name}.type", f"{ftype!r} is not one of {', '.join(FACT_TYPES)}")
    if not raw.get("label_zh"):
        raise RuleError(f"{where} {name}.label_zh", "a Chinese label is required")
    values = raw.get("values")
    if values is not None and (ftype != "code" or not isinstance(values, (list, dict))):
        raise RuleError(f"{where} {name}.values", "values is a mapping code → Chinese label, for code facts only")
    labels = tuple((str(k), str(v)) for k, v in values.items() if v) if isinstance(values, dict) else ()
    full = f"{event}.{name}" if event else name
    return Fact(
        name=full,
        type=ftype,
        label_zh=str(raw["label_zh"]),
        description=str(raw.get("description") or ""),
        temporal="event" if event else raw.get("temporal", "point_in_time"),
        unit=raw.get("unit"),
        values=tuple(str(v) for v in values) if values else None,
        value_labels=labels,
        pattern=raw.get("pattern"),
        event=event,
        flow=bool(raw.get("flow", False)),
        registry=str(raw["registry"]) if raw.get("registry") else None,
    )


def load_catalogue(paths: list[Path]) -> Catalogue:
    """Merge fact files; RuleError on the first malformed entry or duplicate name."""
    cat = Catalogue()
    for path in sorted(paths):
        from zhida.rules.yamlio import load_yaml

        data = load_yaml(path) or {}
        for zone in data.get("zones") or []:
            code = str(zone.get("code"))
            if code in cat.zones:
                raise RuleError(f"{path} zones.{code}", "zone defined twice")
            cat.zones[code] = Zone(code, zone.get("label_zh", code), str(zone.get("region", "")), zone.get("description", ""))
        for raw in data.get("facts") or []:
            where = str(path)
            temporal = raw.get("temporal", "point_in_time") if isinstance(raw, dict) else None
            if temporal not in TEMPORAL:
                raise RuleError(f"{where} {raw.get('name')}.temporal", f"{temporal!r} is not one of {', '.join(TEMPORAL)}")
            if temporal == "event":
                name = raw.get("name")
                if not raw.get("attributes"):
                    raise RuleError(f"{where} {name}.attributes", "an event fact needs dated attributes")
                if name in cat.events or name in cat.facts:
                    raise RuleError(f"{where} {name}", f"defined twice (also in {cat.origin.get(name)})")
                cat.events[name] = {"label_zh": raw.get("label_zh", name), "description": raw.get("description", ""),
                                    "attributes": []}
                cat.origin[name] = str(path)
                for attr in raw["attributes"]:
                    fact = _fact(f"{where} {name}.attributes", attr, event=name)
                    cat.facts[fact.name] = fact
                    cat.events[name]["attributes"].append(fact.name)
                continue
            fact = _fact(where, raw)
            if fact.name in cat.facts or fact.name in cat.events:
                raise RuleError(f"{where} {fact.name}", f"fact defined twice (also in {cat.origin.get(fact.name)})")
            cat.facts[fact.name] = fact
            cat.origin[fact.name] = str(path)
    return cat
