"""A lender's answer to a need for one of its products (data/response.workflow.yaml):
接洽 → 授信 → 放款, or 不予支持 with the reason; the enterprise may withdraw. Each step is a
workflow transition (audited), the enterprise is told in its inbox (zhida.notify)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhida import workflow
from zhida.errors import ZhidaError
from zhida.finance import needs as needs_mod
from zhida.finance.lenders import lender_units
from zhida.finance.tables import FinanceProduct, FinanceResponse
from zhida.projects import values
from zhida.workflow import Actor, NotAllowed
from zhida.workflow.tables import WorkflowCase

FLOW = workflow.load(Path(__file__).resolve().parent / "data" / "response.workflow.yaml")


def _roles(person, need, product) -> frozenset[str]:
    held = set()
    if product.lender in lender_units(person) and needs_mod.shared_with(need, product.lender):
        held.add("lender")
    if person.role == "enterprise" and person.uscc == need.uscc:
        held.add("enterprise")
    return frozenset(held)


def respond(session: Session, person, need_id: int, product_id: int, transition: str, *, now: datetime,
            reason: str | None = None, amount=None, version: int | None = None) -> FinanceResponse:
    need = needs_mod.get(session, person, need_id)
    product = session.get(FinanceProduct, product_id)
    if product is None:
        raise ZhidaError("product_id", f"产品 {product_id} 不存在")
    held = _roles(person, need, product)
    if not held:
        raise NotAllowed("need", "只有该产品所属、且企业已共享需求的金融机构可以答复")
    actor = Actor(person.username, held, person.user_id)
    response = session.scalar(select(FinanceResponse).where(FinanceResponse.need_id == need.id,
                                                            FinanceResponse.product_id == product.id))
    if response is None:
        if "lender" not in held:
            raise NotAllowed("need", "金融机构尚未答复")
        case = workflow.start(session, FLOW, subject_type="finance_need", subject_id=str(need.id), actor=actor,
                              now=now, unit=product.lender, data={"product_id": product.id})
        response = FinanceResponse(need_id=need.id, product_id=product.id, lender=product.lender, case_id=case.id,
                                   state=case.state, updated_at=now)
        session.add(response)
        session.flush()
    case = session.get(WorkflowCase, response.case_id)
    money = values.money(amount, "amount") if amount not in (None, "") else None
    workflow.fire(session, FLOW, case, transition, actor=actor, now=now, reason=reason, expected_version=version,
                  data={"product_id": product.id, "amount": str(money) if money is not None else None})
    response.state, response.updated_at = case.state, now
    if transition == "decline":
        response.reason = reason
    if money is not None:
        response.amount = money
    if transition != "withdraw":
        from zhida.notify import publish
        from zhida.notify.recipients import Recipient

        words = FLOW.transitions[transition].label
        publish(session, event="finance.response", recipients=[Recipient.enterprise(need.uscc)],
                title=f"{product.lender}：{product.name} {words}",
                body=f"您的融资需求（{need.purpose[:60]}）{product.lender}已{words}" + (f"，理由：{reason}" if reason else "") + "。",
                link=f"/finance/needs/{need.id}", dedupe_key=f"finance:{response.id}:{case.version}", at=now)
    return response


def for_need(session: Session, need_id: int) -> list[dict[str, Any]]:
    rows = session.execute(select(FinanceResponse, FinanceProduct, WorkflowCase)
                           .join(FinanceProduct, FinanceProduct.id == FinanceResponse.product_id)
                           .join(WorkflowCase, WorkflowCase.id == FinanceResponse.case_id)
                           .where(FinanceResponse.need_id == need_id).order_by(FinanceResponse.id)).all()
    return [{"id": r.id, "product_id": p.id, "product": p.name, "lender": r.lender, "state": r.state,
             "state_label": FLOW.label_of(r.state), "reason": r.reason, "version": c.version,
             "amount": str(r.amount) if r.amount is not None else None,
             "history": [{"label": FLOW.transitions[s.transition].label if s.transition else "推送", "actor": s.actor,
                          "at": s.at.isoformat(), "reason": s.reason} for s in workflow.history(session, c.id)]}
            for r, p, c in rows]
