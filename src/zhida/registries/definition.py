"""A registry declared as data (``policies/registries/*.yaml``): name, keeping unit, level, tiers,
validity and review cycle, and entry criteria in the rule expression language, versioned with
effective dates — the version in force on the evaluation date applies.

Each (tier, criteria version) becomes a ``rules.model.Measure`` (kind qualification, jurisdiction
the registry's region), so the same criteria run on every batch engine and explain themselves in
the scalar evaluator. Every quote must be found in its source: a seed document
(``policies/sources``) or a legal excerpt of ``policies/registries/sources`` (with the public copy
it was checked against).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

from zhida import config
from zhida.errors import RuleError
from zhida.rules import model as m
from zhida.rules.expr import BOOLEAN, parse, typecheck
from zhida.rules.sources import squash
from zhida.rules.yamlio import load_yaml

LEVELS = {"national": "国家级", "city": "市级", "district": "区级"}
NAME = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
DEFAULT_TIER = "member"


@dataclass(frozen=True)
class Criteria:
    version: str
    effective_from: date
    effective_to: date | None
    measure: m.Measure  # conditions + open criteria, as a qualification measure

    def in_force(self, on: date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)


@dataclass(frozen=True)
class Tier:
    code: str
    label: str
    criteria: tuple[Criteria, ...] = ()

    def criteria_on(self, on: date) -> Criteria | None:
        found = [c for c in self.criteria if c.in_force(on)]
        return max(found, key=lambda c: c.effective_from) if found else None


@dataclass
class Registry:
    name: str
    label: str
    unit: str
    level: str
    region: str
    ladder: bool
    fact: str | None
    tier_fact: str | None
    tiers: list[Tier]
    validity_years: int | None = None
    review_months: int | None = None
    quotes: dict[str, dict] = field(default_factory=dict)  # validity / review → {document, quote}
    file: str = ""

    @property
    def level_label(self) -> str:
        return LEVELS[self.level]

    def tier(self, code: str | None) -> Tier:
        code = code or self.tiers[0].code
        for t in self.tiers:
            if t.code == code:
                return t
        raise RuleError("tier", f"{self.label}没有层级或类别“{code}”")

    def tier_label(self, code: str | None) -> str:
        return next((t.label for t in self.tiers if t.code == code), code or "")

    def rank(self, code: str | None) -> int:
        return next((i for i, t in enumerate(self.tiers) if t.code == code), -1)

    def measures_on(self, on: date) -> list[tuple[Tier, Criteria]]:
        """The criteria in force on ``on``, per tier (tiers with none in force are left out)."""
        return [(t, c) for t in self.tiers if (c := t.criteria_on(on)) is not None]


def _text(library, document: str, where: str) -> str:
    own = registry_sources() / f"{document}.txt"
    if own.is_file():
        return own.read_text(encoding="utf-8")
    return library.get(library.resolve(document, where)).original


def registry_sources() -> Path:
    return config.policies_subdir("registries") / "sources"


def _date(value, where: str) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise RuleError(where, f"bad date {value!r} (YYYY-MM-DD)") from None


def _criteria(raw: dict, reg: dict, tier: str, policies, at: str) -> Criteria:
    version = str(raw.get("version") or "")
    where = f"{at} criteria[{version}]"
    if not version:
        raise RuleError(f"{where}.version", "required")
    start = _date(raw.get("from"), f"{where}.from")
    if start is None:
        raise RuleError(f"{where}.from", "required: the date the criteria take effect")
    end = _date(raw.get("to"), f"{where}.to")
    document = str(raw.get("document") or "")
    text = squash(_text(policies.library, document, f"{where}.document"))

    def quoted(quote, here):
        if not quote or squash(str(quote)) not in text:
            raise RuleError(here, f"quote not found in {document}: {str(quote)[:40]!r}")

    opens = []
    for i, oc in enumerate(raw.get("open_criteria") or []):
        if not isinstance(oc, dict) or not re.fullmatch(r"[a-z][a-z0-9_]*", str(oc.get("id"))) or not oc.get("label"):
            raise RuleError(f"{where}.open_criteria[{i}]", "each open criterion is {id (lower_snake_case), label, quote}")
        quoted(oc.get("quote"), f"{where}.open_criteria[{i}].quote")
        opens.append(m.OpenCriterion(str(oc["id"]), str(oc["label"]), str(oc["quote"])))
    scope = policies.scope(o.id for o in opens)
    conditions = []
    for i, c in enumerate(raw.get("conditions") or []):
        here = f"{where}.conditions[{c.get('id') if isinstance(c, dict) else i}]"
        if not isinstance(c, dict) or not c.get("id") or not c.get("label"):
            raise RuleError(here, "each condition is {id, expr, label, quote}")
        ast = parse(c.get("expr"), f"{here}.expr")
        if typecheck(ast, scope, f"{here}.expr") != BOOLEAN:
            raise RuleError(f"{here}.expr", f"{c.get('expr')!r} is not a condition (true/false)")
        quoted(c.get("quote"), f"{here}.quote")
        conditions.append(m.Condition(str(c["id"]), str(c["expr"]), ast, ast, str(c["label"]), str(c["quote"])))
    if not conditions:
        raise RuleError(f"{where}.conditions", "at least one condition (an open criterion where the text gives none)")
    uses = sorted({n for c in conditions for n in _names(c.ast) if n in policies.concepts})
    measure = m.Measure(
        id=f"registry.{reg['name']}.{tier}.{version}", title=f"{reg['label']}·{tier}", document=document,
        benefit=f"registry.{reg['name']}", kind="qualification", beneficiary="enterprise",
        sources=[m.Source(document, "", conditions[0].quote or "")], jurisdiction=[str(reg["region"])],
        period=m.Period(), application="unknown", responsible_units=[str(reg["unit"])],
        review={"status": "reviewed"}, conditions=conditions, open_criteria=opens, uses=uses,
        file=reg.get("_file", ""))
    return Criteria(version, start, end, measure)


def _names(node) -> list[str]:
    from zhida.rules.expr import columns

    return columns(node)


def _registry(raw: dict, path: Path, policies) -> Registry:
    at = path.name
    name = raw.get("name")
    if not isinstance(name, str) or not NAME.match(name):
        raise RuleError(f"{at} name", "a registry name is lower-case words joined by '-'")
    raw = {**raw, "_file": path.name}
    for key in ("label", "unit", "level", "region"):
        if not raw.get(key):
            raise RuleError(f"{at} {key}", "required")
    if raw["level"] not in LEVELS:
        raise RuleError(f"{at} level", f"{raw['level']!r} is not one of {', '.join(LEVELS)}")
    if not re.fullmatch(r"\d{6}", str(raw["region"])):
        raise RuleError(f"{at} region", "a GB/T 2260 code")
    cat = policies.catalogue
    for key, kind in (("fact", "boolean"), ("tier_fact", "code")):
        if raw.get(key) is None:
            continue
        fact = cat.facts.get(raw[key])
        if fact is None or fact.type != kind or fact.registry != name:
            raise RuleError(f"{at} {key}", f"{raw[key]!r} must be a {kind} catalogue fact with registry: {name}")
    shared = raw.get("criteria")
    tiers = []
    for i, t in enumerate(raw.get("tiers") or [{"code": DEFAULT_TIER, "label": raw["label"]}]):
        if not isinstance(t, dict) or not t.get("code") or not t.get("label"):
            raise RuleError(f"{at} tiers[{i}]", "each tier is {code, label, criteria?}")
        versions = t.get("criteria") if t.get("criteria") is not None else shared
        crit = tuple(_criteria(v, raw, str(t["code"]), policies, f"{at} tiers[{t['code']}]") for v in versions or [])
        if not crit:
            raise RuleError(f"{at} tiers[{t['code']}].criteria", "at least one criteria version")
        tiers.append(Tier(str(t["code"]), str(t["label"]), crit))
    quotes = {}
    for key in ("validity_quote", "review_quote"):
        q = raw.get(key)
        if q:
            text = squash(_text(policies.library, str(q["document"]), f"{at} {key}"))
            if squash(str(q["quote"])) not in text:
                raise RuleError(f"{at} {key}", f"quote not found: {str(q['quote'])[:40]!r}")
            quotes[key.removesuffix("_quote")] = {"document": str(q["document"]), "quote": str(q["quote"])}
    return Registry(name, str(raw["label"]), str(raw["unit"]), raw["level"], str(raw["region"]),
                    bool(raw.get("ladder")), raw.get("fact"), raw.get("tier_fact"), tiers,
                    raw.get("validity_years"), raw.get("review_months"), quotes, path.name)


def load_registries(policies=None, directory: Path | None = None) -> dict[str, Registry]:
    """Every registry of ``directory`` (default ``policies/registries``); RuleError names file and field."""
    if policies is None:
        from zhida.matching.match import load_default_policies

        policies = load_default_policies()
    directory = directory or config.policies_subdir("registries")
    out: dict[str, Registry] = {}
    for path in sorted(directory.glob("*.yaml")):
        reg = _registry(load_yaml(path) or {}, path, policies)
        if reg.name in out:
            raise RuleError(f"{path.name} name", f"registry {reg.name!r} declared twice")
        out[reg.name] = reg
    return out


@cache
def _default() -> dict[str, Registry]:
    return load_registries()


def registries() -> dict[str, Registry]:
    """The project's registries (loaded once)."""
    return _default()


def get(name: str, known: dict[str, Registry] | None = None) -> Registry:
    known = registries() if known is None else known
    if name not in known:
        raise RuleError("registry", f"没有名为“{name}”的企业库")
    return known[name]
