"""Responsible units: （责任单位：…） labels and bare bracket lists of units.

Labelled lists ('责任单位', '责任部门', '牵头单位' …) are always taken. A bare bracket
'(市科委、中关村管委会)' is taken only when every piece looks like an organisation
(ends in 局/委/办/中心/政府/公司 …, or is 各区 / 北京经济技术开发区 …) and the bracket
closes a sentence (followed by punctuation or the end) — so '（含个体工商户）',
'（不含增值税）', '（征求意见稿）', '首台（套）', '整机(系统)与…' are not units.

Each list is attached to the text since the previous list (or the clause start):
``sentence_start`` … ``sentence_end`` (= the bracket's start).
"""

from __future__ import annotations

import re

from zhida.documents.model import ResponsibleUnits

_LABEL = r"责任单位|责任部门|牵头单位|牵头部门|主责单位|责任主体|配合单位|实施单位|负责单位"
# One level of nested brackets is allowed inside: （区住房城乡建设委（区房管局））
_INNER = r"(?:[^()（）]|[（(][^()（）]*[）)]){1,400}?"
_BRACKET = re.compile(
    rf"[（(]\s*(?:(?P<label>{_LABEL})\s*[：:]\s*)?(?P<body>{_INNER})\s*[）)]"
)
_SPLIT = re.compile(r"[、，,；;]|会同|配合|牵头")
_ORG_END = re.compile(
    r"(局|委|办|厅|署|中心|政府|分局|支行|分行|银行|部|组|所|院|公司|集团|管委会|会|"
    r"各区|开发区|单位|部门|海关|机构|支队|大队|段|处|室|站|馆|社|团|党委)$"
)
_STRONG_ORG_END = re.compile(r"(局|委|办|中心|政府|支行|分行|集团|公司|海关|管委会|开发区|单位|部门)$")
_ORG_START = re.compile(r"^(市|区|省|县|北京|国家|人民银行|人行|中国|各)")
_SENTENCE_CLOSE = re.compile(r"\s*(?:[。；;，,.!！?？\n]|$)")


def extract_units(text: str) -> list[ResponsibleUnits]:
    found: list[ResponsibleUnits] = []
    since = 0
    for match in _BRACKET.finditer(text):
        labelled = match.group("label") is not None
        units = split_units(match.group("body"))
        if not units:
            continue
        if not labelled and not (_closes_sentence(text, match.end()) and all(map(_looks_like_unit, units))):
            continue
        found.append(ResponsibleUnits(
            text=match.group(0), units=units, labelled=labelled, start=match.start(), end=match.end(),
            sentence_start=_skip_joints(text, since, match.start()), sentence_end=match.start(),
        ))
        since = match.end()
    return found


def split_units(body: str) -> list[str]:
    """'市工信局、市发改委会同市直有关单位' → ['市工信局', '市发改委', '市直有关单位']."""
    units = []
    body = re.sub(rf"(?:{_LABEL})\s*[：:]", "、", body)  # （牵头单位：…；配合单位：…）
    for piece in _split_outside_brackets(body):
        piece = re.sub(r"\s+", "", piece)
        piece = re.sub(r"^(?:和|及|以及)", "", piece)
        piece = re.sub(r"等$", "", piece)
        if "等" in piece:  # 市发展改革委等相关单位 → 市发展改革委, 相关单位
            head, _, tail = piece.partition("等")
            units.extend(part for part in (head, tail) if part)
        elif piece:
            units.append(piece)
    return units


def _split_outside_brackets(body: str) -> list[str]:
    """Split on separators, but not inside a nested bracket: 各县（市、区）人民政府."""
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
    if piece.startswith(("含", "不含", "包括", "包含", "非", "下同", "试行")):
        return False
    if re.fullmatch(r"各(?:区|县|市|乡镇|县区|县市区|区县)", piece):
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
