"""Sums of money → ``Amount`` (exact yuan or USD) with a role read from the phrase.

Role rules, in order (first that applies wins):

1. ``…以上`` / ``及以上`` right after the sum → ``threshold_min``
   (a size the beneficiary must reach; '总投资3000亿元以上' is read the same way:
   a target/size, never a benefit).
2. ``…以下`` / ``以内`` → ``threshold_max`` when the sum describes the beneficiary
   (营业收入4亿元以下), ``cap`` when it is what is given (给予10万元以内补贴).
3. a programme word after it (再贷款, 基金, 总规模 …) or 资金总额/总规模 before it
   (not after 给予, not per unit) → ``total``.
4. 最高 / 不超过 / 不高于 / 上限 … before it → ``cap``, or ``threshold_max`` when a
   property of the beneficiary (应纳税所得额, 价格, 营业收入 …) is what is bounded.
5. 不低于 / 不少于 / 至少 → ``floor``, or ``threshold_min`` for a property
   (实缴资本不低于50亿元).
6. 达到 / 超过 / 首次达到 → ``threshold_min``; 低于 / 不足 → ``threshold_max``.
7. per unit (每人1500元, 1万元/台) or per period (每月3000元) → ``per_unit``; a bounded
   per-unit sum keeps its bound role (不超过1万元/台 → cap) and still carries ``unit``.
   ``unit`` is what the sum is counted by (人, 户, 企业, 台 …) and ``period`` how often
   (年/月): 每人每月3000元 → unit 人, period 月; 每年最高500万元 → unit None, period 年.
8. a range bounding a property (所得额100万元至300万元) → ``threshold_min`` with
   ``upper``; a range of benefit keeps ``exact`` with ``upper``.
9. otherwise ``exact`` (给予500万元的上市补贴; also a plain stated sum).

"Benefit or property" is decided by the nearest cue word before the sum: a benefit
verb (给予, 奖励, 补贴 …) or benefit noun right after it wins over a property noun
further left.
"""

from __future__ import annotations

import re
from zhida.documents.extract.context import continues_enumeration, left_phrase, right_phrase
from zhida.documents.extract.numbers import NUMBER, apply_multiplier, parse_number
from zhida.documents.model import Amount

_MULT = r"万亿|千亿|百亿|百万|千万|万|亿|千"
# '1000万元及以上至5000万元', '100万元（含）以上至500万元': a band of a tier table
_RANGE_JOINT = r"(?P<tier>(?:[（(]含[）)])?\s*(?:及|或)?以上\s*)?(?:至|到|~|～|-|－|—|–)"
_NOT_AFTER_DIGIT = r"(?<![0-9０-９.．A-Za-z])"
_CUR = r"美元|港元|港币|欧元|日元|英镑|澳门元|元"
_SUM = (
    rf"{_NOT_AFTER_DIGIT}(?P<num>{NUMBER})\s*(?P<mult>{_MULT})?\s*(?P<cur>{_CUR})?"
    rf"\s*{_RANGE_JOINT}\s*(?P<num2>{NUMBER})\s*(?P<mult2>{_MULT})?\s*(?P<cur2>{_CUR})"
    rf"|{_NOT_AFTER_DIGIT}(?P<one>{NUMBER})\s*(?P<onemult>{_MULT})?\s*(?P<onecur>{_CUR})"
)
# a currency named before the number: 新台币二十万元, 港币500万元, 人民币1亿元
_CURRENCY_BEFORE = re.compile(r"(?P<cur>新台币|台币|港币|人民币|澳门币)\s*$")
_CURRENCIES = {"美元": "USD", "港元": "HKD", "港币": "HKD", "欧元": "EUR", "日元": "JPY", "英镑": "GBP",
               "澳门元": "MOP", "澳门币": "MOP", "新台币": "TWD", "台币": "TWD", "人民币": "CNY", "元": "CNY"}
SUM_RE = re.compile(_SUM)
# '补贴1.5万' — a bare 万/亿 with no 元, accepted only in a money phrase (below).
_BARE_RE = re.compile(
    rf"{_NOT_AFTER_DIGIT}(?P<one>[0-9０-９]+(?:[.．][0-9０-９]+)?)\s*(?P<onemult>千万|百万|万|亿)"
    r"(?![元美人名家户台个项辆套亩次件吨平千米年月日天倍亿])"
)
_MONEY_PHRASE = re.compile(r"补贴|奖励|资助|补助|奖补|贴息|资金|贷款|投资|收入|营收|资产|金额|销售额|产值|资本")

