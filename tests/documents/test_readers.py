"""Readers on real files made at test time: .docx, .pdf, .html, GBK text, traditional script."""

from __future__ import annotations

import opencc

from zhida.documents.pipeline import parse_file
from zhida.documents.readers import read_source

from .fixtures.files import make_docx, make_pdf, seed_text


def test_docx_paragraphs_and_table_rows_in_order(tmp_path):
    path = make_docx(
        tmp_path / "policy.docx",
        ["关于支持中小企业发展的若干措施", "一、加大财政支持", "（一）给予贷款贴息。对符合条件的企业给予补贴。"],
        table=[["项目", "标准"], ["贷款贴息", "不超过2%"]],
        after=["二、优化服务", "（二）建立服务专员制度。"],
    )
    source = read_source(path)
    assert source.format == "docx" and source.encoding is None and len(source.sha256) == 64
    lines = source.text.split("\n")
    assert lines == [
        "关于支持中小企业发展的若干措施", "一、加大财政支持", "（一）给予贷款贴息。对符合条件的企业给予补贴。",
        "项目\t标准", "贷款贴息\t不超过2%", "二、优化服务", "（二）建立服务专员制度。",
    ]  # fmt: skip
    doc = parse_file(path)
    assert [c.id for c in doc.walk()] == ["1", "1.1", "2", "2.2"]


def test_pdf_text_layer_with_page_break_rejoined(tmp_path):
    path = make_pdf(
        tmp_path / "policy.pdf",
        [
            ["北京市关于促进产业发展的若干措施", "一、鼓励投资", "（一）建立项目库，为日常跟踪调度和服务"],
            ["北京市人民政府公报", "提供支撑。（责任单位：市经济和信息化局）", "（二）加强服务保障。"],
        ],
    )
    source = read_source(path)
    assert source.format == "pdf" and "\f" in source.text  # page break stays visible
    doc = parse_file(path)
    one = doc.clause("1.1")
    assert one.text == "（一）建立项目库，为日常跟踪调度和服务提供支撑。（责任单位：市经济和信息化局）"
    assert "公报" not in one.text
    assert doc.original[one.start : one.end].startswith("（一）建立项目库")


def test_html_drops_scripts_and_chrome_keeps_blocks(tmp_path):
    html = """<html><head><title>t</title><style>p{color:red}</style></head><body>
    <nav>首页 &gt; 政策</nav><script>var a = "一、不是条款";</script>
    <h1>关于促进消费的若干措施</h1>
    <p>为促进消费，制定以下措施。</p>
    <div><p>一、发放消费券</p><p>（一）对<b>符合条件</b>的企业给予支持。</p></div>
    <p>分享:</p><footer>打印本页</footer></body></html>"""
    path = tmp_path / "page.html"
    path.write_text(html, encoding="utf-8")
    source = read_source(path)
    assert source.format == "html" and source.encoding == "utf-8"
    assert "var a" not in source.text and "首页" not in source.text
    assert "（一）对符合条件的企业给予支持。" in source.text.split("\n")
    doc = parse_file(path)
    assert [c.id for c in doc.walk()] == ["1", "1.1"]
    assert doc.metadata.title == "关于促进消费的若干措施"
    assert doc.preamble.text == "为促进消费，制定以下措施。"


def test_gbk_text_detected_and_decoded(tmp_path):
    text = seed_text("001")
    path = tmp_path / "gbk.txt"
    path.write_bytes(text.encode("gbk"))
    source = read_source(path)
    assert source.encoding == "gb18030" and source.text == text
    assert len(list(parse_file(path).walk())) == 16


