"""Remove page furniture and rejoin paragraphs split by page breaks.

Works on ``MappedText`` so the cleaned paragraphs still point into the original.
Furniture is recognised by shape, not by a list of one document's strings: short
lines that recur (running headers), gazette names, page numbers, web-page chrome,
print footers (抄送/共印/印发). Removed lines are kept (kind + text + offsets) because
some of them — the 印发 line, a header field list — are metadata.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from zhida.documents.labels import find_label, starts_with_label
from zhida.documents.textmap import MappedText

# inline markup: markdown heading marks, bold, Word bookmarks exported by converters
_INLINE_MARKUP = re.compile(r"^\s*#{1,6}\s+|^\s*#{1,6}(?=\S)|\*\*|\[bookmark:[^\]\n]*\]|^\s*>\s+")

_FURNITURE: list[tuple[str, re.Pattern[str]]] = [
    ("gazette", re.compile(r"(?!.*(关于|關於|的|统计|統計)).{2,24}(公报|公報)")),
    ("page_number", re.compile(r"[-—－–~·]*\s*(第\s*)?[0-9０-９]{1,4}\s*(页|頁)?\s*[-—－–~·]*")),
    ("page_number", re.compile(r"第\s*[0-9０-９]{1,4}\s*[页頁](\s*[/，,]?\s*共\s*[0-9]{1,4}\s*[页頁])?")),
    ("page_number", re.compile(r"[0-9]{1,4}\s*/\s*[0-9]{1,4}")),
    ("web_chrome", re.compile(r"(分享|字号|字號|分享到)\s*[:：].*")),
    ("web_chrome", re.compile(r"(相关政策|相關政策|相关链接|相關連結|相关文件|相關文件|打印本页|打印本頁|关闭窗口|關閉窗口|"
                              r"【?打印】?|【?关闭】?|【?關閉】?|返回顶部|返回頂部|扫一扫.{0,20}|掃一掃.{0,20}|"
                              r"[【\[]?[大中小][】\]]?\s*[【\[]?[大中小][】\]]?\s*[【\[]?[大中小][】\]]?)")),
    ("web_chrome", re.compile(r".*(您访问的链接即将离开|您訪問的連結即將離開).*")),
    ("breadcrumb", re.compile(r"[^>＞»\n]{1,20}(\s*[>＞»]\s*[^>＞»\n]{1,20}){2,}")),
    ("print", re.compile(r"抄\s*送\s*[:：].*")),
    ("print", re.compile(r"共印\s*[0-9０-９]+\s*份")),
    ("print", re.compile(r".{0,40}[0-9０-９〇○一二三四五六七八九十]{1,4}\s*年\s*[0-9０-９一二三四五六七八九十]{1,3}\s*月"
                         r"\s*[0-9０-９一二三四五六七八九十]{1,3}\s*日\s*(印发|印發)")),
    ("publication", re.compile(r"[（(]\s*此件(公开发布|公開發布|不公开|主动公开|主動公開)\s*[）)]")),
]
HEADER_FIELD = re.compile(r"[0-9]{1,2}\s*[.．、]\s*[\[【]([^\]】]{1,20})[\]】]\s*(.*)")
_DATE_ONLY = re.compile(r"[0-9０-９〇○一二三四五六七八九十]{2,4}\s*年.{1,6}月.{1,6}日")
_SENTENCE_PUNCT = re.compile(r"[。；;！!？?]")
_PROSE_PUNCT = re.compile(r"[，,。；;：:、！!？?]")
_CLOSING = tuple("。；;！!？?”」』）)】〕]…")
_OPENERS, _CLOSERS = "（(【〔[", "）)】〕]"


@dataclass(frozen=True)
class Removed:
    kind: str  # gazette, page_number, web_chrome, breadcrumb, print, publication, repeated, header_field
    text: str
    start: int
    end: int


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


def furniture_kind(line: str) -> str | None:
    """The kind of page furniture a stripped line is, or None for content."""
    for kind, pattern in _FURNITURE:
        if pattern.fullmatch(line):
            return kind
    return None


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


def should_join(prev: str, nxt: str) -> bool:
    """Is ``nxt`` the continuation of ``prev`` across a break (page, line wrap)?"""
    if not prev or not nxt or starts_with_label(nxt) or _is_heading(prev):
        return False
    if not _PROSE_PUNCT.search(prev):
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


def clean(source: MappedText) -> Cleaned:
    lines = [line.delete_pattern(_INLINE_MARKUP).strip() for line in source.lines()]
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

    for line, kind in zip(lines, kinds):
        if not line.text:
            continue
        if kind:
            start, end = line.span()
            result.removed.append(Removed(kind, line.text, start, end))
            continue
        if result.paragraphs and should_join(result.paragraphs[-1].text, line.text):
            result.joins.append(line.starts[0])
            result.paragraphs[-1] = MappedText.concat([result.paragraphs[-1], line])
        else:
            result.paragraphs.append(line)
    return result
