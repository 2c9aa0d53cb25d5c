"""Responsible units: （责任单位：…） labels, bare bracket lists of units, State Council style
brackets that say who is responsible ('（人力资源社会保障部、财政部等按职责分工负责）'), and units
named in running text ('由县商务局负责…', '由市财政局会同市税务局组织实施').

Labelled lists ('责任单位', '责任部门', '牵头单位' …) are always taken. A bare bracket
'(市科委、中关村管委会)' is taken only when every piece looks like an organisation
(ends in 局/委/办/中心/政府/公司 …, or is 各区 / 北京经济技术开发区 …) and the bracket
closes a sentence (followed by punctuation or the end), and is not another name for the word it
follows (人才联络站（海外人才工作站）) — so '（含个体工商户）',
'（不含增值税）', '（征求意见稿）', '首台（套）', '整机(系统)与…' are not units.

A bracket ending in 负责 / 牵头 ('…等按职责分工负责', '…分别负责') says by itself that it lists
units, so its pieces need only look like names (no digits, not a clause of their own); a phrase
'由X负责' in running text is taken when every piece of X is an organ of government (市/区/县 …
or 局/委/办/厅/部 …), never an applicant ('由申报单位负责' is not a unit).

Each list is attached to the text since the previous list (or the clause start):
``sentence_start`` … ``sentence_end`` (= the bracket's start).
"""

from __future__ import annotations

import re

from zhida.documents.model import ResponsibleUnits

_LABEL = r"责任单位|责任部门|牵头单位|牵头部门|主责单位|责任主体|配合单位|实施单位|负责单位|负责部门"
# One level of nested brackets is allowed inside: （区住房城乡建设委（区房管局））
_INNER = r"(?:[^()（）]|[（(][^()（）]*[）)]){1,400}?"
_BRACKET = re.compile(
    rf"[（(]\s*(?:(?P<label>{_LABEL})\s*[：:]\s*)?(?P<body>{_INNER})\s*[）)]"
)
_SPLIT = re.compile(r"[、，,；;]|会同|配合(?!单位|部门)|牵头(?!单位|部门)")  # 各项目牵头单位 is one unit
_ORG_END = re.compile(
    r"(局|委|办|厅|署|中心|政府|分局|支行|分行|银行|部|组|所|院|公司|集团|管委会|会|"
    r"各区|开发区|单位|部门|海关|机构|支队|大队|段|处|室|站|馆|社|团|党委)$"
)
_STRONG_ORG_END = re.compile(r"(局|委|办|中心|政府|支行|分行|集团|公司|海关|管委会|开发区|单位|部门)$")
_ORG_START = re.compile(r"^(市|区|省|县|北京|国家|人民银行|人行|中国|各)")
_SENTENCE_CLOSE = re.compile(r"\s*(?:[。；;，,.!！?？\n]|$)")
# '（…等按职责分工负责）', '（…分别负责）', '（…牵头）': a bracket that says it names who is responsible
_DUTY_SUFFIX = re.compile(r"(?:等(?:有关|相关)?(?:部门|单位)?)?(?:按(?:照)?(?:职责)?(?:分工)?|依(?:职责)?|分别|共同|负责)?(?:负责|牵头负责|落实|牵头)$")
# '（…负责。列第一位者为牵头单位，下同）', '（…负责，排在第一位的部门为牵头部门，下同）': the note
# after 负责 says how to read every such bracket; it names no unit
_LEAD_NOTE = re.compile(r"(?<=负责)\s*[。，,；;]\s*[^。，,；;]{0,20}(?:牵头|主办)(?:单位|部门)[^。；;]{0,6}$")
# another field after a labelled list: '（负责部门：商务部；适用范围：所有自贸试验区）'
_OTHER_FIELD = re.compile(rf"[；;，,。]\s*(?!(?:{_LABEL}))[\u4e00-\u9fff]{{2,6}}[：:]")
# pieces that name no particular organ: '会同有关部门负责', '…等有关部门和单位负责'
_GENERIC_PIECE = re.compile(r"^(?:和|及|与)?(?:有关|相关)?(?:部门|单位|方面)(?:和|及|与)?(?:单位|部门)?$")
# '由县商务局负责…', '由市财政局会同市税务局组织实施': units named in running text
_DUTY_VERB = (r"(?:(?:按(?:照)?)?(?:职责)?(?:分工)?(?:负责|牵头|组织实施|统筹|承担|具体实施|审核|认定|受理|兑现|拨付|核定"
              r"|确定|制定|(?:统一)?(?:归口)?管理))")
