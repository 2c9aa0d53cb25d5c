import pytest

from zhida.documents.extract.units import extract_units, split_units


@pytest.mark.parametrize(
    ("text", "units"),
    [
        ("落实。（责任单位：区税务局、区财政局）", ["区税务局", "区财政局"]),
        ("落实。(责任部门:市发展改革委)", ["市发展改革委"]),
        ("落实。（ 责任单位 ： 市税务局 ）", ["市税务局"]),
        ("落实。（责任单位：市工信局、市发改委会同市直有关单位）", ["市工信局", "市发改委", "市直有关单位"]),
        ("落实。（责任部门：市经济和信息化局，市科委、中关村管委会，各区政府）",
         ["市经济和信息化局", "市科委", "中关村管委会", "各区政府"]),
        ("落实。(责任单位:市经济和信\n\n息化局、市通信管理局)", ["市经济和信息化局", "市通信管理局"]),
        ("落实。（责任单位：市商务局、市行政审批局、市工信局、）", ["市商务局", "市行政审批局", "市工信局"]),
        ("落实。（牵头单位：市财政局；配合单位：市税务局）", ["市财政局", "市税务局"]),
        ("落实。（责任单位：各县（市、区）人民政府、市财政局）", ["各县（市、区）人民政府", "市财政局"]),
    ],
)
def test_labelled_lists(text, units):
    found = extract_units(text)
    assert [u.units for u in found] == [units]
    assert found[0].labelled
    assert text[found[0].start:found[0].end] == found[0].text


@pytest.mark.parametrize(
    ("text", "units"),
    [
        ("给予支持(市科委、中关村管委会)。", ["市科委", "中关村管委会"]),
        ("给予支持(市经济和信息化局,市发展改革委)", ["市经济和信息化局", "市发展改革委"]),
        ("做好衔接(市金融监管局,北京证监局,市财政局,各区,北京经济技术开发区)。",
         ["市金融监管局", "北京证监局", "市财政局", "各区", "北京经济技术开发区"]),
        ("加快发展。（市发改委、市工信局）", ["市发改委", "市工信局"]),
        ("提供服务(市银保监局、中国出口信用保险公司第三营业部)。", ["市银保监局", "中国出口信用保险公司第三营业部"]),
        ("扩大出口(市商务局,国铁太原局原平车务段)", ["市商务局", "国铁太原局原平车务段"]),
        ("征集方案(市科委、中关村管委会,市发展改革委等相关单位)。", ["市科委", "中关村管委会", "市发展改革委", "相关单位"]),
        ("加快审批(北京证监局,市金融监管局,北京银保监局等)。", ["北京证监局", "市金融监管局", "北京银保监局"]),
        ("推进落实（市发改委牵头，市财政局配合）。", ["市发改委", "市财政局"]),
    ],
)
def test_bare_bracket_lists(text, units):
    found = extract_units(text)
    assert [u.units for u in found] == [units]
    assert not found[0].labelled


@pytest.mark.parametrize(
    "text",
    [
        "扩大至符合条件的小微企业（含个体工商户），并一次性退还",
        "单车价格（不含增值税）不超过30万元",
        "实施方案（征求意见稿）",
        "首台（套）重大技术装备",
        "支持整机(系统)与关键零部件企业",
        "鼓励业主（房东）为租户减免",
        "鼓励招标人（采购人）对信用良好的",
        "发布各区（含北京经济技术开发区，下同）产业布局",
        "北京大兴国际机场临空经济区(北京部分)等区域",
        "食品生产许可证（非特殊食品）到期的",
        "《山西省工业用地弹性出让办法（试行）》",
        "总投资1亿元以上(含)或",
        "（发改产业〔2022〕273号）",
        "信托基金（REITs）项目",
        "可按季（月）享受优惠",
        "《纲要（2021—2035）》",
        "（此件公开发布）",
    ],
)
def test_brackets_that_are_not_unit_lists(text):
    assert extract_units(text) == []


def test_sentence_spans_attach_each_list_to_its_own_sentences():
    text = ("1.支持研发。第一年最高支持200万元(市科委、中关村管委会)。通过揭榜方式解决难题,"
            "对项目给予资金支持(市科委、中关村管委会,市教委)。支持企业参与平台建设(市经济和信息化局,市发展改革委)。")
    found = extract_units(text)
    assert len(found) == 3
    spans = [text[u.sentence_start:u.sentence_end] for u in found]
    assert spans == ["1.支持研发。第一年最高支持200万元", "通过揭榜方式解决难题,对项目给予资金支持", "支持企业参与平台建设"]
    assert all(u.sentence_end == u.start for u in found)


def test_split_units_keeps_each_piece():
    assert split_units("市科委、中关村管委会") == ["市科委", "中关村管委会"]
    assert split_units(" 市交通委 ; 市公安局 ") == ["市交通委", "市公安局"]
