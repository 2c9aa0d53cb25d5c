"""Who a clause is for: mentions of beneficiary types, mapped to a fixed catalogue.

The catalogue (code — label — what is matched):

=============================  ==================  ==========================================
code                           label               matched words (quotes “”‘’'" optional)
=============================  ==================  ==========================================
small_low_profit_enterprise    小型微利企业        小型微利企业
service_small_micro_enterprise 服务业小微企业      服务业小微企业 (one item, not also 小微企业)
small_micro_enterprise         小微企业            小微企业, 小型微型企业, 小微市场主体
smme                           中小微企业          中小微企业
tech_sme                       科技型中小企业      科技型中小企业
specialized_sme                专精特新中小企业    “专精特新”中小企业 / 专精特新企业
little_giant_national          国家级专精特新“小巨人”企业   国家级(专精特新)“小巨人”企业
little_giant_municipal         市级专精特新“小巨人”企业     市级(专精特新)“小巨人”企业
little_giant                   专精特新“小巨人”企业         (专精特新)“小巨人”企业 (level not stated)
sme                            中小企业            中小企业
medium_enterprise              中型企业            中型企业
large_enterprise               大型企业            大型企业
individual_business            个体工商户          个体工商户
small_scale_vat_taxpayer       增值税小规模纳税人  (增值税)小规模纳税人
high_tech_enterprise           高新技术企业        (国家)高新技术企业, (获得)国家高新技术认定的企业
manufacturing_enterprise       制造业企业          制造业企业, 制造企业
foreign_trade_enterprise       外贸企业            外贸企业, 外贸综合服务企业
foreign_invested_enterprise    外资企业            外资企业, 外商投资企业
listed_enterprise              上市企业            上市企业, 上市公司
pre_ipo_enterprise             拟上市企业          拟上市企业, 上市后备企业, 上市挂牌后备企业
platform_enterprise            平台企业            平台企业 (外卖平台企业, 旅游平台企业 …)
catering_enterprise            餐饮企业            餐饮企业, 餐饮商户
individual_consumer            个人消费者          个人消费者
college_graduate               高校毕业生          (应届)高校毕业生 — persons hired, not firms
third_party_institution        第三方机构          第三方机构, 第三方服务机构
leading_enterprise             龙头企业            龙头企业, 链主企业, “链主”企业
incubator                      孵化器              (科技型)孵化器, 孵化机构
state_owned_enterprise         国有企业            国有企业, 国企
headquarters_enterprise        总部企业            总部企业
=============================  ==================  ==========================================

At any place the longest catalogue phrase wins and matches never overlap, so
小型微利企业 never also yields 小微企业, and 服务业小微企业 is one item
(``service_small_micro_enterprise``) — consumers that want the broader type can map
that code to 小微企业 themselves.
"""

from __future__ import annotations

import re

from zhida.documents.model import Beneficiary

_Q = "[“”‘’'\"「」『』]?"

