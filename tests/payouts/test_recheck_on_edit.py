"""Facts change through the enterprise data page (a fact supplied, a profile saved): in the same
transaction the enterprise's approved and paid records are re-checked, and one whose rule no
longer holds is flagged for review — not clawed back."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from sqlalchemy import insert, select

from zhida import config
from zhida.enterprises.profile import EnterpriseProfile
from zhida.enterprises.tables import Enterprise
from zhida.payouts import ledger
from zhida.payouts.ledger import Approver
from zhida.payouts.tables import PayoutRecord
from zhida.store import open_store
from zhida.web import enterprise_data
from zhida.web.deps import Principal

EXAMPLE = config.PROJECT_ROOT / "docs" / "examples" / "profiles" / "xinzhou_manufacturer_first_set.json"
STAFF = Principal(user_id=5, username="忻州经办", role="staff", display_name=None, units=(), region=None, uscc=None)


def test_a_fact_edit_flags_the_payment_whose_rule_no_longer_holds(database_url):
    profile = EnterpriseProfile.model_validate(json.loads(EXAMPLE.read_text(encoding="utf-8")))
    store = open_store(database_url)
    with store.transaction() as s:
        s.execute(insert(Enterprise), [{**enterprise_data.lifted_columns(profile), "uscc": profile.uscc,
                                        "created_at": datetime.now(UTC)}])
    kw = dict(uscc=profile.uscc, period="2022", facts=profile, as_of=date(2022, 8, 1), approver=Approver("审核员"),
              source_type="application", source_id="A-1")
    first_set = store.retrying(lambda s: ledger.reserve(s, measure_id="xz2022.first-set-equipment-subsidy",
                                                        amount="280000", **kw).id)
    refund = store.retrying(lambda s: ledger.reserve(s, measure_id="xz2022.stable-employment-refund-sme",
                                                     amount="49500", **kw).id)
    # an unrelated edit keeps both
    enterprise_data.edit_profile(store, STAFF, profile.uscc, lambda p: p.model_copy(update={"name": p.name + "（更名）"}),
                                 action="edit", detail="更名")
    with store.transaction() as s:
        assert {r.status for r in s.scalars(select(PayoutRecord))} == {"approved"}
    # the first-set purchase turns out not to exist: that payment is flagged, the refund is not
    enterprise_data.edit_profile(
        store, STAFF, profile.uscc,
        lambda p: p.model_copy(update={"events": [e for e in p.events if e.type != "first_set_purchase"]}),
        action="edit", detail="删除首台套购置记录")
    with store.transaction() as s:
        flagged, kept = s.get(PayoutRecord, first_set), s.get(PayoutRecord, refund)
        assert flagged.status == "flagged" and "不再成立" in flagged.status_reason
        assert kept.status == "approved"
        assert str(flagged.amount) == "280000.00"  # nothing clawed back
    store.close()
