"""How to apply for a measure — 申报方式, 申报时间, 材料, 受理部门, 咨询电话 — read from the text.

Conservative by design: a value is given only where a sentence of the source says it, and every
value carries that sentence (``quote``, original script) and its clause; anything else is
``None`` (shown as 未明确). Nothing is inferred from a unit's name or from other documents.

Where it looks (``for_measure``): the measure's own data first (``application`` with its
``application_quote``), then the measure's source clauses, then — for a field still empty — the
clauses of the same document that speak about applying in general (申报方式 / 联系电话 sections of a
notice); a value found there is marked ``scope="document"``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from zhida.documents.script import to_simplified

FIELDS = ("method", "window", "materials", "office", "phone")
LABELS = {"method": "申报方式", "window": "申报时间", "materials": "申报材料", "office": "受理部门", "phone": "咨询电话"}

_SENTENCE = re.compile(r"[^。；;！!\n]+[。；;！!]?")
_UNIT_END = r"(?:局|委|委员会|办|办公室|部门|中心|机关|政府|管委会|银行|厅|处|科|街道|所|站)"
_PATTERNS: dict[str, list[re.Pattern]] = {
    "method": [
        re.compile(r"(?:申报|申请|申领)方式[为是：:]\s*([^。；]{2,60}?)[：:]?$"),  # a labelled field: 申请方式：…
        re.compile(r"免申即享|即申即享|免申即兑|免于申报"),
        re.compile(r"(?:登录|通过)[“\"「《][^”\"」》]{2,30}[”\"」》][^，。；]{0,12}?(?:在线)?(?:填报|申报|提交|申请|办理)"),
        re.compile(r"(?:全程)?网上(?:办理|申报|申请)|(?:在线|线上)(?:填报|申报|申请|办理)"),
    ],
    "window": [
        re.compile(r"(?:申报|申请|受理|申领)(?:时间|期限|期间|截止时间)[为是：:]?\s*([^，。；]{4,40}[0-9０-９一二三四五六七八九十]日(?:止|前)?)"),
        re.compile(r"(每年[0-9０-９一二三四五六七八九十]{1,2}月[0-9０-９一二三四五六七八九十]{1,3}日至[0-9０-９一二三四五六七八九十]{1,2}月[0-9０-９一二三四五六七八九十]{1,3}日)[^。；]{0,20}?(?:申报|申请|提交)"),
    ],
    "materials": [
        re.compile(r"(?:提交|提供|上传|报送|附上|填写|备齐|检附)[^，。；]{0,30}?(?:证明材料|申报材料|申请材料|材料|复印件|申请表|申报书|申报表|证明|文件)"),
    ],
    "office": [
        re.compile(rf"向((?:所在|属地)?[^，。；、向]{{2,30}}?{_UNIT_END})(?:提出申请|提出|申请|申报|提交|报送|备案)"),
        re.compile(rf"由((?:所在|属地)?[^，。；、由]{{2,30}}?{_UNIT_END})(?:负责)?(?:统一)?受理"),
        re.compile(rf"((?:所在|属地)?[^，。；、]{{2,30}}?{_UNIT_END})负责(?:申报的?)?受理"),
    ],
    "phone": [
        re.compile(r"(?:电话|热线|咨询)[^。；]{0,40}?((?:0\d{2,3}[-－—]?)?\d{7,8}(?:[-－—转]\d{1,5})?|1[3-9]\d{9}|12345)"),
    ],
}
# sentences that mention materials but ask nothing of the applicant
_NOT_MATERIALS = re.compile(r"真实性负责|伪造|虚报|骗取|弄虚作假|不予受理")


@dataclass(frozen=True)
class Found:
    value: str  # simplified script, as written
    quote: str  # the whole sentence, original script
    document: str | None = None
    clause: str | None = None
    scope: str = "measure"  # measure: from the measure or its clauses; document: a general clause of its document


def extract(clauses: list[tuple[str, str]], document: str | None = None, scope: str = "measure") -> dict[str, Found | None]:
    """Each field's first value in ``clauses`` ((clause id, text) in reading order), or None."""
    out: dict[str, Found | None] = {f: None for f in FIELDS}
    for index, (clause_id, text) in enumerate(clauses):
        simple, mapped = to_simplified(text)
        for start, end in _sentences(simple):
            sentence = simple[start:end]
            for name in FIELDS:
                if out[name] is not None:
                    continue
                value = _match(name, sentence)
                if value is not None:
                    quote = text[mapped.starts[start]:mapped.ends[end - 1]].strip()
                    out[name] = Found(value, quote, document, clause_id, scope)
                    if name == "materials" and _LIST_FOLLOWS.search(value):
                        out[name] = _with_list(out[name], clauses[index + 1:])
    return out


_LIST_FOLLOWS = re.compile(r"下列(?:文件|材料|资料)$")
MAX_LISTED = 12


