"""The PDF 体检报告 read back with pdfplumber (issue 11 §1): every character inside the A4 page
box, a running header (enterprise, USCC, 评估日) and 第 N 页，共 M 页 on every page, documents
cited by short title, 文号 and article — never a store key or clause id — no English words, and
the money split as the page shows it."""

from __future__ import annotations

import io
import re

import pdfplumber
import pytest

from zhida.rules.totals import totals_rows

from .conftest import USCC_A
from .enterprise_seed import seed

A4 = (595.28, 841.89)  # points
ALLOWED_LATIN = {"PDF", "XLSX", "USCC", "API"}  # words a Chinese reader meets as they are
RAW_KEY = re.compile(r"\d{3}_[0-9a-f]{16}|第\s*(?:closing|preamble|\d+(?:\.\d+)+)\s*条|\b\d+\.\d+\.\d+\b")


@pytest.fixture(scope="module")
def pdf(server, clients):
    seed(server.app)
    report = clients["ent_a"].get(f"/api/v1/enterprises/{USCC_A}/checkup").json()
    response = clients["ent_a"].get(f"/api/v1/enterprises/{USCC_A}/checkup.pdf")
    assert response.status_code == 200
    with pdfplumber.open(io.BytesIO(response.content)) as document:
        pages = [{"width": p.width, "height": p.height, "text": p.extract_text() or "",
                  "outside": [c["text"] for c in p.chars
                              if c["x0"] < 0 or c["top"] < 0 or c["x1"] > p.width or c["bottom"] > p.height]}
                 for p in document.pages]
    return report, pages


def test_every_character_lies_inside_the_a4_portrait_page(pdf):
    _, pages = pdf
    assert len(pages) > 1
    for number, page in enumerate(pages, start=1):
        assert (round(page["width"], 2), round(page["height"], 2)) == A4, number
        assert page["outside"] == [], f"page {number}: {len(page['outside'])} characters beyond the page box"


def test_every_page_has_the_running_header_and_its_number(pdf):
    _, pages = pdf
    for number, page in enumerate(pages, start=1):
        first_line = page["text"].splitlines()[0].replace(" ", "")
        assert "北京朝阳博远精密机械有限公司" in first_line and USCC_A in first_line and "2022年12月31日" in first_line
        assert f"第 {number} 页，共 {len(pages)} 页" in page["text"]


def test_documents_are_cited_by_title_number_and_article_never_by_key(pdf):
    report, pages = pdf
    text = "\n".join(p["text"] for p in pages)
    flat = text.replace("\n", "").replace(" ", "")
    assert not RAW_KEY.search(flat), RAW_KEY.search(flat)
    assert "《关于应对新冠肺炎疫情影响促进本市先进制造业平稳运行的若干措施》（京政办发〔2022〕18号）第三条（七）" in flat
    eligible = [r for r in report["results"] if r["status"] == "eligible"]
    for r in eligible:
        for s in r["sources"]:
            assert s["citation"].replace(" ", "") in flat, s


def test_no_english_words_or_codes(pdf):
    _, pages = pdf
    text = "".join(p["text"] for p in pages).replace(USCC_A, "")
    words = set(re.findall(r"[A-Za-z]{2,}", text)) - ALLOWED_LATIN
    assert not words, sorted(words)


def test_the_money_split_is_there_as_on_the_page(pdf):
    report, pages = pdf
    flat = "".join(p["text"] for p in pages).replace("\n", "").replace(" ", "")
    for row in totals_rows(report["summary"]["totals"]):
        assert f"{row['label']}{row['text']}".replace(" ", "") in flat, row
    assert not re.search(r"(?<![\d,.过于])0(?:\.00)?元", flat)  # an amount not computed says 金额待核定, never 0
    assert "金额待核定" in flat
