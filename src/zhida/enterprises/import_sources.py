"""What `zhida enterprises import` reads, streamed: CSV/XLSX rows or JSON profiles.

A ``Source`` is its items (one per enterprise, with the row number a reject report names) and
how to turn one into a profile (or the problems found). Tables go through the column mapping
(columns.py); JSON items are profiles as documented in docs/enterprise-profile.md — one object,
a list of objects, or JSON Lines (one object per line). Every file passes file_checks first.
"""

from __future__ import annotations

import codecs
import csv
import json
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from zhida.enterprises import columns, file_checks, validation_reasons
from zhida.enterprises.profile import EnterpriseProfile
from zhida.errors import DataError

TABLE_TYPES = (".csv", ".txt", ".xlsx", ".xlsm")
JSON_TYPES = (".json", ".jsonl", ".ndjson")
Reject = tuple[str, Any, str]  # (field, value, reason: one Chinese line)
NO_FILE = "文件不存在"
EMPTY = "文件为空"


@dataclass
class Source:
    items: Iterator[tuple[int, Any]]  # (row number as a user counts it, raw item)
    convert: Callable[[Any], tuple[EnterpriseProfile | None, list[Reject]]]
    blank: Callable[[Any], bool] = lambda item: False
    warnings: list[str] = field(default_factory=list)
    total: int = 0  # items expected (counted before parsing; 0 when unknown)


def open_source(path: Path, mapping: dict, limits: file_checks.Limits) -> Source:
    """The file's items; DataError naming the file when it cannot be read at all."""
    path = Path(path)
    suffix = path.suffix.lower()
    if not path.is_file():
        raise DataError(str(path), NO_FILE)
    if suffix in JSON_TYPES:
        return Source(_json_items(path, limits), lambda item: profile_from_json(item, limits))
    if suffix not in TABLE_TYPES:
        raise DataError(str(path), _unsupported(suffix, ".csv、.xlsx 或 .json"))
    header, rows, total = _read_table(path, limits)
    try:
        plan, warnings = columns.plan_columns(header, mapping)
    except DataError as exc:  # a header problem: the file is what cannot be imported
        raise DataError(str(path), exc.reason) from None
    default_year = mapping.get("year")
    headers = [str(h) if h is not None else "" for h in header]

    def convert(cells: list[Any]):
        too_long = [(name, c, f"{name}：单元格内容过长（超过 {limits.max_cell_chars:,} 个字符）")  # cut when stored
                    for i, c in enumerate(cells) if isinstance(c, str) and len(c) > limits.max_cell_chars
                    for name in [headers[i] if i < len(headers) else f"column {i + 1}"]]
        if too_long:
            return None, too_long
        return columns.row_to_profile(cells, plan, default_year)

    items = ((row_no, cells) for row_no, cells in enumerate(rows, start=2))  # row 1 is the header
    return Source(items, convert, lambda cells: all(columns.blank(c) for c in cells), warnings, total)


def read_rows(path: Path, limits: file_checks.Limits | None = None) -> tuple[list[Any], Iterator[list[Any]]]:
    """(header, data rows) of a CSV or XLSX file within ``limits``; DataError if unreadable."""
    header, rows, _ = _read_table(path, limits or file_checks.Limits.from_env())
    return header, rows


def _read_table(path: Path, limits: file_checks.Limits):
    suffix = path.suffix.lower()
    if not path.is_file():
        raise DataError(str(path), NO_FILE)
    if suffix in (".xlsx", ".xlsm"):
        total = file_checks.check_xlsx(path, limits)
        return (*_read_xlsx(path), total)
    if suffix in (".csv", ".txt"):
        total = file_checks.check_csv(path, limits)
        return (*_read_csv(path, limits), total)
    raise DataError(str(path), _unsupported(suffix, ".csv 或 .xlsx"))


def _read_xlsx(path: Path):
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)  # streamed row by row
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise DataError(str(path), file_checks.NOT_XLSX) from None
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None)
    if header is None:
        workbook.close()
        raise DataError(str(path), "第一个工作表为空（没有表头行）")

    def data():
        try:
            for row in rows:
                yield list(row)
        finally:
            workbook.close()

    return list(header), data()


