"""Cleaned paragraphs → the document's own clause tree.

Levels come from the label styles actually present (第X章, 一、, （一）, 1．, (1), ①),
nested in the order they open. A label counts only at a paragraph start and only if
it continues its style's sequence (so '2022.' or '3.0' never start a clause). For a
通知 that wraps an attached document the body is the attachment: the notice text is
metadata, not clauses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from zhida.documents.labels import Label, find_label
from zhida.documents.model import Clause
from zhida.documents.textmap import MappedText

_SENTENCE_END = re.compile(r"[。；;！!？?]")
_PROSE_PUNCT = re.compile(r"[，,。；;：:、！!？?]")
_BOOK_TITLE = re.compile(r"《([^《》]{2,120})》")
_ATTACHMENT = re.compile(r"^附\s*件\s*\d*\s*[:：]\s*(?:\d+[.．、]\s*)?(.{2,120}?)\s*$")
_DATE_ONLY = re.compile(r"^[0-9０-９〇○一二三四五六七八九十]{2,4}\s*年.{1,6}月.{1,6}日$")
# unnumbered text after the last clause that belongs to the whole document
_CLOSING_START = re.compile(
    r"^(本(措施|方案|实施方案|行动方案|政策|办法|细则|规定|意见|通知|决定|条例|规则|计划|指引|若干措施)"
    r"|各(有关|相关)?(部门|单位|区|县|地区|级)|以上|上述|自.{0,30}(起|之日)"
    r"|.{0,40}(负责解释|起施行|起实施|起执行|有效期))"
)
_WRAPPING = re.compile(r"(印发|转发|印發|轉發|颁布|頒布)")

STRUCTURAL_KIND = {"part": "part", "chapter": "chapter", "jie": "section", "article": "article"}
ID_PREFIX = {"part": "part", "chapter": "ch", "jie": "sec", "article": "art"}


@dataclass
class BodyLocation:
    title_index: int | None  # the body's own title paragraph (an attachment's title)
    preamble: list[int]  # unnumbered paragraphs before the first clause
    first_label: int | None
    attachment_title: str | None = None


@dataclass
class _Node:
    label: Label
    paragraphs: list[MappedText]
    children: list[_Node] = field(default_factory=list)
    parent: _Node | None = None


@dataclass
class Structure:
    clauses: list[Clause]
    preamble: Clause | None
    closing: Clause | None
    location: BodyLocation
    mapped: dict[str, MappedText]  # clause id → its cleaned text with original offsets
    trailing: list[int]  # paragraphs after the body that are neither clause nor closing


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _simple(text: str) -> str:
    from zhida.documents.script import _converter  # char-level; lengths unchanged

    return _converter("t2s").convert(text)


def is_prose(text: str) -> bool:
    return bool(_PROSE_PUNCT.search(text)) and not _DATE_ONLY.match(text)


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


def locate_body(texts: list[str]) -> BodyLocation:
    search_from, title_index, attachment = 0, None, None
    named = attachment_name(texts)
    if named:
        attachment, mentioned_at = named
        key = _squash(attachment)
        for j in range(mentioned_at + 1, len(texts)):
            if _squash(texts[j]) == key:
                title_index, search_from = j, j + 1
                break
    first_label = None
    for i in range(search_from, len(texts)):
        label = find_label(texts[i])
        if label and label.number == 1:
            first_label = i
            break
    preamble: list[int] = []
    if first_label is not None:
        i = first_label - 1
        while i >= search_from and is_prose(texts[i]):
            preamble.insert(0, i)
            i -= 1
    elif title_index is not None:
        preamble = [i for i in range(search_from, len(texts)) if is_prose(texts[i])]
    return BodyLocation(title_index, preamble, first_label, attachment)


def heading_of(rest: str) -> str | None:
    """A clause's short title: a whole heading line, or the first short sentence."""
    rest = rest.strip()
    if not rest:
        return None
    if not _SENTENCE_END.search(rest) and len(rest) <= 60:
        return rest.rstrip("：:")
    m = re.match(r"([^。；;！!？?]{1,40})[。；;！!？?]", rest)
    if m and not re.search(r"[，,：:、]", m.group(1)):
        return m.group(1).strip()
    return None


