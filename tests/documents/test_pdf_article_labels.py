"""Articles as a PDF's text layer prints them: digits spaced out ('第 1 1 条') and a chapter
heading run together with its first article on one line. Each article must still be a clause."""

from __future__ import annotations

from zhida.documents.labels import find_label
from zhida.documents.pipeline import parse_file, parse_text

from .fixtures.files import make_pdf


def shape(doc):
    return [(c.id, c.kind) for c in doc.walk()]


def test_spaced_digits_and_numerals_in_article_labels():
    assert find_label("第 1 1 条 企业应当…").number == 11
    assert find_label("第 2 0 条 本办法自…").number == 20
    assert find_label("第 二 十 条 本办法自…").number == 20
    assert find_label("第１ ２条 全角").number == 12
    assert find_label("第 3 章 扶持措施").style == "chapter"
    # a spaced number in a sentence is still no label unless it starts the paragraph
    assert find_label("依照第 1 1 条办理") is None


def test_articles_with_spaced_numbers_are_split():
    body = "\n".join(f"第 {' '.join(str(n))} 条 第{n}条的内容，按规定执行。" for n in range(1, 23))
    doc = parse_text("某市促进就业办法\n" + body + "\n", name="t.txt")
    ids = [c.id for c in doc.walk()]
    assert ids == [f"art{n}" for n in range(1, 23)]
    assert doc.clause("art11").text.startswith("第 1 1 条 第11条的内容")
    assert doc.clause("art20").labels == ["第二十条"]


def test_chapter_heading_run_together_with_its_first_article():
    text = ("某县招商引资优惠办法\n"
            "第一章 总则 第一条 为了优化营商环境，制定本办法。\n"
            "第二条 本办法适用于全县。\n"
            "第二章　扶持措施　第三条 对新引进企业给予奖励。\n"
            "第四条 对技改项目给予补助。\n"
            "第三章 附则第五条 本办法自发布之日起施行。\n")
    doc = parse_text(text, name="t.txt")
    assert shape(doc) == [("ch1", "chapter"), ("ch1.art1", "article"), ("ch1.art2", "article"),
                          ("ch2", "chapter"), ("ch2.art3", "article"), ("ch2.art4", "article"),
                          ("ch3", "chapter"), ("ch3.art5", "article")]  # fmt: skip
    assert doc.clause("ch1").heading == "总则"
    assert doc.clause("ch2").heading == "扶持措施"
    assert doc.clause("ch3").heading == "附则"
    art3 = doc.clause("ch2.art3")
    assert art3.text == "第三条 对新引进企业给予奖励。"
    assert doc.original[art3.start:art3.end] == art3.text


def test_a_heading_that_merely_mentions_an_article_is_not_split():
    doc = parse_text("某办法\n第一章 总则\n第一条 依照本法第五条规定，制定本办法。\n第二条 适用范围。\n", name="t.txt")
    assert shape(doc) == [("ch1", "chapter"), ("ch1.art1", "article"), ("ch1.art2", "article")]


def test_pdf_text_layer_with_both_failures(tmp_path):
    lines = ["某市中小企业发展专项资金管理办法", "第一章 总则 第一条 为规范专项资金管理，制定本办法。"]
    lines += [f"第 {' '.join(str(n))} 条 专项资金用于第{n}类支出。" for n in range(2, 13)]
    lines += ["第二章 附则 第 1 3 条 本办法自印发之日起施行。"]
    doc = parse_file(make_pdf(tmp_path / "spaced.pdf", [lines]))
    ids = [c.id for c in doc.walk()]
    assert ids == ["ch1", *[f"ch1.art{n}" for n in range(1, 13)], "ch2", "ch2.art13"]
    assert doc.clause("ch1.art11").text.endswith("专项资金用于第11类支出。")
