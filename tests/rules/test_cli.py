"""The rules CLI as a user meets it."""

import json

from typer.testing import CliRunner

from zhida.cli import _register, app

_register()
RUN = CliRunner()


def invoke(*args):
    result = RUN.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def test_measures_list_json_filters_by_document_prefix():
    rows = json.loads(invoke("measures", "list", "--doc", "003", "--json"))
    assert rows and all(r["document"] == "003_4b22abcac525f172" for r in rows)
    assert "xz2022.first-set-equipment-subsidy" in [r["id"] for r in rows]


def test_measures_show_plain_chinese_and_json():
    text = invoke("measures", "show", "bj2022.sme-equipment-deduction")
    for piece in ("北京市（全市各区）", "单位价值500万元以上", "设备器具税前扣除适用的中小微企业", "2022年1月1日", "出处", "[bj2022.sme-equipment-deduction]"):
        assert piece in text, piece
    detail = json.loads(invoke("measures", "show", "xz2022.first-set-equipment-subsidy", "--json"))
    assert detail["amount"]["cap"] == "300000" and detail["amount"]["kind"] == "exact"
    assert detail["sources"][0]["doc_number"] == "忻政办发〔2022〕34号"
    assert detail["jurisdiction"] == ["140900"] and detail["period"]["from"] == "2022-05-28"


def test_facts_list_json_has_types_units_and_events():
    rows = {r["name"]: r for r in json.loads(invoke("facts", "list", "--json"))}
    assert rows["revenue"]["type"] == "money" and rows["revenue"]["unit"] == "元"
    assert rows["equipment_purchase.unit_value"]["event"] == "equipment_purchase"
    assert rows["equipment_purchase.unit_value"]["column"] == "equipment_purchase__unit_value"


def test_check_one_profile(tmp_path):
    profile = tmp_path / "p.json"
    profile.write_text(json.dumps({"entity_type": "enterprise", "region_code": "140902",
                                   "first_set_purchase.price": 5000000}), encoding="utf-8")
    out = json.loads(invoke("check", str(profile), "--measure", "xz2022.first-set", "--as-of", "2022-08-01", "--json"))
    assert out["status"] == "eligible" and out["amount"] == "300000.00"
    text = invoke("check", str(profile), "--measure", "xz2022.first-set", "--as-of", "2022-08-01")
    assert "符合" in text and "30万元" in text


def test_unknown_measure_is_a_one_line_error():
    result = RUN.invoke(app, ["measures", "show", "nope.nothing"])
    assert result.exit_code != 0
    assert "no such measure" in str(result.exception)
