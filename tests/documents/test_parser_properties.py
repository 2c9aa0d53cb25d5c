"""Generated documents in many numbering styles parse into the tree they were built from."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhida.documents.labels import to_chinese
from zhida.documents.pipeline import parse_text

WORDS = ["支持", "企业", "发展", "创新", "融资", "服务", "保障", "项目", "产业", "推动", "加强", "优化", "资金", "园区"]
FURNITURE = ["北京市人民政府公报", "- 3 -", "第 7 页", "分享:", "字号：大 中 小"]
FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
ORDERED_STYLES = ["cn_dun", "cn_paren", "arabic", "arabic_paren"]


@dataclass
class Node:
    style: str
    number: int
    label: str  # as printed, spaces/indent included
    body: str
    children: list["Node"] = field(default_factory=list)


def printed_label(draw, style: str, n: int) -> str:
    space = draw(st.sampled_from(["", " ", "\u3000"]))
    if style == "chapter":
        return f"第{to_chinese(n)}章" + draw(st.sampled_from([" ", "\u3000", "  "]))
    if style == "article":
        return f"第{to_chinese(n)}条" + draw(st.sampled_from([" ", "\u3000", ""]))
    if style == "cn_dun":
        return f"{to_chinese(n)}、"
    if style == "cn_paren":
        return draw(st.sampled_from(["（{}）", "({})"])).format(to_chinese(n))
    digits = str(n) if draw(st.booleans()) else str(n).translate(FULLWIDTH)
    if style == "arabic":
        sep = draw(st.sampled_from([".", "．", "、", " "]))
        return digits + sep + (space if sep != " " else "")
    return draw(st.sampled_from(["({})", "（{}）"])).format(digits)


def words(draw, low: int, high: int) -> str:
    return "".join(draw(st.lists(st.sampled_from(WORDS), min_size=low, max_size=high)))


@st.composite
def documents(draw):
    if draw(st.booleans()):
        styles = ["chapter", "article"]
    else:
        styles = [s for s in ORDERED_STYLES if draw(st.booleans())] or ["cn_paren"]
    continuous = draw(st.booleans())  # 002/003 number items straight through sections
    counters: dict[str, int] = {}

    def build(level: int) -> list[Node]:
        style = styles[level]
        nodes = []
        if not continuous and style != "article":
            counters[style] = 0
        for _ in range(draw(st.integers(1, 3 if level < len(styles) - 1 else 4))):
            counters[style] = counters.get(style, 0) + 1
            n = counters[style]
            has_children = level + 1 < len(styles) and draw(st.booleans()) or (level + 1 < len(styles) and style == "chapter")
            if has_children:
                body = words(draw, 2, 4)  # a heading line: no punctuation
            else:
                body = f"{words(draw, 2, 4)}，{words(draw, 3, 6)}，{words(draw, 2, 5)}。"
            node = Node(style, n, printed_label(draw, style, n), body)
            if has_children:
                node.children = build(level + 1)
            nodes.append(node)
        return nodes

    tree = build(0)
    lines = ["某某市支持产业发展的若干措施", "为促进发展，特制定本措施。"]
    for node in _walk(tree):
        indent = draw(st.sampled_from(["", "\u3000\u3000", "  "]))
        text = node.label + node.body
        if not node.children and draw(st.integers(0, 3)) == 0:
            # a page break inside the sentence, with a running header between the halves
            cut = text.index("，") + 1 + draw(st.integers(0, 2))
            lines += [indent + text[:cut], "", draw(st.sampled_from(FURNITURE)), "", text[cut:]]
        else:
            lines.append(indent + text)
        if draw(st.integers(0, 4)) == 0:
            lines += ["", draw(st.sampled_from(FURNITURE)), ""]
    return tree, "\n".join(lines) + "\n"


def _walk(nodes):
    for node in nodes:
        yield node
        yield from _walk(node.children)


def expected(nodes, path=(), parent=None):
    for node in nodes:
        token = {"chapter": "ch", "article": "art"}.get(node.style, "") + str(node.number)
        ids = path + (token,)
        yield ".".join(ids), node, parent
        yield from expected(node.children, ids, node)


KIND = {"chapter": "chapter", "article": "article", "arabic": "item", "arabic_paren": "subitem"}


def expected_kind(node, parent) -> str:
    """The top of a list (root, or first level under a chapter) is a section or a measure."""
    if node.style in ("chapter", "article"):
        return KIND[node.style]
    if node.style == "cn_paren" and parent is not None and parent.style == "article":
        return "item"
    if parent is None or parent.style == "chapter" or node.style == "cn_dun":
        return "section" if node.children else "measure"
    if node.style == "cn_paren":
        return "subsection" if node.children else "measure"
    return KIND[node.style]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_generated_documents_parse_into_their_tree(generated):
    tree, text = generated
    doc = parse_text(text, name="generated.txt")
    want = list(expected(tree))
    assert [c.id for c in doc.walk()] == [i for i, _, _ in want]
    for clause, (_, node, parent) in zip(doc.walk(), want):
        assert re.sub(r"\s", "", clause.text) == re.sub(r"\s", "", node.label + node.body)
        assert clause.kind == expected_kind(node, parent)
        if node.children:
            assert clause.heading == node.body
        assert text[clause.start] == clause.text[0]
        assert re.sub(r"\s", "", clause.text) in re.sub(
            r"北京市人民政府公报|-3-|第7页|分享:|字号：大中小", "", re.sub(r"\s", "", text[clause.start : clause.end])
        )
    assert doc.preamble.text == "为促进发展，特制定本措施。"
    assert doc.metadata.title == "某某市支持产业发展的若干措施"
