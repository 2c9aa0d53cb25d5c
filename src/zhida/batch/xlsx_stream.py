"""A streaming XLSX writer for very long lists (push lists: up to millions of rows per workbook).

Why not xlsxwriter for these (it writes every other XLSX of zhida): even in its constant-memory
mode it spends ~4 µs of Python per cell (a cell object, its XML, its escaping), so 20,000
enterprises' push lists (~4 million cells) took over a minute. Here a row is ONE string built
from pieces prepared once: the cells a list repeats on every row (a measure's title, its quote,
its unit) are shared strings whose XML is made once per measure, and only the enterprise's own
cells (USCC, name, amount) are formatted per row. Rows go straight into the zip entry, so memory
stays bounded whatever the length; the shared-string table holds only the repeated texts.

The package written is minimal SpreadsheetML, modelled on xlsxwriter's own output (the tests read it
back with openpyxl):
content types, relationships, workbook (with each autofilter's ``_xlnm._FilterDatabase``),
styles (bold, ``XLSX_YUAN`` money), shared strings and the sheets (column widths, a frozen
header, an autofilter). Cells carry no ``r`` reference (optional in ECMA-376: a cell is the next
column of its row), and an empty cell is written as ``<c/>`` so that positions never shift.
"""

from __future__ import annotations

import re
import zipfile
from decimal import Decimal
from pathlib import Path

from zhida.money_format import XLSX_YUAN