_RUNNING = re.compile(rf"由(?P<body>[^，,。；;：:！!？?（(）)“”\n]{{2,60}}?){_DUTY_VERB}")
# '县商务局负责新建项目…': an organ as the subject of 负责 at the start of a sentence or phrase
_SUBJECT = re.compile(r"(?:^|(?<=[。；;，,：:\n）)]))\s*(?P<body>[^，,。；;：:！!？?（(）)“”\n]{2,40}?)(?:应当|要)?负责")
_GOVERNMENT = re.compile(r"^(?:市|区|县|省|州|盟|旗|镇|乡|街道|国家|国务院|中国人民银行|人民银行|各|[\u4e00-\u9fff]{1,6}(?:省|市|区|县|州))")
_ORGAN_END = re.compile(
    r"(局|委|办|厅|署|(?<!内|全|总|东|西|南|北|中|干)部|政府|管委会|委员会|办公室|中心|分局|海关|人民银行|支行|分行|领导小组)$"
)
_BAD_START = re.compile(r"^[由经对向该本其此]")  # '由…', '该中心': not a name
_NOT_ORGAN = re.compile(r"申报|申请|企业|项目单位|用人单位|承办|第三方|机构自|个人|本人|实施主体|主体|进行|开展")
# a ministry of the State Council named alone: 商务部, 税务总局, 国家发展改革委
_MINISTRY = re.compile(r"(部|总局|署|委员会|发展改革委|国资委|卫生健康委|网信办)$")


def extract_units(text: str) -> list[ResponsibleUnits]:
    found: list[ResponsibleUnits] = []
    since = 0
    for match in _BRACKET.finditer(text):
        labelled = match.group("label") is not None
        body = _LEAD_NOTE.sub("", match.group("body").strip())
        if labelled and (other := _OTHER_FIELD.search(body)):
            body = body[: other.start()]
        duty = _DUTY_SUFFIX.search(body) if not labelled else None
        if duty is not None:
            body = body[: duty.start()]
        units = split_units(body)
        if duty is not None or labelled:
            units = [unit for unit in units if not _GENERIC_PIECE.match(unit)]
        if not units:
            continue
        if duty is not None:
            if not (all(map(_names_a_unit, units)) and any(_ORG_END.search(u) or u.startswith("各") for u in units)):
                continue
        elif not labelled and not (_closes_sentence(text, match.end()) and all(map(_looks_like_unit, units))):
            continue
        if not labelled and duty is None and len(units) == 1 and _names_just_before(text, match.start(), units[0]):
            continue  # 人才联络站（海外人才工作站）, 镇人民政府（街道办事处）: another name, not who does it
        found.append(ResponsibleUnits(
            text=match.group(0), units=units, labelled=labelled, start=match.start(), end=match.end(),
            sentence_start=_skip_joints(text, since, match.start()), sentence_end=match.start(),
        ))
        since = match.end()
    found.extend(_running_text_units(text, [(u.start, u.end) for u in found]))
    found.sort(key=lambda u: u.start)
    return found


def _names_just_before(text: str, start: int, unit: str) -> bool:
    """The bracket follows a name it stands beside (an organ or a thing of the same kind)."""
    before = text[max(0, start - 12) : start]
    return bool(before) and (before[-1] == unit[-1] or bool(_ORGAN_END.search(before)))


def _running_text_units(text: str, taken: list[tuple[int, int]]) -> list[ResponsibleUnits]:
    """'由县商务局负责…', '县商务局负责…': units named in a sentence, attached to that sentence."""
    found = []
    matches = sorted([*_RUNNING.finditer(text), *_SUBJECT.finditer(text)], key=lambda m: m.start("body"))
    for match in matches:
        if any(a <= match.start("body") < b for a, b in taken):
            continue
        subject = match.re is _SUBJECT
        if subject and "由" in match.group("body"):
            continue  # '…由X负责': the 由 phrase names X
        units = [part for unit in split_units(match.group("body")) for part in _split_and(unit)]
        if not units or not all(map(_is_organ, units)):
            continue
        if subject and not all(_named_organ(unit) for unit in units):
            continue
        if any(_CLASS_OF_ORGANS.search(unit) for unit in units):
            continue  # '由同级人民政府审核机构进行审核', '由县级以上人民政府…': a class of organs, not one
        taken.append((match.start("body"), match.end()))
        sentence_start, sentence_end = _sentence_around(text, match.start(), match.end())
        found.append(ResponsibleUnits(
            text=match.group(0), units=units, labelled=False, start=match.start(), end=match.end(),
            sentence_start=sentence_start, sentence_end=sentence_end,
        ))
    return found


# '各级人民政府', '县级以上地方人民政府', '乡（镇）人民政府': a class of organs, not one organ
_CLASS_OF_ORGANS = re.compile(r"级|以上|有关|相关|[（(]")


def _named_organ(piece: str) -> bool:
    """One particular organ (县商务局, 商务部), not a class of them (各级人民政府, 县级以上…部门)."""
    return not _CLASS_OF_ORGANS.search(piece) and bool(_GOVERNMENT.search(piece) or _MINISTRY.search(piece))


def _split_and(piece: str) -> list[str]:
    """'外交部和总参谋部' → two organs; '工业和信息化部' stays one (its first half is no organ)."""
    for joint in ("和", "及", "与"):
        head, sep, tail = piece.partition(joint)
        if sep and _ORGAN_END.search(head) and _ORGAN_END.search(tail):
            return [head, *_split_and(tail)]
    return [piece]


