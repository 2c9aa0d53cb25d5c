"""What supplying one fact changed, compared from the checkup before and after (checkup_change)."""

import json
from dataclasses import dataclass
from datetime import date

from zhida import config
from zhida.enterprises import fact_edit
from zhida.enterprises.profile import EnterpriseProfile
from zhida.matching.checkup import _compute
from zhida.matching.checkup_change import compare

AS_OF = date(2022, 12, 31)
EXAMPLE = config.PROJECT_ROOT / "docs" / "examples" / "profiles" / "industrial_sme_equipment_2022.json"


@dataclass
class Stored:
    uscc: str
    revision: str
    profile: EnterpriseProfile

    def summary(self) -> dict:
        return {"uscc": self.uscc}


def _checkup(profile: EnterpriseProfile, revision: str):
    return _compute(Stored("91110105MA01TEST00", revision, profile), AS_OF)


def test_supplying_rd_expense_announces_the_new_measure_and_its_money():
    profile = EnterpriseProfile.model_validate(json.loads(EXAMPLE.read_text(encoding="utf-8")))
    before = _checkup(profile, "1")
    supplied = fact_edit.supply(profile, "rd_expense_expensed", fact_edit.parse_value("rd_expense_expensed", "1000000"),
                                AS_OF)
    after = _checkup(supplied, "2")
    change = compare(before, after)
    assert len(change.newly_eligible) == 1 and not change.no_longer_eligible
    assert change.newly_eligible[0] in {r["title"] for r in after.groups["eligible"]}
    assert change.money == [("deduction", 1_000_000)]
    assert change.decided == 1
    assert change.text == "+1 项可享受，抵扣（税前扣除额） +100.00 万元，1 项待确认已判定"
    assert after.counts["eligible"] == before.counts["eligible"] + 1


def test_nothing_changed_says_so():
    profile = EnterpriseProfile.model_validate(json.loads(EXAMPLE.read_text(encoding="utf-8")))
    same = _checkup(profile, "1")
    assert compare(same, _checkup(profile, "2")).text == "体检结果没有变化"


def test_results_decided_against_are_said_too():
    """An answer can also close doors: 「2 项待确认已判定，不符合 +2 项」, never 「没有变化」."""
    profile = EnterpriseProfile.model_validate(json.loads(EXAMPLE.read_text(encoding="utf-8")))
    before = _checkup(profile, "1")
    supplied = fact_edit.supply(profile, "premises_state_owned",
                                fact_edit.parse_value("premises_state_owned", "true"), AS_OF)
    change = compare(before, _checkup(supplied, "2"))
    assert change.text == "2 项待确认已判定，不符合 +2 项"
