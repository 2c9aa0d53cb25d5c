"""A responsible unit's judgement of an open criterion (未量化标准), recorded in the profile.

The web's judgement API and any other caller use these; the engine reads ``profile.judgements``
(an unjudged open criterion counts as met and is reported as open).
"""

from __future__ import annotations

from datetime import date

from zhida.dates import supported
from zhida.enterprises.profile import EnterpriseProfile, Judgement
from zhida.errors import DataError


def open_criterion(criterion: str, policies) -> str:
    """The criterion's id (``open.`` optional); DataError unless some measure has it."""
    ident = criterion.removeprefix("open.")
    if ident not in {o.id for m in policies.measures.values() for o in m.open_criteria}:
        raise DataError("criterion", "没有这项未量化标准（请从体检结果中选择）")
    return ident


def judgement(met: bool, by: str | None, on: date | None, note: str | None, *, judge: str,
              units: tuple[str, ...] = ()) -> Judgement:
    """Who judged defaults to the user, with their units: 「cy（区科委、区财政局）」."""
    default = f"{judge}（{'、'.join(units)}）" if units else judge
    if on is not None:
        supported(on, "on", "认定日期")
    return Judgement(met=met, by=(by or "").strip() or default, on=on or date.today(), note=note)


def with_judgement(profile: EnterpriseProfile, ident: str, judged: Judgement) -> EnterpriseProfile:
    return profile.model_copy(update={"judgements": {**(profile.judgements or {}), ident: judged}})
