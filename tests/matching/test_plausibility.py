"""Near-misses propose only changes this enterprise could make (matching/plausibility.py)."""

import json
from datetime import date
from decimal import Decimal

from zhida import config
from zhida.enterprises.profile import EnterpriseProfile
from zhida.matching.match import match_enterprise
from zhida.matching.plausibility import plausible_change, rung, size_leap

EXAMPLES = config.PROJECT_ROOT / "docs" / "examples" / "profiles"
AS_OF = date(2022, 12, 31)


def _profile(file: str) -> EnterpriseProfile:
    return EnterpriseProfile.model_validate(json.loads((EXAMPLES / file).read_text(encoding="utf-8")))


def _changes(results):
    """Every change ("set") proposed by a near-miss, as (measure, fact, current, target)."""
    return [(r.measure_id, ch.fact, ch.current, ch.target)
            for r in results for n in r.near_miss if n.kind == "change"
            for o in [n.best, *n.alternatives] for ch in o.changes if ch.kind == "set"]


def test_numbers_move_at_most_half_their_value():
    assert plausible_change("employees", "integer", 100, 150, {})
    assert plausible_change("revenue", "money", Decimal(10_000_000), Decimal(5_000_000), {})
    assert not plausible_change("employees", "integer", 3, 300, {})
    assert not plausible_change("revenue", "money", Decimal(0), Decimal("0.01"), {})  # from nothing: unbounded


def test_certifications_climb_one_rung_at_a_time():
    nothing = {"srdi_level": "none", "tech_sme": False}
    assert rung(nothing) == 0
    assert plausible_change("tech_sme", "boolean", False, True, nothing)
    assert not plausible_change("srdi_level", "code", "none", "provincial", nothing)
    assert not plausible_change("srdi_level", "code", "none", "national", nothing)
    tech = {**nothing, "tech_sme": True}
    assert plausible_change("srdi_level", "code", "none", "provincial", tech)
    assert not plausible_change("little_giant_level", "code", "none", "national", tech)
    srdi = {**tech, "srdi_level": "provincial"}
    assert plausible_change("little_giant_level", "code", "none", "national", srdi)


def test_what_an_enterprise_is_and_its_history_do_not_change():
    assert not plausible_change("ownership", "code", "private", "foreign", {})
    assert not plausible_change("listing_status", "code", "unlisted", "listed_domestic", {})
    assert plausible_change("taxpayer_type", "code", "small_scale", "general", {})
    assert not plausible_change("taxpayer_type", "code", "general", "small_scale", {})
    assert not plausible_change("established_date", "date", date(2015, 1, 1), date(2021, 1, 1), {})
    assert plausible_change("tech_sme_valid_until", "date", date(2022, 1, 1), date(2023, 1, 1), {})
    assert plausible_change("employees", "integer", None, 300, {})  # supplying an unknown fact


def test_size_class_moves_one_class_at_most():
    assert size_leap("micro", "medium")
    assert not size_leap("micro", "small")
    assert not size_leap("large", "medium")
    assert size_leap("micro", "large")
    assert not size_leap(None, "large")
    assert not plausible_change("above_designated_size", "boolean", False, True, {"revenue": Decimal(3_000_000)})
    assert plausible_change("above_designated_size", "boolean", False, True, {"revenue": Decimal(15_000_000)})


def test_a_micro_firm_is_not_told_to_get_certified_two_rungs_up(policies):
    """The finding: a micro service firm without any certification was told dozens of times that
    it needs (national or provincial) 专精特新 certification."""
    results = match_enterprise(_profile("chaoyang_service_micro_rent.json"), AS_OF, policies=policies)
    proposed = _changes(results)
    assert not [c for c in proposed if c[1] in ("srdi_level", "little_giant_level")], proposed
    assert not [c for c in proposed if c[1] in ("ownership", "listing_status")], proposed
    for _, fact, current, target in proposed:
        if isinstance(current, (int, Decimal)) and not isinstance(current, bool):
            assert abs(Decimal(target) - Decimal(current)) <= Decimal("0.5") * abs(Decimal(current)), (fact, current)


def test_a_certified_high_tech_firm_is_told_about_the_next_rung(policies):
    """The industrial example holds 高新技术企业 (first rung): provincial 专精特新 is one step up."""
    results = match_enterprise(_profile("industrial_sme_equipment_2022.json"), AS_OF, policies=policies)
    targets = {target for _, fact, _, target in _changes(results) if fact == "srdi_level"}
    assert targets and targets <= {"municipal", "provincial"}
