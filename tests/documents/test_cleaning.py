"""Furniture removal and page-break rejoining, on text shaped like real gazettes and web pages."""

from __future__ import annotations

from zhida.documents.cleaning import clean, furniture_kind, should_join
from zhida.documents.textmap import MappedText


def paragraphs(text: str) -> list[str]:
    return [p.text for p in clean(MappedText.identity(text)).paragraphs]


def test_recurring_running_header_is_removed_even_if_unknown():
    text = "某某市政府信息\n一、总则\n第一段内容。\n某某市政府信息\n二、附则\n第二段内容。\n某某市政府信息\n"
    assert paragraphs(text) == ["一、总则", "第一段内容。", "二、附则", "第二段内容。"]


def test_known_furniture_shapes():
    for line in ("北京市人民政府公报", "- 3 -", "— 12 —", "第3页", "第 3 页 共 10 页", "3/10", "分享:", "字號:  ",
                 "字号：大 中 小", "政務公開 > 政策公開 > 政策文件", "相關政策", "打印本页", "关闭窗口", "共印160份",
                 "抄送：市委办公室，市人大常委会办公室。", "（此件公开发布）", "忻州市人民政府办公室    2022年5月28日印发",
                 "您訪問的連結即將離開“首都之窗”門戶網站 是否繼續?"):  # fmt: skip
        assert furniture_kind(line.strip()), line
    for line in ("关于印发统计公报编制办法的通知", "一、总则", "报送市经济和信息化局并抄送市政府办公厅。", "2022年5月28日"):
        assert furniture_kind(line) is None, line


def test_in_sentence_chaosong_and_signature_are_kept():
    text = "（十五）每月报送市经济和信息化局并抄送市政府办公厅。\n\n北京市人民政府办公厅\n\n2022年6月1日\n"
    assert paragraphs(text) == ["（十五）每月报送市经济和信息化局并抄送市政府办公厅。", "北京市人民政府办公厅", "2022年6月1日"]


def test_markdown_and_bookmarks_stripped_with_offsets_kept():
    text = "## 一、保持顺畅\n\n**（一）保障物资运输。**\n[bookmark: _GoBack]为贯彻落实，特制定本方案。"
    result = clean(MappedText.identity(text))
    assert [p.text for p in result.paragraphs] == ["一、保持顺畅", "（一）保障物资运输。", "为贯彻落实，特制定本方案。"]
    first = result.paragraphs[0]
    assert text[first.starts[0]] == "一"


def test_page_break_inside_words_rejoined():
    text = "（三）推动重大项目。推动\n\n北京市人民政府公报\n\n产业园区规划环评。(责任单位:\n\n- 4 -\n\n市经济和信\n\n\n\n息化局、各区政府)\n"
    result = clean(MappedText.identity(text))
    assert [p.text for p in result.paragraphs] == ["（三）推动重大项目。推动产业园区规划环评。(责任单位:市经济和信息化局、各区政府)"]
    assert len(result.joins) == 3
    joined = result.paragraphs[0]
    i = joined.text.index("息化局")
    assert text[joined.starts[i] : joined.ends[i + 2]] == "息化局"


def test_headings_titles_and_salutations_not_joined():
    assert not should_join("一、鼓励投资高精尖产业", "营造良好营商环境，鼓励民营企业。")
    assert not should_join("（一）留抵退税“直达快享”", "严格落实国家政策。")
    assert not should_join("朝阳区统筹疫情防控和稳定经济增长的", "实施方案")
    assert not should_join("各有关单位:", "为深入贯彻，现印发。")
    assert not should_join("现提出以下措施:", "一、鼓励投资")
    assert not should_join("附件:北京市若干措施", "北京市促进中小企业发展工作领导小组办公室")
    assert should_join("为日常跟踪调度和服务，建立项目库，为", "提供支撑。")
    assert should_join("（十）增强能力，加快建设。(责任单位:", "市经济和信息化局、各区政府)")
    assert should_join("（一）建立项目库，为日常跟踪调度和服务", "提供支撑。")


def test_header_field_list_is_removed_as_metadata():
    text = "  1. [主題分類] 科技教育\n  2. [發文機構] 北京市經濟和信息化局\n  3. [成文日期] 2021-12-22\n\n一、總則\n內容。"
    result = clean(MappedText.identity(text))
    assert [p.text for p in result.paragraphs] == ["一、總則", "內容。"]
    assert [r.kind for r in result.removed] == ["header_field"] * 3