# (code, label, patterns). Patterns are regexes; the alternation is ordered by the
# length of the literal they can match, longest first, so the longest phrase wins.
CATALOGUE: list[tuple[str, str, list[str]]] = [
    ("small_low_profit_enterprise", "小型微利企业", ["小型微利企业"]),
    ("service_small_micro_enterprise", "服务业小微企业", ["服务业小微企业"]),
    ("small_micro_enterprise", "小微企业", ["小微企业", "小型微型企业", "小微市场主体"]),
    ("smme", "中小微企业", ["中小微企业"]),
    ("tech_sme", "科技型中小企业", ["科技型中小企业"]),
    ("little_giant_national", "国家级专精特新“小巨人”企业",
     [rf"国家级{_Q}(?:专精特新{_Q})?{_Q}小巨人{_Q}企业"]),
    ("little_giant_municipal", "市级专精特新“小巨人”企业",
     [rf"市级{_Q}(?:专精特新{_Q})?{_Q}小巨人{_Q}企业"]),
    ("little_giant", "专精特新“小巨人”企业", [rf"{_Q}(?:专精特新{_Q})?{_Q}小巨人{_Q}企业"]),
    ("specialized_sme", "专精特新中小企业", [rf"{_Q}专精特新{_Q}中小企业", rf"{_Q}专精特新{_Q}企业"]),
    ("sme", "中小企业", ["中小企业"]),
    ("medium_enterprise", "中型企业", ["中型企业"]),
    ("large_enterprise", "大型企业", ["大型企业"]),
    ("individual_business", "个体工商户", ["个体工商户"]),
    ("small_scale_vat_taxpayer", "增值税小规模纳税人", ["增值税小规模纳税人", "小规模纳税人"]),
    ("high_tech_enterprise", "高新技术企业",
     ["(?:获得)?国家高新技术认定的企业", "高新技术认定的企业", "国家高新技术企业", "国家级高新技术企业", "高新技术企业"]),
    ("manufacturing_enterprise", "制造业企业", ["制造业企业", "制造企业"]),
    ("foreign_trade_enterprise", "外贸企业", ["外贸综合服务企业", "外贸企业"]),
    ("foreign_invested_enterprise", "外资企业", ["外商投资企业", "外资企业"]),
    ("pre_ipo_enterprise", "拟上市企业", ["上市挂牌后备企业", "上市后备企业", "拟上市企业"]),
    ("listed_enterprise", "上市企业", ["上市企业", "上市公司"]),
    ("platform_enterprise", "平台企业", ["平台企业"]),
    ("catering_enterprise", "餐饮企业", ["餐饮企业", "餐饮商户"]),
    ("individual_consumer", "个人消费者", ["个人消费者"]),
    ("college_graduate", "高校毕业生", ["应届高校毕业生", "高校毕业生"]),
    ("third_party_institution", "第三方机构", ["第三方服务机构", "第三方机构"]),
    ("leading_enterprise", "龙头企业", ["龙头企业", rf"{_Q}链主{_Q}企业"]),
    ("incubator", "孵化器", ["科技型孵化器", "孵化器", "孵化机构"]),
    ("state_owned_enterprise", "国有企业", ["国有企业", "国企"]),
    ("headquarters_enterprise", "总部企业", ["总部企业"]),
]

LABELS = {code: label for code, label, _ in CATALOGUE}


def _literal_length(pattern: str) -> int:
    # the Chinese characters a pattern needs at least (quotes and groups aside)
    return len(re.findall(r"[\u4e00-\u9fff]", re.sub(r"\(\?:[^)]*\)\?", "", pattern)))


def _first_chars(pattern: str) -> set[str]:
    """The characters a match of ``pattern`` can begin with (optional quotes and groups looked through)."""
    chars: set[str] = set()
    while pattern:
        if pattern.startswith(_Q):
            chars |= set(_Q[1:-2])
            pattern = pattern[len(_Q):]
            continue
        group = re.match(r"\(\?:([^()]*)\)\?", pattern)
        if group:
            chars |= _first_chars(group.group(1))
            pattern = pattern[group.end():]
            continue
        chars.add(pattern[0])
        break
    return chars


def _build() -> re.Pattern:
    alternatives = []
    first: set[str] = set()
    for index, (_code, _label, patterns) in enumerate(CATALOGUE):
        for pattern in patterns:
            alternatives.append((_literal_length(pattern), f"(?P<c{index}_{len(alternatives)}>{pattern})"))
            first |= _first_chars(pattern)
    alternatives.sort(key=lambda pair: -pair[0])
    # the lookahead lets the scan skip, in one cheap test, every place no catalogue phrase can start
    starts = "".join(sorted(re.escape(ch) for ch in first))
    return re.compile(f"(?=[{starts}])(?:" + "|".join(pattern for _, pattern in alternatives) + ")")


_PATTERN = _build()


def extract_beneficiaries(text: str) -> list[Beneficiary]:
    found = []
    for match in _PATTERN.finditer(text):
        group = match.lastgroup
        code, label, _ = CATALOGUE[int(group[1:].split("_")[0])]
        start, end = match.span()
        # a leading quote belongs to the phrase only if it is closed inside it
        if text[start] in "“‘'\"「『" and not re.search(r"[”’'\"」』]", text[start + 1:end]):
            start += 1
        found.append(Beneficiary(text=text[start:end], type=code, label=label, start=start, end=end))
    return found
