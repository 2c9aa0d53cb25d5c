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


def test_space_separated_number_before_a_unit_is_no_label():
    assert find_label("5 万元以下的奖励资金，直接拨付。") is None
    assert find_label("3 个月内完成。") is None
    assert find_label("3 加强服务").number == 3
    assert find_label("1\t国际首台（套）\t最高500万元").number == 1  # a table row
    doc, shape = tree("一、甲\n1.加大支持力度，对企业给予奖励。\n2022年，全市新增企业100家。\n2.优化服务，开展服务。\n3 万元以下的，直接拨付。\n3．强化保障。\n")
    assert [i for i, _ in shape] == ["1", "1.1", "1.2", "1.3"]
    assert doc.clause("1.1").text.endswith("2022年，全市新增企业100家。")
    assert doc.clause("1.2").text.endswith("3 万元以下的，直接拨付。")


def test_table_of_contents_is_skipped():
    text = "某某管理办法\n目　　录\n第一章　总　　则\n第二章　附　　则\n第一章　总　　则\n第一条　为了规范管理，制定本办法。\n第二章　附　　则\n第二条　本办法自2023年1月1日起施行。\n"
    doc, shape = tree(text)
    assert shape == [("ch1", "chapter"), ("ch1.art1", "article"), ("ch2", "chapter"), ("ch2.art2", "article")]
    assert doc.clause("ch1").heading == "总则" and doc.metadata.title == "某某管理办法"


def test_parts_restart_numbering_without_collisions():
    text = "第一部分　总体要求\n一、指导思想\n坚持发展。\n第二部分　重点任务\n一、做强物流\n（一）支持物流企业，给予奖励。\n二、提升消费\n"
    doc, shape = tree(text)
    assert shape == [("part1", "part"), ("part1.1", "measure"), ("part2", "part"), ("part2.1", "section"),
                     ("part2.1.1", "measure"), ("part2.2", "measure")]  # fmt: skip
    assert doc.clause("part2.1.1").labels == ["第二部分", "一", "（一）"]


def test_notice_with_its_own_clauses_and_two_attachments():
    text = ("关于开展申报工作的通知\n各区经信局：\n现将有关事项通知如下：\n一、申报条件\n符合条件的企业。\n"
            "附件：1．申报指南\n2．申报表\n某市经济和信息化局\n2023年4月1日\n"
            "附件1\n申报指南\n一、支持方向\n（一）对企业给予支持。\n附件2\n申报表\n企业名称：\n")  # fmt: skip
    doc, shape = tree(text)
    assert [i for i, _ in shape] == ["1", "att1", "att1.1", "att1.1.1", "att2"]
    assert doc.clause("1").text == "一、申报条件\n符合条件的企业。"  # the list of attachments is not in it
    assert doc.clause("att1").kind == "attachment" and doc.clause("att1").heading == "申报指南"
    assert doc.clause("att1.1.1").labels == ["附件1", "一", "（一）"]
    assert doc.clause("att2").text == "附件2\n申报表\n企业名称："
    assert doc.preamble.text == "现将有关事项通知如下：" and doc.metadata.extra["addressees"] == "各区经信局"


def test_headings_are_titles_not_lead_ins_or_single_sentences():
    from zhida.documents.structure import heading_of

    assert heading_of("公开透明。信息依法公开。") == "公开透明"
    assert heading_of("於本市設有登記地址之中小企業。") is None  # the whole clause is one sentence
    assert heading_of("申请期间：自2023年3月1日起至5月31日止。") == "申请期间"
    assert heading_of("专项资金重点支持以下方向：") is None
    assert heading_of("申請資格：") == "申請資格"
    assert heading_of("总　体　要　求") == "总体要求"
    assert heading_of("专项资金采取事后奖补方式安排。奖补资金应当用于…", "article") is None
    assert heading_of("\t国际首台（套）\t最高500万元") is None


def test_top_level_of_any_style_is_a_section_or_measure():
    doc, shape = tree("1．支持对象\n（1）高新技术企业。\n2．附则\n本细则自发布之日起施行。\n")
    assert shape == [("1", "section"), ("1.1", "subitem"), ("2", "measure")]


