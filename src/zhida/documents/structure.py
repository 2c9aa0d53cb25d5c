"""Cleaned paragraphs → the document's own clause tree.

Levels come from the label styles actually present (第X部分, 第X章, 第X条, 一、, （一）,
1．, (1), ①), nested in the order they open. A label counts only at a paragraph start
and only if it continues its style's sequence (so '2022.' or '3.0' never start a
clause). Where the body lies (header, 目录, a 通知 wrapping the document it issues,
attachments) is body.py's business; each attachment ('附件1' + title) becomes a clause
of kind ``attachment`` with its own numbered tree below it (ids ``att1.…``), so a
numbering that restarts at 一、 in an attachment never collides with the body's.

An article's (第X条) paragraph that follows its items ('前款所列事项，由…') is the
article's next 款, not the tail of its last item: a clause of kind ``paragraph`` (id
``art3.p2``, label 第二款) after the items, so every clause stays one stretch of the source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from zhida.documents.body import ATTACHMENT_MARKER, BodyLocation, is_prose, is_title_line, locate_body, squash
from zhida.documents.labels import Label, find_label
from zhida.documents.model import Clause
from zhida.documents.textmap import MappedText

__all__ = ["BodyLocation", "Structure", "build", "heading_of"]

_SENTENCE_END = re.compile(r"[。；;！!？?]")
_LEAD_IN = re.compile(r"下列|以下|如下|[，,]")  # '…遵循以下原则：' introduces a list; it is no title
_CJK_GAP = re.compile(r"(?<=[\u3400-\u9fff])[\s\u3000]+(?=[\u3400-\u9fff])")
# unnumbered text after the last clause that belongs to the whole document
_CLOSING_START = re.compile(
    r"^(本(措施|方案|实施方案|行动方案|政策|办法|细则|规定|意见|通知|决定|条例|规则|计划|指引|若干措施|要点|指南)"
    r"|各(有关|相关)?(部门|单位|区|县|地区|级)|以上|上述|特此|自.{0,30}(起|之日)"
    r"|.{0,40}(负责解释|起施行|起实施|起执行|有效期))"
)

# 'Ｘ：…' lines of a measure written as fields (补贴条件：…, 补贴标准：10000元。)
_FIELD_LINE = re.compile(r"^\s*([\u4e00-\u9fff]{2,8})[：:]")

STRUCTURAL_KIND = {"part": "part", "chapter": "chapter", "jie": "section", "article": "article",
                   "paragraph": "paragraph"}  # fmt: skip
ID_PREFIX = {"part": "part", "chapter": "ch", "jie": "sec", "article": "art", "paragraph": "p"}
_ENDS_SENTENCE = re.compile(r"[。；;！!？?]\s*$")


@dataclass
class _Node:
    label: Label
    paragraphs: list[MappedText]
    children: list[_Node] = field(default_factory=list)
    parent: _Node | None = None


@dataclass
class _Tree:
    roots: list[_Node]
    closing: list[MappedText]
    trailing: list[int]


@dataclass
class Structure:
    clauses: list[Clause]
    preamble: Clause | None
    closing: Clause | None
    location: BodyLocation
    mapped: dict[str, MappedText]  # clause id → its cleaned text with original offsets
    trailing: list[int]  # paragraphs after the body that are neither clause nor closing


def _simple(text: str) -> str:
    from zhida.documents.script import _converter  # char-level; lengths unchanged

    return _converter("t2s").convert(text)


def heading_of(rest: str, style: str | None = None) -> str | None:
    """A clause's short title: a whole heading line, a 'term：' lead, or a short first
    sentence followed by more text. Articles (第X条) have no titles but a heading line."""
    rest = rest.strip()
    if not rest or "\t" in rest:
        return None  # a table row is no heading
    if not _SENTENCE_END.search(rest) and len(rest) <= 60:
        if not (rest.endswith(("：", ":")) and _LEAD_IN.search(rest)):
            return _CJK_GAP.sub("", rest.rstrip("：:").strip())
    if style == "article":
        return None
    m = re.match(r"([^。；;！!？?：:，,、]{2,15})[：:](?=\S)", rest)  # 申请期间：自…起
    if m:
        return m.group(1).strip()
    m = re.match(r"([^。；;！!？?]{1,40})[。！!？?]", rest)
    if m and not re.search(r"[，,：:、]", m.group(1)) and rest[m.end() :].strip():
        return m.group(1).strip()
    return None


def _accepted_labels(texts: list[str], start: int, end: int) -> dict[int, Label]:
    """Paragraph index → label, for labels that continue their style's sequence."""
    accepted: dict[int, Label] = {}
    last_number: dict[str, int] = {}
    last_at: dict[str, int] = {}
    last_any = -1
    for i in range(start, end):
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
    parent = node.parent.label.style if node.parent is not None else None
    if style == "cn_paren" and parent == "article":
        return "item"
    if parent in (None, "part", "chapter", "jie") or style == "cn_dun":
        return "section" if node.children else "measure"  # the top of a list: what a measure is
    if style == "cn_paren":
        return "subsection" if node.children else "measure"
    if style == "arabic":
        return "item"
    return "subitem"


