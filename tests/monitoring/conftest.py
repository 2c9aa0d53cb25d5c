"""A store (SQLite and PostgreSQL) and a generated monthly indicator file."""

from __future__ import annotations

import csv
import io
import random
from decimal import Decimal

import pytest

from zhida.enterprises.uscc import check_char
from zhida.store import open_store


def uscc(i: int) -> str:
    body = f"91110105MA{i:07d}"
    return body + check_char(body)


def indicator_rows(n: int = 60, months=("2025-03", "2026-02", "2026-03"), seed: int = 7) -> list[list]:
    """Rows of a statistics file: some enterprises fall sharply, some miss a month, some cells blank."""
    rng = random.Random(seed)
    rows = [["统一社会信用代码", "月份", "所在区", "行业代码", "工业总产值", "营业收入", "用电量", "用工人数", "在手订单"]]
    for i in range(n):
        base = Decimal(rng.randint(100, 5000))
        for month in months:
            if rng.random() < 0.08:
                continue  # a month not reported
            factor = Decimal(rng.choice(["1", "0.95", "0.7", "0.82", "1.1", "0.5"]))
            value = (base * factor).quantize(Decimal("0.01"))
            cells = [uscc(i), month, rng.choice(["朝阳区", "海淀区"]), rng.choice(["C35", "C39"]), value,
                     (value * Decimal("1.05")).quantize(Decimal("0.01")),
                     (base / 10 * Decimal(rng.choice(["1", "0.6", "0.75"]))).quantize(Decimal("0.01")),
                     rng.choice([100, 150, 300, 90]), "" if rng.random() < 0.2 else (base * 2 * factor).quantize(Decimal("0.01"))]
            rows.append(cells)
    return rows


def to_csv(rows: list[list]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


@pytest.fixture
def store(database_url, tmp_path, monkeypatch):
    import zhida.monitoring.tables  # noqa: F401

    monkeypatch.setenv("ZHIDA_HOME", str(tmp_path / "home"))
    opened = open_store(database_url)
    yield opened
    opened.close()
