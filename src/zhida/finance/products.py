"""Financial products: lender, type, amount/term/rate ranges, eligibility as conditions in the rule
language over enterprise facts (explained like measures). Entered by staff or by the lender's own
accounts; saved by ``code`` (idempotent), audited."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhida import audit
from zhida.errors import ZhidaError
from zhida.finance.lenders import declared, is_lender, lender_units
from zhida.finance.tables import FinanceProduct
from zhida.projects import criteria, values
from zhida.workflow import NotAllowed

KINDS = {"credit": "信用贷款", "xinyidai": "信易贷", "tou_dai": "投贷联动", "mid_long": "中长期贷款",
         "srdi": "专精特新贷", "guarantee": "融资担保"}


def _int(value, field: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ZhidaError(field, "应为整数（月）") from None
    if not 0 < number <= 600:
        raise ZhidaError(field, "期限应为 1–600 个月")
    return number


def _rate(value, field: str) -> Decimal | None:
    found = values.money(value, field)
    if found is not None and found > 100:
        raise ZhidaError(field, "年利率应为 0–100（%）")
    return found


def _range(low, high, field: str) -> None:
    if low is not None and high is not None and low > high:
        raise ZhidaError(field, "下限不应高于上限")


def clean(data: dict[str, Any]) -> dict[str, Any]:
    kind = str(data.get("kind") or "credit")
    if kind not in KINDS:
        raise ZhidaError("kind", f"产品类型应为{'、'.join(KINDS.values())}之一")
    lender = values.text(data.get("lender"), "lender", required=True)
    if lender not in declared():
        raise ZhidaError("lender", "金融机构应为已登记的机构之一")
    out = {"name": values.text(data.get("name"), "name", required=True), "kind": kind, "lender": lender,
           "amount_min": values.money(data.get("amount_min"), "amount_min"),
           "amount_max": values.money(data.get("amount_max"), "amount_max"),
           "term_min": _int(data.get("term_min"), "term_min"), "term_max": _int(data.get("term_max"), "term_max"),
           "rate_min": _rate(data.get("rate_min"), "rate_min"), "rate_max": _rate(data.get("rate_max"), "rate_max"),
           "description": values.text(data.get("description"), "description", limit=2000),
           "conditions": criteria.check(data.get("conditions") or [], criteria.enterprise_policies(), "conditions"),
           "active": values.boolean(data.get("active", True), "active") is not False}
    _range(out["amount_min"], out["amount_max"], "amount_max")
    _range(out["term_min"], out["term_max"], "term_max")
    _range(out["rate_min"], out["rate_max"], "rate_max")
    return out


def may_edit(person, lender: str) -> bool:
    if person.role == "admin":
        return True
    if is_lender(person):
        return lender in lender_units(person)
    return person.role == "staff"


def save(session: Session, person, data: dict[str, Any], *, now: datetime) -> tuple[FinanceProduct, bool]:
    fields = clean(data)
    code = values.text(data.get("code"), "code", limit=64, required=True)
    if not may_edit(person, fields["lender"]):
        raise NotAllowed("lender", "金融机构账户只能维护本机构的产品")
    product = session.scalar(select(FinanceProduct).where(FinanceProduct.code == code))
    if product is not None:
        if not may_edit(person, product.lender):
            raise NotAllowed("code", "该产品属于其他金融机构")
        before = snapshot(product)
        for key, value in fields.items():
            setattr(product, key, value)
        if snapshot(product) != before:
            product.updated_at = now
            audit.record(session, actor=person.username, actor_id=person.user_id, action="finance_product_update",
                         entity="finance_product", entity_id=str(product.id), before=before, after=snapshot(product))
        return product, False
    product = FinanceProduct(code=code, created_by=person.user_id, updated_at=now, **fields)
    session.add(product)
    session.flush()
    audit.record(session, actor=person.username, actor_id=person.user_id, action="finance_product_create",
                 entity="finance_product", entity_id=str(product.id), before=None, after=snapshot(product))
    return product, True


def snapshot(product: FinanceProduct) -> dict[str, Any]:
    keys = ("name", "kind", "lender", "amount_min", "amount_max", "term_min", "term_max", "rate_min", "rate_max",
            "description", "conditions", "active")
    return {k: str(v) if isinstance(v, Decimal) else v for k, v in ((k, getattr(product, k)) for k in keys)}


def product_json(product: FinanceProduct) -> dict[str, Any]:
    from zhida.money_format import money

    def rng(low, high, fmt):
        if low is None and high is None:
            return "不限"
        return f"{fmt(low) if low is not None else '不限'} – {fmt(high) if high is not None else '不限'}"

    return {"id": product.id, "code": product.code, "name": product.name, "kind": product.kind,
            "kind_label": KINDS[product.kind], "lender": product.lender,
            "amount_min": str(product.amount_min) if product.amount_min is not None else None,
            "amount_max": str(product.amount_max) if product.amount_max is not None else None,
            "term_min": product.term_min, "term_max": product.term_max,
            "rate_min": str(product.rate_min) if product.rate_min is not None else None,
            "rate_max": str(product.rate_max) if product.rate_max is not None else None,
            "amount_text": rng(product.amount_min, product.amount_max, money),
            "term_text": rng(product.term_min, product.term_max, lambda m: f"{m}个月"),
            "rate_text": rng(product.rate_min, product.rate_max, lambda r: f"{r}%"),
            "conditions": product.conditions or [], "description": product.description, "active": product.active}


def visible_query(person):
    query = select(FinanceProduct)
    if is_lender(person):
        query = query.where(FinanceProduct.lender.in_(lender_units(person)))
    elif person.role == "enterprise":
        query = query.where(FinanceProduct.active.is_(True))
    return query
