"""Bad input fails with one IngestError line naming the file and the reason."""

from __future__ import annotations

import pytest

from zhida import config
from zhida.documents.pipeline import parse_file, parse_text
from zhida.documents.readers import read_source
from zhida.errors import IngestError

from .fixtures.files import make_docx, make_pdf, make_scanned_pdf


def error_of(path) -> str:
    with pytest.raises(IngestError) as info:
        parse_file(path)
    message = str(info.value)
    assert "\n" not in message and message.startswith(path.name + ": ")
    return info.value.reason


def test_empty_file(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    assert error_of(path) == "empty file"


def test_whitespace_only(tmp_path):
    path = tmp_path / "blank.md"
    path.write_text(" \n\u3000\t\n", encoding="utf-8")
    assert "whitespace" in error_of(path)


def test_scanned_pdf_without_text_layer(tmp_path):
    path = make_scanned_pdf(tmp_path / "scan.pdf")
    assert error_of(path) == "no text layer (scanned PDF?)"


def test_binary_file_named_txt(tmp_path):
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    assert "binary" in error_of(path)


def test_control_characters_without_nul(tmp_path):
    path = tmp_path / "ctl.txt"
    path.write_bytes(bytes([1, 2, 3, 4, 5, 6, 7, 8, 14, 15, 16]) * 20)
    assert "binary" in error_of(path)


def test_undecodable_text(tmp_path):
    path = tmp_path / "latin.txt"
    path.write_bytes(b"policy \x80\xff text " * 10)  # invalid in UTF-8, GB18030 and Big5
    assert "cannot decode" in error_of(path)


def test_unsupported_extension_names_supported_ones(tmp_path):
    path = tmp_path / "policy.doc"
    path.write_bytes(b"whatever")
    reason = error_of(path)
    assert ".doc" in reason and ".docx" in reason and ".pdf" in reason and ".txt" in reason


def test_oversize_file(tmp_path, monkeypatch):
    path = tmp_path / "big.txt"
    path.write_text("一、总则\n" * 100, encoding="utf-8")
    monkeypatch.setattr(config, "MAX_SOURCE_BYTES", 64)
    reason = error_of(path)
    assert "too large" in reason and "64" in reason


def test_corrupt_docx_and_pdf(tmp_path):
    docx_path = tmp_path / "broken.docx"
    docx_path.write_bytes(b"PK\x03\x04 this is not really a zip")
    assert "corrupt .docx" in error_of(docx_path)
    good = make_docx(tmp_path / "good.docx", ["一、总则"])
    cut = tmp_path / "cut.docx"
    cut.write_bytes(good.read_bytes()[: len(good.read_bytes()) // 2])
    assert "corrupt .docx" in error_of(cut)
    pdf_path = tmp_path / "broken.pdf"
    pdf_path.write_bytes(b"not a pdf at all")
    assert "corrupt .pdf" in error_of(pdf_path)
    whole = make_pdf(tmp_path / "good.pdf", [["Article 1 text"]], cjk=False).read_bytes()
    cut_pdf = tmp_path / "cut.pdf"
    cut_pdf.write_bytes(whole[:200])
    reason = error_of(cut_pdf)
    assert "corrupt .pdf" in reason or "no text layer" in reason


def test_missing_file(tmp_path):
    with pytest.raises(IngestError) as info:
        read_source(tmp_path / "nowhere.txt")
    assert info.value.where == "nowhere.txt" and "cannot read" in info.value.reason


def test_parse_text_rejects_blank_and_furniture_only():
    with pytest.raises(IngestError, match="whitespace"):
        parse_text("   \n ", name="x.txt")
    with pytest.raises(IngestError, match="no content"):
        parse_text("北京市人民政府公报\n- 3 -\n", name="y.txt")
