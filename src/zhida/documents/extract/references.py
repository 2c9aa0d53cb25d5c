"""Citations of other documents: 《titles》 and document numbers (文号).

文号: an issuer abbreviation, the year in 〔〕 (or [], (), （）, 【】, ［］) and a serial
number: 发改产业〔2022〕273号, 京政发〔2022〕23号, 国办发明电〔2022〕3号; also
announcements and decrees: 国家税务总局公告2022年第4号, 财政部 税务总局公告2023年第12号
(joint issuers separated by a space), 国务院令第708号. The
abbreviation is the run of Chinese characters before the bracket, minus a leading
verb or particle (根据/按照/落实/的 …), at most 12 characters.

Titles: 《…》, with nested 〈…〉 allowed inside (《关于印发〈…〉的通知》). A 文号 right
after a title, optionally in brackets, belongs to the same reference.
"""

from __future__ import annotations

import re

from zhida.documents.model import Reference

_DOC_NUMBER = re.compile(
    r"(?P<issuer>[\u4e00-\u9fff]{1,12})\s*[〔\[(（【［]\s*(?P<year>(?:19|20)[0-9]{2})\s*[〕\])）】］]"
    r"\s*(?P<serial>第?[0-9]{1,5})\s*号"
)
# 国家税务总局公告2022年第4号 / 国务院令第708号: the other two common numbering styles
_ANNOUNCEMENT = re.compile(
    r"(?P<issuer>[\u4e00-\u9fff](?:[\u4e00-\u9fff]| (?=[\u4e00-\u9fff])){0,15}?(?:公告|令))\s*(?:(?P<year>(?:19|20)[0-9]{2})\s*年\s*)?第\s*(?P<serial>[0-9]{1,5})\s*号"
)
_LEADING_WORDS = re.compile(
    r"^(?:.*?(?:根据|按照|依据|依照|落实|贯彻|执行|参照|印发|转发|关于|对照|详见|见|和|及|与|的|《|》))+"
)
_TITLE = re.compile(r"《(?P<title>[^《》]{1,150})》")
_GLUE = re.compile(r"\s*[（(]?\s*$")


def extract_references(text: str) -> list[Reference]:
    # a 文号 ends in 号: text without one (most clauses) needs no scan for numbers
    patterns = (_DOC_NUMBER, _ANNOUNCEMENT) if "号" in text else ()
    numbers = sorted(_number(m) for pattern in patterns for m in pattern.finditer(text))
    references: list[Reference] = []
    used: set[int] = set()
    for match in _TITLE.finditer(text):
        start, end = match.span()
        doc_number = None
        for index, (n_start, n_end, number) in enumerate(numbers):
            if index not in used and n_start >= end and _GLUE.fullmatch(text[end:n_start]):
                used.add(index)
                doc_number = number
                end = n_end
                if end < len(text) and text[end] in "）)":
                    end += 1
                break
        references.append(Reference(text=text[start:end], start=start, end=end,
                                    doc_number=doc_number, title=match.group("title")))
    for index, (n_start, n_end, number) in enumerate(numbers):
        if index not in used:
            references.append(Reference(text=text[n_start:n_end], start=n_start, end=n_end, doc_number=number))
    references.sort(key=lambda reference: reference.start)
    return references


def _number(match: re.Match) -> tuple[int, int, str]:
    issuer = match.group("issuer")
    trimmed = _LEADING_WORDS.sub("", issuer) or issuer
    start = match.start() + (len(issuer) - len(trimmed))
    return start, match.end(), match.string[start:match.end()]
