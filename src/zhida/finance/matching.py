"""Needs × products, both ways, with reasons: the need's amount and term against the product's
ranges, and the product's eligibility conditions (rule language) on the enterprise's facts, each
explained. A missing fact makes the match undetermined (shown as 待补充信息), never a refusal.

A lender sees the eligibility reasons of a need only when the enterprise shared its profile:
otherwise the reasons would reveal the profile's figures."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhida.finance.lenders import is_lender
from zhida.finance.tables import FinanceNeed, FinanceProduct
from zhida.projects import criteria
from zhida.rules.evaluate import kleene_and

ORDER = {"eligible": 0, "undetermined": 1, "ineligible": 2}
STATUS_ZH = {"eligible": "符合", "undetermined": "待补充信息", "ineligible": "不符合"}


def enterprise_facts(session: Session, uscc: str, as_of: date) -> dict[str, Any]:
    from zhida.enterprises.facts import profile_to_facts
    from zhida.enterprises.profile import EnterpriseProfile
    from zhida.enterprises.tables import Enterprise

    row = session.scalar(select(Enterprise.profile_json).where(Enterprise.uscc == uscc))
    if row is None:
        return {}
    profile = EnterpriseProfile.model_validate(row)
    facts = profile_to_facts(profile, as_of, period_names=criteria.enterprise_policies().catalogue.period_names())
    return {k: v for k, v in facts.items() if v is not None}


def _range_check(ident, label, value, low, high, unit) -> criteria.Outcome:
    ok = (low is None or value >= low) and (high is None or value <= high)
    limits = f"{low if low is not None else '不限'}–{high if high is not None else '不限'}{unit}"
    return criteria.Outcome(ident, label, ok, f"{label}：{criteria.VERDICT[ok]}。需求 {value}{unit}，产品范围 {limits}")


def match(need: FinanceNeed, product: FinanceProduct, facts: dict, as_of: date) -> dict[str, Any]:
    checks = [_range_check("amount", "融资金额在产品额度内", need.amount, product.amount_min, product.amount_max, "元"),
              _range_check("term", "融资期限在产品期限内", need.term_months, product.term_min, product.term_max, "个月")]
    explained = criteria.explain(product.conditions or [], facts, criteria.enterprise_policies(), as_of)
    value = explained.value
    for c in checks:
        value = kleene_and(value, c.value)
    result = criteria.Explained(value, [*checks, *explained.outcomes])
    return {"need_id": need.id, "product_id": product.id, "product": product.name, "lender": product.lender,
            "enterprise_name": need.enterprise_name, **result.to_json(), "status_label": STATUS_ZH[result.status]}


def _redact(found: dict, need: FinanceNeed, person) -> dict:
    if person is not None and is_lender(person) and not need.share_profile:
        found["conditions"] = [c if c["id"] in ("amount", "term") else
                               {**c, "reason": f"{c['label']}：企业未共享画像，{c['verdict']}", "missing": []}
                               for c in found["conditions"]]
    return found


def products_for_need(session: Session, need: FinanceNeed, as_of: date, person=None,
                      include_ineligible: bool = False) -> list[dict[str, Any]]:
    facts = enterprise_facts(session, need.uscc, as_of)
    query = select(FinanceProduct).where(FinanceProduct.active.is_(True))
    if person is not None and is_lender(person):
        from zhida.finance.lenders import lender_units

        query = query.where(FinanceProduct.lender.in_(lender_units(person)))
    found = [match(need, p, facts, as_of) for p in session.scalars(query.order_by(FinanceProduct.id))]
    found = [_redact(f, need, person) for f in found if include_ineligible or f["status"] != "ineligible"]
    return sorted(found, key=lambda f: (ORDER[f["status"]], f["product_id"]))


def needs_for_product(session: Session, product: FinanceProduct, as_of: date, person=None,
                      limit: int = 500) -> list[dict[str, Any]]:
    from zhida.finance.needs import shared_with, visible

    query = select(FinanceNeed).where(FinanceNeed.status == "open")
    if person is not None:
        scope = visible(person)
        if scope is not None:
            query = query.where(scope)
    out = []
    for need in session.scalars(query.order_by(FinanceNeed.id.desc()).limit(limit)):
        if person is not None and is_lender(person) and not shared_with(need, product.lender):
            continue
        found = _redact(match(need, product, enterprise_facts(session, need.uscc, as_of), as_of), need, person)
        if found["status"] != "ineligible":
            out.append(found)
    return sorted(out, key=lambda f: (ORDER[f["status"]], -f["need_id"]))
