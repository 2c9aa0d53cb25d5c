"""Matching one enterprise to every measure: status, amount, Chinese reasons, near-misses.

    match_enterprise(profile_or_facts, as_of, measures=None) -> list[MatchResult]
    report_json(results, as_of, policies) -> dict   (docs/match-json.md)
"""

from zhida.matching.match import MatchResult, match_enterprise, summary

__all__ = ["MatchResult", "match_enterprise", "summary"]
