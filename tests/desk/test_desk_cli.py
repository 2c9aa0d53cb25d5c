"""`zhida desk route|answer` over a store with the seeds and one enterprise (ZHIDA_DATABASE_URL)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from zhida.cli import _register, app
from zhida.errors import ZhidaError

from .conftest import USCC

_register()


@pytest.fixture
def cli(store, monkeypatch):
    monkeypatch.setenv("ZHIDA_DATABASE_URL", store.engine.url.render_as_string(hide_password=False))

    def run(*args: str):
        return CliRunner().invoke(app, list(args), catch_exceptions=False)

    return run


def test_route_lists_units_with_their_clauses(cli):
    result = cli("desk", "route", "留抵退税什么时候到账")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("1. 市税务局（")
    assert "依据 《关于应对新冠肺炎疫情影响促进本市先进制造业平稳运行的若干措施》（京政办发〔2022〕18号）第三条（六）：“" in result.output


def test_route_json(cli):
    body = json.loads(cli("desk", "route", "想申请上市补贴找谁", "--json", "--limit", "3").output)
    assert len(body["units"]) == 3 and body["units"][0]["unit"] in {"区金融办", "市金融监管局"}
    assert all(e["quote"] for u in body["units"] for e in u["evidence"])


def test_answer_with_the_enterprise_checkup(cli):
    result = cli("desk", "answer", "今年新买的设备能一次性税前扣除吗", "--uscc", USCC, "--as-of", "2022-12-31")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("【答复草稿】")
    assert "· 中小微企业设备器具一次性（减半）税前扣除：可享受，金额 300.00 万元。" in result.output


def test_bad_input_is_a_zhida_error(cli):
    with pytest.raises(ZhidaError) as caught:
        cli("desk", "answer", "社保能缓缴吗", "--as-of", "2022-13-01")
    assert caught.value.where == "--as-of"
    with pytest.raises(ZhidaError) as caught:
        cli("desk", "route", "？？")
    assert caught.value.where == "诉求内容"
