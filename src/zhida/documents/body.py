"""Where a document's body lies among its cleaned paragraphs.

The header (红头, 文号, title, 主送) and a table of contents come before it; a 通知 that
issues another document (印发《…》) has that document as its body, the notice itself
being metadata; attachments (a line '附件1' on its own, then a title) follow it and
are parts of their own; the list of attachments inside a notice ('附件：1．…') and
the signature end it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from zhida.documents.labels import find_label

_PROSE_PUNCT = re.compile(r"[，,。；;：:、！!？?]")
_BOOK_TITLE = re.compile(r"《([^《》]{2,120})》")
_ATTACHMENT = re.compile(r"^附\s*件\s*\d*\s*[:：]\s*(?:\d+[.．、]\s*)?(.{2,120}?)\s*$")
# '附件：…' listing what is attached: the notice's text is over
ATTACHMENT_LIST = re.compile(r"^附\s*件\s*[0-9０-９]*\s*[:：]")
# '附件2' on a line of its own: an attachment starts
ATTACHMENT_MARKER = re.compile(r"^附\s*件\s*([0-9０-９]{0,3}|[一二三四五六七八九十]{0,3})\s*[:：]?$")
_DATE = re.compile(r"[0-9０-９〇○一二三四五六七八九十]{2,4}\s*年.{1,6}月.{1,6}日")
_DATE_ONLY = re.compile("^" + _DATE.pattern + "$")
_WRAPPING = re.compile(r"(印发|转发|印發|轉發|颁布|頒布)")
_TOC = ("目录", "目錄")
# 主送: '各区人民政府，市政府各委、办、局：' — a list of addressees ending with a colon
_ADDRESSEES = re.compile(r"^[^。；;！!？?]{2,150}[:：]$")
_ADDRESSEE_WORD = re.compile(r"^各|(单位|部门|企业|政府|局|委|办|机构|处|室|公司|組織|單位|部門|機構)[:：]$")


@dataclass
class BodyLocation:
    title_index: int | None  # the body's own title paragraph (an attachment's title)
    preamble: list[int]  # unnumbered paragraphs before the first clause
    first_label: int | None
    attachment_title: str | None = None
    toc: int | None = None  # where a table of contents (目录) starts
    end: int | None = None  # where the body proper ends (attachment list or first attachment)
    addressees: int | None = None  # the 主送 line
    attachments: list[int] = field(default_factory=list)  # '附件N' marker lines of attachment parts
    title_end: int | None = None  # the paragraph after the body's title (a title may take two lines)


_SPACES = re.compile(r"\s+")


def squash(text: str) -> str:
    return _SPACES.sub("", text)


def is_prose(text: str) -> bool:
    return bool(_PROSE_PUNCT.search(text)) and not _DATE_ONLY.match(text)


def is_title_line(text: str) -> bool:
    """A short line without punctuation, label or date: a title (an attachment's, a part's)."""
    return not is_prose(text) and not find_label(text) and len(text) <= 60 and not _DATE.search(text)


def is_addressee_line(text: str) -> bool:
    return bool(_ADDRESSEES.match(text) and _ADDRESSEE_WORD.search(text)) and not find_label(text)


def attachment_name(texts: list[str]) -> tuple[str, int] | None:
    """The attached document a notice wraps, and where the notice names it."""
    joined_header = ""
    owners: list[int] = []
    for i, text in enumerate(texts):
        m = _ATTACHMENT.match(text)
        if m:
            return m.group(1).strip("《》"), i
        joined_header += text
        owners.extend([i] * len(text))
        if find_label(text) and find_label(text).number == 1:
            break
    for m in _BOOK_TITLE.finditer(joined_header):
        before = joined_header[max(0, m.start() - 30) : m.start()]
        after = joined_header[m.end() : m.end() + 30]
        if _WRAPPING.search(before) or _WRAPPING.search(after):
            name = m.group(1)
            if "〈" in name:  # 《关于印发〈X〉的通知》 names another notice, not this attachment
                continue
            return name, owners[m.start()]
    return None


def _toc_end(texts: list[str], start: int, stop: int) -> tuple[int | None, int]:
    """(where a 目录 starts, the first paragraph after it) — the body repeats its first entry."""
    for i in range(start, stop):
        if squash(texts[i]) in _TOC:
            entries = [j for j in range(i + 1, stop) if texts[j].strip()]
            if not entries:
                break
            first = squash(texts[entries[0]])
            for j in entries[1:]:
                if squash(texts[j]) == first:
                    return i, j
            break
        if find_label(texts[i]):
            break
    return None, start


def attachment_markers(texts: list[str], after: int) -> list[int]:
    """'附件1' lines (on their own, followed by content) from ``after`` on; '附件：' over a
    numbered list ('1．申报指南') lists the attachments instead."""
    markers = []
    for i in range(after, len(texts) - 1):
        marker = squash(texts[i])
        if ATTACHMENT_MARKER.match(marker):
            if marker.endswith(("：", ":")) and find_label(texts[i + 1]):
                continue
            markers.append(i)
    return markers


def _lead_before(texts: list[str], start: int, first_label: int) -> list[int]:
    """The prose paragraphs right before the first clause — with an unnumbered heading
    (one or two title lines) between that prose and the clause: '为…制定以下措施。' /
    '总体要求' / '一、…' — the heading is body, not header. Title lines with no prose
    before them (the document's title) stay in the header."""
    i = first_label - 1
    headings: list[int] = []
    while i >= start and len(headings) < 2 and is_title_line(texts[i]):
        headings.insert(0, i)
        i -= 1
    lead: list[int] = []
    while i >= start and is_prose(texts[i]):
        lead.insert(0, i)
        i -= 1
    return lead + headings if lead else []


def locate_body(texts: list[str]) -> BodyLocation:
    search_from, title_index, attachment = 0, None, None
    markers = attachment_markers(texts, 1)
    limit = len(texts)
    named = attachment_name(texts)
    if named:
        attachment, mentioned_at = named
        key = squash(attachment)
        for j in range(mentioned_at + 1, len(texts)):
            if squash(texts[j]) == key:
                title_index, search_from = j, j + 1
                break
            if j + 1 < len(texts) and squash(texts[j] + texts[j + 1]) == key:  # a title set on two lines
                title_index, search_from = j, j + 2
                break
    if title_index is not None and len([m for m in markers if m < title_index]) >= 1:
        later = [m for m in markers if m > title_index]
        if later or len(markers) > 1:
            # several attachments: each is a part of its own and the notice is the body
            title_index, search_from, attachment = None, 0, None
    markers = [m for m in markers if m >= search_from]
    if markers:
        limit = markers[0]
    toc, search_from = _toc_end(texts, search_from, limit)
    first_label = None
    for i in range(search_from, limit):
        if ATTACHMENT_LIST.match(texts[i]) and first_label is not None:
            limit = i  # '附件：…' after the clauses lists the attachments: the body is over
            break
        label = find_label(texts[i])
        if label and label.number == 1 and first_label is None:
            first_label = i
    preamble: list[int] = []
    if first_label is not None:
        preamble = _lead_before(texts, search_from, first_label)
    elif title_index is not None:
        preamble = [i for i in range(search_from, limit) if is_prose(texts[i])]
    addressees = None
    if preamble and is_addressee_line(texts[preamble[0]]):
        addressees = preamble.pop(0)
    title_end = search_from if title_index is not None else None
    return BodyLocation(title_index, preamble, first_label, attachment, toc, limit, addressees, markers, title_end)
