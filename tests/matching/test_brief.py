"""The brief match (match_enterprise explain=False): every result the explained one's, without
reasons and near-misses — on the example profiles, generated enterprises and every seed case."""

from datetime import date

import orjson

from zhida.config import PROJECT_ROOT
from zhida.enterprises.generate import generate, row_to_profile
from zhida.enterprises.profile import EnterpriseProfile
from zhida.matching.match import forget_results, match_enterprise
from zhida.matching.report import report_bytes
from zhida.rules.cases import load_cases

AS_OF = date(2022, 12, 31)


def _without_explanations(report: dict) -> dict:
    for r in report["results"]:
        del r["reasons"], r["near_miss"]
    return report


def test_brief_report_is_the_full_report_less_reasons_and_near_misses(policies):
    profiles = [EnterpriseProfile.from_json(p.read_bytes())
                for p in sorted((PROJECT_ROOT / "docs/examples/profiles").glob("*.json"))]
    profiles += [row_to_profile(r, AS_OF) for r in generate(30, 5, AS_OF).table.to_pylist()]
    for day in (AS_OF, date(2022, 8, 1)):
        for p in profiles:
            forget_results(policies)
            full = orjson.loads(report_bytes(match_enterprise(p, day, policies=policies), day, policies))
            results = match_enterprise(p, day, policies=policies, explain=False)
            assert all(not r.explained and not r.reasons and not r.near_miss for r in results)
            brief = orjson.loads(report_bytes(results, day, policies))
            assert brief == _without_explanations(full), (p.uscc, day)


def test_brief_results_agree_on_every_seed_case(policies):
    for case in load_cases(policies):
        measure = [policies.measure(case.measure)]
        full = match_enterprise(case.facts, case.as_of, measure, policies=policies)[0]
        brief = match_enterprise(case.facts, case.as_of, measure, policies=policies, explain=False)[0]
        assert brief.status == full.status == case.expect["status"], case.label
        assert (brief.amount, brief.missing, brief.open_criteria, brief.period) == (
            full.amount, full.missing, full.open_criteria, full.period), case.label