def test_a_second_document_numbered_again_is_a_part_of_its_own():
    text = ("某某措施\n一、支持投资\n对企业给予奖励。\n二、优化服务\n做好服务。\n本措施自发布之日起施行。\n"
            "某某措施政策解读\n一、出台背景\n为了发展。\n二、主要内容\n共2条。\n")  # fmt: skip
    doc, shape = tree(text)
    assert shape == [("1", "measure"), ("2", "measure"), ("part2", "part"), ("part2.1", "measure"), ("part2.2", "measure")]
    assert doc.closing.text == "本措施自发布之日起施行。" and doc.clause("part2").heading == "某某措施政策解读"
    # a signature between the two is no title of a part: nothing numbered follows it
    doc, shape = tree("一、甲\n内容。\n二、乙\n内容。\n某某局\n2023年1月1日\n")
    assert [i for i, _ in shape] == ["1", "2"]


def test_a_restarting_part_keeps_its_title_above_a_subtitle():
    text = ("某某措施\n一、支持投资\n对企业给予奖励。\n二、优化服务\n做好服务。\n本措施自发布之日起施行。\n"
            "《某某措施》政策解读\n解读全文\n一、出台背景\n为了发展。\n二、主要内容\n共2条。\n")  # fmt: skip
    doc, shape = tree(text)
    assert [i for i, _ in shape] == ["1", "2", "part2", "part2.1", "part2.2"]
    part = doc.clause("part2")
    assert (part.labels, part.heading) == (["《某某措施》政策解读"], "《某某措施》政策解读")
    assert part.text == "《某某措施》政策解读\n解读全文"
    assert part.start == doc.original.index("《某某措施》政策解读")


def test_an_unnumbered_heading_before_the_first_section_is_body_not_header():
    text = ("某某措施\n为促进发展，制定以下措施。\n总体要求\n一、支持投资\n对企业给予奖励。\n二、优化服务\n做好服务。\n"
            "某某措施政策解读\n一、出台背景\n为了发展。\n二、主要内容\n共2条。\n")  # fmt: skip
    doc, shape = tree(text)
    assert [i for i, _ in shape] == ["1", "2", "part2", "part2.1", "part2.2"]
    assert doc.metadata.title == "某某措施"
    assert doc.preamble is not None and doc.preamble.text == "为促进发展，制定以下措施。\n总体要求"
    # with no prose before them, title lines stay the header (here: a title on two lines)
    doc, _ = tree("某某措施\n总体要求\n一、支持投资\n对企业给予奖励。\n二、优化服务\n做好服务。\n")
    assert doc.preamble is None


def test_an_article_paragraph_after_its_items_is_a_clause_of_its_own():
    text = ("第一条 为了规范管理，制定本办法。\n第二条 专项资金支持下列事项：\n（一）技术改造；\n（二）数字化转型。\n"
            "前款所列事项，由市工信局组织实施。\n市财政局负责资金拨付。\n第三条 有下列情形之一的，收回资金：\n"
            "（一）虚报材料的；\n（二）挪用资金的。\n前款规定的行为，涉嫌犯罪的，依法移送司法机关。\n"
            "本办法自2023年1月1日起施行。\n")  # fmt: skip
    doc, shape = tree(text)
    assert shape == [("art1", "article"), ("art2", "article"), ("art2.1", "item"), ("art2.2", "item"),
                     ("art2.p2", "paragraph"), ("art2.p3", "paragraph"), ("art3", "article"), ("art3.1", "item"),
                     ("art3.2", "item"), ("art3.p2", "paragraph")]  # fmt: skip
    assert doc.clause("art2.2").text == "（二）数字化转型。"
    second = doc.clause("art2.p2")
    assert (second.labels, second.heading) == (["第二条", "第二款"], None)
    assert second.text == "前款所列事项，由市工信局组织实施。"
    assert doc.original[second.start : second.end] == second.text
    assert doc.clause("art3.p2").text.startswith("前款规定的行为") and doc.closing.text == "本办法自2023年1月1日起施行。"
    # an item whose label line is a heading keeps the body under it
    doc, shape = tree("第一条 支持下列事项：\n（一）技术改造\n对企业技改给予补助。\n第二条 本办法自发布之日起施行。\n")
    assert [i for i, _ in shape] == ["art1", "art1.1", "art2"] and "给予补助" in doc.clause("art1.1").text


