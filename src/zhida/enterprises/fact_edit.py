"""Supplying one missing fact in place: where a catalogue fact lives in the profile, how its form
field reads, and the new profile (validated by the profile model, so nothing invalid is stored).

Facts the web form can set: profile fields (ownership, taxpayer type, …), yearly figures of the
year the checkup reads, other catalogue facts (point in time / yearly), attributes of the event
in focus, and holding a qualification. Identity facts (region, industry, entity type) are not
"missing" and are not edited here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from zhida.enterprises.facts import THIS_YEAR_FACTS, catalogue
from zhida.enterprises.profile import EnterpriseProfile
from zhida.errors import DataError, RuleError

PROFILE_FIELDS = ("ownership", "taxpayer_type", "listing_status", "restricted_industry", "core_ip")
FIGURE_FIELDS = {"employees": "employees", "revenue": "revenue", "total_assets": "total_assets",
                 "taxable_income": "taxable_income", "rd_expense": "rd_expense",
                 "above_designated_size": "above_designated_size",
                 "unemployment_insurance_paid_last_year": "unemployment_insurance_paid"}
# qualification facts: fact → (qualification type, what the value means)
QUALIFICATION_FACTS = {"high_tech_enterprise": ("high_tech", "flag"), "tech_sme": ("tech_sme", "flag"),
                       "srdi_level": ("zjtx_sme", "level"), "little_giant_level": ("little_giant", "level")}
NOT_EDITABLE = {"entity_type", "region_code", "special_zone", "industry_code"}
UNIT_HINT = {"money": "元", "percent": "%"}


@dataclass(frozen=True)
class FactField:
    """What the form shows for one fact: label, input kind and (for codes) the choices."""

    name: str
    label: str
    kind: str  # number | boolean | date | choice | text
    unit: str | None
    choices: tuple[tuple[str, str], ...]  # (value, Chinese label)
    help: str


def code_labels(fact) -> dict[str, str]:
    """Chinese labels of a code fact's values (the catalogue's ``values: {code: 标签}``)."""
    return {value: fact.value_label(value) for value in fact.values or ()}


def field_for(name: str) -> FactField | None:
    fact = catalogue().get(name)
    if fact is None or name in NOT_EDITABLE:
        return None
    label = fact.label_zh
    if fact.event:
        label = f"{catalogue().events.get(fact.event, {}).get('label_zh', fact.event)}·{label}"
    if name in QUALIFICATION_FACTS and QUALIFICATION_FACTS[name][1] == "level":
        choices = tuple((v, fact.value_label(v)) for v in (fact.values or ()) if v != "none")
        return FactField(name, label, "choice", None, choices, "持有的资质等级（将记入资质清单）")
    if fact.type == "boolean":
        return FactField(name, label, "boolean", None, (("true", "是"), ("false", "否")), fact.description)
    if fact.type == "code" and fact.values:
        return FactField(name, label, "choice", None, tuple(code_labels(fact).items()), fact.description)
    if fact.type in ("money", "integer", "decimal", "percent"):
        unit = UNIT_HINT.get(fact.type) or fact.unit
        if fact.type == "money" and fact.currency == "USD":
            unit = "美元"
        return FactField(name, label, "number", unit, (), fact.description)
    if fact.type == "date":
        return FactField(name, label, "date", None, (), fact.description)
    return FactField(name, label, "text", None, (), fact.description)


def parse_value(name: str, raw: str) -> Any:
    """The form's text → the fact's typed value; DataError naming the field on bad input."""
    fact = catalogue().get(name)
    if fact is None:
        raise DataError(name, "不是事实目录中的事实")
    text = (raw or "").strip()
    if not text:
        raise DataError(name, "请填写一个值（未知的事实保持为空即可，不必提交）")
    if len(text) > 200:
        raise DataError(name, "输入过长（最多200个字符）")
    if fact.type == "percent":  # the form takes 35 for 35%; the catalogue stores 0.35
        text = text.rstrip("%").strip()
        try:
            from decimal import InvalidOperation

            return catalogue().check_value(name, Decimal(text.replace(",", "")) / 100)
        except (InvalidOperation, RuleError):
            raise DataError(name, f"“{text}”不是百分数") from None
    try:
        value = catalogue().check_value(name, text)
    except RuleError:
        raise DataError(name, _reason_zh(fact, text)) from None
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool) and abs(value) >= TOO_LARGE:
        raise DataError(name, "数值过大，超出可处理的范围，请核对")
    return value


# 1e400 passed as a finite number and then failed in every later step (money text, totals): a 500
TOO_LARGE = Decimal(10) ** 18


def _reason_zh(fact, text: str) -> str:
    """One Chinese line; the catalogue's English reason stays out of the page."""
    kind = {"money": "金额（元）", "integer": "整数", "decimal": "数字", "boolean": "是/否", "date": "日期 YYYY-MM-DD",
            "code": "列表中的选项"}.get(fact.type, "有效值")
    return f"应为{kind}，“{text}”不符合"


