"""Results shared between enterprises with the same facts (match._results_memo), and the per-
evaluator / per-leaf memos beneath them: a report never depends on what was matched before."""

import json
import random

import orjson
from datetime import date

from zhida.config import PROJECT_ROOT
from zhida.enterprises.generate import generate, row_to_profile
from zhida.enterprises.profile import EnterpriseProfile
from zhida.matching.match import forget_results, match_enterprise
from zhida.matching.report import report_bytes, report_json

AS_OF = date(2022, 12, 31)


def _profiles():
    examples = [EnterpriseProfile.from_json(p.read_bytes())
                for p in sorted((PROJECT_ROOT / "docs/examples/profiles").glob("*.json"))]
    return examples + [row_to_profile(r, AS_OF) for r in generate(40, 3, AS_OF).table.to_pylist()]


def _report(profile, policies) -> str:
    return json.dumps(report_json(match_enterprise(profile, AS_OF, policies=policies), AS_OF, policies),
                      ensure_ascii=False, default=str)


def test_reports_are_the_same_alone_and_after_any_other_enterprises(policies):
    profiles = _profiles()
    alone = []
    for p in profiles:
        forget_results(policies)
        alone.append(_report(p, policies))
    order = list(range(len(profiles)))
    random.Random(7).shuffle(order)
    forget_results(policies)
    shared = {i: _report(profiles[i], policies) for i in order}
    assert [shared[i] for i in range(len(profiles))] == alone


def test_alike_enterprises_share_results_but_not_the_lists_of_a_result(policies):
    profile = _profiles()[0]
    forget_results(policies)
    first = match_enterprise(profile, AS_OF, policies=policies)
    again = match_enterprise(profile, AS_OF, policies=policies)
    pairs = [(a, b) for a, b in zip(first, again) if a.status in ("ineligible", "undetermined") and a.reasons]
    assert pairs
    assert all(a.reasons[0] is b.reasons[0] for a, b in pairs)  # worded once
    a, b = pairs[0]
    b.reasons.append("changed by a caller")
    b.sources[0]["quote"] = "changed by a caller"
    third = match_enterprise(profile, AS_OF, policies=policies)
    assert third[first.index(a)].reasons == a.reasons and third[first.index(a)].sources == a.sources


def test_report_bytes_are_the_report_json_serialized(policies):
    """report_bytes reuses the JSON of shared results; the bytes must be those of report_json."""
    forget_results(policies)
    for round_ in range(2):  # first with every result worded afresh, then with most of them shared
        for p in _profiles():
            results = match_enterprise(p, AS_OF, policies=policies)
            expected = orjson.dumps(report_json(results, AS_OF, policies, enterprise={"uscc": p.uscc}))
            assert report_bytes(results, AS_OF, policies, enterprise={"uscc": p.uscc}) == expected, (round_, p.uscc)
