"""What one change of the profile changed in the checkup: "+2 项可享受，确定可得 +4,500.00 元".

Compared from the checkup before and after (the results by measure and the money split of
docs/match-json.md#totals), so the announcement after a fact is supplied says exactly what the
re-check found — never a guess. The web announces ``text``; the lists name the measures.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from zhida.money_format import money
from zhida.rules.totals import BUCKETS, LABEL_ZH

SECTION_ZH = {"near_miss": "差一点", "undetermined": "待确认", "ineligible": "不符合"}



@dataclass
class CheckupChange:
    newly_eligible: list[str] = field(default_factory=list)  # measure titles
    no_longer_eligible: list[str] = field(default_factory=list)
    decided: int = 0  # results no longer 待确认
    money: list[tuple[str, Decimal]] = field(default_factory=list)  # (bucket, change of its total)
    sections: list[tuple[str, int]] = field(default_factory=list)  # (差一点 / 待确认 / 不符合, change of its count)

    @property
    def text(self) -> str:
        parts = []
        if self.newly_eligible:
            parts.append(f"+{len(self.newly_eligible)} 项可享受")
        if self.no_longer_eligible:
            parts.append(f"−{len(self.no_longer_eligible)} 项可享受")
        parts += [f"{LABEL_ZH[b]} {'+' if d > 0 else '−'}{money(abs(d))}" for b, d in self.money]
        if self.decided:
            parts.append(f"{self.decided} 项待确认已判定")
        parts += [f"{SECTION_ZH[g]} {'+' if d > 0 else '−'}{abs(d)} 项" for g, d in self.sections]
        return "，".join(parts) if parts else "体检结果没有变化"


def compare(before, after) -> CheckupChange:
    """The change from checkup ``before`` to ``after`` (zhida.matching.checkup.Checkup)."""
    was = _statuses(before.report["results"])
    now = _statuses(after.report["results"])
    titles = {r["measure_id"]: r["title"] for r in after.report["results"]}
    out = CheckupChange()
    out.newly_eligible = [titles[m] for m, s in now.items() if s == "eligible" and was.get(m) != "eligible"]
    out.no_longer_eligible = [titles[m] for m, s in was.items() if s == "eligible" and now.get(m) != "eligible"]
    out.decided = sum(1 for m, s in was.items() if s == "undetermined" and now.get(m) not in (None, "undetermined"))
    # the other sections too: a supplied fact may turn 不符合 into 待确认 (it needs more facts now)
    for g in SECTION_ZH:
        delta = after.counts[g] - before.counts[g]
        if delta and not (g == "undetermined" and delta == -out.decided):
            out.sections.append((g, delta))
    for b in BUCKETS:
        delta = _total(after.summary, b) - _total(before.summary, b)
        if delta:
            out.money.append((b, delta))
    return out


def _statuses(results) -> dict[str, str]:
    return {r["measure_id"]: r["status"] for r in results}


def _total(summary, bucket: str) -> Decimal:
    return Decimal(summary["totals"].get(bucket, {}).get("total") or 0)
