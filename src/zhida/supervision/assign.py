"""Who owes a task: the lead (牵头) and supporting (配合) units of one responsible-unit list or of
one sentence whose subject is a list of units.

Where the text says it — 牵头单位：…；配合单位：… labels, “A牵头”, “A会同B”, “B配合” — the roles
are taken as written (``inferred`` False). Otherwise the first listed unit leads and the others
support, and the draft says the lead was inferred, for the reviewer to confirm.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from zhida.documents.extract.units import split_units

_LABEL = r"责任单位|责任部门|牵头单位|牵头部门|主责单位|责任主体|配合单位|配合部门|实施单位|负责单位"
_NAME = (r"(?:市|区|县|省|各|北京市|国家)[^\s、，,。；;：:（）()“”]{0,24}?"
         r"(?:局|委员会|委|办公厅|办公室|办|厅|政府|管委会|中心|部门|单位|区|支队)")
SUBJECT = re.compile(rf"^(?P<lead>{_NAME}(?:[、及]{_NAME})*)"
                     rf"(?:(?:要|应当?|须|负责|牵头)?会同(?P<support>{_NAME}(?:[、及]{_NAME})*))?"
                     rf"(?=要|应|须|负责|牵头|每月|每季度|每年|定期|分别|将|抓好|做好|加强|建立)")


@dataclass(frozen=True)
class Assignment:
    lead: tuple[str, ...]
    support: tuple[str, ...]
    inferred: bool  # the lead is the first listed unit, not stated as lead by the text


def _clean(units) -> list[str]:
    out: list[str] = []
    for unit in units:
        unit = "".join(unit.split()).strip("、，,；;")
        if unit and unit not in out:
            out.append(unit)
    return out


def _body(list_text: str) -> str:
    body = list_text.strip()
    if body[:1] in "（(" and body[-1:] in "）)":
        body = body[1:-1]
    return body


def of_list(list_text: str, units: tuple[str, ...] | list[str]) -> Assignment:
    """Roles in one bracket list; ``units`` is the extraction's split (the fallback)."""
    body = _body(list_text)
    # the lead list ends at the support label, whether a ；or a ，stands between them
    lead_label = re.search(r"(?:牵头单位|牵头部门|主责单位)\s*[：:](?P<v>[^；;]*?)(?=[，,]?\s*(?:配合单位|配合部门)\s*[：:]|[；;]|$)",
                           body)
    support_label = re.search(r"(?:配合单位|配合部门)\s*[：:](?P<v>[^；;]*)", body)
    if lead_label:
        lead = _clean(split_units(lead_label.group("v")))
        support = _clean(split_units(support_label.group("v"))) if support_label else []
        return Assignment(tuple(lead), tuple(u for u in support if u not in lead), False)
    body = re.sub(rf"^(?:{_LABEL})\s*[：:]", "", body.strip())
    for word, lead_first in (("会同", True), ("牵头", True), ("配合", False)):
        if word in body:
            head, _, tail = body.partition(word)
            head_units, tail_units = _clean(split_units(head)), _clean(split_units(tail))
            if word == "牵头" and not tail_units:
                continue
            if not head_units or (lead_first and not tail_units and word != "牵头"):
                continue
            lead, support = (head_units, tail_units) if lead_first else (tail_units or head_units[:1],
                                                                          head_units if tail_units else head_units[1:])
            return Assignment(tuple(lead), tuple(u for u in support if u not in lead), False)
    clean = _clean(units)
    if not clean:
        return Assignment((), (), True)
    return Assignment((clean[0],), tuple(clean[1:]), True)


def of_sentence(plain: str) -> Assignment | None:
    """“市政府办公厅要会同市经济和信息化局、市发展改革委定期开展督查评估” → lead 市政府办公厅, support …;
    a sentence whose subject is not a unit → None. A sentence naming several units as its subject
    without 会同 has them all lead (they owe it jointly)."""
    match = SUBJECT.match(plain.strip())
    if not match:
        return None
    lead = _clean(re.split(r"[、及]", match.group("lead")))
    support = _clean(re.split(r"[、及]", match.group("support") or ""))
    if match.group("support"):
        return Assignment(tuple(lead), tuple(support), False)
    return Assignment((lead[0],), tuple(lead[1:]), len(lead) > 1)