def supply(profile: EnterpriseProfile, name: str, value: Any, as_of: dt.date) -> EnterpriseProfile:
    """A copy of ``profile`` where fact ``name`` has ``value`` on ``as_of`` (validated)."""
    fact = catalogue().get(name)
    if fact is None or name in NOT_EDITABLE:
        raise DataError(name, "此事实不能在此处修改")
    data = profile.model_dump(mode="json", exclude_none=True)
    if name in PROFILE_FIELDS:
        data[name] = value
    elif name in FIGURE_FIELDS:
        year = as_of.year if name in THIS_YEAR_FACTS else as_of.year - 1
        data.setdefault("figures", {}).setdefault(str(year), {})[FIGURE_FIELDS[name]] = _json(value)
    elif name == "graduates_hired":
        data.setdefault("figures", {}).setdefault(str(as_of.year), {})["graduates_hired"] = value
    elif name in QUALIFICATION_FACTS:
        _qualification(data, name, value, as_of)
    elif fact.event:
        _event_attribute(data, fact, value, as_of)
    elif fact.temporal == "yearly":
        this_year = "本年度" in fact.label_zh or "当年" in fact.label_zh or name in THIS_YEAR_FACTS
        year = as_of.year if this_year else as_of.year - 1
        data.setdefault("figures", {}).setdefault(str(year), {}).setdefault("other", {})[name] = _json(value)
    else:
        data.setdefault("other_facts", {})[name] = _json(value)
    try:
        return EnterpriseProfile.model_validate(data)
    except ValueError as exc:
        first = str(exc).splitlines()
        raise DataError(name, " ".join(first[1:3]).strip() or first[0]) from None


def _json(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "as_tuple"):  # Decimal: exact, as a string
        return str(value)
    return value


def _qualification(data: dict, name: str, value: Any, as_of: dt.date) -> None:
    qtype, meaning = QUALIFICATION_FACTS[name]
    quals = data.get("qualifications") or []
    held = [q for q in quals if q["type"] == qtype]
    if meaning == "flag" and value is False or meaning == "level" and value == "none":
        # stated for this type only ("held": false); the other types stay as they were
        data["qualifications"] = [*(q for q in quals if q not in held), {"type": qtype, "held": False}]
        return
    held = [q for q in held if q.get("held", True)]
    if held:
        raise DataError(name, "已有该类资质记录，请核对资质清单（有效期）后再修改")
    entry: dict[str, Any] = {"type": qtype}  # validity unknown = open bounds
    if meaning == "level":
        entry["level"] = value
    data["qualifications"] = [*(q for q in quals if q["type"] != qtype), entry]


def _event_attribute(data: dict, fact, value: Any, as_of: dt.date) -> None:
    """Set the attribute on the event in focus (latest of its type on or before as_of), or record
    a new event of that type dated ``as_of``."""
    events = data.get("events") or []
    attribute = fact.name.split(".", 1)[1]
    candidates = [e for e in events if e["type"] == fact.event and dt.date.fromisoformat(e["date"]) <= as_of]
    if candidates:
        target = max(candidates, key=lambda e: e["date"])
    else:
        target = {"type": fact.event, "date": as_of.isoformat()}
        events.append(target)
    target[attribute] = _json(value)
    data["events"] = events
