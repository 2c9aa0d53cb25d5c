"""Limits an import file must meet before it is parsed: a small XLSX may hold a huge sheet.

An XLSX is a zip: its size on disk says nothing about what parsing it costs (an 86 KB file with
one 80 MB cell cost 680 MiB of memory, since openpyxl keeps the shared strings in memory). So,
before openpyxl sees the file, ``check_xlsx`` reads the zip directory (``zipfile.infolist``:
declared uncompressed sizes and compression ratios) and then streams the sheet and shared
strings, decompressed chunk by chunk, to count rows and bound the longest cell text — in memory
bounded by the chunk size. ``check_csv`` does the same for a CSV. Cells longer than
``max_cell_chars`` that slip through (a CSV, a JSON profile) are rejected per row by the importer,
and every value written to a reject report is cut by ``clip``.

The limits come from the environment (``ZHIDA_IMPORT_MAX_ROWS``, ``ZHIDA_IMPORT_MAX_CELL_CHARS``,
``ZHIDA_IMPORT_MAX_UNCOMPRESSED_MB``) or the defaults below.
"""

from __future__ import annotations

import os
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from zhida.errors import DataError

CHUNK = 1 << 20
NOT_XLSX = "不是有效的 XLSX 工作簿（文件损坏或并非 Excel 文件）"
REPORT_CHARS = 200  # a reject report keeps this many characters of a value
_ROW = re.compile(rb"<(?:\w+:)?row[\s>/]")


@dataclass(frozen=True)
class Limits:
    max_rows: int = 1_000_000
    max_cell_chars: int = 32_767  # Excel's own limit for one cell
    max_uncompressed: int = 1 << 30  # bytes, all members of an XLSX together
    max_ratio: int = 200  # uncompressed / compressed, per member larger than RATIO_FLOOR

    @classmethod
    def from_env(cls) -> Limits:
        def number(name: str, default: int) -> int:
            text = os.environ.get(name)
            try:
                return int(text) if text else default
            except ValueError:
                raise DataError(name, f"环境变量 {name} 应为整数，现为“{text}”") from None

        base = cls()
        return cls(number("ZHIDA_IMPORT_MAX_ROWS", base.max_rows),
                   number("ZHIDA_IMPORT_MAX_CELL_CHARS", base.max_cell_chars),
                   number("ZHIDA_IMPORT_MAX_UNCOMPRESSED_MB", base.max_uncompressed >> 20) << 20)


RATIO_FLOOR = 8 << 20  # members smaller than this may compress as well as they like


def clip(value, limit: int = REPORT_CHARS) -> str | None:
    """``value`` as text, cut to ``limit`` characters with a note of its full length."""
    if value is None:
        return None
    text = str(value)
    if len(text) <= limit:
        return text
    return f"{text[:limit]}…（已截断，共 {len(text):,} 个字符）"


def check_xlsx(path: Path, limits: Limits | None = None) -> int:
    """DataError unless the workbook is within ``limits`` (see the module docstring); else the
    number of data rows of its first sheet (row elements after the header)."""
    limits = limits or Limits.from_env()
    try:
        with zipfile.ZipFile(path) as archive:
            members = _check_directory(path, archive, limits)
            names = {m.filename for m in members}
            sheet = _first_sheet(names)
            rows = 0
            if sheet is not None:
                rows, longest = _scan(archive, sheet, count_rows=True)
                if rows > limits.max_rows + 1:  # + the header
                    raise DataError(str(path), too_many_rows(rows - 1, limits.max_rows))
                _check_cell(path, longest, limits)
            if "xl/sharedStrings.xml" in names:
                _check_cell(path, _scan(archive, "xl/sharedStrings.xml")[1], limits)
            return max(rows - 1, 0)
    except zipfile.BadZipFile as exc:
        raise DataError(str(path), NOT_XLSX) from None


def check_zip_directory(path: Path, limits: Limits | None = None) -> None:
    """Only the zip directory's declared sizes and ratios: instant, whatever the file holds."""
    try:
        with zipfile.ZipFile(path) as archive:
            _check_directory(path, archive, limits or Limits.from_env())
    except zipfile.BadZipFile as exc:
        raise DataError(str(path), NOT_XLSX) from None


def _check_directory(path: Path, archive: zipfile.ZipFile, limits: Limits) -> list[zipfile.ZipInfo]:
    members = archive.infolist()
    total = sum(m.file_size for m in members)
    if total > limits.max_uncompressed:
        raise DataError(str(path), f"解压后过大：内容共 {total >> 20:,} MB，超过上限 {limits.max_uncompressed >> 20:,} MB")
    for m in members:
        if m.file_size > RATIO_FLOOR and m.file_size > limits.max_ratio * max(m.compress_size, 1):
            raise DataError(str(path), f"疑似压缩炸弹：其中的 {m.filename} 解压后膨胀 "
                                       f"{m.file_size // max(m.compress_size, 1):,} 倍")
    if "xl/workbook.xml" not in {m.filename for m in members}:
        raise DataError(str(path), NOT_XLSX)
    return members


def check_csv(path: Path, limits: Limits | None = None) -> int:
    """DataError when a CSV has more than ``max_rows`` lines (streamed, not loaded); else about
    how many data rows it has (lines after the header)."""
    limits = limits or Limits.from_env()
    lines = 0
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            lines += chunk.count(b"\n")
    if lines > limits.max_rows + 1:
        raise DataError(str(path), too_many_rows(lines - 1, limits.max_rows, "行数据", about=True))
    return max(lines - 1, 0)


def _check_cell(path: Path, longest_bytes: int, limits: Limits) -> None:
    # XML text runs hold UTF-8: at most 4 bytes a character (a Chinese character takes 3).
    if longest_bytes > 4 * limits.max_cell_chars:
        raise DataError(str(path), f"单元格内容过长（约 {longest_bytes:,} 字节文本，超过 {limits.max_cell_chars:,} 个字符）")


def too_many_rows(count: int | None, limit: int, unit: str = "行数据", about: bool = False) -> str:
    counted = "" if count is None else f"：{'约' if about else '共'} {count:,} {unit}"
    return f"行数超过上限{counted}，上限 {limit:,} {unit}"


def _first_sheet(names: set[str]) -> str | None:
    sheets = sorted((n for n in names if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n)),
                    key=lambda n: int(re.search(r"\d+", n.rsplit("/", 1)[1]).group()))
    return sheets[0] if sheets else None


def _scan(archive: zipfile.ZipFile, name: str, count_rows: bool = False) -> tuple[int, int]:
    """(row elements, longest run of bytes between tags) of one member, streamed in chunks."""
    rows = longest = run = 0
    tail = b""
    with archive.open(name) as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            if count_rows:
                joined = tail + chunk  # a tag cut by the chunk boundary is counted once, whole
                rows += sum(1 for m in _ROW.finditer(joined) if m.end() > len(tail))
                tail = joined[-32:]
            first = chunk.find(b"<")
            if first < 0:
                run += len(chunk)
                longest = max(longest, run)
                continue
            longest = max(longest, run + first)
            last = chunk.rfind(b"<")
            if last > first:
                longest = max(longest, max(map(len, chunk[first:last].split(b"<"))))
            run = len(chunk) - last - 1
    return rows, max(longest, run)