def _sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    left = max(text.rfind(ch, 0, start) for ch in "。；;！!？?\n") + 1
    rights = [i for i in (text.find(ch, end) for ch in "。；;！!？?\n") if i >= 0]
    return _skip_joints(text, left, start), (min(rights) if rights else len(text))


def _names_a_unit(piece: str) -> bool:
    """A piece of a bracket that says it names who is responsible: a name, not a clause."""
    return (2 <= len(piece) <= 40 and not re.search(r"[0-9０-９%％。；;：:]", piece)
            and not re.match(r"由|请|要|应(?!急)|须", piece) and not _NOT_ORGAN.search(piece)
            and not _BAD_START.search(piece))


def _is_organ(piece: str) -> bool:
    """An organ of government, as running text names one: 县商务局, 市人力资源社会保障局, 各区政府."""
    if re.fullmatch(r"各(?:区|县|市|乡镇|县区|县市区|区县|地区|地)(?:人民)?(?:政府)?", piece):
        return True
    if not 3 <= len(piece) <= 30 or _NOT_ORGAN.search(piece) or _BAD_START.search(piece):
        return False
    return bool(_ORGAN_END.search(piece)) and not piece.endswith("部门") and not re.search(r"[0-9０-９%％]", piece)


_INNER_LABEL = re.compile(rf"(?:{_LABEL})\s*[：:]")
_SPACES = re.compile(r"\s+")
_LEADING_AND = re.compile(r"^(?:和|及|以及)")
_CLOSING_LIST = re.compile(r"^(?:有关|相关)?(?:部门|单位)(?:和|及|与)(?=.)")
_AND_BEFORE_EACH = re.compile(r"^(?:和|及|以及)(?=各)")


def split_units(body: str) -> list[str]:
    """'市工信局、市发改委会同市直有关单位' → ['市工信局', '市发改委', '市直有关单位']."""
    units = []
    body = _INNER_LABEL.sub("、", body)  # （牵头单位：…；配合单位：…）
    for piece in _split_outside_brackets(body):
        piece = _SPACES.sub("", piece)
        piece = _LEADING_AND.sub("", piece)
        piece = piece[:-1] if piece.endswith("等") else piece
        if "等" in piece:  # 市发展改革委等相关单位 → 市发展改革委, 相关单位
            head, _, tail = piece.partition("等")
            # '自然资源部等部门和各地区' → 自然资源部, 各地区 (the '部门和' closes the list before it)
            tail = _CLOSING_LIST.sub("", tail)
            tail = _AND_BEFORE_EACH.sub("", tail)  # 农业农村部等和各有关省级人民政府
            units.extend(part for part in (head, tail) if part)
        elif piece:
            units.append(piece)
    return _join_levels(units)


_LEVEL_WORD = re.compile(r"^(?:县级市|县市|县|市|区|乡镇|乡|镇|街道|街乡)(?:人民政府|政府)?$")


def _join_levels(units: list[str]) -> list[str]:
    """'各区、县级市' is one collective unit (each district and county-level city), not 各区 and a
    unit named 县级市: a bare level word after a 各… piece joins it."""
    out: list[str] = []
    for unit in units:
        if out and out[-1].startswith("各") and _LEVEL_WORD.match(unit):
            out[-1] += "、" + unit
        else:
            out.append(unit)
    return out


def _split_outside_brackets(body: str) -> list[str]:
    """Split on separators, but not inside a nested bracket: 各县（市、区）人民政府."""
    if "（" not in body and "(" not in body:
        return _SPLIT.split(body)  # no bracket: every separator splits (the loop below, in C)
    pieces, depth, last = [], 0, 0
    position = 0
    while position < len(body):
        char = body[position]
        if char in "（(":
            depth += 1
        elif char in "）)":
            depth = max(0, depth - 1)
        elif depth == 0:
            separator = _SPLIT.match(body, position)
            if separator:
                pieces.append(body[last:position])
                last = position = separator.end()
                continue
        position += 1
    pieces.append(body[last:])
    return pieces


def _looks_like_unit(piece: str) -> bool:
    if not 2 <= len(piece) <= 40 or re.search(r"[0-9０-９%％]", piece):
        return False
    if piece.startswith(("含", "不含", "包括", "包含", "非", "下同", "试行", "以下简称", "以下统称", "简称", "统称")):
        return False
    if re.fullmatch(r"各(?:区|县|市|乡镇|县区|县市区|区县|地区|地|省|省份)", piece):
        return True
    if _STRONG_ORG_END.search(piece):
        return True
    return len(piece) >= 3 and bool(_ORG_END.search(piece)) and bool(_ORG_START.search(piece) or len(piece) >= 4)


def _closes_sentence(text: str, end: int) -> bool:
    return bool(_SENTENCE_CLOSE.match(text, end))


def _skip_joints(text: str, start: int, stop: int) -> int:
    """Step over the 。 / spaces that follow the previous list."""
    while start < stop and (text[start].isspace() or text[start] in "。；;，,."):
        start += 1
    return start
