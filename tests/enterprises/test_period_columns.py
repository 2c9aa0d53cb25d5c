"""Per-period CSV/XLSX columns, the import template and the unused-figures list (issue 9 §1)."""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
from decimal import Decimal

from zhida import config
from zhida.enterprises.columns import plan_columns, row_to_profile
from zhida.enterprises.profile import EnterpriseProfile
from zhida.enterprises.unused import unused_figures
from zhida.matching.match import load_default_policies

EXAMPLES = config.PROJECT_ROOT / "docs" / "examples"


def _template_module():
    spec = importlib.util.spec_from_file_location("make_profile_template",
                                                  config.PROJECT_ROOT / "scripts" / "make_profile_template.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_per_year_and_per_quarter_columns_fill_figures_by_period():
    headers = ["统一社会信用代码", "企业名称", "所属区县", "行业代码", "营业收入_2021", "营业收入(万元)_2022",
               "从业人员_2022Q2", "本地配套率_2020"]
    plan, warnings = plan_columns(headers, {})
    assert warnings == []
    profile, errors = row_to_profile(["91140902MA0K7L2DXK", "样例", "忻府区", "C3511", "1000000", "12.5", "30", "0.35"],
                                     plan, None)
    assert errors == []
    assert profile.figures[2021].revenue == Decimal("1000000")
    assert profile.figures[2022].revenue == Decimal("125000")
    assert profile.figures["2022Q2"].employees == 30
    assert profile.figures[2020].other["local_sourcing_rate"] == Decimal("0.35")


def test_the_committed_template_is_what_the_script_writes_and_imports(tmp_path):
    module = _template_module()
    written = module.write(tmp_path)
    assert written[0].read_text(encoding="utf-8") == (EXAMPLES / "profile_template.csv").read_text(encoding="utf-8")
    from openpyxl import load_workbook

    sheet = load_workbook(EXAMPLES / "profile_template.xlsx").active
    assert [c.value for c in sheet[1]] == module.HEADERS
    with (EXAMPLES / "profile_template.csv").open(encoding="utf-8") as f:
        header, row = list(csv.reader(f))
    plan, warnings = plan_columns(header, {})
    assert warnings == []
    profile, errors = row_to_profile(row, plan, None)
    assert errors == [] and profile is not None
    assert profile.figures[2019].revenue == Decimal("36000000")
    assert profile.figures["2022Q3"].other["small_scale_sales_at_3pct"] == Decimal("250000")
    assert profile.qualifications[0].level == "provincial"  # 北京市级
    assert "资质清单完整" in header and profile.qualifications_complete is True  # unlisted types: not held


def test_figures_no_measure_reads_are_listed_as_unused():
    profile = EnterpriseProfile.from_json((EXAMPLES / "profiles" / "xinzhou_manufacturer_first_set.json").read_bytes())
    data = profile.model_dump(mode="json")
    data["figures"]["2015"] = {"revenue": "1000.00"}  # no rule reads 2015 at a 2022 assessment
    unused = unused_figures(EnterpriseProfile.model_validate(data), dt.date(2022, 12, 31), load_default_policies())
    keys = {(u.period, u.fact) for u in unused}
    assert ("2015", "revenue") in keys
    assert ("2021", "revenue") not in keys and ("2019", "revenue") not in keys  # 首次达到 reads 2018–2020
    assert ("2022Q3", "small_scale_sales_at_3pct") not in keys  # inside the VAT window


def test_example_profiles_use_periods():
    with_periods = 0
    for path in sorted((EXAMPLES / "profiles").glob("*.json")):
        profile = EnterpriseProfile.from_json(path.read_bytes())
        with_periods += len([k for k in profile.figures if k != 2021]) > 0
    assert with_periods == 5


def test_declared_size_class_is_read_with_its_source_and_used_only_where_figures_cannot_decide():
    from zhida.enterprises.facts import profile_to_facts
    from zhida.matching.evaluator import new_evaluator

    plan, warnings = plan_columns(["统一社会信用代码", "企业名称", "所属区县", "行业代码", "企业规模"], {})
    assert warnings == []
    profile, errors = row_to_profile(["91140902MA0K7L2DXK", "样例", "忻府区", "C1311", "小型"], plan, None)
    assert errors == [] and profile.declared_size.size_class == "small"
    assert "企业规模" in profile.declared_size.source
    policies = load_default_policies()
    day = dt.date(2022, 12, 31)
    facts = profile_to_facts(profile, day)
    assert new_evaluator(facts, day, policies).lookup("small_micro_300") is True  # no figures: declared
    big = profile.model_copy(update={"figures": {2021: profile.model_validate(
        {**profile.model_dump(mode="json"), "figures": {"2021": {"employees": 2000, "revenue": "500000000"}}}).figures[2021]}})
    assert new_evaluator(profile_to_facts(big, day), day, policies).lookup("small_micro_300") is False  # figures win