def test_web_chrome_meta_footer_and_header_field_shapes():
    kinds = {
        "欢迎访问江州市人民政府门户网站 无障碍 长者模式 繁體 English": "web_chrome",
        "【字体：大 中 小】": "web_chrome",
        "【打印本页】 【关闭窗口】": "web_chrome",
        "首页 | 网站地图 | 联系我们": "web_chrome",
        "发布时间：2023-02-10 16:30 来源：江州市商务局 浏览次数：1523 【字体：大 中 小】": "web_meta",
        "版权所有：江州市人民政府　网站标识码：3304000001": "web_footer",
        "赣ICP备12345678号-1　赣公网安备 33040202000123号": "web_footer",
        "主办：江州市人民政府办公室　承办：江州市大数据发展管理局": "web_footer",
        "索 引 号：\t11330400002567123X/2023-00012\t主题分类：\t商贸": "header_field",
        "文\u3000\u3000号：江政办发〔2023〕5号": "header_field",
    }
    for line, kind in kinds.items():
        assert furniture_kind(line) == kind, line
    for line in ("四、依托政府门户网站", "资金来源：市财政预算安排。", "联系人：王某某，联系电话：12345678。",
                 "对取得版权登记的软件产品，给予奖励。"):  # fmt: skip
        assert furniture_kind(line) is None, line


def test_header_fields_read_back():
    from zhida.documents.furniture import header_fields

    assert header_fields("发文机关：\t某某局\t成文日期：\t2023年02月08日") == [("发文机关", "某某局"), ("成文日期", "2023年02月08日")]
    assert header_fields("发布时间：2023-02-10 16:30 来源：某某局 【字体：大 中 小】") == [
        ("发布时间", "2023-02-10 16:30"), ("来源", "某某局")]
    assert header_fields("  2. [發文機構] 北京市經濟和信息化局".strip()) == [("發文機構", "北京市經濟和信息化局")]


def test_wrapped_lines_of_a_laid_out_source_are_rejoined():
    from zhida.documents.cleaning import wrap_width

    wrapped = [
        "（一）对2023年新登记注册并正常经营6个月以上的个体工商",  # no comma: reads like a heading
        "户，给予每户2000元一次性开业补贴。（责任单位：市市场监督管",
        "理局、市财政局）",
        "（二）对年营业收入500万元以下的小微企业，2023年度免收",
        "其城市道路占用费和户外广告设施设置审批相关费用。（责任单位",
        "：市城管局）",
        "二、强化融资支持",
    ]
    assert wrap_width(wrapped) is not None
    assert paragraphs("\n".join(wrapped)) == [
        "（一）对2023年新登记注册并正常经营6个月以上的个体工商户，给予每户2000元一次性开业补贴。（责任单位：市市场监督管理局、市财政局）",
        "（二）对年营业收入500万元以下的小微企业，2023年度免收其城市道路占用费和户外广告设施设置审批相关费用。（责任单位：市城管局）",
        "二、强化融资支持",
    ]  # fmt: skip
    # one paragraph per line (the seeds): widths all over the place, nothing is wrapped
    assert wrap_width(["一、总则", "为了规范管理，制定本办法。" * 3, "第二段内容比较长，" * 7, "（一）短。"]) is None


def test_running_header_printed_once_inside_a_cut_sentence():
    text = "（四）担保费率降至1%以下，担保费由市财政给予\n— 1 —\n\f某某市人民政府行政规范性文件\n50%补助。\n（五）延期还本付息。\n"
    result = clean(MappedText.identity(text))
    assert [p.text for p in result.paragraphs] == ["（四）担保费率降至1%以下，担保费由市财政给予50%补助。", "（五）延期还本付息。"]
    assert [(r.kind, r.text) for r in result.removed] == [("page_number", "— 1 —"), ("running_header", "某某市人民政府行政规范性文件")]
    # at the top of a page after a finished paragraph, a title line is content
    text = "一、总则。\n\f某某实施细则\n为了发展，制定本细则。\n"
    assert paragraphs(text) == ["一、总则。", "某某实施细则", "为了发展，制定本细则。"]


def test_display_width_counts_wide_characters_as_unicodedata_does():
    import random
    import unicodedata

    from zhida.documents.cleaning import display_width

    rng = random.Random(5)
    for _ in range(20):
        text = "".join(chr(rng.randrange(0x20, 0x40000)) for _ in range(500)) + "第一条　１２abc，。"
        expected = sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.5 for ch in text)
        assert display_width(text) == expected
