"""Links between documents: what a document does to the documents it names.

A policy's life is written in other policies: "《…》同时废止" (repeals), "有效期延长至…"
(extends), "原…继续执行" (continues), "对《…》作如下修改" (amends), "为贯彻落实《…》"
(implements). Each link keeps the sentence it was read from, its offsets in the source text and
the date it takes effect, so a measure that expires because of it can quote why.

Only sentences that name another document (a 《title》 or a 文号, via the reference extractor)
become links; "本办法有效期延长至…" speaks of the document itself and is metadata, not a link.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from zhida.documents.extract.references import extract_references
from zhida.documents.metadata import DATE, parse_date
from zhida.documents.model import ParsedDocument
from zhida.documents.script import to_simplified as _to_simplified

LinkKind = Literal["repeals", "extends", "continues", "amends", "implements", "cites"]

KIND_ZH = {"repeals": "废止", "extends": "延长有效期", "continues": "继续执行", "amends": "修改",
           "implements": "贯彻落实", "cites": "引用"}

# Order matters: a sentence that both cites and repeals is a repeal.
_KINDS: list[tuple[LinkKind, re.Pattern]] = [
    ("repeals", re.compile(r"同时废止|予以废止|宣布废止|停止执行|不再执行|同时失效|废止")),
    ("extends", re.compile(r"有效期(?:延长|延续|顺延)至|延长(?:执行|实施)(?:期限)?至|延续(?:执行|实施)至")),
    ("continues", re.compile(r"继续执行|继续有效|继续实施|仍然有效|仍按.{0,10}执行")),
    ("amends", re.compile(r"作(?:如下)?修改|修改为|修订为|予以修订|予以修改|进行修订|修订如下")),
    ("implements", re.compile(r"贯彻落实|为落实|根据|按照|依据|依照|贯彻")),
]
_SENTENCE_END = "。；\n"
_FROM_DATE = re.compile(r"自\s*(" + DATE.pattern + r")\s*起")


@dataclass(frozen=True)
class Link:
    kind: LinkKind
    target_title: str | None  # 《…》 as written, without brackets, simplified
    target_number: str | None  # 文号 as written
    quote: str  # the sentence, as printed (original script)
    start: int  # offsets into ParsedDocument.original
    end: int
    clause_id: str | None
    on: date | None  # when it takes effect: the repeal date (first day without the target), the new end …
    basis: str  # how ``on`` was found: 句中日期 / 本文件施行日期 / 本文件印发日期 / 未说明

    @property
    def kind_zh(self) -> str:
        return KIND_ZH[self.kind]


@dataclass(frozen=True)
class ClauseText:
    """What link reading needs of a clause: a parsed one, or a stored row (zhida.lifecycle.stored)."""

    id: str
    text: str
    normalized: str | None
    start: int


def extract_links(doc: ParsedDocument) -> list[Link]:
    """Every link the document's sentences state, in document order."""
    clauses = [ClauseText(c.id, c.text, c.normalized, c.start)
               for c in (doc.preamble, *doc.walk(), doc.closing) if c is not None]
    return links_in(clauses, doc.original, own_effective(doc.metadata.effective_on, doc.metadata.issued_on))


def links_in(clauses: list[ClauseText], original: str, own_start: tuple[date | None, str]) -> list[Link]:
    links: list[Link] = []
    seen: set[tuple] = set()
    for clause in clauses:
        normalized = clause.normalized or clause.text
        aligned = len(normalized) == len(clause.text)  # OpenCC maps character for character, almost always
        for simplified, offset in _sentences(normalized):
            sentence = clause.text[offset:offset + len(simplified)] if aligned else simplified
            references = extract_references(simplified)
            if not references:
                continue
            kind = next((k for k, pattern in _KINDS if pattern.search(simplified)), "cites")
            on, basis = _when(kind, simplified, own_start)
            start = _locate(original, sentence, clause.start + offset)
            for reference in references:
                title = bare_title(reference.title)
                key = (kind, title, reference.doc_number, start)
                if key in seen or (title is None and reference.doc_number is None):
                    continue
                seen.add(key)
                links.append(Link(kind, title, reference.doc_number, sentence.strip(), start,
                                  start + len(sentence), clause.id, on, basis))
    return links


def _sentences(text: str):
    start = 0
    for index, char in enumerate(text):
        if char in _SENTENCE_END:
            if text[start:index + 1].strip():
                yield text[start:index + 1], start
            start = index + 1
    if text[start:].strip():
        yield text[start:], start


def _locate(original: str, sentence: str, near: int) -> int:
    """The sentence's offset in the original text (clause text may differ from it by furniture)."""
    found = original.find(sentence.strip(), max(0, near - 200))
    return found if found != -1 else near


def own_effective(effective_on: date | None, issued_on: date | None) -> tuple[date | None, str]:
    """When the linking document itself takes effect: the date its repeals and amendments start."""
    if effective_on:
        return effective_on, "本文件施行日期"
    if issued_on:  # 自印发之日起施行, or nothing said: the day it was issued
        return issued_on, "本文件印发日期"
    return None, "未说明"


def _when(kind: LinkKind, sentence: str, own: tuple[date | None, str]) -> tuple[date | None, str]:
    if kind == "extends":
        match = re.search(r"至\s*(" + DATE.pattern + ")", sentence)
        if match:
            return parse_date(match.group(1)), "句中日期"
        return None, "未说明"
    if kind in ("repeals", "amends", "continues"):
        match = _FROM_DATE.search(sentence)
        if match:
            return parse_date(match.group(1)), "句中日期"
        return own
    return None, "未说明"


_WRAPPER = re.compile(r"^关于(?:印发|转发|印發|轉發)[〈<《]?(?P<inner>.+?)[〉>》]?的通知$")


def bare_title(title: str | None) -> str | None:
    """《关于印发〈X〉的通知》 names X: the document a rule library holds is X itself."""
    if not title:
        return None
    title = to_simplified(title.strip())
    match = _WRAPPER.match(title)
    return match.group("inner") if match else title


def to_simplified(text: str) -> str:
    return _to_simplified(text)[0]


def last_day_before(day: date) -> date:
    """A repeal taking effect on ``day`` leaves the repealed text in force through the day before."""
    return day - timedelta(days=1)


