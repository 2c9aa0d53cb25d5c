"""Caps, stacking and 免申即享 flags declared as data (``policies/payouts/*.yaml``), validated on load.

Every declaration that cites the text is checked against it like the rules' quotes are: the quote
must be in the cited clause (whitespace aside), and a cap's amount must be one of the quote's
amounts (read by the same extractor that reads the documents). Measure ids must exist. A unit's
decision (no text says so) names the unit and its note instead of a quote.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from zhida import config
from zhida.documents.extract.money import extract_amounts
from zhida.documents.script import to_simplified
from zhida.errors import RuleError
from zhida.rules.sources import squash
from zhida.rules.yamlio import load_yaml

RELATIONS = {"exclusive": "同一事项不得重复享受", "highest": "就高不重复", "stackable": "可叠加享受"}
PAYERS = ("市级", "区级", "省级", "国家")


@dataclass(frozen=True)
class Quote:
    document: str
    clause: str
    quote: str


@dataclass(frozen=True)
class Cap:
    id: str
    label: str
    measures: tuple[str, ...]
    per: str  # year | total
    amount: Decimal
    source: Quote
    payer: str | None = None


@dataclass(frozen=True)
class StackRule:
    id: str
    label: str
    relation: str
    measures: tuple[str, ...]
    basis: str  # text | unit
    source: Quote | None = None
    decided_by: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class ExemptMark:
    measure: str
    basis: str  # text (the measure's application_quote) | unit
    payer: str
    pay_within: int  # working days from 意愿确认 to 拨付到账
    quote: str | None = None
    decided_by: str | None = None
    note: str | None = None


@dataclass
class Declarations:
    caps: list[Cap] = field(default_factory=list)
    stacking: list[StackRule] = field(default_factory=list)
    exempt: dict[str, ExemptMark] = field(default_factory=dict)

    def caps_of(self, measure_id: str) -> list[Cap]:
        return [c for c in self.caps if measure_id in c.measures]

    def stacking_of(self, measure_id: str) -> list[StackRule]:
        return [r for r in self.stacking if measure_id in r.measures]


def directory(root: Path | str | None = None) -> Path:
    return config.policies_subdir("payouts", root)


def load(policies, root: Path | str | None = None) -> Declarations:
    base = directory(root)
    out = Declarations()
    caps = _file(base / "caps.yaml", "caps")
    for i, raw in enumerate(caps):
        out.caps.append(_cap(raw, f"caps.yaml caps[{i}]", policies))
    for i, raw in enumerate(_file(base / "stacking.yaml", "rules")):
        out.stacking.append(_stack(raw, f"stacking.yaml rules[{i}]", policies))
    for m in policies.measures.values():  # the text says 免申即享
        if m.application == "免申即享":
            out.exempt[m.id] = ExemptMark(m.id, "text", _payer_of(m), 2, quote=m.application_quote)
    for i, raw in enumerate(_file(base / "exempt.yaml", "measures")):
        mark = _exempt(raw, f"exempt.yaml measures[{i}]", policies)
        out.exempt[mark.measure] = mark
    _unique([c.id for c in out.caps], "caps.yaml")
    _unique([r.id for r in out.stacking], "stacking.yaml")
    return out


_MEMO: dict[int, Declarations] = {}


def for_policies(policies) -> Declarations:
    """The declarations of the loaded policies, loaded once per Policies object."""
    key = id(policies)
    if key not in _MEMO:
        _MEMO[key] = load(policies, policies.root)
    return _MEMO[key]


def _file(path: Path, key: str) -> list:
    if not path.is_file():
        return []
    data = load_yaml(path) or {}
    items = data.get(key) if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise RuleError(path.name, f"expected a list under {key!r}")
    return items


def _unique(ids: list[str], where: str) -> None:
    seen = set()
    for ident in ids:
        if ident in seen:
            raise RuleError(where, f"id {ident!r} declared twice")
        seen.add(ident)


def _measures(raw, where: str, policies, least: int = 1) -> tuple[str, ...]:
    if not isinstance(raw, list) or len(raw) < least:
        raise RuleError(f"{where}.measures", f"a list of at least {least} measure id(s)")
    for ident in raw:
        if str(ident) not in policies.measures:
            raise RuleError(f"{where}.measures", f"no such measure {ident!r}")
    return tuple(str(i) for i in raw)


def _quote(raw, where: str, policies) -> Quote:
    if not isinstance(raw, dict) or not raw.get("document") or not raw.get("clause") or not raw.get("quote"):
        raise RuleError(f"{where}.source", "{document, clause, quote}")
    key = policies.library.resolve(str(raw["document"]), f"{where}.source.document")
    text = policies.library.get(key).clause_text(str(raw["clause"]), f"{where}.source.clause")
    if squash(str(raw["quote"])) not in squash(text):
        raise RuleError(f"{where}.source.quote", f"not found in {key} clause {raw['clause']}: {str(raw['quote'])[:40]!r}")
    return Quote(key, str(raw["clause"]), str(raw["quote"]))


def _cap(raw, where: str, policies) -> Cap:
    if not isinstance(raw, dict) or not raw.get("id"):
        raise RuleError(where, "{id, label, measures, per, amount, source}")
    where = f"{where} {raw['id']}"
    if raw.get("per") not in ("year", "total"):
        raise RuleError(f"{where}.per", "year or total")
    try:
        amount = Decimal(str(raw.get("amount")))
    except ArithmeticError:
        raise RuleError(f"{where}.amount", f"{raw.get('amount')!r} is not an amount in yuan") from None
    if not amount.is_finite() or amount <= 0:
        raise RuleError(f"{where}.amount", "a positive amount in yuan")
    source = _quote(raw.get("source"), where, policies)
    stated = {a.value for a in extract_amounts(to_simplified(source.quote)[0])}
    if amount not in stated:
        raise RuleError(f"{where}.amount", f"{amount} is not an amount of the quote ({', '.join(map(str, sorted(stated))) or 'none'})")
    payer = raw.get("payer")
    if payer is not None and payer not in PAYERS:
        raise RuleError(f"{where}.payer", f"one of {', '.join(PAYERS)}")
    return Cap(str(raw["id"]), str(raw.get("label") or raw["id"]), _measures(raw.get("measures"), where, policies),
               raw["per"], amount, source, payer)


def _stack(raw, where: str, policies) -> StackRule:
    if not isinstance(raw, dict) or not raw.get("id"):
        raise RuleError(where, "{id, label, relation, measures, basis, source | decided_by + note}")
    where = f"{where} {raw['id']}"
    if raw.get("relation") not in RELATIONS:
        raise RuleError(f"{where}.relation", " | ".join(RELATIONS))
    measures = _measures(raw.get("measures"), where, policies, least=2)
    benefits = {policies.measures[m].benefit for m in measures}
    if len(benefits) < len(measures):
        raise RuleError(f"{where}.measures", "measures sharing a benefit id are one benefit already (no entry needed)")
    basis = raw.get("basis")
    if basis == "text":
        return StackRule(str(raw["id"]), str(raw.get("label") or raw["id"]), raw["relation"], measures, "text",
                         source=_quote(raw.get("source"), where, policies))
    if basis == "unit":
        if not raw.get("decided_by") or not raw.get("note"):
            raise RuleError(where, "a unit's decision names decided_by and its note")
        return StackRule(str(raw["id"]), str(raw.get("label") or raw["id"]), raw["relation"], measures, "unit",
                         decided_by=str(raw["decided_by"]), note=str(raw["note"]))
    raise RuleError(f"{where}.basis", "text (with source) or unit (with decided_by, note)")


def _exempt(raw, where: str, policies) -> ExemptMark:
    if not isinstance(raw, dict) or str(raw.get("measure")) not in policies.measures:
        raise RuleError(f"{where}.measure", f"no such measure {raw.get('measure') if isinstance(raw, dict) else raw!r}")
    m = policies.measures[str(raw["measure"])]
    where = f"{where} {m.id}"
    if m.amount is None or m.amount.kind == "not_stated":
        raise RuleError(where, "免申即享 needs an amount the rule computes (this measure states none)")
    payer = raw.get("payer") or _payer_of(m)
    if payer not in PAYERS:
        raise RuleError(f"{where}.payer", f"one of {', '.join(PAYERS)}")
    days = raw.get("pay_within", 2)
    if not isinstance(days, int) or not 1 <= days <= 30:
        raise RuleError(f"{where}.pay_within", "working days from 意愿确认 to 拨付到账, 1–30")
    if raw.get("basis") == "text":
        if m.application != "免申即享":
            raise RuleError(f"{where}.basis", "text: the measure's own application must be 免申即享 (with its quote)")
        return ExemptMark(m.id, "text", payer, days, quote=m.application_quote)
    if raw.get("basis") != "unit" or not raw.get("decided_by") or not raw.get("note"):
        raise RuleError(f"{where}.basis", "unit, with decided_by and note (or text: the measure says 免申即享)")
    return ExemptMark(m.id, "unit", payer, days, decided_by=str(raw["decided_by"]), note=str(raw["note"]))


def _payer_of(m) -> str:
    payers = m.amount.payers if m.amount else []
    if len(payers) == 1 and payers[0].payer in PAYERS:
        return payers[0].payer
    return "区级" if any(u.startswith("区") for u in m.responsible_units) else "市级"
