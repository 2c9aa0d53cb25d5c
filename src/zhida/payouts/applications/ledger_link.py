"""The ledger's guards on an application's money (``zhida.payouts.ledger``): an approval reserves
the amount (no double payment, caps, stacking, budgets — refused with its Chinese reason, and
then the approval does not happen), a payment pays the record, a clawback claws it back, an
objection in publicity cancels it. Until the ledger is installed the application keeps its own
amounts and nothing else is checked here."""

from __future__ import annotations

import importlib.util


def available() -> bool:
    return importlib.util.find_spec("zhida.payouts.ledger") is not None


def _ledger():
    from zhida.payouts import ledger

    return ledger


def reserve(session, application, *, amount, reason, actor, now, policies, outcome=None) -> int | None:
    """``outcome``: the rule as the approval just evaluated it on the frozen facts (evaluated once)."""
    if not available() or amount is None:
        return None
    ledger = _ledger()
    record = ledger.reserve(
        session, uscc=application.uscc, measure_id=application.measure_id, period=application.period,
        amount=amount, facts=application.facts, as_of=application.as_of,
        approver=ledger.Approver(actor.name, actor.user_id, "reviewer"), source_type="application",
        source_id=str(application.id), reason=reason, enterprise_name=application.enterprise_name,
        region_code=application.region_code, policies=policies, now=now, outcome=outcome)
    return record.id


def pay(session, application, *, actor, now, reference) -> None:
    if available() and application.record_id is not None:
        ledger = _ledger()
        ledger.pay(session, application.record_id, ledger.Approver(actor.name, actor.user_id, "payer"), now,
                   reference=reference)


def cancel(session, application, *, actor, now, reason) -> None:
    if available() and application.record_id is not None:
        ledger = _ledger()
        ledger.cancel(session, application.record_id, ledger.Approver(actor.name, actor.user_id, "reviewer"),
                      reason, now)


def claw_back(session, application, *, actor, now, reason) -> None:
    if available() and application.record_id is not None:
        ledger = _ledger()
        ledger.claw_back(session, application.record_id, ledger.Approver(actor.name, actor.user_id, "payer"),
                         reason, now)