def _encoding(path: Path) -> str:
    """utf-8-sig when the whole file decodes as UTF-8, else gb18030 (Excel in China saves GBK)."""
    for encoding in ("utf-8-sig", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with path.open("rb") as handle:
                for chunk in iter(lambda: handle.read(file_checks.CHUNK), b""):
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
            return encoding
        except UnicodeDecodeError:
            continue
    raise DataError(str(path), "CSV 文件编码无法识别（请使用 UTF-8 或 GB18030）")


def _read_csv(path: Path, limits: file_checks.Limits):
    encoding = _encoding(path)
    handle = path.open("r", encoding=encoding, newline="")
    # A longer field is read (up to a bound) so that its row is rejected with a reason.
    csv.field_size_limit(max(csv.field_size_limit(), limits.max_cell_chars + 1))
    reader = csv.reader(handle)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        handle.close()
        raise DataError(str(path), f"不是可读的 CSV 文件：表头行{_csv_fault(exc)}") from None
    if header is None:
        handle.close()
        raise DataError(str(path), EMPTY)

    def data():
        with handle:
            try:
                for row in reader:
                    yield list(row)
            except csv.Error as exc:
                raise DataError(str(path), f"第 {reader.line_num} 行：{_csv_fault(exc)}") from None

    return header, data()


def _csv_fault(exc: csv.Error) -> str:
    """What the csv module found wrong, in Chinese (it says it in English, by these words)."""
    text = str(exc)
    if "field larger than field limit" in text:
        return f"单元格内容过长（超过 {csv.field_size_limit():,} 个字符）"
    return "CSV 格式错误（引号未配对或引号后缺少逗号）"


def _unsupported(suffix: str, allowed: str) -> str:
    return f"不支持的文件类型 {suffix or '（无扩展名）'}：请使用 {allowed} 文件"


# --- JSON profiles -----------------------------------------------------------------------------

def _json_items(path: Path, limits: file_checks.Limits) -> Iterator[tuple[int, Any]]:
    """One object, a list of objects (numbered from 1), or JSON Lines (numbered by line)."""
    first_line = ""
    with path.open("r", encoding="utf-8-sig") as handle:
        for line in handle:
            if line.strip():
                first_line = line.strip()
                break
    if not first_line:
        raise DataError(str(path), EMPTY)
    if first_line.startswith("{") and _is_object(first_line):
        return _json_lines(path, limits)
    try:
        document = json.loads(path.read_text(encoding="utf-8-sig"), parse_float=Decimal)
    except UnicodeDecodeError:
        raise DataError(str(path), "JSON 文件不是 UTF-8 编码") from None
    except json.JSONDecodeError as exc:
        raise DataError(str(path), f"{_json_fault(exc)}（企业画像：一个对象、对象列表或每行一个对象）") from None
    items = document if isinstance(document, list) else [document]
    if len(items) > limits.max_rows:
        raise DataError(str(path), file_checks.too_many_rows(len(items), limits.max_rows, "个企业画像"))
    return iter(enumerate(items, start=1))


def _is_object(text: str) -> bool:
    try:
        return isinstance(json.loads(text), dict)
    except json.JSONDecodeError:
        return False


def _json_lines(path: Path, limits: file_checks.Limits) -> Iterator[tuple[int, Any]]:
    count = 0
    with path.open("r", encoding="utf-8-sig") as handle:
        for line_no, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            count += 1
            if count > limits.max_rows:
                raise DataError(str(path), file_checks.too_many_rows(None, limits.max_rows, "个企业画像"))
            try:
                yield line_no, json.loads(line, parse_float=Decimal)
            except json.JSONDecodeError as exc:
                yield line_no, _Unreadable(line, _json_fault(exc))


@dataclass
class _Unreadable:
    text: str
    reason: str


def profile_from_json(item: Any, limits: file_checks.Limits) -> tuple[EnterpriseProfile | None, list[Reject]]:
    if isinstance(item, _Unreadable):
        return None, [("(line)", item.text.strip(), item.reason)]
    if not isinstance(item, dict):
        return None, [("(item)", json.dumps(item, ensure_ascii=False, default=str),
                       "不是 JSON 对象（每个企业画像应为一个对象 {…}）")]
    long_text = _longest_text(item)
    if long_text > limits.max_cell_chars:
        return None, [("(item)", None, f"有取值过长（超过 {limits.max_cell_chars:,} 个字符）")]
    try:
        return EnterpriseProfile.model_validate(item), []
    except ValidationError as exc:
        return None, validation_reasons.rejects(exc, _text, "(item)")


def _json_fault(exc: json.JSONDecodeError) -> str:
    return f"不是有效的 JSON（第 {exc.lineno} 行第 {exc.colno} 列附近有语法错误）"


def _longest_text(value: Any) -> int:
    if isinstance(value, str):
        return len(value)
    if isinstance(value, dict):
        return max((max(len(str(k)), _longest_text(v)) for k, v in value.items()), default=0)
    if isinstance(value, list):
        return max((_longest_text(v) for v in value), default=0)
    return 0


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)


def precheck(path: Path) -> None:
    """What refuses a whole file at once, in milliseconds whatever its size (an upload waits for
    it): its type, and for an XLSX the zip directory (declared sizes, ratios, a workbook part).
    Everything else (encoding, row count, cell lengths, header) is checked when it is imported."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in TABLE_TYPES + JSON_TYPES:
        raise DataError(str(path), _unsupported(suffix, ".csv、.xlsx 或 .json"))
    if suffix in (".xlsx", ".xlsm"):
        file_checks.check_zip_directory(path)