def _id_token(label: Label) -> str:
    return f"{ID_PREFIX.get(label.style, '')}{label.number}"


def _is_heading_only(node: _Node) -> bool:
    rest = node.paragraphs[0].text[node.label.end :].strip()
    return not _SENTENCE_END.search(rest) and len(rest) <= 60


def _tree(paragraphs: list[MappedText], first: int, end: int) -> _Tree:
    """The numbered tree of paragraphs[first:end] (first is a label), its closing and trailing lines."""
    texts = [p.text for p in paragraphs]
    accepted = _accepted_labels(texts, first, end)
    last_label = max(accepted)
    roots: list[_Node] = []
    stack: list[_Node] = []
    closing: list[MappedText] = []
    trailing: list[int] = []
    in_closing = False
    # field names that lines inside the body start with: the same field after the last clause
    # ('补贴标准：…' of the last measure) still belongs to it, not to the closing
    fields = {m.group(1) for i in range(first, last_label) if i not in accepted
              for m in [_FIELD_LINE.match(texts[i])] if m}
    fields_until = 0
    for i in range(first, end):
        para = paragraphs[i]
        label = accepted.get(i)
        if label is not None:
            node = _Node(label, [para])
            styles = [n.label.style for n in stack]
            if label.style in styles:
                del stack[styles.index(label.style) :]
            elif stack and stack[-1].label.style == "paragraph" and _has_items_of(stack[-1].parent, label.style):
                del stack[-1]  # after a 款, the article's next item: （二） follows （一）, it is no item of the 款
            if stack:
                node.parent = stack[-1]
                stack[-1].children.append(node)
            else:
                roots.append(node)
            stack.append(node)
            continue
        article = _article_after_items(stack)
        if (article is not None and is_prose(para.text) and _ENDS_SENTENCE.search(stack[-1].paragraphs[-1].text)
                and not (i > last_label and (in_closing or _CLOSING_START.match(_simple(para.text))))):
            stack[stack.index(article) + 1 :] = [_next_paragraph(article, para)]
            continue
        if i > last_label and not in_closing:
            if i >= fields_until:
                fields_until = _field_run(texts, i, end, fields)
            if i < fields_until:  # the last measure's own '补贴标准：…' lines
                stack[-1].paragraphs.append(para)
                continue
        if i > last_label:
            owner = stack[-1]
            if not in_closing and _is_heading_only(owner):
                # a last heading keeps its body, even a body that reads like a closing
                first_body = len(owner.paragraphs) == 1
                if first_body or (is_prose(para.text) and not _CLOSING_START.match(_simple(para.text))):
                    owner.paragraphs.append(para)
                    continue
            if not is_prose(para.text):
                trailing.extend(range(i, end))
                break  # signature, date: the body is over
            in_closing = True
            closing.append(para)
            continue
        stack[-1].paragraphs.append(para)
    return _Tree(roots, closing, trailing)


def _field_run(texts: list[str], i: int, end: int, fields: set[str]) -> int:
    """Where the last measure's own field lines after the last clause end: the run of field lines
    from texts[i] up to the last one whose field the body's measures have (i when none has)."""
    last = i
    while i < end and (m := _FIELD_LINE.match(texts[i])):
        i += 1
        if m.group(1) in fields:
            last = i
    return last


def _article_after_items(stack: list[_Node]) -> _Node | None:
    """The article whose own items (or 款) the stack has just closed: where an unlabelled paragraph is
    a new 款 (after the article's items or a 款's items). Not after a list nested in an item (the
    paragraph goes on that item), nor inside an item
    whose first line is only a heading ('（二）延续护理评估费用' and the paragraphs under it)."""
    articles = [node for node in stack if node.label.style == "article"]
    if not articles or stack[-1] is articles[-1]:
        return None
    article = articles[-1]
    last = stack[-1]
    holder = last.parent
    if last.label.style != "paragraph" and (
            not (holder is article or (holder is not None and holder.label.style == "paragraph"))
            or _is_heading_only(last)):
        return None
    return article


def _has_items_of(article: _Node | None, style: str) -> bool:
    return article is not None and any(child.label.style == style for child in article.children)


def _next_paragraph(article: _Node, para: MappedText) -> _Node:
    """A new 款 of ``article``, numbered after its own paragraphs and the 款 it already has."""
    number = len(article.paragraphs) + sum(child.label.style == "paragraph" for child in article.children) + 1
    node = _Node(Label("paragraph", number, "", 0, False), [para], parent=article)
    article.children.append(node)
    return node


