"""Read a policy document file into text, or fail with a one-line IngestError.

Formats: plain text / markdown (UTF-8, GB18030/GBK, Big5, UTF-16), .docx (paragraphs
with their Word list numbers, tables in order), .pdf (text layer; pages separated by
form feeds so cleaning sees the breaks), .html (scripts and chrome-classed elements
dropped, block elements become line breaks). A table row of several cells is one line,
cells separated by tabs: a numbered row of a measures table is one clause.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from zhida import config
from zhida.documents.docx_numbering import ListNumbering
from zhida.errors import IngestError

SUPPORTED = (".txt", ".md", ".docx", ".pdf", ".html", ".htm")
MAX_PDF_PAGES = 2000
MAX_DOCX_UNPACKED = 200 * 1024 * 1024  # guard against zip bombs dressed as .docx
PAGE_BREAK = "\f"
TABLE_CELL_SEPARATOR = "\t"  # cells of one table row (docx, html) share a line


@dataclass(frozen=True)
class SourceText:
    text: str
    format: str  # txt, md, docx, pdf, html
    encoding: str | None
    sha256: str
    name: str


def read_source(path: str | Path) -> SourceText:
    path = Path(path)
    name = path.name
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise IngestError(name, f"unsupported file type {suffix or '(none)'}; supported: {', '.join(SUPPORTED)}")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise IngestError(name, f"cannot read file ({exc.strerror or exc})") from None
    if size > config.MAX_SOURCE_BYTES:
        raise IngestError(name, f"file too large ({size} bytes; limit {config.MAX_SOURCE_BYTES})")
    if size == 0:
        raise IngestError(name, "empty file")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(name, f"cannot read file ({exc.strerror or exc})") from None
    return read_bytes(data, name, suffix)


def read_bytes(data: bytes, name: str, suffix: str) -> SourceText:
    suffix = suffix.lower()
    if not data:
        raise IngestError(name, "empty file")
    if len(data) > config.MAX_SOURCE_BYTES:
        raise IngestError(name, f"file too large ({len(data)} bytes; limit {config.MAX_SOURCE_BYTES})")
    digest = hashlib.sha256(data).hexdigest()
    encoding: str | None = None
    if suffix in (".txt", ".md"):
        text, encoding = decode_text(data, name)
        fmt = suffix[1:]
    elif suffix in (".html", ".htm"):
        markup, encoding = decode_text(data, name, markup=True)
        text = html_to_text(markup, name)
        fmt = "html"
    elif suffix == ".docx":
        text, fmt = docx_to_text(data, name), "docx"
    elif suffix == ".pdf":
        text, fmt = pdf_to_text(data, name), "pdf"
    else:
        raise IngestError(name, f"unsupported file type {suffix or '(none)'}; supported: {', '.join(SUPPORTED)}")
    if not text.strip():
        raise IngestError(name, "no text (whitespace only)")
    return SourceText(text=text, format=fmt, encoding=encoding, sha256=digest, name=name)


# --- plain text -------------------------------------------------------------------


# control characters (Unicode category Cc: U+0000–U+001F, U+007F–U+009F) other than line/page breaks
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")


def _looks_binary(text: str) -> bool:
    controls = len(_CONTROL.findall(text))
    return controls > max(2, len(text) * 0.01)


def decode_text(data: bytes, name: str, markup: bool = False) -> tuple[str, str]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = [("utf-16", data.decode("utf-16", errors="strict"))] if len(data) % 2 == 0 else []
    elif b"\x00" in data:
        raise IngestError(name, "binary file (contains NUL bytes), not text")
    else:
        candidates = []
        for encoding in ("utf-8-sig", "gb18030", "big5"):
            try:
                candidates.append((encoding, data.decode(encoding)))
            except (UnicodeDecodeError, LookupError):
                continue
            if encoding == "utf-8-sig":
                break  # strict UTF-8 that decodes is UTF-8
    if not candidates:
        raise IngestError(name, "cannot decode text (not UTF-8, GB18030/GBK or Big5)")
    encoding, text = candidates[0]
    if len(candidates) > 1:
        # both legacy encodings decode: let charset-normalizer break the tie
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        guess = (best.encoding or "").replace("_", "").lower() if best else ""
        for enc, decoded in candidates:
            if guess and (guess == enc.replace("-", "") or (enc == "gb18030" and guess in ("gbk", "gb2312"))):
                encoding, text = enc, decoded
                break
    if encoding == "utf-8-sig":
        encoding = "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
    if _looks_binary(text):
        raise IngestError(name, "binary file (too many control characters), not text")
    if not text.strip():
        raise IngestError(name, "no text (whitespace only)")
    return text, encoding


# --- HTML -------------------------------------------------------------------------

_DROP_TAGS = {"script", "style", "nav", "noscript", "template", "iframe", "svg", "head", "form", "button", "select"}
_BLOCK_TAGS = {
    "p", "div", "br", "li", "ul", "ol", "tr", "table", "section", "article", "h1", "h2", "h3", "h4", "h5",
    "h6", "pre", "blockquote", "dd", "dt", "dl", "header", "footer", "main", "aside", "hr", "td", "th",
}  # fmt: skip


# id/class words that mark site chrome on government portals (navigation, breadcrumb,
# share buttons, footer); matched as whole tokens of the attribute, so 'article-footer-x'
# counts but 'navigation-free' content classes do not. 'header' is left out: on many
# sites the article header holds the title.
_CHROME_TOKENS = {
    "nav", "navbar", "navigation", "menu", "topmenu", "submenu", "footer", "foot", "breadcrumb", "breadcrumbs",
    "crumb", "crumbs", "share", "bdsharebuttonbox", "toolbar", "copyright", "sidebar", "related", "friendlink",
}  # fmt: skip
_CELL = "\ue000"  # marks a table-cell boundary until whitespace is collapsed


_CJK_LINE_BREAK = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef])[ \t]*[\r\n]+[ \t]*(?=[\u3000-\u9fff\uff00-\uffef])")


def _flow(text: str, tag: str) -> str:
    """Source line breaks inside running text are spaces (only blocks and <br> break lines),
    and nothing at all between two Chinese characters (CSS segment-break rules)."""
    if tag == "pre":
        return text
    return re.sub(r"[ \t\n\r\f\v]+", " ", _CJK_LINE_BREAK.sub("", text))


def _is_chrome(element) -> bool:
    words = " ".join(element.get(attr) or "" for attr in ("class", "id")).lower()
    tokens = set(re.split(r"[^a-z0-9]+", words))
    return bool(tokens & _CHROME_TOKENS)


def _lays_out_blocks(cell) -> bool:
    """A cell that holds a table or several paragraphs lays out the page (gov.cn sets a whole
    document in one cell); its blocks stay lines of their own, not one cell of a data row."""
    blocks = 0
    for element in cell.iterdescendants():
        tag = element.tag.lower() if isinstance(element.tag, str) else ""
        if tag == "table":
            return True
        if tag in ("p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6"):
            blocks += 1
            if blocks >= 3:
                return True
    return False


def html_to_text(markup: str, name: str) -> str:
    import lxml.html
    from lxml import etree

    try:
        root = lxml.html.document_fromstring(markup)
    except (etree.ParserError, ValueError) as exc:
        raise IngestError(name, f"cannot parse HTML ({exc})") from None
    for element in list(root.iter()):
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag.lower() in _DROP_TAGS or not isinstance(element.tag, str):
            if element.getparent() is not None:
                element.drop_tree()
    total = len(root.text_content())
    for element in list(root.iter()):
        # chrome by its class/id, unless it holds most of the page (a misnamed content block)
        if isinstance(element.tag, str) and element.tag.lower() != "body" and _is_chrome(element):
            if element.getparent() is not None and len(element.text_content()) <= total / 2:
                element.drop_tree()
    out: list[str] = []

    def walk(element, out: list[str]) -> None:
        tag = element.tag.lower() if isinstance(element.tag, str) else ""
        if tag == "tr":
            cells = [child for child in element if isinstance(child.tag, str) and child.tag.lower() in ("td", "th")]
            if len(cells) > 1 and not any(map(_lays_out_blocks, cells)):  # a row of cells is one line, tab-separated
                out.append("\n")
                for cell in cells:
                    inner: list[str] = []
                    walk(cell, inner)
                    out.append(_CELL + " ".join("".join(inner).split("\n")))
                out.append("\n")
                return
        block = tag in _BLOCK_TAGS
        if block:
            out.append("\n")
        if element.text:
            out.append(_flow(element.text, tag))
        for child in element:
            walk(child, out)
            if child.tail:
                out.append(_flow(child.tail, tag))
        if block:
            out.append("\n")

    body = root.find("body")
    walk(body if body is not None else root, out)
    # ASCII whitespace is not significant in HTML (U+3000 is): collapse runs, one line per block
    lines = []
    for line in "".join(out).replace("\xa0", " ").split("\n"):
        line = re.sub(r"[ \t\r\f\v]+", " ", line).strip(" ")
        line = re.sub(rf" ?{_CELL}+ ?", _CELL, line).strip(_CELL).replace(_CELL, TABLE_CELL_SEPARATOR)
        if line.strip():
            lines.append(line)
    return "\n".join(lines)


# --- DOCX -------------------------------------------------------------------------


def docx_to_text(data: bytes, name: str) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
            if "word/document.xml" not in archive.namelist():
                raise IngestError(name, "corrupt .docx (no word/document.xml)")
    except zipfile.BadZipFile:
        raise IngestError(name, "corrupt .docx (not a zip archive)") from None
    except IngestError:
        raise
    except Exception as exc:  # zipfile raises several types on damaged archives
        raise IngestError(name, f"corrupt .docx ({type(exc).__name__})") from None
    if unpacked > MAX_DOCX_UNPACKED:
        raise IngestError(name, f"corrupt .docx (unpacks to {unpacked} bytes)")
    try:
        import docx

        document = docx.Document(io.BytesIO(data))
        lines: list[str] = []
        _docx_blocks(document, lines, ListNumbering(document))
    except IngestError:
        raise
    except Exception as exc:  # python-docx/lxml raise many types on damaged parts
        raise IngestError(name, f"corrupt .docx ({type(exc).__name__})") from None
    return "\n".join(lines)


def _docx_blocks(container, lines: list[str], numbering: ListNumbering) -> None:
    """Paragraphs with their list labels; a table row of several cells is one line, cells
    separated by tabs (a numbered row of a measures table is one clause); a row of one
    cell (a layout table) keeps its paragraphs as lines."""
    from docx.table import Table

    for block in container.iter_inner_content():
        if not isinstance(block, Table):
            lines.append(numbering.label(block) + block.text)
            continue
        for row in block.rows:
            cells, seen = [], set()
            for cell in row.cells:
                if id(cell._tc) not in seen:  # merged cells repeat
                    seen.add(id(cell._tc))
                    cells.append(cell)
            if len(cells) == 1:
                _docx_blocks(cells[0], lines, numbering)
                continue
            texts = []
            for cell in cells:
                inner: list[str] = []
                _docx_blocks(cell, inner, numbering)
                texts.append(" ".join(part.strip() for part in inner if part.strip()))
            row_text = TABLE_CELL_SEPARATOR.join(texts).rstrip(TABLE_CELL_SEPARATOR)
            if row_text.strip():
                lines.append(row_text)


# --- PDF --------------------------------------------------------------------------


def pdf_to_text(data: bytes, name: str) -> str:
    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise IngestError(name, "corrupt .pdf (no PDF header)")
    try:
        import pdfplumber

        pages: list[str] = []
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            if len(pdf.pages) > MAX_PDF_PAGES:
                raise IngestError(name, f"PDF has {len(pdf.pages)} pages; limit {MAX_PDF_PAGES}")
            for page in pdf.pages:
                pages.append(page.extract_text() or "")
    except IngestError:
        raise
    except Exception as exc:  # pdfminer raises many types on damaged files
        raise IngestError(name, f"corrupt .pdf ({type(exc).__name__})") from None
    if not any(page.strip() for page in pages):
        raise IngestError(name, "no text layer (scanned PDF?)")
    return PAGE_BREAK.join(pages)
