"""An unknown column is reported in Chinese, without the CLI's --mapping hint (the web shows it as is)."""

from zhida.enterprises.columns import plan_columns


def test_unknown_column_warning_is_chinese_without_cli_hint():
    _, warnings = plan_columns(["统一社会信用代码", "企业名称", "所属区县", "行业代码", "备注栏"], {})
    assert warnings == ["列“备注栏”未导入：不是可识别的字段"]