def build(paragraphs: list[MappedText]) -> Structure:
    texts = [p.text for p in paragraphs]
    location = locate_body(texts)
    mapped: dict[str, MappedText] = {}
    preamble = _plain_clause("preamble", "preamble", [paragraphs[i] for i in location.preamble], mapped)
    end = location.end if location.end is not None else len(paragraphs)
    clauses: list[Clause] = []
    closing = None
    trailing: list[int] = []
    if location.first_label is not None:
        parts = _unnumbered_parts(texts, location.first_label, end)
        tree = _tree(paragraphs, location.first_label, parts[0] if parts else end)
        seen: dict[str, int] = {}
        clauses = [_to_clause(node, [], [], seen, mapped) for node in tree.roots]
        closing = _plain_clause("closing", "closing", tree.closing, mapped)
        trailing = tree.trailing
        for k, title in enumerate(parts):
            stop = parts[k + 1] if k + 1 < len(parts) else end
            name = re.sub(r"\s+", "", texts[title])
            part_id = f"part{k + 2}" if f"part{k + 2}" not in mapped else f"part{k + 2}~2"  # beside 第X部分
            clauses.append(_segment(paragraphs, [title], stop, part_id, name, "part", name, mapped))
    markers = location.attachments
    for k, marker in enumerate(markers):
        stop = markers[k + 1] if k + 1 < len(markers) else len(paragraphs)
        number = ATTACHMENT_MARKER.match(squash(texts[marker])).group(1)
        name = f"附件{number}" if number else ("附件" if len(markers) == 1 else f"附件{k + 1}")
        own, title = [marker], None
        if marker + 1 < stop and is_title_line(texts[marker + 1]):
            own.append(marker + 1)
            title = re.sub(r"\s+", "", texts[marker + 1])
        clauses.append(_segment(paragraphs, own, stop, f"att{k + 1}", name, "attachment", title, mapped))
    return Structure(clauses, preamble, closing, location, mapped, trailing)


def _unnumbered_parts(texts: list[str], first: int, end: int) -> list[int]:
    """Title lines where the body's top numbering starts again at 1 (a policy followed by its
    政策解读, two documents in one file): each begins a part of its own."""
    top = find_label(texts[first]).style
    highest, parts = 1, []
    for i in range(first + 1, end):
        label = find_label(texts[i])
        if label is not None and label.style == top:
            highest = max(highest, label.number)
            continue
        if highest < 2 or not is_title_line(texts[i]):
            continue
        # the next label past the part's title, its subtitles ('政策解读全文') and its lead prose
        following = next((j for j in range(i + 1, end) if find_label(texts[j]) or not _title_or_prose(texts[j])), None)
        nxt = find_label(texts[following]) if following is not None else None
        if nxt is not None and nxt.style == top and nxt.number == 1:
            parts.append(i)
            highest = 1
    return parts


def _title_or_prose(text: str) -> bool:
    return is_prose(text) or is_title_line(text)


def _segment(paragraphs: list[MappedText], own: list[int], stop: int, clause_id: str, name: str, kind: str,
             title: str | None, mapped) -> Clause:  # fmt: skip
    """A part of the document that numbers itself: its marker/title and unnumbered lead are
    one clause; its numbered tree (ids ``<clause_id>.…``) and closing are the children."""
    texts = [p.text for p in paragraphs]
    first_label = next((i for i in range(own[-1] + 1, stop) if (lb := find_label(texts[i])) and lb.number == 1), None)
    lead_end = first_label if first_label is not None else stop
    own = own + [i for i in range(own[-1] + 1, lead_end) if not ATTACHMENT_MARKER.match(squash(texts[i]))]
    text = _mapped_of([paragraphs[i] for i in own])
    start, end = text.span()
    mapped[clause_id] = text
    clause = Clause(id=clause_id, labels=[name], kind=kind, text=text.text, normalized=text.text,
                    start=start, end=end, heading=title)  # fmt: skip
    if first_label is not None:
        tree = _tree(paragraphs, first_label, stop)
        seen: dict[str, int] = {}
        clause.children = [_to_clause(node, [clause_id], [name], seen, mapped) for node in tree.roots]
        tail = _plain_clause(f"{clause_id}.closing", "closing", tree.closing, mapped)
        if tail is not None:
            tail.labels = [name]
            clause.children.append(tail)
    return clause


def _plain_clause(clause_id: str, kind: str, paragraphs: list[MappedText], mapped: dict[str, MappedText]) -> Clause | None:
    if not paragraphs:
        return None
    text = _mapped_of(paragraphs)
    start, end = text.span()
    mapped[clause_id] = text
    return Clause(id=clause_id, labels=[], kind=kind, text=text.text, normalized=text.text, start=start, end=end)


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
    rest = node.paragraphs[0].text[node.label.end :]
    clause = Clause(
        id=clause_id,
        labels=labels,
        kind=_kind(node),
        text=text.text,
        normalized=text.text,
        start=start,
        end=end,
        heading=None if node.label.style == "paragraph" else heading_of(rest, node.label.style),
    )
    clause.children = [_to_clause(child, ids, labels, seen, mapped) for child in node.children]
    return clause