def test_issued_document_with_its_title_on_two_lines():
    text = ("关于印发《某市关于促进中小企业高质量发展的若干措施》的通知\n各有关单位：\n"
            "现将《某市关于促进中小企业高质量发展的若干措施》印发给你们。\n附件：某市关于促进中小企业高质量发展的若干措施\n"
            "某市人民政府\n2023年1月5日\n某市关于促进中小企业\n高质量发展的若干措施\n为促进发展，制定本措施。\n"
            "一、降低成本\n（一）减免房租。对小微企业减免3个月房租。\n")  # fmt: skip
    doc, shape = tree(text)
    assert shape == [("1", "section"), ("1.1", "measure")]
    assert doc.preamble.text == "为促进发展，制定本措施。"
    assert doc.metadata.extra["attachment_title"] == "某市关于促进中小企业高质量发展的若干措施"


_FIELD_MEASURES = (
    "某市高校毕业生创业补贴\n"
    "1、一次性创业资助\n补贴条件：\n（1）初创企业登记注册满6个月；\n（2）申请时未被列入经营异常名录。\n"
    "补贴标准：10000元。\n"
    "2、创业带动就业补贴\n补贴条件：\n（1）初创企业招用员工；\n（2）吸纳同一劳动者的不能再次申领。\n"
    "补贴对象：符合条件的用人单位。\n补贴期限：一次性。\n补贴标准：按每人2000元给予补贴。\n"
)


def test_field_lines_after_the_last_measure_belong_to_it():
    """A measure written as fields (补贴条件/补贴对象/补贴标准): the last one's fields after its
    items are its own text, as the earlier measures' are, not the document's closing."""
    doc = parse_text(_FIELD_MEASURES, name="t.txt")
    assert doc.closing is None
    assert doc.clause("1.2").text.endswith("补贴标准：10000元。")
    last = doc.clause("2.2")
    assert last.text.endswith("补贴标准：按每人2000元给予补贴。")
    assert [(str(a.value), a.role) for a in last.amounts] == [("2000", "per_unit")]


def test_other_lines_after_the_last_measure_are_still_the_closing():
    doc = parse_text(_FIELD_MEASURES + "本通知自2025年1月1日起施行。\n", name="t.txt")
    assert doc.closing is not None and doc.closing.text == "本通知自2025年1月1日起施行。"
    doc = parse_text(_FIELD_MEASURES.replace("补贴对象：", "适用对象："), name="t.txt")
    assert doc.closing is None or "补贴标准" not in doc.closing.text
    unseen = parse_text(_FIELD_MEASURES + "联系电话：12345。\n", name="t.txt")  # a field no measure has
    assert unseen.closing is not None and unseen.closing.text == "联系电话：12345。"


def test_paragraphs_after_a_nested_list_or_under_a_heading_item_are_no_new_paragraph():
    """An article's 款 follows its own items; a paragraph after a list nested in an item stays with
    that item, paragraphs under a heading-only item are its body, and after a 款 the article's next
    item is the article's, not the 款's (h19, 穗医保规字〔2024〕1号)."""
    text = ("某市长期护理保险试行办法\n"
            "第一条 评估费用按以下标准执行：\n（一）失能评估费用\n"
            "纳入支付范围的费用标准为每人每次200元，支付比例如下：\n1. 二级以上的由基金支付；\n"
            "2. 其他情形由申请人支付。\n申请复评的，复评费用由申请人承担。\n"
            "（二）延续护理评估费用\n符合条件的，费用标准为每人每次100元。\n不符合条件的，不予支付。\n"
            "第二条 有下列情形之一的，终止待遇：\n（一）死亡；\n（二）迁出。\n因住院暂停的，出院后恢复。\n"
            "第三条 待遇分为两类：\n（一）机构护理；\n（二）居家护理。\n居家护理分为：\n1. 甲类；\n2. 乙类。\n"
            "未按上述规定执行的，不予支付。\n")
    doc = parse_text(text, name="t.txt")
    leaves = [c.id for c in doc.walk() if not c.children]
    assert leaves == ["art1.1.1", "art1.1.2", "art1.2", "art2.1", "art2.2", "art2.p2",
                      "art3.1", "art3.2", "art3.p2.1", "art3.p2.2", "art3.p3"]
    assert doc.clause("art1.1.2").text.endswith("申请复评的，复评费用由申请人承担。")
    assert doc.clause("art1.2").text.endswith("不符合条件的，不予支付。")
    assert [(str(a.value), a.role) for a in doc.clause("art1.2").amounts] == [("100", "per_unit")]
