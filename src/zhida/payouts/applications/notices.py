"""Each step of an application told to the enterprise's inbox and the unit's (``zhida.notify``),
in the same transaction as the step: a rolled-back step tells nobody, a committed one always
tells. Until ``zhida.notify`` is installed this does nothing."""

from __future__ import annotations

import importlib.util

from sqlalchemy.orm import Session

from zhida.money_format import money

EVENT = {"request_correction": "application.correction", "approve": "application.decided",
         "refuse": "application.decided", "not_accept": "application.decided", "pay": "payment.made"}


def available() -> bool:
    return importlib.util.find_spec("zhida.notify") is not None


def tell(session: Session, application, *, state_label: str, transition: str, label: str, version: int,
         reason: str | None, due: str | None, at, dedupe: str | None = None) -> None:
    if not available():
        return
    from zhida import notify

    title = f"{application.measure_title}：{label}（现为“{state_label}”）"
    lines = [f"申请编号 {application.id}，企业 {application.enterprise_name or application.uscc}。"]
    if transition == "approve" and application.approved_amount is not None:
        lines.append(f"核准金额 {money(application.approved_amount)}。")
    if transition == "pay" and application.approved_amount is not None:
        lines.append(f"已拨付 {money(application.approved_amount)}。")
    if reason:
        lines.append(f"理由：{reason}")
    if due:
        lines.append(f"下一步办理期限：{due}。")
    recipients = [notify.Recipient.enterprise(application.uscc), notify.Recipient.unit(application.unit)]
    notify.publish(session, event=EVENT.get(transition, "application.step"), recipients=recipients,
                   title=title[:255], body="\n".join(lines), link=f"/applications/{application.id}",
                   dedupe_key=dedupe or f"application:{application.id}:v{version}", at=at)