_UNIT_AFTER = re.compile(
    r"\s*[/／·]\s*(?P<unit>平方米|平米|㎡|公顷|千瓦时|千瓦|标准箱|标箱|企业|项目|人次|人|台|户|家|个|年|月|次|项|辆|套|吨|亩|件|名|张|头|只)"
)
# Words of 每…/…/X that say how often, not per what: kept apart as ``Amount.period``.
_PERIODS = frozenset({"年", "月"})
_UNIT_BEFORE = re.compile(
    r"(?:每(?:[\u4e00-\u9fff]{0,3}?满[0-9０-９一二三四五六七八九十百千万]+|增加[0-9０-９一二两三四五六七八九十]+)?"
    r"(?:个|家|户|位|名|台|项|辆)?|单(?:个|家|户|台|辆)?)"
    r"(?P<unit>企业|项目|商户|品种|立方米|平方米|公顷|千瓦时|千瓦|人次|人|户|家|台|年|项(?!冠军)|辆|吨|亩|件|月|头|只|间|块|套|批次)"
)

_ABOVE = re.compile(r"\s*(?:[（(]含[^（）()]{0,4}[）)])?\s*(?:及|或)?以\s?上")  # 300万元(含税)以 上
_BELOW = re.compile(r"\s*(?:[（(]含[^（）()]{0,4}[）)])?\s*(?:及|或)?(?:以\s?下|以\s?内|之内)")
_TOTAL_AFTER = re.compile(r"再贷款|再贴现|基金|总规模|资金池|专项额度|信贷额度|授信额度")
# 资金总额 / 总规模, and a budget set aside: 市财政安排资金5000万元, 每年安排专项资金不少于…
_TOTAL_BEFORE = re.compile(
    r"资金(?:总额|总规模|规模)|总规模|设立[^，。；、]{0,6}规模|(?:安排|统筹|筹集|设立)[^，。；、]{0,12}资金"
)
# a fine or penalty band: '处五万元以上十万元以下的罚款' bounds the sum itself (floor, cap)
_PENALTY_BAND = re.compile(r"\s*(?:[（(]含[）)])?\s*(?:及|或)?以上\s*$")
_PENALTY_AFTER = re.compile(r"\s*(?:[（(]含[）)])?\s*(?:及|或)?以下\s*的?\s*(?:罚款|罚金|赔偿金|违约金)")
_BELOW_OF_BENEFICIARY = re.compile(
    r"\s*(?:[（(]含[^（）()]{0,4}[）)])?\s*(?:及|或)?(?:以\s?下|以\s?内)\s*的\s*[^，。；、]{0,8}?"
    r"(?:企业|主体|农户|个体工商户|家庭|人员|项目单位)"
)
# '在80000元限额内': the sum is the limit of what is given
_LIMIT_AFTER = re.compile(r"\s*(?:的)?\s*(?:限额|额度)(?:以)?内")
# a range followed by 的 (and the beneficiary) is a condition: '5000万元至1亿元的，给予…'
_CONDITION_AFTER = re.compile(r"\s*(?:[（(]含[）)])?\s*的\s*(?:企业|项目|单位)?\s*$")
# words that split one award into parts: 分三年拨付, 首期, 第二年, 其余, 验收后
_INSTALMENT = re.compile(
    r"首期|首批|首年|分期|分[两二三四五六七八九十0-9０-９]+(?:次|期|年|批|个年度)"
    r"|第\s?[一二三四五六七八九十0-9０-９]+\s?(?:期|次|年|批|个年度)"
    r"|次年|剩余|余款|其余|尾款|验收(?:通过)?后|再(?:拨付|兑现)"
)
_SENTENCE_BREAK = re.compile(r"[。；;！!？?\n]")
_CAP_AFTER = re.compile(r"\s*(?:为上限|为限|封顶)")
_GIVE = re.compile(r"给予|予以")
# A8 '不能超过', '不得超过' bound like 不超过; A10 '准入限额…49952元' is a limit;
# A6 最低 in 最低生活保障 / 最低工资 names a standard, it bounds nothing
_CAP = re.compile(r"最高|不(?:能|得|应|可|宜)?超过|不高于|不多于|上限|限额|封顶|至多|最多")
_FLOOR = re.compile(r"不低于|不少于|至少|最低(?!生活|工资)")
_MIN = re.compile(r"(?<!不)(?<!不能)(?<!不得)(?<!不应)(?<!不可)(?<!不宜)超过|达到|(?<!不)高于|大于|突破")
_MAX = re.compile(r"(?<!不)低于|不足|少于|小于")
_BENEFIT = re.compile(r"给予|予以|奖励|补贴|补助|资助|支持|扶持|贴息|奖补|补偿|奖金|返还|退还|发放|扩岗")
_PROPERTY = re.compile(
    r"亩均|投资强度|固定资产投资|设备投资|资金投入|总投入|税收|营业收入|营收|收入|资产总额|资产|应纳税所得额|所得额|实缴资本|注册资本|资本|利用外资|外资|"
    r"价格|价值|售价|销售额|产值|投资总额|投资额|总投资|纳税额|税额|余额|采购项目|工程"
)