BOLD, MONEY = 2, 1  # cellXfs indices in STYLES
EMPTY = "<c/>"
_ESCAPE = re.compile(r"[&<>]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9A-Fa-f]{4}_")
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
STYLES = (
    f'{_HEAD}<styleSheet xmlns="{_MAIN}"><numFmts count="1"><numFmt numFmtId="164" formatCode="{XLSX_YUAN}"/>'
    '</numFmts><fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    '</fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>')


def text(value: str) -> str:
    """``value`` as XML character data, as Excel stores it (control characters as ``_xHHHH_``)."""
    if _CONTROL.search(value):
        value = re.sub(r"_(x[0-9A-Fa-f]{4}_)", r"_x005F_\1", value)
        value = re.sub(r"[\x00-\x08\x0b-\x1f\ufffe\uffff]", lambda m: f"_x{ord(m.group()):04X}_", value)
    if _ESCAPE.search(value):
        value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return value


def inline(value: str | None, style: int = 0) -> str:
    """An inline string cell (texts that differ on every row: names, codes); None: an empty cell,
    "" a cell holding the empty text (as xlsxwriter's constant-memory mode writes it)."""
    if value is None:
        return EMPTY
    if not value:
        return '<c t="inlineStr"><is><t></t></is></c>'
    s = f' s="{style}"' if style else ""
    return f'<c{s} t="inlineStr"><is><t{_space(value)}>{text(value)}</t></is></c>'


def shared_cell(strings: dict[str, int], value: str | None, style: int = 0) -> str:
    """A cell of ``value`` in the shared-string table ``strings`` (text → index, grown as needed);
    None and "" as for ``inline``."""
    if not value:
        return inline(value, style)
    index = strings.get(value)
    if index is None:
        index = strings[value] = len(strings)
    s = f' s="{style}"' if style else ""
    return f'<c{s} t="s"><v>{index}</v></c>'


def number(value: Decimal | int | None, style: int = MONEY) -> str:
    """A number cell; a Decimal is written as its exact text (never through a float)."""
    if value is None:
        return EMPTY
    return f'<c s="{style}"><v>{value}</v></c>' if style else f"<c><v>{value}</v></c>"


def column_name(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


class Workbook:
    """``with Workbook(path) as wb:`` add sheets one after another (each is written to the zip as
    it is filled), then the shared strings and the workbook part on close."""

    def __init__(self, path: Path, level: int = 1, strings: dict[str, int] | None = None):
        # deflate level 1: ~3× faster than the default on this repetitive XML, files ~15 % larger
        self._zip = zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=level)
        self._strings: dict[str, int] = {} if strings is None else strings  # may be shared by workbooks
        self._sheets: list[tuple[str, str | None]] = []  # (title, autofilter range)
        self._open: Sheet | None = None

    def shared(self, value: str | None, style: int = 0) -> str:
        """A shared-string cell's XML (texts repeated across rows: build it once, reuse it)."""
        return shared_cell(self._strings, value, style)

    def sheet(self, title: str, widths: list[float], *, freeze: int = 0, styles: dict[int, int] | None = None,
              rows: int = 0, columns: int = 0, autofilter: bool = False) -> "Sheet":
        """A new sheet; ``rows`` × ``columns`` is its extent (header included), for its dimension and
        autofilter; ``styles``: column index → default style (the money column)."""
        ref = f"A1:{column_name(max(columns, 1) - 1)}{max(rows, 1)}"
        self._sheets.append((title, ref if autofilter else None))
        self._open = Sheet(self._zip.open(f"xl/worksheets/sheet{len(self._sheets)}.xml", "w", force_zip64=True),
                           widths, freeze, styles or {}, ref, autofilter)
        return self._open

    def close(self) -> None:
        z, n = self._zip, len(self._sheets)
        strings = "".join(f"<si><t{_space(s)}>{text(s)}</t></si>" for s in self._strings)
        z.writestr("xl/sharedStrings.xml", f'{_HEAD}<sst xmlns="{_MAIN}" count="{len(self._strings)}" '
                                           f'uniqueCount="{len(self._strings)}">{strings}</sst>')
        z.writestr("xl/styles.xml", STYLES)
        sheets = "".join(f'<sheet name="{_attr(t)}" sheetId="{i}" r:id="rId{i}"/>'
                         for i, (t, _) in enumerate(self._sheets, start=1))
        filters = "".join(f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
                          f"{_quoted(t)}!{_absolute(ref)}</definedName>"
                          for i, (t, ref) in enumerate(self._sheets) if ref)
        z.writestr("xl/workbook.xml", f'{_HEAD}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><bookViews><workbookView/>'
                                      f"</bookViews><sheets>{sheets}</sheets>"
                                      f"{f'<definedNames>{filters}</definedNames>' if filters else ''}</workbook>")
        rels = "".join(f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                       for i in range(1, n + 1))
        rels += (f'<Relationship Id="rId{n + 1}" Type="{_REL}/styles" Target="styles.xml"/>'
                 f'<Relationship Id="rId{n + 2}" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>')
        z.writestr("xl/_rels/workbook.xml.rels", f'{_HEAD}<Relationships xmlns="{_PKG_REL}">{rels}</Relationships>')
        z.writestr("_rels/.rels", f'{_HEAD}<Relationships xmlns="{_PKG_REL}"><Relationship Id="rId1" '
                                  f'Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        ct = "application/vnd.openxmlformats-officedocument.spreadsheetml"
        parts = "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{ct}.worksheet+xml"/>'
                        for i in range(1, n + 1))
        z.writestr("[Content_Types].xml", (
            f'{_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{ct}.sheet.main+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{ct}.styles+xml"/>'
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{ct}.sharedStrings+xml"/>{parts}</Types>'))
        z.close()

    def abandon(self) -> None:
        """Stop without finishing the package (the caller removes the file)."""
        if self._open is not None and not self._open.closed:
            self._open.closed = True
            self._open._out.close()
        self._zip.close()

    def __enter__(self) -> "Workbook":
        return self

    def __exit__(self, kind, *_) -> None:
        if kind is None:
            self.close()
        else:
            self.abandon()


class Sheet:
    """Rows are appended as XML (``row(cells)``: the cells' XML joined) and buffered in ~1 MB pieces."""

    def __init__(self, stream, widths: list[float], freeze: int, styles: dict[int, int], ref: str, autofilter: bool):
        self._out, self._ref, self._autofilter = stream, ref, autofilter
        self._buffer: list[str] = []
        self._size = 0
        self.rows = 0
        self.closed = False
        pane = (f'<pane ySplit="{freeze}" topLeftCell="A{freeze + 1}" activePane="bottomLeft" state="frozen"/>'
                '<selection pane="bottomLeft"/>') if freeze else ""
        # xlsxwriter's width → Excel's stored width (character width plus padding)
        cols = "".join(f'<col min="{i + 1}" max="{i + 1}" width="{w + 0.7109375}"{_style(styles.get(i))} '
                       'customWidth="1"/>' for i, w in enumerate(widths) if w)
        self._write(f'{_HEAD}<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}"><dimension ref="{ref}"/>'
                    f'<sheetViews><sheetView workbookViewId="0">{pane}</sheetView></sheetViews>'
                    f'<sheetFormatPr defaultRowHeight="15"/>{f"<cols>{cols}</cols>" if cols else ""}<sheetData>')

    def row(self, cells: str) -> None:
        self.rows += 1
        piece = f'<row r="{self.rows}">{cells}</row>'
        self._buffer.append(piece)
        self._size += len(piece)
        if self._size > 1 << 20:
            self._flush()

    def raw(self, xml: bytes | memoryview) -> None:
        """Rows already serialized (``<row r="n">…</row>``, numbered by the caller)."""
        self._flush()
        self._out.write(xml)

    def _flush(self) -> None:
        if not self._buffer:
            return
        self._out.write("".join(self._buffer).encode())
        self._buffer, self._size = [], 0

    def _write(self, xml: str) -> None:
        self._out.write(xml.encode())

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        self._flush()
        tail = f'<autoFilter ref="{self._ref}"/>' if self._autofilter else ""
        self._write(f'</sheetData>{tail}<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" '
                    'header="0.3" footer="0.3"/></worksheet>')
        self._out.close()

    def __enter__(self) -> "Sheet":
        return self

    def __exit__(self, *_) -> None:
        self.close()


def _space(value: str) -> str:
    """Leading or trailing blanks are kept only when the text says so."""
    return ' xml:space="preserve"' if value[0].isspace() or value[-1].isspace() else ""


def _style(index: int | None) -> str:
    return f' style="{index}"' if index else ""


def _attr(value: str) -> str:
    return text(value).replace('"', "&quot;")


def _quoted(title: str) -> str:
    return "'" + text(title).replace("'", "''") + "'"


def _absolute(ref: str) -> str:
    return re.sub(r"([A-Z]+)(\d+)", r"$\1$\2", ref)
