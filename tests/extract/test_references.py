import pytest

from zhida.documents.extract.references import extract_references


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("（发改产业〔2022〕273号）", "发改产业〔2022〕273号"),
        ("（京政发〔2022〕23号）", "京政发〔2022〕23号"),
        ("(国办发明电〔2022〕3号)", "国办发明电〔2022〕3号"),
        ("（晋政办发〔2022〕34号）", "晋政办发〔2022〕34号"),
        ("忻政办发〔2022〕34号", "忻政办发〔2022〕34号"),
        ("京政办发[2022]18号", "京政办发[2022]18号"),
        ("京政办发（2022）18号", "京政办发（2022）18号"),
        ("根据京政发〔2022〕23号文件精神", "京政发〔2022〕23号"),
        ("根据国家税务总局公告2022年第4号规定", "国家税务总局公告2022年第4号"),
        ("按照国务院令第708号", "国务院令第708号"),
    ],
)
def test_document_numbers(text, number):
    found = extract_references(text)
    assert [r.doc_number for r in found] == [number]
    assert text[found[0].start:found[0].end] == found[0].text == number


def test_title_with_nested_title_and_its_number():
    text = ("认真落实《北京市人民政府关于印发〈北京市统筹疫情防控和稳定经济增长的实施方案〉的通知》"
            "（京政发〔2022〕23号）精神")
    [ref] = extract_references(text)
    assert ref.title == "北京市人民政府关于印发〈北京市统筹疫情防控和稳定经济增长的实施方案〉的通知"
    assert ref.doc_number == "京政发〔2022〕23号"
    assert ref.text.startswith("《") and ref.text.endswith("23号）")
    assert text[ref.start:ref.end] == ref.text


def test_joint_announcement_number_joins_its_title():
    text = "依据《关于进一步支持小微企业发展有关税费政策的公告》（财政部 税务总局公告2023年第12号）执行"
    [ref] = extract_references(text)
    assert ref.doc_number == "财政部 税务总局公告2023年第12号"
    assert ref.title == "关于进一步支持小微企业发展有关税费政策的公告"


def test_titles_alone_and_a_number_elsewhere_stays_separate():
    text = "按照《煤电机组节能减碳改造技术路线指南》《“十四五”煤电机组“三改联动”实施方案》，参照京政发〔2022〕23号"
    found = extract_references(text)
    assert [(r.title, r.doc_number) for r in found] == [
        ("煤电机组节能减碳改造技术路线指南", None),
        ("“十四五”煤电机组“三改联动”实施方案", None),
        (None, "京政发〔2022〕23号"),
    ]


@pytest.mark.parametrize("text", ["[发文字号] 〔〕", "2022年", "增长15%", "《》"])
def test_no_reference(text):
    assert extract_references(text) == []