def _with_list(found: Found, following: list[tuple[str, str]]) -> Found:
    """``备齐下列文件`` names no document itself: the items are the clause's sub-items that follow
    (``5.2.1``, ``5.2.2`` … of ``5.2``), each as written."""
    items = [text.strip() for cid, text in following[:MAX_LISTED] if cid.startswith(f"{found.clause}.")]
    if not items:
        return found
    value = found.value + "：" + "".join(to_simplified(t)[0] for t in items)
    return Found(value, found.quote + "".join(items), found.document, found.clause, found.scope)


def _sentences(text: str):
    for m in _SENTENCE.finditer(text):
        a, b = m.start(), m.end()
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            yield a, b


def _match(name: str, sentence: str) -> str | None:
    if name == "materials" and _NOT_MATERIALS.search(sentence):
        return None
    for pattern in _PATTERNS[name]:
        m = pattern.search(sentence)
        if m:
            return (m.group(1) if m.groups() else m.group(0)).strip()
    return None


# --- one measure -----------------------------------------------------------------------------------
# A clause of the document that is about applying in general: headed 申报方式 / 申报程序 / 联系方式 …
# (its leaves count too), or a contact line. Other clauses are other measures: never borrowed.
_GENERAL_HEADING = re.compile(r"^[^。；\n]{0,12}(?:(?:申报|申请|申领)(?:方式|程序|流程|时间|材料|渠道|受理)|受理(?:部门|方式)|"
                              r"联系(?:方式|人|电话)|咨询(?:电话|方式)|政策咨询)")
_CONTACT = re.compile(r"联系人|联系电话|咨询电话")  # not 服务热线: 12345 is named in passing


def for_measure(measure, policies) -> dict[str, Found | None]:
    """The measure's how-to-apply fields (memoized per measure and policies)."""
    from zhida.matching.evaluator import cache_for

    memo = cache_for(policies).setdefault("how_to_apply", {})
    found = memo.get(measure.id)
    if found is None or found[0] is not measure:
        found = memo[measure.id] = (measure, _for_measure(measure, policies))
    return found[1]


def _for_measure(m, policies) -> dict[str, Found | None]:
    out: dict[str, Found | None] = {f: None for f in FIELDS}
    if m.application in ("免申即享", "申报") and m.application_quote:
        out["method"] = Found("免申即享" if m.application == "免申即享" else "需申报", m.application_quote, m.document)
    own: list[tuple[str, str, str]] = []
    for s in m.sources:
        text = _clause_text(policies, s.document, s.clause)
        if text and (s.document, s.clause) not in {(d, c) for d, c, _ in own}:
            own.append((s.document, s.clause, text))
    for doc in dict.fromkeys(d for d, _, _ in own):
        found = extract([(c, t) for d, c, t in own if d == doc], doc)
        _fill(out, found)
    if any(v is None for v in out.values()):
        for doc in dict.fromkeys(s.document for s in m.sources):
            general = [(c, t) for c, t in _document_clauses(policies, doc)
                       if c not in {c2 for d2, c2, _ in own if d2 == doc}]
            _fill(out, extract(general, doc, scope="document"))
    return out


def _fill(out: dict, found: dict) -> None:
    for name, value in found.items():
        if out[name] is None and value is not None:
            out[name] = value


def _clause_text(policies, document: str, clause: str) -> str | None:
    try:
        return policies.library.get(document).clause_text(str(clause), "how_to_apply")
    except Exception:  # noqa: BLE001 - a source the library cannot read gives nothing (未明确)
        return None


def _document_clauses(policies, document: str) -> list[tuple[str, str]]:
    """The document's general application clauses (see ``_GENERAL_HEADING``) in reading order."""
    try:
        doc = policies.library.get(document)
    except Exception:  # noqa: BLE001
        return []
    texts = doc.clause_texts or {}
    chosen: set[str] = set()
    for clause_id, text in texts.items():
        simple = to_simplified(text)[0]
        if _GENERAL_HEADING.search(simple):  # the heading clause's own words, then its items
            chosen.update([clause_id, *doc.leaves_under.get(clause_id, [])])
        elif _CONTACT.search(simple):
            chosen.add(clause_id)
    return [(i, t) for i, t in texts.items() if i in chosen]  # clause_texts are in reading order


def window_end(found: Found | None, as_of: date) -> date | None:
    """The day an application window closes, when its text gives one: a full date
    (2023年4月1日至4月30日 → 2023-04-30) or a yearly window (每年4月1日至4月30日 → the next
    close on or after ``as_of``). None when the text gives no readable end."""
    if found is None:
        return None
    from zhida.documents.extract.dates import extract_dates

    text = found.value
    yearly = text.startswith("每年")
    mentions = extract_dates(text.removeprefix("每年"), context_year=as_of.year if yearly else None)
    ends = [d.end_date for d in mentions if d.end_date is not None]
    if not ends:
        return None
    end = max(ends)
    if yearly and end < as_of:
        try:
            end = end.replace(year=end.year + 1)
        except ValueError:  # 2月29日
            end = end.replace(year=end.year + 1, day=28)
    return end
