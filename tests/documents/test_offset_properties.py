"""Properties that hold for any input.

1. Every clause's offsets point into ``original`` and, less the furniture the parser
   reports in ``removed`` (plus whitespace and inline markup), ``original[start:end]``
   is exactly the clause's text — on arbitrary text and on generated documents with
   attachments, an appended 政策解读 numbered again, page breaks, running headers, web
   chrome and Windows line ends.
2. Parsing arbitrary text either returns a document or raises ``IngestError`` with one
   line 'NAME: reason' — never anything else.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhida.documents.labels import to_chinese
from zhida.documents.pipeline import parse_text
from zhida.errors import IngestError

from .fixtures.files import same_text, time_limit
from .test_parser_properties import WORDS, documents, expected

NOISE = ["- 3 -", "— 12 —", "第 7 页", "分享到：", "【字体：大 中 小】", "打印本页", "版权所有：某某市人民政府",
         "发布时间：2023-02-10 来源：某某市商务局", "当前位置：首页 > 政务公开 > 政策文件"]  # fmt: skip
RUNNING_HEADER = "某某市人民政府行政规范性文件"


def check_offsets(doc) -> None:
    for clause in [*doc.walk(), doc.preamble, doc.closing]:
        if clause is None:
            continue
        assert 0 <= clause.start < clause.end <= len(doc.original), clause.id
        assert doc.original[clause.start] == clause.text[0], clause.id
        assert same_text(doc, clause), clause.id
    for removed in doc.removed:
        assert doc.original[removed.start : removed.end] == removed.text


def parse_or_error(text: str):
    with time_limit(20):
        try:
            return parse_text(text, name="any.txt")
        except IngestError as error:
            message = str(error)
            assert message.startswith("any.txt: ") and "\n" not in message
            return None


POLICY_ALPHABET = list("一二三四五六七八九十、（）()1234.．。，；：\n \u3000\f\t第章条部分附件年月日号〔〕万元%％#*>") + [
    "北京", "措施", "\n\n", "附件1\n", "附件：", "目录\n", "　　", "\r\n", "- 3 -\n", "分享到：", "企业", "给予",
]  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(max_size=400), st.lists(st.sampled_from(POLICY_ALPHABET), max_size=250).map("".join)))
def test_any_text_parses_with_true_offsets_or_fails_with_one_line(text):
    doc = parse_or_error(text)
    if doc is not None:
        ids = [c.id for c in doc.walk()]
        assert len(ids) == len(set(ids))
        check_offsets(doc)


@st.composite
def attachment(draw, ordinal: int, numbered: bool):
    """'附件N' + title + optional lead + its own tree restarting at 一、 (with （一） under some)."""
    title = f"某某专项资金申报指南{to_chinese(ordinal)}"
    lines = [f"附件{ordinal}" if numbered else "附件", title]
    if draw(st.booleans()):
        lines.append("为做好申报工作，制定本指南。")
    ids = []
    for n in range(1, draw(st.integers(1, 3)) + 1):
        children = draw(st.integers(0, 2))
        body = "".join(draw(st.lists(st.sampled_from(WORDS), min_size=2, max_size=4)))
        if children:
            lines.append(f"{to_chinese(n)}、{body}")
        else:
            lines.append(f"{to_chinese(n)}、{body}，支持企业发展，给予{n}0万元奖励。")
        ids.append(str(n))
        for c in range(1, children + 1):
            sentence = f"（{to_chinese(c)}）对符合条件的企业，给予最高{c}00万元补助，推动项目落地见效。"
            if draw(st.integers(0, 2)) == 0:  # a page break mid-sentence, header printed once
                cut = sentence.index("，") + 1
                lines += [sentence[:cut], "— 2 —", "\f" + RUNNING_HEADER, sentence[cut:]]
            else:
                lines.append(sentence)
            ids.append(f"{n}.{c}")
    return title, ids, lines


@st.composite
def documents_with_attachments(draw):
    tree, text = draw(documents())
    count = draw(st.integers(0, 2))
    parts, lines = [], text.rstrip("\n").split("\n")
    interpretation = None
    if tree[0].style == "cn_dun" and len(tree) >= 2 and draw(st.booleans()):
        # the policy's 解读 after it, numbered again from 一、: an unnumbered part
        interpretation = draw(st.integers(1, 3))
        lines.append("某某市支持产业发展若干措施政策解读")
        lines += [f"{to_chinese(n)}、出台背景{n}，推动发展。" for n in range(1, interpretation + 1)]
    for ordinal in range(1, count + 1):
        title, ids, att_lines = draw(attachment(ordinal, numbered=count > 1 or draw(st.booleans())))
        parts.append((title, ids))
        lines += [""] + att_lines
    noisy = []
    for line in lines:
        noisy.append(draw(st.sampled_from(["", "", "\u3000\u3000", "  "])) + line)
        if draw(st.integers(0, 6)) == 0:
            noisy.append(draw(st.sampled_from(NOISE)))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    return tree, interpretation, parts, newline.join(noisy) + newline


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents_with_attachments())
def test_generated_documents_with_attachments_keep_true_offsets(generated):
    tree, interpretation, parts, text = generated
    doc = parse_or_error(text)
    assert doc is not None
    want = [i for i, _, _ in expected(tree)]
    if interpretation:
        want += ["part2"] + [f"part2.{n}" for n in range(1, interpretation + 1)]
    for ordinal, (_, ids) in enumerate(parts, start=1):
        want += [f"att{ordinal}"] + [f"att{ordinal}.{i}" for i in ids]
    assert [c.id for c in doc.walk()] == want
    for ordinal, (title, _) in enumerate(parts, start=1):
        att = doc.clause(f"att{ordinal}")
        assert att.kind == "attachment" and att.heading == title
    for clause in doc.walk():
        assert RUNNING_HEADER not in clause.text and "— 2 —" not in clause.text
    check_offsets(doc)