_MONEY_CHARS = re.compile("[元币镑万亿]")  # every sum names a currency (…元, 港币, 英镑) or a 万/亿


def extract_amounts(text: str) -> list[Amount]:
    if not _MONEY_CHARS.search(text):
        return []  # most clauses: nothing to scan for
    amounts: list[Amount] = []
    taken: list[tuple[int, int]] = []
    tiers: set[int] = set()  # starts of bands written 'A及以上至B'
    for match in SUM_RE.finditer(text):
        if _bare_chinese_digit(match) or (amount := _parsed(match, text)) is None:
            continue
        amounts.append(amount)
        taken.append(match.span())
        if match.group("tier"):
            tiers.add(amount.start)
    for match in _BARE_RE.finditer(text):
        if any(a < match.end() and match.start() < b for a, b in taken):
            continue
        if _MONEY_PHRASE.search(left_phrase(text, match.start())) and (amount := _parsed(match, text)):
            amounts.append(amount)
    amounts.sort(key=lambda amount: amount.start)
    _assign_roles(text, amounts, tiers)
    return amounts


def _parsed(match: re.Match, text: str) -> Amount | None:
    """The amount a match spells, or None where its numeral is malformed ('一一万' is no number)."""
    try:
        return _amount_from(match, text)
    except ValueError:
        return None


def _bare_chinese_digit(match: re.Match) -> bool:
    """'统一元数据', '多元': a lone Chinese digit before 元 is a word, not a sum."""
    number = match.group("one")
    if not number or match.group("onemult"):
        return False
    return not re.search(r"[0-9０-９十百千万亿]", number)


def _amount_from(match: re.Match, text: str) -> Amount:
    groups = match.groupdict()
    start = match.start()
    before = _CURRENCY_BEFORE.search(text, max(0, start - 6), start)
    if groups.get("num2"):
        upper_mult = groups["mult2"]
        lower_mult = groups["mult"] or (upper_mult if not groups["cur"] else None)
        currency = _currency(groups["cur2"])
        value = apply_multiplier(parse_number(groups["num"]), lower_mult)
        upper = apply_multiplier(parse_number(groups["num2"]), upper_mult)
    else:
        currency = _currency(groups.get("onecur") or "元")
        value = apply_multiplier(parse_number(groups["one"]), groups["onemult"])
        upper = None
    if before is not None:
        start, currency = before.start(), _CURRENCIES[before.group("cur")]
    end = match.end()
    unit = period = None
    while (per := _UNIT_AFTER.match(text, end)) is not None:  # 1000元/人/月: a unit and a period
        word = per.group("unit")
        if word in _PERIODS and period is None:
            period = word
        elif word not in _PERIODS and unit is None:
            unit = word
        else:
            break
        end = per.end()
    return Amount(text=text[start:end], value=value, currency=currency, role="exact",
                  start=start, end=end, unit=unit, upper=upper, period=period)


def _last_per(left: str, periods: bool) -> str | None:
    """The last 每-word of the phrase that is (or is not) a period: 每户每年 → 户 / 年."""
    words = [m.group("unit") for m in _UNIT_BEFORE.finditer(left) if (m.group("unit") in _PERIODS) == periods]
    return words[-1] if words else None


def _currency(word: str | None) -> str:
    return _CURRENCIES.get(word or "元", "CNY")


