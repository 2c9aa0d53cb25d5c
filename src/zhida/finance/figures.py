"""融资对接 figures by product and by district: needs answered, credited, lent (amounts in 元)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zhida.finance.tables import FinanceNeed, FinanceProduct, FinanceResponse


def by_product(session: Session, lender: tuple[str, ...] | None = None) -> list[dict]:
    query = (select(FinanceProduct.id, FinanceProduct.name, FinanceProduct.lender, FinanceResponse.state,
                    func.count(), func.sum(FinanceResponse.amount))
             .join(FinanceResponse, FinanceResponse.product_id == FinanceProduct.id)
             .group_by(FinanceProduct.id, FinanceProduct.name, FinanceProduct.lender, FinanceResponse.state))
    if lender is not None:
        query = query.where(FinanceProduct.lender.in_(lender))
    out: dict[int, dict] = {}
    for pid, name, who, state, count, amount in session.execute(query):
        row = out.setdefault(pid, {"product_id": pid, "product": name, "lender": who, "responses": 0,
                                   "lent_amount": "0.00"})
        row[state] = count
        row["responses"] += count
        if state == "lent" and amount is not None:
            row["lent_amount"] = str(Decimal(amount).quantize(Decimal("0.01")))
    return list(out.values())


def by_district(session: Session) -> list[dict]:
    from zhida.enterprises import regions

    posted = dict(session.execute(select(FinanceNeed.region_code, func.count()).group_by(FinanceNeed.region_code)).all())
    lent = dict(session.execute(select(FinanceNeed.region_code, func.count(func.distinct(FinanceNeed.id)))
                                .join(FinanceResponse, FinanceResponse.need_id == FinanceNeed.id)
                                .where(FinanceResponse.state == "lent").group_by(FinanceNeed.region_code)).all())
    return [{"region_code": r, "region": regions.label(r) if r else "—", "needs": n, "needs_lent": lent.get(r, 0)}
            for r, n in sorted(posted.items(), key=lambda kv: kv[0] or "")]