def _accepted_labels(texts: list[str], start: int) -> dict[int, Label]:
    """Paragraph index → label, for labels that continue their style's sequence."""
    accepted: dict[int, Label] = {}
    last_number: dict[str, int] = {}
    last_at: dict[str, int] = {}
    last_any = -1
    for i in range(start, len(texts)):
        label = find_label(texts[i])
        if label is None:
            continue
        style, n = label.style, label.number
        if style not in last_number:
            ok = n == 1
        else:
            prev = last_number[style]
            restart = n == 1 and last_any > last_at[style] and accepted[last_any].style != style
            step_ok = n == prev + 1 if label.followed_by_digit else prev < n <= prev + 3
            ok = restart or step_ok
        if ok:
            accepted[i] = label
            last_number[style] = n
            last_at[style] = i
            last_any = i
    return accepted


def _mapped_of(paragraphs: list[MappedText]) -> MappedText:
    parts: list[MappedText] = []
    for para in paragraphs:
        if parts:
            parts.append(MappedText.inserted("\n", parts[-1].ends[-1]))
        parts.append(para)
    return MappedText.concat(parts)


def _kind(node: _Node) -> str:
    style = node.label.style
    if style in STRUCTURAL_KIND:
        return STRUCTURAL_KIND[style]
    if style == "cn_dun":
        return "section" if node.children else "measure"
    if style == "cn_paren":
        if node.parent is not None and node.parent.label.style == "article":
            return "item"
        if node.parent is None:
            return "section" if node.children else "measure"
        return "subsection" if node.children else "measure"
    if style == "arabic":
        return "item"
    return "subitem"


def _id_token(label: Label) -> str:
    return f"{ID_PREFIX.get(label.style, '')}{label.number}"


def build(paragraphs: list[MappedText]) -> Structure:
    texts = [p.text for p in paragraphs]
    location = locate_body(texts)
    mapped: dict[str, MappedText] = {}
    preamble = _plain_clause("preamble", [paragraphs[i] for i in location.preamble], mapped)
    if location.first_label is None:
        return Structure([], preamble, None, location, mapped, [])

    accepted = _accepted_labels(texts, location.first_label)
    last_label = max(accepted)
    roots: list[_Node] = []
    stack: list[_Node] = []
    closing_paras: list[MappedText] = []
    trailing: list[int] = []
    in_closing = False
    for i in range(location.first_label, len(paragraphs)):
        para = paragraphs[i]
        label = accepted.get(i)
        if label is not None:
            node = _Node(label, [para])
            styles = [n.label.style for n in stack]
            if label.style in styles:
                del stack[styles.index(label.style) :]
            if stack:
                node.parent = stack[-1]
                stack[-1].children.append(node)
            else:
                roots.append(node)
            stack.append(node)
            continue
        if i > last_label:
            owner = stack[-1]
            owner_is_heading = _is_heading_only(owner)
            if not in_closing and owner_is_heading and not _CLOSING_START.match(_simple(para.text)):
                owner.paragraphs.append(para)
                continue
            if not is_prose(para.text):
                trailing.extend(range(i, len(paragraphs)))
                break  # signature, date: the body is over
            in_closing = True
            closing_paras.append(para)
            continue
        stack[-1].paragraphs.append(para)

    seen: dict[str, int] = {}
    clauses = [_to_clause(node, [], [], seen, mapped) for node in roots]
    closing = _plain_clause("closing", closing_paras, mapped)
    return Structure(clauses, preamble, closing, location, mapped, trailing)


def _is_heading_only(node: _Node) -> bool:
    rest = node.paragraphs[0].text[node.label.end :].strip()
    return not _SENTENCE_END.search(rest) and len(rest) <= 60


def _plain_clause(kind: str, paragraphs: list[MappedText], mapped: dict[str, MappedText]) -> Clause | None:
    if not paragraphs:
        return None
    text = _mapped_of(paragraphs)
    start, end = text.span()
    mapped[kind] = text
    return Clause(id=kind, labels=[], kind=kind, text=text.text, normalized=text.text, start=start, end=end)


def _to_clause(node: _Node, id_path: list[str], label_path: list[str], seen: dict[str, int], mapped) -> Clause:
    ids = id_path + [_id_token(node.label)]
    labels = label_path + [node.label.canonical]
    clause_id = ".".join(ids)
    seen[clause_id] = seen.get(clause_id, 0) + 1
    if seen[clause_id] > 1:
        clause_id = f"{clause_id}~{seen[clause_id]}"
    text = _mapped_of(node.paragraphs)
    start, end = text.span()
    mapped[clause_id] = text
    clause = Clause(
        id=clause_id,
        labels=labels,
        kind=_kind(node),
        text=text.text,
        normalized=text.text,
        start=start,
        end=end,
        heading=heading_of(node.paragraphs[0].text[node.label.end :]),
    )
    clause.children = [_to_clause(child, ids, labels, seen, mapped) for child in node.children]
    return clause