def test_utf8_with_bom(tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes("\ufeff一、总则\n第一项内容。".encode("utf-8"))
    source = read_source(path)
    assert source.encoding == "utf-8-sig" and source.text.startswith("一、总则")


def test_traditional_file_from_seed_normalizes_back(tmp_path):
    traditional = opencc.OpenCC("s2tw").convert(seed_text("000"))
    path = tmp_path / "trad.md"
    path.write_text(traditional, encoding="utf-8")
    doc = parse_file(path)
    assert doc.script == "traditional"
    measures = [c for c in doc.walk() if c.kind == "measure"]
    assert len(measures) == 15
    seven = doc.clause("3.7")
    assert "稅" in seven.text and "税" in seven.normalized
    assert "市经济和信息化局" in doc.clause("4.12").normalized  # split across a page break, rejoined
    assert doc.original[seven.start : seven.end].startswith(seven.text[:10])
    assert doc.metadata.doc_number == "京政辦發〔2022〕18號"


def test_script_detection_and_offset_mapped_normalization():
    from zhida.documents.script import detect_script, to_simplified

    assert detect_script("这是简体字，发展经济。") == "simplified"
    assert detect_script("這是繁體字，發展經濟。") == "traditional"
    assert detect_script("這是繁體字，發展經濟。这是简体字，发展经济。") == "mixed"
    text = "《網際網路資訊條例》規定，支援企業（市經濟和信息化局、市科委）建立資訊軟體。"
    normalized, mapping = to_simplified(text)
    # proper names (book titles, unit lists) get character conversion only; 建立 is not 创建
    assert normalized == "《网际网路资讯条例》规定，支持企业（市经济和信息化局、市科委）建立信息软件。"
    i = normalized.index("信息软件")
    start, end = mapping.span(i, i + 4)
    assert text[start:end] == "資訊軟體"
    assert to_simplified("简体不变")[0] == "简体不变"


def _numbered_docx(path):
    """Word list numbering (numbering.xml) for 一、 and １．, one list restarted by startOverride."""
    import docx
    from docx.oxml import parse_xml

    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    document = docx.Document()
    for child in parse_xml(
        f'<w:numbering xmlns:w="{w}">'
        '<w:abstractNum w:abstractNumId="90">'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>'
        "</w:abstractNum>"
        '<w:abstractNum w:abstractNumId="91">'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimalFullWidth"/><w:lvlText w:val="%1．"/></w:lvl>'
        "</w:abstractNum>"
        '<w:num w:numId="90"><w:abstractNumId w:val="90"/></w:num>'
        '<w:num w:numId="91"><w:abstractNumId w:val="91"/></w:num>'
        '<w:num w:numId="92"><w:abstractNumId w:val="91"/>'
        '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>'
        "</w:numbering>"
    ):
        document.part.numbering_part.element.append(child)

    def numbered(text, num_id, level=0):
        paragraph = document.add_paragraph(text)
        paragraph._p.get_or_add_pPr().insert(
            0, parse_xml(f'<w:numPr xmlns:w="{w}"><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>')
        )

    document.add_paragraph("某某措施")
    numbered("加大支持", 90)
    numbered("给予贷款贴息。", 90, 1)
    numbered("给予担保补贴。", 90, 1)
    numbered("优化服务", 90)
    numbered("建立专员制度。", 90, 1)  # level 1 restarts under a new level 0
    numbered("申请表；", 91)
    numbered("营业执照。", 91)
    numbered("承诺书；", 92)  # the same list restarted
    document.save(path)
    return path


def test_docx_word_list_numbering_becomes_labels(tmp_path):
    source = read_source(_numbered_docx(tmp_path / "numbered.docx"))
    assert source.text.split("\n") == [
        "某某措施", "一、加大支持", "（一）给予贷款贴息。", "（二）给予担保补贴。", "二、优化服务", "（一）建立专员制度。",
        "１．申请表；", "２．营业执照。", "１．承诺书；",
    ]  # fmt: skip
    doc = parse_file(tmp_path / "numbered.docx")
    assert [c.id for c in doc.walk()][:5] == ["1", "1.1", "1.2", "2", "2.1"]


def test_docx_number_formats():
    from zhida.documents.docx_numbering import format_number

    assert [format_number(n, "chineseCounting") for n in (1, 10, 11, 23)] == ["一", "十", "十一", "二十三"]
    assert format_number(12, "decimalFullWidth") == "１２"
    assert format_number(3, "decimalEnclosedCircle") == "③"
    assert format_number(4, "lowerRoman") == "iv" and format_number(28, "upperLetter") == "BB"
    assert format_number(2, "ideographTraditional") == "乙"


def test_html_table_rows_chrome_classes_and_source_line_breaks(tmp_path):
    html = """<html><body>
    <div class="main-nav"><ul><li>首页</li><li>政务公开</li></ul></div>
    <div class="crumbs">首页 &gt; 政策</div>
    <table><tr><td>发文机关：</td><td>某某局</td></tr><tr><td colspan="2">一、单独一格</td></tr></table>
    <p>（一）对符合条件的
       企业给予支持。</p>
    <p>第一条\u3000为了规范管理，制定本办法。</p>
    <div class="footer">版权所有</div></body></html>"""
    path = tmp_path / "page.html"
    path.write_text(html, encoding="utf-8")
    lines = read_source(path).text.split("\n")
    assert lines == ["发文机关：\t某某局", "一、单独一格", "（一）对符合条件的企业给予支持。", "第一条\u3000为了规范管理，制定本办法。"]


def test_html_block_with_a_chrome_name_that_holds_the_article_is_kept(tmp_path):
    path = tmp_path / "misnamed.html"
    path.write_text('<html><body><div class="menu">首页</div><div class="nav-content">'
                    "<p>一、支持企业发展，给予奖励。</p><p>二、优化服务，做好保障。</p></div></body></html>", encoding="utf-8")
    assert read_source(path).text.split("\n") == ["一、支持企业发展，给予奖励。", "二、优化服务，做好保障。"]
