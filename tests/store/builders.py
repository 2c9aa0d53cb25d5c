"""Hand-built ParsedDocuments, so store tests do not depend on the parser's heuristics."""

from __future__ import annotations

import hashlib
from decimal import Decimal

from opencc import OpenCC

from zhida.documents.model import (
    Amount,
    Beneficiary,
    Clause,
    DocumentMetadata,
    ParsedDocument,
    ResponsibleUnits,
)

_t2s = OpenCC("t2s")


def clause(original: str, clause_id: str, snippet: str, *, kind: str = "item", heading: str | None = None,
           units: tuple[str, ...] = (), beneficiary: tuple[str, str] | None = None,
           amount: tuple[str, str] | None = None, children: list[Clause] = ()) -> Clause:
    start = original.index(snippet)
    end = start + len(snippet)
    made = Clause(
        id=clause_id,
        labels=[part for part in clause_id.split(".")],
        kind=kind,
        text=snippet,
        normalized=_t2s.convert(snippet),
        start=start,
        end=end,
        heading=heading,
        children=list(children),
    )
    if units:
        made.responsible_units.append(
            ResponsibleUnits(text="（" + "、".join(units) + "）", units=list(units), labelled=False,
                             start=end - 1, end=end, sentence_start=start, sentence_end=end)
        )
    if beneficiary:
        label, code = beneficiary
        at = snippet.find(label)
        made.beneficiaries.append(Beneficiary(text=label, type=code, label=label, start=start + max(at, 0),
                                              end=start + max(at, 0) + len(label)))
    if amount:
        quote, value = amount
        at = start + snippet.index(quote)
        made.amounts.append(Amount(text=quote, value=Decimal(value), currency="CNY", role="cap",
                                   start=at, end=at + len(quote)))
    return made


def document(name: str, original: str, clauses: list[Clause], *, title: str | None = None,
             doc_number: str | None = None, script: str = "simplified") -> ParsedDocument:
    return ParsedDocument(
        source_name=name,
        source_format="txt",
        sha256=hashlib.sha256(original.encode("utf-8")).hexdigest(),
        encoding="utf-8",
        script=script,
        original=original,
        metadata=DocumentMetadata(title=title, doc_number=doc_number),
        clauses=clauses,
    )


LOANS = (
    "关于支持中小企业的措施\n"
    "一、融资支持\n"
    "1.对专精特新中小企业提供贷款贴息，最高100万元。（市财政局、市经济和信息化局）\n"
    "2.对小微企业提供担保。（市财政局）\n"
    "二、数字化\n"
    "1.支持企业数字化转型。（市经济和信息化局）\n"
    "2.专精特新企业可以申请奖励，另有银行贷款安排。\n"
)


def loans_document(name: str = "010_loans.txt", cap_wan: int = 100, appendix: str = "") -> ParsedDocument:
    """LOANS with the 1.1 cap changed to ``cap_wan`` 万元 and ``appendix`` text added at the end."""
    original = LOANS.replace("最高100万元", f"最高{cap_wan}万元") + appendix
    first = clause(original, "1.1", f"1.对专精特新中小企业提供贷款贴息，最高{cap_wan}万元。（市财政局、市经济和信息化局）",
                   units=("市财政局", "市经济和信息化局"), beneficiary=("专精特新中小企业", "srdi_sme"),
                   amount=(f"最高{cap_wan}万元", str(cap_wan * 10000)))
    second = clause(original, "1.2", "2.对小微企业提供担保。（市财政局）", units=("市财政局",),
                    beneficiary=("小微企业", "small_micro_enterprise"))
    section1 = clause(original, "1", "一、融资支持", kind="section", heading="融资支持", children=[first, second])
    third = clause(original, "2.1", "1.支持企业数字化转型。（市经济和信息化局）", units=("市经济和信息化局",))
    fourth = clause(original, "2.2", "2.专精特新企业可以申请奖励，另有银行贷款安排。")
    section2 = clause(original, "2", "二、数字化", kind="section", heading="数字化", children=[third, fourth])
    return document(name, original, [section1, section2], title="关于支持中小企业的措施", doc_number="测发〔2024〕1号")


TRADITIONAL = "一、支援企業數字化轉型，推動網際網路應用。\n二、其他。\n"


def traditional_document(name: str = "011_trad.txt") -> ParsedDocument:
    one = clause(TRADITIONAL, "1", "一、支援企業數字化轉型，推動網際網路應用。", kind="section")
    # Phrase-level conversion, as the parser does: 支援→支持, 網際網路→互联网 (shorter than the text).
    one.normalized = OpenCC("tw2sp").convert(one.text)
    assert len(one.normalized) < len(one.text)
    two = clause(TRADITIONAL, "2", "二、其他。", kind="section")
    return document(name, TRADITIONAL, [one, two], script="traditional")
