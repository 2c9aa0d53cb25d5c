"""Traditional ↔ simplified script: detection and offset-preserving normalization.

Extraction and search work on simplified text; the original stays the authority.
Taiwan-style text (支援 for 支持, 資訊 for 信息) needs OpenCC's phrase-level
``tw2sp``; plain character conversion (``t2s``) leaves those words alone. Phrase
rules over-correct some words that are ordinary mainland usage too (建立→创建,
文件→文档), and must never touch proper names, so those keep the char-level result.
"""

from __future__ import annotations

import difflib
import re
from operator import ne
from functools import lru_cache
from typing import Literal

import opencc

from zhida.documents.textmap import MappedText

Script = Literal["simplified", "traditional", "mixed"]

# Words the phrase dictionary rewrites although the char-level form is already the
# right mainland word (found by diffing tw2sp against t2s on seed 004).
PHRASE_EXCEPTIONS = ("建立", "文件", "核心", "新增", "整合", "线上", "查询", "档案")

_UNIT_SUFFIX = re.compile(
    r"(局|委|会|院|办|厅|行|中心|政府|区|所|组|部|处|室|署|站|馆|队|团|社|司|支队|分局|单位|公司|集团|协会|管委会)$"
)
_BRACKET = re.compile(r"[（(]([^（）()\n]{1,200})[）)]")
_BOOK_TITLE = re.compile(r"《[^《》\n]{1,200}》")


@lru_cache(maxsize=None)
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def detect_script(text: str) -> Script:
    """Count characters only one script writes; a small minority of the other is noise."""
    return _script_of(text, _converter("t2s").convert(text))


def _script_of(text: str, to_simple: str) -> Script:
    """``detect_script`` given the char-level simplified form of ``text`` (made once, used twice)."""
    to_trad = _converter("s2t").convert(text)
    if len(to_simple) != len(text) or len(to_trad) != len(text):  # pragma: no cover - t2s/s2t keep length
        to_simple, to_trad = to_simple[: len(text)], to_trad[: len(text)]
    traditional = sum(map(ne, text, to_simple))
    simplified = sum(map(ne, text, to_trad))
    total = traditional + simplified
    if traditional == 0 or traditional <= 0.02 * total:
        return "simplified"
    if simplified <= 0.1 * total:
        return "traditional"
    return "mixed"


def _char_level(text: str, converted: str) -> MappedText:
    """t2s output (``converted``) mapped to ``text`` (t2s is nearly always length-preserving)."""
    if len(converted) == len(text):
        return MappedText(converted, tuple(range(len(text))), tuple(range(1, len(text) + 1)))
    return _align(text, converted, MappedText.identity(text))


def _align(source: str, target: str, source_map: MappedText) -> MappedText:
    """Map ``target`` (a rewrite of ``source``) onto source_map's offsets, block by block."""
    starts: list[int] = []
    ends: list[int] = []
    matcher = difflib.SequenceMatcher(None, source, target, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            starts.extend(source_map.starts[i1:i2])
            ends.extend(source_map.ends[i1:i2])
        elif j2 > j1:
            # a rewritten phrase: every new character points at the whole old phrase
            a, b = source_map.span(i1, i2) if i2 > i1 else source_map.span(i1, i1)
            starts.extend([a] * (j2 - j1))
            ends.extend([b] * (j2 - j1))
    return MappedText(target, tuple(starts), tuple(ends))


def _protected_spans(simple: str) -> list[tuple[int, int]]:
    """Spans of the char-level text where phrase rules must not apply."""
    spans = [(m.start(), m.end()) for m in _BOOK_TITLE.finditer(simple)]
    for m in _BRACKET.finditer(simple):
        items = [item.strip() for item in re.split(r"[、，,；;：:]", m.group(1)) if item.strip()]
        items = [re.sub(r"^(责任单位|责任部门|牵头单位|配合单位)", "", item) for item in items]
        if items and all(_UNIT_SUFFIX.search(item) for item in items if item):
            spans.append((m.start(), m.end()))
    for word in PHRASE_EXCEPTIONS:
        spans.extend((m.start(), m.end()) for m in re.finditer(re.escape(word), simple))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for a, b in spans:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


def to_simplified(text: str) -> tuple[str, MappedText]:
    """Simplified form of ``text`` and a map from each of its characters into ``text``."""
    converted = _converter("t2s").convert(text)
    if _script_of(text, converted) == "simplified":
        return text, MappedText.identity(text)
    base = _char_level(text, converted)
    parts: list[MappedText] = []
    cursor = 0

    def phrase_convert(a: int, b: int) -> None:
        if b <= a:
            return
        orig_a, orig_b = base.starts[a], base.ends[b - 1]
        segment = text[orig_a:orig_b]
        converted = _converter("tw2sp").convert(segment)
        simple_segment = base.text[a:b]
        if converted == simple_segment:
            parts.append(base[a:b])
        else:
            parts.append(_align(simple_segment, converted, base[a:b]))

    for a, b in _protected_spans(base.text):
        phrase_convert(cursor, a)
        parts.append(base[a:b])
        cursor = b
    phrase_convert(cursor, len(base.text))
    mapped = MappedText.concat(parts)
    return mapped.text, mapped
