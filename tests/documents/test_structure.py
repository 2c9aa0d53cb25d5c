"""Clause trees from the document's own numbering."""

from __future__ import annotations

from zhida.documents.labels import find_label
from zhida.documents.pipeline import parse_text


def tree(text: str):
    doc = parse_text(text, name="t.txt")
    return doc, [(c.id, c.kind) for c in doc.walk()]


def test_labels_only_at_paragraph_start_and_not_dates():
    assert find_label("2022.5.1起施行") is None
    assert find_label("对企业1．给予支持") is None
    assert find_label("　　45．加快".strip()).number == 45
    assert find_label("4.2022年对承租").followed_by_digit


def test_dates_and_decimals_do_not_start_clauses():
    doc, shape = tree("一、总则\n1.第一项。\n2022.5.1前完成。\n3.0版本发布后实施。\n2.第二项。\n")
    assert shape == [("1", "section"), ("1.1", "item"), ("1.2", "item")]
    assert "2022.5.1前完成。" in doc.clause("1.1").text and "3.0版本" in doc.clause("1.1").text


def test_chapters_and_articles_ids():
    text = "第一章 总则\n第一条 为了规范管理，制定本办法。\n第二条 适用范围。\n第二章 支持措施\n第三条 给予补贴。\n（一）补贴一；\n（二）补贴二。\n"
    doc, shape = tree(text)
    assert shape == [("ch1", "chapter"), ("ch1.art1", "article"), ("ch1.art2", "article"), ("ch2", "chapter"),
                     ("ch2.art3", "article"), ("ch2.art3.1", "item"), ("ch2.art3.2", "item")]  # fmt: skip
    assert doc.clause("ch2.art3").labels == ["第二章", "第三条"]


def test_mixed_arabic_separators_and_indentation_same_level():
    text = "一、甲\n1．第一。\n2、第二。\n\u3000\u30003. 第三。\n4 第四条目。\n二、乙\n5．第五。\n"
    doc, shape = tree(text)
    assert shape == [("1", "section"), ("1.1", "item"), ("1.2", "item"), ("1.3", "item"), ("1.4", "item"),
                     ("2", "section"), ("2.5", "item")]  # fmt: skip


def test_heading_with_body_paragraphs_and_closing():
    text = "某某措施\n为促进发展，制定以下措施：\n一、鼓励投资\n营造良好环境，鼓励投资。\n（责任部门：市发展改革委）\n二、加强服务\n做好服务保障。\n本措施自2023年1月1日起施行，有效期至2025年12月31日。\n"
    doc, shape = tree(text)
    assert shape == [("1", "measure"), ("2", "measure")]
    assert doc.clause("1").text == "一、鼓励投资\n营造良好环境，鼓励投资。\n（责任部门：市发展改革委）"
    assert doc.clause("1").heading == "鼓励投资"
    assert doc.clause("2").text == "二、加强服务\n做好服务保障。"
    assert doc.preamble.text == "为促进发展，制定以下措施："
    assert doc.closing.text.startswith("本措施自2023年1月1日起施行")
    assert str(doc.metadata.effective_on) == "2023-01-01" and str(doc.metadata.valid_until) == "2025-12-31"
    assert doc.metadata.title == "某某措施"


def test_heading_then_body_in_one_paragraph():
    doc, _ = tree("一、甲\n(一)保障物资运输畅通高效。认真落实要求，全力打通堵点。\n(二)稳定供应链，建立机制。\n")
    assert doc.clause("1.1").heading == "保障物资运输畅通高效"
    assert doc.clause("1.2").heading is None  # first sentence is not a short title
    assert [c.kind for c in doc.walk()] == ["section", "measure", "measure"]


def test_subitems_and_circled_and_restart():
    text = "一、甲\n1.第一项：\n(1)子一；\n(2)子二。\n2.第二项：\n(1)子一；\n①细目。\n"
    doc, shape = tree(text)
    assert [i for i, _ in shape] == ["1", "1.1", "1.1.1", "1.1.2", "1.2", "1.2.1", "1.2.1.1"]
    assert doc.clause("1.2.1").kind == "subitem"


def test_duplicate_ids_get_suffix():
    # a sub-list restarts at (一) under the same section: same label path, distinct ids
    text = "一、甲\n（一）第一。\n1.细项。\n（一）重新编号的第一。\n"
    doc, shape = tree(text)
    assert [i for i, _ in shape] == ["1", "1.1", "1.1.1", "1.1~2"]
    assert doc.clause("1.1~2").text == "（一）重新编号的第一。"


def test_repeated_number_is_text_not_a_new_clause():
    doc, shape = tree("一、甲\n（一）第一。\n（二）第二。\n（二）又是第二。\n（三）第三。\n")
    assert [i for i, _ in shape] == ["1", "1.1", "1.2", "1.3"]
    assert doc.clause("1.2").text.endswith("（二）又是第二。")


def test_notice_wrapping_attachment_body_is_the_attachment():
    text = ("关于印发《某某若干措施》的通知\n各有关单位：\n现将《某某若干措施》印发给你们，请认真落实。\n"
            "一、这是通知里的话\n某某办公室\n2022年3月1日\n某某若干措施\n为了发展，制定本措施。\n一、第一条措施。\n二、第二条措施。\n")  # fmt: skip
    doc, shape = tree(text)
    assert shape == [("1", "measure"), ("2", "measure")]
    assert doc.clause("1").text == "一、第一条措施。"
    assert doc.metadata.extra["attachment_title"] == "某某若干措施"
    assert doc.metadata.issuer == "某某办公室" and str(doc.metadata.written_on) == "2022-03-01"
