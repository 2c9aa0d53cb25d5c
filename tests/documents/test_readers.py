"""Readers on real files made at test time: .docx, .pdf, .html, GBK text, traditional script."""

from __future__ import annotations

import opencc

from zhida.documents.pipeline import parse_file
from zhida.documents.readers import read_source

from .fixtures.files import make_docx, make_pdf, seed_text


def test_docx_paragraphs_and_table_cells_in_order(tmp_path):
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
        "项目", "标准", "贷款贴息", "不超过2%", "二、优化服务", "（二）建立服务专员制度。",
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
