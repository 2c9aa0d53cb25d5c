"""Remove page furniture and rejoin paragraphs split by page breaks and line wraps.

Works on ``MappedText`` so the cleaned paragraphs still point into the original.
Furniture is recognised by shape (furniture.py), not by a list of one document's
strings; besides those shapes, short lines that recur are running headers, and so is
a short line printed once at the top of a page inside a sentence the page break cut.
Removed lines are kept (kind + text + offsets) because some of them — the 印发 line,
header fields, page meta — are metadata. A source laid out at a fixed width (a PDF's
text layer) wraps lines mid-sentence: lines that fill that width continue.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass, field

from zhida.documents.furniture import HEADER_FIELD, furniture_kind
from zhida.documents.labels import ORDINAL, find_label, starts_with_label
from zhida.documents.model import Removed
from zhida.documents.textmap import LINE_BREAK, MappedText

__all__ = ["Cleaned", "Removed", "clean", "furniture_kind", "should_join"]

# inline markup: markdown thematic breaks, heading marks, bold, quotes, Word bookmarks exported by converters
INLINE_MARKUP = re.compile(r"^\s*(?:-{3,}|\*{3,}|_{3,})\s*$|^\s*#{1,6}(?:\s+|$)|^\s*#{1,6}(?=\S)|\*\*|\[bookmark:[^\]\n]*\]|^\s*>\s+")
_DATE_ONLY = re.compile(r"[0-9０-９〇○一二三四五六七八九十]{2,4}\s*年.{1,6}月.{1,6}日")
_PROSE_PUNCT = re.compile(r"[，,。；;：:、！!？?]")
_CLOSING = tuple("。；;！!？?”」』）)】〕]…")
_OPENERS, _CLOSERS = "（(【〔[", "）)】〕]"
# a heading run together with the first article under it ('第二章 扶持措施 第五条 对…', what a
# PDF's text layer does to a heading set on the same baseline): the article starts a paragraph
_HEADING_THEN_ARTICLE = re.compile(
    rf"^(?:第\s*(?:{ORDINAL})\s*(?:编|部分|篇|章|节)|[一二三四五六七八九十]+[、．.])"
    rf"[^，,。；;：:！!？?（(]{{0,30}}?[\s\u3000]*(?P<next>第\s*(?:{ORDINAL})\s*[条节](?![）)]))"
)


@dataclass
class Cleaned:
    paragraphs: list[MappedText]  # cleaned, joined across page breaks, stripped
    removed: list[Removed] = field(default_factory=list)
    joins: list[int] = field(default_factory=list)  # original offsets where a split word was rejoined

    def text(self) -> MappedText:
        parts: list[MappedText] = []
        for i, para in enumerate(self.paragraphs):
            if i:
                parts.append(MappedText.inserted("\n", parts[-1].ends[-1] if parts[-1].ends else 0))
            parts.append(para)
        return MappedText.concat(parts)


def _is_heading(text: str) -> bool:
    """'一、鼓励投资' stands alone; '（一）建立项目库，为…' (a clause) may run on."""
    label = find_label(text)
    return label is not None and not re.search(r"[。；;！!？?，,]", text) and len(text) <= 40


def _unbalanced(text: str) -> bool:
    depth = 0
    for ch in text:
        if ch in _OPENERS:
            depth += 1
        elif ch in _CLOSERS and depth:
            depth -= 1
    return depth > 0


def _wide_class() -> re.Pattern[str]:
    """One character class of every wide/full-width code point (East Asian Width W or F): the
    BMP and plane 1 read from unicodedata, planes 2 and 3 wide throughout (U+20000–U+3FFFF)."""
    ranges, start = [], None
    for code in range(0x20000):
        wide = unicodedata.east_asian_width(chr(code)) in "WF"
        if wide and start is None:
            start = code
        elif not wide and start is not None:
            ranges.append((start, code - 1))
            start = None
    ranges.append((0x20000 if start is None else start, 0x3FFFF))
    body = "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges)
    return re.compile(f"[{body}]+")


_WIDE = _wide_class()


def display_width(text: str) -> float:
    """Width in full-width characters: what a fixed-width layout wraps on (wide counts 1, others ½)."""
    wide = sum(map(len, _WIDE.findall(text)))
    return wide + 0.5 * (len(text) - wide)


def wrap_width(texts: list[str]) -> float | None:
    """The width a laid-out source (PDF text layer) wrapped its lines at, if it did.

    Wrapped text has many lines of (nearly) the same, largest width; text with one
    paragraph per line has widths all over the place. None when there is no such width.
    """
    widths = sorted(width for width in map(display_width, texts) if width >= 10)
    if len(widths) < 4:
        return None
    best, best_count = None, 0
    for w in set(widths):
        count = bisect_right(widths, w) - bisect_left(widths, w - 3)  # first lines are indented by 2
        if count > best_count or (count == best_count and best is not None and w > best):
            best, best_count = w, count
    wider = sum(1 for x in widths if x > best + 1)
    if best < 20 or best_count < max(3, 0.4 * len(widths)) or wider > 0.1 * len(widths):
        return None
    return best


def should_join(prev: str, nxt: str, wrapped: bool = False) -> bool:
    """Is ``nxt`` the continuation of ``prev`` across a break (page, line wrap)?

    ``wrapped``: ``prev`` ends with a line that filled the layout's width, so the
    paragraph goes on whatever its punctuation (a PDF's wrapped first line may have none).
    """
    if not prev or not nxt or starts_with_label(nxt):
        return False
    if wrapped and not prev.endswith(_CLOSING) and not prev.endswith(("：", ":")):
        return not (furniture_kind(nxt) or _DATE_ONLY.fullmatch(nxt))
    if _is_heading(prev) or not _PROSE_PUNCT.search(prev):
        return False  # titles, names, dates: lines without punctuation stand alone
    if prev.endswith(("：", ":")):
        return _unbalanced(prev)  # '(责任单位:' + unit list; a salutation 'XX:' ends a line
    if prev.endswith(_CLOSING):
        return False
    if furniture_kind(nxt) or _DATE_ONLY.fullmatch(nxt):
        return False
    # a continuation carries on a sentence, so it has punctuation before its paragraph
    # ends; a bare name or title line after an unfinished line is a new block
    return bool(_PROSE_PUNCT.search(nxt) or re.search(r"[”」』）)】〕]", nxt))


def _unfinished(text: str) -> bool:
    """A paragraph cut off mid-sentence (what a page break does)."""
    return bool(_PROSE_PUNCT.search(text)) and not text.endswith(_CLOSING) and not _is_heading(text)


def clean(source: MappedText) -> Cleaned:
    raw = source.lines()
    separators = [""] + [m.group() for m in LINE_BREAK.finditer(source.text)]  # what precedes each line
    lines = [line.delete_pattern(INLINE_MARKUP).strip() for line in raw]
    result = Cleaned(paragraphs=[])
    kinds: list[str | None] = [None] * len(lines)

    # a run of ≥3 '1. [字段] 值' lines is a header field list (web copies), not body
    run: list[int] = []
    for i, line in enumerate(lines + [MappedText.identity("")]):
        if i < len(lines) and HEADER_FIELD.fullmatch(line.text):
            run.append(i)
            continue
        if i < len(lines) and not line.text and run:
            continue
        if len(run) >= 3:
            for j in run:
                kinds[j] = "header_field"
        run = []

    counts = Counter(line.text for line in lines if line.text)
    nonempty = [i for i, line in enumerate(lines) if line.text]
    # a signature (issuer name directly above a date) may recur legitimately
    signatures = {
        lines[i].text for i, j in zip(nonempty, nonempty[1:]) if _DATE_ONLY.fullmatch(lines[j].text)
    }
    for i, line in enumerate(lines):
        text = line.text
        if not text or kinds[i]:
            continue
        kind = furniture_kind(text)
        if kind is None and counts[text] >= 2 and len(text) <= 25 and not _PROSE_PUNCT.search(text):
            if not find_label(text) and not _DATE_ONLY.fullmatch(text) and text not in signatures:
                kind = "repeated"  # running header/footer
        kinds[i] = kind

    wrap = wrap_width([line.text for line, kind in zip(lines, kinds) if line.text and not kind])
    page_top = _page_tops(lines, separators, kinds)
    last_width = 0.0  # width of the last line added to the last paragraph
    for i, (line, kind) in enumerate(zip(lines, kinds)):
        if not line.text:
            continue
        wrapped = wrap is not None and last_width >= wrap - 3
        if kind is None and i in page_top and result.paragraphs and _is_running_header(line.text, lines, kinds, i):
            before = result.paragraphs[-1].text
            if _unfinished(before) or (wrapped and not before.endswith(_CLOSING)):
                kind = "running_header"  # a header printed once, inside a sentence cut by the page break
        if kind:
            start, end = line.span()
            result.removed.append(Removed(kind, line.text, start, end))
            continue
        if result.paragraphs and should_join(result.paragraphs[-1].text, line.text, wrapped):
            result.joins.append(line.starts[0])
            result.paragraphs[-1] = MappedText.concat([result.paragraphs[-1], line])
        else:
            result.paragraphs.append(line)
        last_width = display_width(line.text)
    result.paragraphs = [part for para in result.paragraphs for part in split_run_together(para)]
    return result


def split_run_together(para: MappedText) -> list[MappedText]:
    """'第一章 总则 第一条 为了…' → the heading and the article, each a paragraph of its own."""
    m = _HEADING_THEN_ARTICLE.match(para.text)
    if m is None or not para.text[m.end("next") :].strip():
        return [para]
    cut = m.start("next")
    head = para[:cut].strip()
    if find_label(head.text) is None:
        return [para]
    return [head, *split_run_together(para[cut:].strip())]


def _page_tops(lines: list[MappedText], separators: list[str], kinds: list[str | None]) -> set[int]:
    """Indices of the first content line of each page after the first."""
    tops, after_break = set(), False
    for i, (line, separator) in enumerate(zip(lines, separators)):
        after_break = after_break or separator == "\f"
        if line.text and not kinds[i]:
            if after_break:
                tops.add(i)
            after_break = False
    return tops


def _is_running_header(text: str, lines: list[MappedText], kinds: list[str | None], i: int) -> bool:
    """Short, no punctuation, no label, no date, and the text goes on after it."""
    if len(text) > 30 or _PROSE_PUNCT.search(text) or find_label(text) or _DATE_ONLY.search(text):
        return False
    following = next((line.text for line, kind in zip(lines[i + 1 :], kinds[i + 1 :]) if line.text and not kind), "")
    return bool(following) and not starts_with_label(following)
