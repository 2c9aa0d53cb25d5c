"""A catalogue fact asked as a question: its Chinese label and unit, the input it needs, its
choices, and how an answer's text becomes the fact's value.

Facts an enterprise's stored profile fixes (region, industry, entity type) cannot be edited
there (``enterprises.fact_edit``), but a visitor must be asked them: they get choices here
(districts and counties the policies cover, industry divisions), everything else reads as
``fact_edit`` would show it. Yes/no and choice questions start at 请选择 (no answer chosen).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from zhida.enterprises import industries, regions
from zhida.enterprises.fact_edit import FactField, code_labels, field_for, parse_value
from zhida.enterprises.facts import catalogue
from zhida.errors import DataError, RuleError
from zhida.rules.describe import label

PLEASE_CHOOSE = "请选择"


@dataclass(frozen=True)
class Question:
    fact: str
    label: str  # 2021年营业收入, 设备器具购置·单位价值 …
    kind: str  # number | boolean | date | choice | text
    unit: str | None
    choices: tuple[tuple[str, str], ...]  # (value, Chinese label); yes/no: 是 / 否
    help: str
    deciding: int = 0  # open measures this answer helps decide


def question(fact: str, policies, as_of) -> Question | None:
    """The question for ``fact`` (None for a fact the catalogue does not know)."""
    words = label(fact, policies, as_of)
    identity = _identity_field(fact)
    if identity is not None:  # a place or an industry is chosen by name, not typed as a code
        words = words.replace("行政区划代码", "（区县）").replace("国民经济行业代码", "所属行业")
    found = identity or field_for(fact)
    if found is None:
        return None
    return Question(fact, words, found.kind, found.unit, found.choices, found.help if identity else _help(fact))


def _help(fact: str) -> str:
    """The catalogue's description of the fact, unless it is written for rule authors (codes,
    field names); never a profile form's hint (the calculator records nothing)."""
    known = catalogue().get(fact)
    text = known.description if known is not None else ""
    return "" if any(c.isascii() and c.isalpha() for c in text) else text


def _identity_field(fact: str) -> FactField | None:
    known = catalogue().get(fact)
    if fact == "region_code" or fact.endswith(("_region_code", ".region_code")):
        return FactField(fact, known.label_zh if known else fact, "choice", None, region_choices(), "")
    if fact == "industry_code":
        return FactField(fact, known.label_zh, "choice", None, industry_choices(), "按国民经济行业分类（大类）选择")
    if fact in ("entity_type", "industry_section", "special_zone") and known is not None:
        return FactField(fact, known.label_zh, "choice", None, _code_choices(fact), "")
    return None


def _code_choices(fact: str) -> tuple[tuple[str, str], ...]:
    if fact == "industry_section":
        return tuple((code, industries.name_of(code) or code) for code in catalogue().get(fact).values)
    words = code_labels(catalogue().get(fact))
    if fact == "entity_type":  # the catalogue describes 'enterprise' as 企业（含各类公司…）
        words = {**words, "enterprise": "企业（公司、合伙企业、个人独资企业）"}
    return tuple(words.items())


def region_choices() -> tuple[tuple[str, str], ...]:
    """County-level divisions the policies serve, as 北京市朝阳区."""
    out = []
    for d in regions.served():
        parent = regions.divisions().get(d.parent) if d.parent else None
        if parent is None:
            continue
        out.append((d.code, parent.name + d.name))
    return tuple(out)


def industry_choices() -> tuple[tuple[str, str], ...]:
    return tuple((code, f"{code} {name}") for code, name in sorted(industries.divisions().items()))


def parse(q: Question, raw: Any) -> Any:
    """An answer (form text or JSON value) → the fact's typed value; DataError (Chinese) if it
    does not fit. Choices must be one of the question's."""
    text = "" if raw is None else str(raw).strip()
    if text in ("", PLEASE_CHOOSE):
        raise DataError(q.fact, f"请回答：{q.label}")
    if q.fact == "industry_code":  # the list offers 大类; a finer code (3411, C3411) is welcome too
        try:
            digits = industries.normalize(text)[1:]
        except KeyError:
            raise DataError(q.fact, f"{q.label}：请从列表中选择") from None
        if len(digits) >= 2:
            return digits
        raise DataError(q.fact, f"{q.label}：请从列表中选择")
    if q.choices and q.kind in ("choice", "boolean"):
        if text.lower() in ("是", "true"):
            text = "true" if q.kind == "boolean" else text
        elif text.lower() in ("否", "false"):
            text = "false" if q.kind == "boolean" else text
        if text not in {value for value, _ in q.choices}:
            raise DataError(q.fact, f"{q.label}：请从列表中选择")
        if q.kind == "boolean":
            return text == "true"
        try:
            return catalogue().check_value(q.fact, text)
        except RuleError:
            raise DataError(q.fact, f"{q.label}：请从列表中选择") from None
    if isinstance(raw, (int, Decimal)) and not isinstance(raw, bool):
        text = str(raw)
    return parse_value(q.fact, text)


def answer_text(q: Question, value: Any) -> str:
    """An answer as the visitor reads it back: the choice's words, 是/否, the number with its unit."""
    from zhida.rules.describe import value_text

    if q.kind == "boolean":
        return "是" if value else "否"
    if q.choices:
        words = dict(q.choices)
        if q.fact == "industry_code" and str(value) not in words:
            return industries.name_of(industries.normalize(str(value))) or str(value)
        return words.get(str(value), str(value))
    if q.kind == "number" and q.unit and q.unit not in ("元", "%"):
        return f"{value}{q.unit}"
    return value_text(value, catalogue().get(q.fact))
