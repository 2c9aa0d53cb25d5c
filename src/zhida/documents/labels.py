"""Numbering labels at the start of a paragraph: 第X章, 一、, （一）, 1．, (1), ①.

A label is only a candidate here; structure.py decides whether it really numbers a
clause (sequence continuity), so '2022.' or '3.0' at a paragraph start are not labels.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CN_DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN = "[一二三四五六七八九十百千零〇○两]+"
_AR = "[0-9０-９]{1,3}"
# in a 第X条/章/节/部分 label a PDF's text layer may space the digits out: '第 1 1 条', '第 二 十 条'
_CN_SPACED = "[一二三四五六七八九十百千零〇○两](?:[ \u3000]?[一二三四五六七八九十百千零〇○两])*"
_AR_SPACED = "[0-9０-９](?:[ \u3000]?[0-9０-９]){0,2}"
ORDINAL = rf"{_CN_SPACED}|{_AR_SPACED}"
# a unit right after a spaced number ('5 万元以下', '3 个月内') makes it a quantity, not a label;
# only units that start no ordinary word ('1 项目', '2 人才引进' are labels)
_UNIT_AFTER = r"(?:千万|百万|万|亿|美元|元|倍|个(?:月|工作日|百分点)|年(?:[内以底前后]|$)|月[内底份]|日[内前]|天|%|％)"
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"

# style name → pattern; order matters (more specific first). Group 1 is the number.
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("part", re.compile(rf"第\s*({ORDINAL})\s*(?:编|部分|篇)")),
    ("chapter", re.compile(rf"第\s*({ORDINAL})\s*章")),
    ("jie", re.compile(rf"第\s*({ORDINAL})\s*节")),
    ("article", re.compile(rf"第\s*({ORDINAL})\s*条")),
    ("cn_paren", re.compile(rf"[（(]\s*({_CN})\s*[）)]")),
    ("arabic_paren", re.compile(rf"[（(]\s*({_AR})\s*[）)]")),
    ("cn_dun", re.compile(rf"({_CN})\s*[、．.](?![、])")),
    # '3 ' numbers a clause only when a word follows, not a unit: '5 万元以下…' is a sum
    ("arabic", re.compile(rf"({_AR})(?:\s*[.．、](?![.．、])|[ \t\u3000]+(?=[^\s\d.．、%％])(?!{_UNIT_AFTER}))")),
    ("circled", re.compile(rf"([{CIRCLED}])")),
]



@dataclass(frozen=True)
class Label:
    style: str
    number: int
    text: str  # as printed, e.g. "(七)" or "45．"
    end: int  # where the clause text after the label begins (within the stripped paragraph)
    followed_by_digit: bool  # '4.2022年…': only a label if the sequence expects 4

    @property
    def canonical(self) -> str:
        """The label as the id convention prints it: 三, （七）, 4, （1）, ①, 第二章."""
        if self.style == "cn_dun":
            return to_chinese(self.number)
        if self.style == "cn_paren":
            return f"（{to_chinese(self.number)}）"
        if self.style == "arabic":
            return str(self.number)
        if self.style == "arabic_paren":
            return f"（{self.number}）"
        if self.style == "circled":
            return CIRCLED[self.number - 1]
        if self.style == "part":
            word = "部分" if "部分" in self.text else ("篇" if "篇" in self.text else "编")
        else:
            word = {"chapter": "章", "jie": "节", "article": "条", "paragraph": "款"}[self.style]
        return f"第{to_chinese(self.number)}{word}"


def cn_to_int(text: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    if text.isdigit():
        return int(text)
    total, current = 0, 0
    for ch in text:
        if ch in CN_DIGITS:
            current = CN_DIGITS[ch]
        elif ch in CN_UNITS:
            total += (current or 1) * CN_UNITS[ch]
            current = 0
        else:
            return None
    return total + current


def to_chinese(number: int) -> str:
    digits = "零一二三四五六七八九"
    if number < 10:
        return digits[number]
    if number < 20:
        return "十" + (digits[number % 10] if number % 10 else "")
    if number < 100:
        return digits[number // 10] + "十" + (digits[number % 10] if number % 10 else "")
    hundreds, rest = divmod(number, 100)
    tail = "" if rest == 0 else ("零" + to_chinese(rest) if rest < 10 else (to_chinese(rest) if rest >= 20 else "一" + to_chinese(rest)))
    return digits[hundreds] + "百" + tail


# every pattern above starts with one of these characters: any other first character is no label
_FIRST = frozenset("第（(" + "一二三四五六七八九十百千零〇○两" + "0123456789０１２３４５６７８９" + CIRCLED)


def find_label(paragraph: str) -> Label | None:
    """The numbering label at the very start of ``paragraph`` (already stripped), if any."""
    if not paragraph or paragraph[0] not in _FIRST:
        return None
    for style, pattern in _PATTERNS:
        m = pattern.match(paragraph)
        if not m:
            continue
        raw = m.group(1).replace(" ", "").replace("\u3000", "")
        number = CIRCLED.index(raw) + 1 if style == "circled" else (int(raw) if raw[0].isdigit() else cn_to_int(raw))
        if not number:
            continue
        rest = paragraph[m.end() :]
        if not rest.strip() and style not in ("chapter", "part", "jie", "article"):
            continue  # a bare number on its own line is a page number, not a clause
        return Label(style, number, m.group(0), m.end(), rest[:1].isdigit())
    return None


def starts_with_label(paragraph: str) -> bool:
    label = find_label(paragraph)
    return label is not None and not label.followed_by_digit
