"""Write the CSV/XLSX import template (docs/examples/profile_template.csv and .xlsx).

    python scripts/make_profile_template.py

The template itself is zhida.enterprises.import_template (the web's import page serves the same
workbook); this writes the committed copies. A test checks the committed files are what this
script writes and that the example row imports.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from zhida.enterprises.import_template import EXAMPLE, HEADERS, csv_text, xlsx_bytes  # noqa: E402

OUT = ROOT / "docs" / "examples"
__all__ = ["EXAMPLE", "HEADERS", "write"]


def write(out: Path = OUT) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    csv_path = out / "profile_template.csv"
    csv_path.write_text(csv_text(), encoding="utf-8")
    xlsx_path = out / "profile_template.xlsx"
    xlsx_path.write_bytes(xlsx_bytes())
    return [csv_path, xlsx_path]


if __name__ == "__main__":
    for path in write(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT):
        print(f"wrote {path}")
