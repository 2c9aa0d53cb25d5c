"""Issue 10 #4 and the CLI bullets: an import file is bounded before it is parsed (uncompressed
size, rows, cell length); reject reports keep a cut value, not an 80 MB one; the CLI reads the
documented JSON profile (one, a list, JSON Lines) and its exit code tells rejects (1) from a file
that cannot be imported (2)."""

from __future__ import annotations

import json
import sys
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from zhida.enterprises.file_checks import Limits
from zhida.enterprises.importer import import_file
from zhida.enterprises.tables import Enterprise, ImportReject
from zhida.errors import DataError
from zhida.store import open_store

from .test_import import HEADER, code, read_report, write_csv

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples" / "profiles"


@pytest.fixture
def store(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'zhida.sqlite3'}")
    yield store
    store.close()


def counts(store) -> tuple[int, int]:
    with store.sessions() as session:
        return session.scalar(select(func.count(Enterprise.id))), session.scalar(select(func.count(ImportReject.id)))


def xlsx(path: Path, rows: list[list]) -> Path:
    book = Workbook()
    for row in [HEADER, *rows]:
        book.active.append(row)
    book.save(path)
    return path


def test_a_small_xlsx_holding_a_huge_cell_is_refused_before_parsing(tmp_path, store):
    huge = "北" * 3_000_000  # ~9 MB of text that compresses to a few KB
    path = xlsx(tmp_path / "bomb.xlsx", [[code(1), huge, "朝阳区", "L7212", 8, 12.5, 2021]])
    assert path.stat().st_size < 200_000
    with pytest.raises(DataError) as error:
        import_file(path, store)
    assert "单元格内容过长" in error.value.reason or "压缩炸弹" in error.value.reason
    assert counts(store) == (0, 0)  # nothing stored, no 9 MB reject


def test_uncompressed_size_and_row_count_are_limited(tmp_path, store):
    path = xlsx(tmp_path / "rows.xlsx", [[code(n), f"企业{n}", "朝阳区", "L7212", 8, 1, 2021] for n in range(1, 11)])
    with pytest.raises(DataError, match="行数超过上限"):
        import_file(path, store, limits=Limits(max_rows=9))
    inflated = sum(m.file_size for m in zipfile.ZipFile(path).infolist())
    with pytest.raises(DataError, match="解压后过大"):
        import_file(path, store, limits=Limits(max_uncompressed=inflated - 1))
    csv_path = write_csv(tmp_path / "rows.csv", [[code(n), f"企业{n}", "朝阳区", "L7212", "8", "1", "2021"]
                                                 for n in range(1, 11)])
    with pytest.raises(DataError, match="行数超过上限"):
        import_file(csv_path, store, limits=Limits(max_rows=9))
    assert counts(store) == (0, 0)
    assert import_file(path, store, limits=Limits(max_rows=10)).stored == 10


def test_a_long_cell_rejects_its_row_and_the_report_keeps_a_cut_value(tmp_path, store):
    long_name = "长" * 50_000
    path = write_csv(tmp_path / "long.csv", [[code(1), "正常公司", "朝阳区", "L7212", "8", "1", "2021"],
                                             [code(2), long_name, "朝阳区", "L7212", "8", "1", "2021"],
                                             ["X" * 10_000, "坏码公司", "朝阳区", "L7212", "8", "1", "2021"]])
    result = import_file(path, store, report_path=tmp_path / "rejects.csv", limits=Limits(max_cell_chars=20_000))
    assert (result.stored, result.rejected_rows) == (1, 2)
    with store.sessions() as session:
        values = session.scalars(select(ImportReject.value)).all()
    assert values and all(len(v) < 300 for v in values)
    assert any("已截断，共 50,000 个字符" in v for v in values)
    assert any("已截断，共 10,000 个字符" in v for v in values)
    assert all(len(r["value"]) < 300 for r in read_report(tmp_path / "rejects.csv"))


def _run_cli(monkeypatch, tmp_path, *args) -> int:
    import zhida.cli.enterprises  # noqa: F401  (registers the commands)
    from zhida.cli import main

    monkeypatch.setenv("ZHIDA_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    monkeypatch.setattr(sys, "argv", ["zhida", "enterprises", "import", *map(str, args)])
    with pytest.raises(SystemExit) as exit_info:
        main()
    return exit_info.value.code or 0


def test_cli_reads_json_profiles_one_a_list_and_json_lines(tmp_path, monkeypatch, capsys):
    profiles = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(EXAMPLES.glob("*.json"))]
    assert len(profiles) == 5
    one = tmp_path / "one.json"
    one.write_text(json.dumps(profiles[0], ensure_ascii=False, indent=2), encoding="utf-8")
    listed = tmp_path / "list.json"
    listed.write_text(json.dumps(profiles[1:3], ensure_ascii=False, indent=1), encoding="utf-8")
    lines = tmp_path / "rest.jsonl"
    lines.write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in profiles[3:]), encoding="utf-8")
    for path in (one, listed, lines):
        assert _run_cli(monkeypatch, tmp_path, path) == 0, capsys.readouterr()
    store = open_store(f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    try:
        with store.sessions() as session:
            stored = dict(session.execute(select(Enterprise.uscc, Enterprise.profile_json)).all())
    finally:
        store.close()
    assert set(stored) == {p["uscc"] for p in profiles}
    money = next(p for p in profiles if "figures" in p)
    year, figures = next(iter(money["figures"].items()))
    for key, value in figures.items():
        if isinstance(value, str) and "." in value:  # money kept exact, as written
            assert stored[money["uscc"]]["figures"][year][key] == value


def test_cli_exit_code_tells_rejects_from_an_unreadable_file(tmp_path, monkeypatch, capsys):
    good = write_csv(tmp_path / "good.csv", [[code(1), "甲公司", "朝阳区", "L7212", "8", "1", "2021"]])
    assert _run_cli(monkeypatch, tmp_path, good) == 0
    some_bad = write_csv(tmp_path / "bad.csv", [[code(2), "乙公司", "朝阳区", "L7212", "8", "1", "2021"],
                                                ["bad", "坏码", "朝阳区", "L7212", "8", "1", "2021"]])
    assert _run_cli(monkeypatch, tmp_path, some_bad) == 1
    assert "1 rejected" in capsys.readouterr().out
    bad_json = tmp_path / "bad.jsonl"
    bad_json.write_text('{"uscc": "nope"}\n{not json\n', encoding="utf-8")
    assert _run_cli(monkeypatch, tmp_path, bad_json) == 1
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not a workbook")
    assert _run_cli(monkeypatch, tmp_path, broken) == 2
