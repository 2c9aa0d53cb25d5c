import pytest

from zhida.documents.extract.beneficiaries import LABELS, extract_beneficiaries


def codes(text):
    found = extract_beneficiaries(text)
    for item in found:
        assert text[item.start:item.end] == item.text
        assert item.label == LABELS[item.type]
    return [item.type for item in found]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("支持小微企业发展", ["small_micro_enterprise"]),
        ("扩大至小型微利企业和个体工商户", ["small_low_profit_enterprise", "individual_business"]),
        ("加大中小微企业设备器具税前扣除力度", ["smme"]),
        ("引导中小企业加大研发投入", ["sme"]),
        ("由增值税小规模纳税人扩展至", ["small_scale_vat_taxpayer"]),
        ("落实小规模纳税人免征增值税政策", ["small_scale_vat_taxpayer"]),
        ("支持“专精特新”中小企业在新三板挂牌", ["specialized_sme"]),
        ("培育一批'专精特新'中小企业", ["specialized_sme"]),
        ("专精特新中小企业", ["specialized_sme"]),
        ("国家级专精特新“小巨人”企业达到500家", ["little_giant_national"]),
        ("市级专精特新“小巨人”企业达到1000家", ["little_giant_municipal"]),
        ("支持“小巨人”企业引进高端人才", ["little_giant"]),
        ("小巨人企业", ["little_giant"]),
        ("获得国家高新技术认定的企业", ["high_tech_enterprise"]),
        ("认定为高新技术企业的", ["high_tech_enterprise"]),
        ("对科技型中小企业开展研发活动", ["tech_sme"]),
        ("符合条件的制造业企业", ["manufacturing_enterprise"]),
        ("服务业小微企业和个体工商户", ["service_small_micro_enterprise", "individual_business"]),
        ("在自贸区注册的外贸企业", ["foreign_trade_enterprise"]),
        ("支持上市企业募投项目", ["listed_enterprise"]),
        ("拟上市企业", ["pre_ipo_enterprise"]),
        ("联合外卖平台企业", ["platform_enterprise"]),
        ("推动餐饮企业恢复发展", ["catering_enterprise"]),
        ("个人消费者给予补贴", ["individual_consumer"]),
        ("招用高校毕业生", ["college_graduate"]),
        ("对第三方机构给予奖励", ["third_party_institution"]),
        ("产业链“链主”企业", ["leading_enterprise"]),
        ("龙头企业", ["leading_enterprise"]),
        ("承租非国有房屋的科技型孵化器", ["incubator"]),
        ("大型企业仍按照", ["large_enterprise"]),
        ("支持制造业大型企业", ["large_enterprise"]),
    ],
)
def test_catalogue(text, expected):
    assert codes(text) == expected


def test_longest_match_wins_without_overlaps():
    found = extract_beneficiaries("小型微利企业")
    assert [(b.type, b.start, b.end) for b in found] == [("small_low_profit_enterprise", 0, 6)]
    assert codes("服务业小微企业") == ["service_small_micro_enterprise"]
    assert codes("科技型中小企业") == ["tech_sme"]
    assert codes("制造业中小微企业") == ["smme"]


def test_quotes_are_kept_only_when_closed_inside():
    found = extract_beneficiaries("支持“专精特新”中小企业")
    assert found[0].text == "“专精特新”中小企业"


@pytest.mark.parametrize("text", ["企业名单", "支持企业发展", "中小学", "上市地块", "平台建设"])
def test_no_beneficiary(text):
    assert codes(text) == []