def _assign_roles(text: str, amounts: list[Amount], tiers: set[int] = frozenset()) -> None:
    previous: Amount | None = None
    award: Amount | None = None  # the last sum given in this sentence: what instalments add up to
    for amount in amounts:
        if previous is not None and continues_enumeration(text, previous.end, amount.start):
            amount.role = previous.role
            amount.unit = amount.unit or previous.unit
            amount.period = amount.period or previous.period
        else:
            floor = previous.end if previous is not None else 0
            left = left_phrase(text, amount.start, floor=floor)
            right = right_phrase(text, amount.end)
            amount.unit = amount.unit or _last_per(left, periods=False)
            amount.period = amount.period or _last_per(left, periods=True)
            per_unit = amount.unit is not None or amount.period is not None
            amount.role = classify(left, right, per_unit=per_unit, is_range=amount.upper is not None)
            if _parallel_bound(text, previous, amount, left):
                amount.role = previous.role  # 限额为职工每人每天105元、居民每人每天50元: one bound, two subjects
            if amount.unit is None and amount.role == "per_unit" and _TOTAL_BEFORE.search(left) and not _GIVE.search(left):
                amount.role = "total"  # 县财政每年安排引导资金1000万元: a yearly budget is a programme total
            if amount.start in tiers or (amount.upper is not None and _CONDITION_AFTER.match(right)):
                amount.role = "threshold_min"  # a band the beneficiary falls in: 1000万元及以上至5000万元的
        if (previous is not None and _PENALTY_AFTER.match(text, amount.end)
                and _PENALTY_BAND.match(text[previous.end : amount.start])):
            previous.role, amount.role = "floor", "cap"  # 处五千元以上二万元以下罚款
        if award is not None and _SENTENCE_BREAK.search(text, award.end, amount.start):
            award = None
        if (award is not None and amount.role in ("exact", "per_unit") and amount.currency == award.currency
                and amount.value is not None and award.value is not None and amount.value < award.value
                and _INSTALMENT.search(text, award.end, amount.end)):
            amount.role = "instalment"  # 给予300万元奖励，分三年拨付，首年拨付100万元
        elif amount.role in ("exact", "cap", "per_unit", "floor"):
            award = amount
        previous = amount


_ROLE_CUE = re.compile("|".join(p.pattern for p in (_CAP, _FLOOR, _MIN, _MAX, _BENEFIT, _TOTAL_BEFORE)))
_PARALLEL_GAP = re.compile(r"^[^，,、；;。]{0,12}[）)]?\s*[、，,]")


def _parallel_bound(text: str, previous: Amount | None, amount: Amount, left: str) -> bool:
    """The same bound goes on to a parallel subject: '…职工参保人员每人每天105元、居民参保人员每人每天
    50元' — a sum per the same unit and period after 、/， whose own phrase has no role word."""
    if previous is None or previous.role not in ("cap", "floor", "threshold_max", "threshold_min"):
        return False
    if amount.role != "per_unit" or (amount.unit, amount.period) != (previous.unit, previous.period):
        return False
    gap = text[previous.end : amount.start]
    return len(gap) <= 30 and bool(_PARALLEL_GAP.match(gap)) and not _ROLE_CUE.search(left)


def classify(left: str, right: str, per_unit: bool = False, is_range: bool = False) -> str:
    """The role of a sum from the words of its phrase (see module docstring)."""
    property_bound = _is_property(left, right)
    if _ABOVE.match(right):
        return "threshold_min"
    if _BELOW.match(right):
        if _PENALTY_AFTER.match(right):
            return "cap"  # 处10万元以下的罚款
        if _BELOW_OF_BENEFICIARY.match(right):
            return "threshold_max"  # 单户担保金额500万元及以下的小微企业
        return "threshold_max" if property_bound or not _benefit_near(left, right) else "cap"
    if _LIMIT_AFTER.match(right):
        return "threshold_max" if property_bound else "cap"  # 在80000元限额内据实扣除
    if _CAP_AFTER.match(right):
        return "threshold_max" if property_bound else "cap"  # 每家企业以新台币二十五万元为上限
    if _TOTAL_AFTER.search(right) and not _CAP.search(left) and not _FLOOR.search(left):
        return "total"
    if not per_unit and _TOTAL_BEFORE.search(left) and not _GIVE.search(left):
        return "total"  # 奖励资金总额不超过1亿元: the size of the whole programme
    if _CAP.search(left):
        return "threshold_max" if property_bound else "cap"
    if _FLOOR.search(left):
        return "threshold_min" if property_bound else "floor"
    if _MIN.search(left):
        return "threshold_min"
    if _MAX.search(left):
        return "threshold_max"
    if is_range and property_bound:
        return "threshold_min"  # 应纳税所得额100万元至300万元: a band the beneficiary falls in
    if per_unit:
        return "per_unit"
    return "exact"


def _benefit_near(left: str, right: str) -> bool:
    return bool(_BENEFIT.search(left) or _BENEFIT.search(right))


def _is_property(left: str, right: str) -> bool:
    """True when the nearest cue before the sum names a property of the beneficiary."""
    if _BENEFIT.match(right.lstrip("的 ")):
        return False  # …不超过300万元的奖励: the sum is the benefit
    last_property = max((m.end() for m in _PROPERTY.finditer(left)), default=-1)
    last_benefit = max((m.end() for m in _BENEFIT.finditer(left)), default=-1)
    return last_property > last_benefit

