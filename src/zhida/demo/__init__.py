"""Example data for a walk-through of every mechanism (`zhida demo`, what `make run` calls).

Nothing here is a shortcut around the mechanisms: each step goes through the same functions a user's
action or an import goes through, with the same checks and audit (actor ``cli:demo``), and every step
is idempotent, so running the demo again changes nothing.

- 督办: the tasks of the stored seed documents drafted from their text and confirmed by the office;
- 运行监测: thirteen months of indicators for a sample of the stored enterprises (derived from their
  synthetic profile, some falling sharply, most in a named park of their district), imported as a
  statistics file; the alert rules run on the last month (fired alerts become 接诉即办 requests) and
  the month's analysis is drafted;
- 项目库 / 产业地图: example projects of 朝阳区 and parcels with admission standards;
- 融资对接: financial products of the declared lenders.

企业库 candidates are left to the registry page's 批量筛选 (or `zhida registries candidates`): over
20,000 enterprises a run proposes thousands of candidates for review, minutes of work at start-up.
"""

from __future__ import annotations

from datetime import date, datetime

from zhida.demo import examples


def seed_mechanisms(store, as_of: date, now: datetime) -> list[str]:
    """Run every step; one line per step for the console."""
    return [step(store, as_of, now) for step in examples.STEPS]
