"""`zhida projects import|list|tick|agency-reward|parcels` and `zhida finance import-products|match`
over a SQLite store (ZHIDA_DATABASE_URL): imports idempotent with a reject report, the clock on a
given instant."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from zhida.cli import _register, app

from web.conftest import USCC_A  # tests/ is on sys.path (rootdir)

_register()


@pytest.fixture
def cli(tmp_path, monkeypatch):
    import zhida.finance.tables  # noqa: F401
    import zhida.projects.tables  # noqa: F401
    from zhida.store import open_store

    url = f"sqlite:///{tmp_path / 'zhida.sqlite3'}"
    open_store(url).close()
    monkeypatch.setenv("ZHIDA_DATABASE_URL", url)

    def run(*args: str):
        return CliRunner().invoke(app, list(args), catch_exceptions=False)

    return run


def test_import_list_tick_and_reward(cli, tmp_path):
    path = tmp_path / "projects.csv"
    path.write_text("项目编号,项目名称,业主统一社会信用代码,所在区,总投资（元）,在京新增实缴资本（元）,第三方机构,第三方机构全程服务\n"
                    f"CLI-1,命令行项目,{USCC_A},朝阳区,2000000000,6000000000,某咨询公司,是\n"
                    "CLI-2,坏行,,朝阳区,,,,\n", encoding="utf-8")
    first = cli("projects", "import", str(path), "--json")
    assert first.exit_code == 2
    report = json.loads(first.output)
    assert report["created"] == 1 and report["rejected"] == [{"row": 3, "field": "owner_uscc", "reason": "请填写项目业主（统一社会信用代码）或意向投资方名称"}]
    again = json.loads(cli("projects", "import", str(path), "--json").output)
    assert (again["created"], again["unchanged"]) == (0, 1)
    listed = cli("projects", "list")
    assert "命令行项目" in listed.output and "谋划" in listed.output
    assert "新标记 0 个项目" in cli("projects", "tick", "--now", "2030-01-01T00:00").output
    reward = json.loads(cli("projects", "agency-reward", "1", "--as-of", "2026-06-01", "--json").output)
    assert reward["status"] == "undetermined"  # not (yet) through 首谈: the fact is missing, not false
    assert reward["facts"]["served_project.full_process_service"] is True


def test_finance_products_from_a_file(cli, tmp_path):
    path = tmp_path / "products.yaml"
    path.write_text("- {code: F1, name: 信易贷, lender: 北京银行, kind: xinyidai, amount_max: '5000000'}\n"
                    "- {code: F2, name: 坏产品, lender: 不存在的银行}\n", encoding="utf-8")
    result = cli("finance", "import-products", str(path), "--json")
    assert result.exit_code == 2
    body = json.loads(result.output)
    assert body["created"] == 1 and body["rejected"][0]["field"] == "lender"
