"""Quantified targets in a task's text: 新培育认定25家以上, 培训1.5万人以上, 净增85户, 比重不低于80％,
增长15％, 力争总投资3000亿元以上, 每季度举办一次, 不应低于当年度工业用地供应计划.

A number is a target when its phrase (the text between commas) commits to it — a verb of doing
or reaching (实现/新增/完成/培育/培养/选拔/引进/达到/确保/力争/推动/建成 …) or a floor (不低于/不少于) — and
it is not a benefit (给予/补贴/奖励/按…/最高…) nor a condition on who qualifies (…以上的项目, …的). Before a
count of people, firms or projects 资助/扶持 say how many the work reaches (资助200名人才: a target); a
list of counts goes on under the previous phrase's verb (支持300名…，1000名…); a range commits to its
lower bound (建设1到2个 → ≥ 1 个). A floor stated against a yardstick rather than a number
(不低于当年度工业用地供应计划) is a target without a value. Counts, percentages and money come from
``zhida.documents.extract``; counts by 个/批/宗/座/所/条/场次/次 are read here (they are not counts of
beneficiaries, so the extraction leaves them)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from zhida.documents.extract.money import extract_amounts
from zhida.documents.extract.numbers import ARABIC, apply_multiplier, parse_number
from zhida.documents.extract.percent import extract_percentages
from zhida.documents.extract.quantities import extract_quantities

COMMIT = re.compile(r"实现|新增|完成|培育|认定|达到|达|净增|确保|力争|开工|完工|增长|提高|提升|建成|建设|推动|推进|"
                    r"举办|引进|突破|总数|累计|不低于|不少于|不应低于|不得低于|招用|培训|围绕|覆盖|发放|组织|"
                    r"培养|选拔|遴选|评选|评定|资助|扶持|支持|选派|设立|筹建|筹集|服务|转化|创办|发动|加强")
BENEFIT = re.compile(r"给予|补贴(?!性)|奖励|补助|资助|最高|贴息|减免|承担|按照?(?:购买|减免|实际|总投资|投资|其)|奖补|扶持")
# before a count of people, firms or projects, 资助/扶持/补助 say how many the work reaches (资助200名
# 人才, 扶持100个项目): a target; only the words of an amount granted make a count a benefit
BENEFIT_OF_COUNT = re.compile(r"给予|补贴(?!性)|奖励|最高|贴息|减免|承担|按照?(?:购买|减免|实际|总投资|投资|其)|奖补")
_RANGE = re.compile(rf"(?P<low>{ARABIC})\s*(?:到|至|～|~|－|-|—)\s*$")
_EXTRA = re.compile(rf"(?<![0-9０-９.．A-Za-z第])(?P<num>{ARABIC}|[两二三四五六七八九]|[一二两三四五六七八九十][十百千万][零一二三四五六七八九十百千万]*)"
                    r"\s*(?P<mult>万|亿)?\s*(?P<unit>个(?!月|工作日|百分点|人)|批|宗|座|所|条|场次|场|次)")
_FREQUENCY = re.compile(r"每(?P<per>季度|月|年|半年|周|旬)[^，,。；;]{0,12}?一次")
_YARDSTICK = re.compile(r"(?P<cmp>不应低于|不低于|不少于|不得低于|不应少于)(?P<what>(?![0-9０-９一二三四五六七八九十])"
                        r"[^，,。；;、]{2,24}?(?:平均水平|计划|水平|标准|目标|平均|上年|同期|要求))")
_QUOTED = re.compile(r"“[^”]{0,30}”|《[^》]{0,60}》")
_PHRASE_END = re.compile(r"[，,。；;：:]")


@dataclass(frozen=True)
class Target:
    text: str
    value: Decimal | None  # None: a yardstick, not a number (不低于当年度供应计划)
    unit: str  # 家, 户, 人, %, 元, 次/季度, …
    comparator: str  # ≥, =, ≤
    kind: str  # count, percent, money, frequency, yardstick
    start: int  # offsets into the text given
    end: int

    def key(self) -> tuple[str, str]:
        return (str(self.value.normalize()) if self.value is not None else "", self.unit)

    def to_json(self) -> dict:
        return {"text": self.text, "value": str(self.value) if self.value is not None else None, "unit": self.unit,
                "comparator": self.comparator, "kind": self.kind, "start": self.start, "end": self.end}


def _phrase(text: str, start: int, end: int) -> tuple[str, str]:
    left_at = max((m.end() for m in _PHRASE_END.finditer(text, 0, start)), default=0)
    right = _PHRASE_END.search(text, end)
    return text[left_at:start], text[end:right.start() if right else len(text)]


def _committed(text: str, start: int, end: int, *, count: bool = False) -> bool:
    left, right = _phrase(text, start, end)
    benefit = BENEFIT_OF_COUNT if count else BENEFIT
    if benefit.search(left) or benefit.search(right[:6]):
        return False
    if re.match(r"\s*(?:及|或)?(?:以上|以下)?(?:\s*[(（]含[)）])?\s*(?:或|的)", right):
        return False  # 总投资1亿元以上(含)或…的项目 / 不低于50亿元或…的: who qualifies
    if re.match(r"\s*(?:及|或)?以下", right):
        return False
    if COMMIT.search(left):
        return True
    # 支持300名…赴境外培训，1000名…参加研修，3000名…: a list of counts goes on under the verb of the
    # first phrase of the list
    while count and not left.strip() and start > 0 and text[start - 1] in "，,":
        before = text[:start - 1]
        start = max((m.end() for m in _PHRASE_END.finditer(before)), default=0)
        phrase = before[start:]
        counted = re.match(rf"\s*{ARABIC}\s*(?:万|亿)?\s*[名家个人户项套]", phrase)
        if benefit.search(phrase) or not re.search(rf"{ARABIC}\s*(?:万|亿)?\s*[名家个人户项套]", phrase):
            return False
        if not counted:
            return bool(COMMIT.search(phrase))
        left = ""  # that phrase too starts with a count: look one further back
    return False


def _comparator(left: str, right: str) -> str:
    if re.match(r"\s*(?:及|或)?以上", right) or re.search(r"不低于|不少于|至少|超过$", left):
        return "≥"
    if re.match(r"\s*(?:及|或)?(?:以下|以内)", right) or re.search(r"不超过|不高于|控制在", left):
        return "≤"
    return "="


def find(text: str) -> list[Target]:
    out: list[Target] = []
    taken: list[tuple[int, int]] = [m.span() for m in _QUOTED.finditer(text)]  # names: “三个一批”

    def add(start: int, end: int, value, unit: str, kind: str, comparator: str | None = None) -> None:
        if any(a < end and start < b for a, b in taken):
            return
        left, right = _phrase(text, start, end)
        span = _RANGE.search(left) if kind == "count" else None
        if span:  # 建设1到2个: a range commits to its lower bound
            start, value, comparator = start - (len(left) - span.start()), parse_number(span.group("low")), "≥"
        out.append(Target(text[start:end], value, unit, comparator or _comparator(left, right), kind, start, end))
        taken.append((start, end))

    for match in _FREQUENCY.finditer(text):
        add(match.start(), match.end(), Decimal(1), f"次/{match.group('per')}", "frequency", "≥")
    for q in extract_quantities(text):
        if _committed(text, q.start, q.end, count=True):
            add(q.start, q.end, q.value, q.unit, "count")
    for p in extract_percentages(text):
        if p.kind == "percent" and _committed(text, p.start, p.end):
            add(p.start, p.end, p.value, "%", "percent")
    for a in extract_amounts(text):
        if a.value is not None and a.role not in ("per_unit",) and _committed(text, a.start, a.end):
            add(a.start, a.end, a.value, "元" if a.currency == "CNY" else a.currency, "money")
    for match in _EXTRA.finditer(text):
        try:
            value = apply_multiplier(parse_number(match.group("num")), match.group("mult"))
        except ValueError:
            continue
        if _committed(text, match.start(), match.end(), count=True):
            add(match.start(), match.end(), value, match.group("unit"), "count")
    for match in _YARDSTICK.finditer(text):
        if BENEFIT.search(_phrase(text, match.start(), match.end())[0]):
            continue  # 区级财政资金补贴不低于市级标准: a benefit's level, not a work target
        add(match.start(), match.end(), None, match.group("what"), "yardstick", "≥")
    return sorted(out, key=lambda t: t.start)
