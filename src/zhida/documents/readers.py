"""Read a policy document file into text, or fail with a one-line IngestError.

Formats: plain text / markdown (UTF-8 or GB18030/GBK), .docx (paragraphs and table
cells in order), .pdf (text layer; pages separated by form feeds so cleaning sees
the breaks), .html (page chrome dropped, block elements become line breaks).
"""

from __future__ import annotations

import hashlib
import io
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from zhida import config
from zhida.errors import IngestError

SUPPORTED = (".txt", ".md", ".docx", ".pdf", ".html", ".htm")
MAX_PDF_PAGES = 2000
MAX_DOCX_UNPACKED = 200 * 1024 * 1024  # guard against zip bombs dressed as .docx
PAGE_BREAK = "\f"


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


def _looks_binary(text: str) -> bool:
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\n\r\t\f\v")
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
    out: list[str] = []

    def walk(element) -> None:
        tag = element.tag.lower() if isinstance(element.tag, str) else ""
        block = tag in _BLOCK_TAGS
        if block:
            out.append("\n")
        if element.text:
            out.append(element.text)
        for child in element:
            walk(child)
            if child.tail:
                out.append(child.tail)
        if block:
            out.append("\n")

    body = root.find("body")
    walk(body if body is not None else root)
    # whitespace is not significant in HTML: collapse runs, one line per block
    lines = [" ".join(line.split()) for line in "".join(out).replace("\xa0", " ").split("\n")]
    text = "\n".join(line for line in lines if line)
    return text


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
        _docx_blocks(document, lines)
    except IngestError:
        raise
    except Exception as exc:  # python-docx/lxml raise many types on damaged parts
        raise IngestError(name, f"corrupt .docx ({type(exc).__name__})") from None
    return "\n".join(lines)


def _docx_blocks(container, lines: list[str]) -> None:
    from docx.table import Table

    for block in container.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                seen = set()
                for cell in row.cells:
                    if id(cell._tc) in seen:  # merged cells repeat
                        continue
                    seen.add(id(cell._tc))
                    _docx_blocks(cell, lines)
        else:
            lines.append(block.text)


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
