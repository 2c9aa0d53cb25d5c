"""`zhida registries list|candidates|import|members|export` over a store of its own."""

from __future__ import annotations

import io
import json

import pytest
from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner

from zhida.cli import _register, app
from zhida.enterprises.uscc import check_char

_register()


def _run(*args: str):
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


@pytest.fixture
def store_env(tmp_path, monkeypatch):
    monkeypatch.setenv("ZHIDA_DATABASE_URL", f"sqlite:///{tmp_path / 'zhida.sqlite3'}")
    monkeypatch.setenv("ZHIDA_HOME", str(tmp_path))
    return tmp_path


def test_the_registries_commands(store_env, tmp_path):
    from registries.conftest import AS_OF, with_indicators  # tests/ is on sys.path (rootdir)
    from zhida.enterprises.generate import generate, write_parquet

    listing = _run("registries", "list", "--on", "2022-12-31")
    assert listing.exit_code == 0 and "专精特新“小巨人”企业（2022版）" in listing.output

    facts = write_parquet(generate(400, 3, AS_OF), tmp_path / "facts.parquet")
    import pyarrow.parquet as pq

    pq.write_table(with_indicators(pq.read_table(facts)), facts)
    found = _run("registries", "candidates", "srdi-ladder", "--on", "2022-12-31", "--input", str(facts),
                 "--json", "--limit", "1000")
    rows = json.loads(found.output[found.output.index("["):])  # (after the store-upgraded note)
    assert rows and {r["tier"] for r in rows} <= {"innovative_sme", "srdi_sme", "little_giant"}
    assert all(r["criteria_version"] == "2022" for r in rows)

    good = "91440300MA5ABCDEF"
    good += check_char(good)
    wb = Workbook()
    wb.active.append(["统一社会信用代码", "企业名称", "层级", "入库日期"])
    wb.active.append([good, "深圳甲公司", "小巨人", "2022-09-01"])
    wb.active.append(["123", "坏行", "小巨人", "2022-09-01"])
    source, rejects = tmp_path / "list.xlsx", tmp_path / "rejects.xlsx"
    wb.save(source)
    first = _run("registries", "import", "srdi-ladder", str(source), "--rejects", str(rejects))
    assert "新入库 1 家" in first.output and "未导入 1 行" in first.output
    assert load_workbook(rejects).active.max_row == 2
    assert "新入库 0 家，已在库未变 1 家" in _run("registries", "import", "srdi-ladder", str(source)).output
    members = json.loads(_run("registries", "members", "srdi-ladder", "--on", "2022-10-01", "--json").output)
    assert members["total"] == 1 and members["members"][0]["uscc"] == good
    assert json.loads(_run("registries", "members", "srdi-ladder", "--on", "2022-08-31", "--json").output)["total"] == 0
    out = tmp_path / "figures.xlsx"
    assert _run("registries", "export", "srdi-ladder", "--on", "2022-10-01", "--figures", "-o", str(out)).exit_code == 0
    assert load_workbook(io.BytesIO(out.read_bytes()))["层级"]["B4"].value == 1
