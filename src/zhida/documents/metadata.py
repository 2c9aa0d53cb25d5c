"""Document metadata from the header, signature and print lines: title, 文号, issuer, dates.

Everything here is read from the document's own words; a fact the document does not
state stays None (unknown), never guessed.
"""

from __future__ import annotations

import re
from datetime import date

from zhida.documents.body import BodyLocation, is_addressee_line, is_prose
from zhida.documents.furniture import header_fields
from zhida.documents.labels import cn_to_int, find_label
from zhida.documents.model import DocumentMetadata, Removed

_NUM = "[0-9０-９〇○零一二三四五六七八九十]"
DATE = re.compile(
    rf"((?:中华民国|中華民國|民国|民國)\s*{_NUM}{{2,3}}|{_NUM}{{4}})\s*年\s*({_NUM}{{1,3}})\s*月\s*({_NUM}{{1,3}})\s*日"
    r"|(\d{4})\s*[-./／]\s*(\d{1,2})\s*[-./／]\s*(\d{1,2})(?!\d)"
)
# 京政办发〔2022〕18号; Taiwan style 經產字第1120012345號 (after the agency's name)
DOC_NUMBER = re.compile(
    r"[\u4e00-\u9fff]{1,12}\s*[〔\[(（【]\s*(\d{4})\s*[〕\])）】]\s*(第\s*)?\d{1,4}\s*[号號]"
    r"|(?:(?<=[局部府處处會会署院所室廳厅])|^)[\u4e00-\u9fff]{1,6}字第\s*\d{4,12}\s*[号號]"
)
_MASTHEAD = re.compile(r"^[\u4e00-\u9fff（）()、]{2,40}(文件|文件汇编)$")
# a Taiwan-style enactment line: 中華民國112年2月15日…函訂定 / 令發布 / 修正
_HISTORY = re.compile(r"(訂定|订定|發布|发布|修正|公布|廢止|废止)$")
_ORG_END = re.compile(r"(局|委|办|辦|厅|廳|府|院|署|会|會|部|处|處|室|中心|办公室|辦公室|小组|小組)$")
_STATUS = re.compile(r"[（(]\s*(征求意见稿|征求意見稿|送审稿|送審稿|草案|讨论稿|討論稿|试行稿|代拟稿)\s*[）)]")
_DATE_ONLY = re.compile("^(?:" + DATE.pattern + ")$")
# （2012年9月19日） on a line of its own under the title: the date a 意见/决定 was adopted, as printed
_DATE_UNDER_TITLE = re.compile(r"^[（(](?:" + DATE.pattern + r")[）)]$")
_VALID_UNTIL = re.compile(r"有效期(?:至|到|截至|截止到|截止至|为[^。；]{0,20}?至)\s*(" + DATE.pattern + ")")
_VALIDITY = re.compile(r"有效期")
_EFFECTIVE = re.compile(r"自\s*(" + DATE.pattern + r")\s*起?\s*(施行|实施|執行|执行|實施|生效)")
_EFFECTIVE_TEXT = re.compile(r"自[^。；，,]{0,20}之日起\s*(施行|实施|执行|實施|執行)")
_ATTACHMENT_LINE = re.compile(r"^附\s*件")
_CJK_GAP = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef])\s+(?=[\u3000-\u9fff\uff00-\uffef])")

# header field labels (simplified) → metadata attribute
_FIELD_MAP = {"发文机构": "issuer", "发文机关": "issuer", "发布机构": "issuer", "成文日期": "written_on",
              "发布日期": "issued_on", "发布时间": "issued_on", "实施日期": "effective_on", "发文字号": "doc_number",
              "文号": "doc_number"}  # fmt: skip


def parse_date(text: str) -> date | None:
    m = DATE.search(text)
    if not m:
        return None
    if m.group(1):
        year = _year(m.group(1))
        if re.match(r"(中华民国|中華民國|民国|民國)", m.group(1)):
            year += 1911  # Republic-of-China era: 民國112年 is 2023
        month, day = _small_number(m.group(2)), _small_number(m.group(3))
    else:
        year, month, day = int(m.group(4)), int(m.group(5)), int(m.group(6))
    try:
        return date(year, month, day) if month and day else None
    except ValueError:
        return None


def _year(text: str) -> int:
    """2022, ２０２２, 二〇二二 or (民國)112: written digit by digit."""
    digits = {"〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
    text = re.sub(r"^(中华民国|中華民國|民国|民國)\s*", "", text)
    return int("".join(str(digits[c]) if c in digits else c for c in text))


def _small_number(text: str) -> int | None:
    return int(text) if text.isdigit() else cn_to_int(text.replace("〇", "零").replace("○", "零"))


def _simple(text: str) -> str:
    from zhida.documents.script import _converter

    return _converter("t2s").convert(text)


def _title_like(text: str) -> bool:
    return bool(text) and not is_prose(text) and not DATE.search(text) and len(text) <= 80


def _tidy(text: str) -> str:
    return _CJK_GAP.sub("", text.strip())


def _issuers(text: str) -> str:
    """'江州市经济和信息化局　　江州市财政局' (joint issuers spaced apart) → '…局、…局'."""
    parts = [part for part in re.split(r"\s{2,}|\u3000+", text.strip()) if part]
    if len(parts) > 1 and all(_ORG_END.search(part) for part in parts):
        return "、".join(_tidy(part) for part in parts)
    return _tidy(text)


def _sentence_around(text: str, start: int, end: int) -> str:
    left = max(text.rfind(p, 0, start) for p in "。；\n") + 1
    rights = [i for i in (text.find(p, end) for p in "。；\n") if i != -1]
    right = min(rights) + 1 if rights else len(text)
    sentence = text[left:right].strip()
    label = find_label(sentence)
    return sentence[label.end :].strip() if label else sentence  # '第十六条　本办法自…' → '本办法自…'


def extract(
    texts: list[str], removed: list[Removed], location: BodyLocation, closing_text: str | None = None
) -> DocumentMetadata:
    md = DocumentMetadata()
    # --- labelled header fields: 信息公开 tables, web copies ('1. [发文机构] …'), page meta
    for item in removed:
        if item.kind not in ("header_field", "web_meta"):
            continue
        for key, value in header_fields(item.text):
            key = _simple(key)
            if not re.search(r"[0-9A-Za-z\u4e00-\u9fff]", value):
                continue  # '〔〕' or nothing: the field is empty
            md.extra.setdefault(key, value)
            attr = _FIELD_MAP.get(key)
            if attr == "issuer":
                md.issuer = md.issuer or value
            elif attr == "doc_number":
                md.doc_number = md.doc_number or (value if DOC_NUMBER.search(value) else None)
            elif attr:
                setattr(md, attr, getattr(md, attr) or parse_date(value))

    if location.title_index is not None:
        header_end = location.title_index
    elif location.preamble:
        header_end = location.preamble[0]
    elif location.first_label is not None:
        header_end = location.first_label
    else:
        header_end = len(texts)
    if location.toc is not None:
        header_end = min(header_end, location.toc)
    header = texts[:header_end]
    if location.addressees is not None:
        md.extra["addressees"] = _tidy(texts[location.addressees]).rstrip("：:")
    else:
        addressee = next((t for t in header if is_addressee_line(t)), None)
        if addressee:
            md.extra["addressees"] = _tidy(addressee).rstrip("：:")

    # --- 文号 and status: lines of their own in the header --------------------------
    title_run: list[str] = []
    run_closed = False
    for text in header:
        squashed = re.sub(r"\s+", "", text)
        if DOC_NUMBER.fullmatch(squashed):
            md.doc_number = md.doc_number or squashed
            run_closed = run_closed or bool(title_run)
            continue
        if _MASTHEAD.match(squashed) and not title_run and "masthead" not in md.extra:
            md.extra["masthead"] = squashed  # 红头: 'XX人民政府文件'
            continue
        if DATE.search(text) and _HISTORY.search(squashed) and not is_prose(text):
            md.extra.setdefault("history", squashed)
            md.issued_on = md.issued_on or parse_date(text)
            number = DOC_NUMBER.search(squashed)
            md.doc_number = md.doc_number or (number.group(0) if number else None)
            run_closed = run_closed or bool(title_run)
            continue
        if _DATE_UNDER_TITLE.match(squashed):
            md.written_on = md.written_on or parse_date(squashed)
            run_closed = run_closed or bool(title_run)
            continue
        status = _STATUS.fullmatch(squashed)
        if status:
            md.extra["status"] = status.group(1)
            run_closed = run_closed or bool(title_run)
            continue
        if not run_closed and _title_like(text):
            title_run.append(text)
        elif title_run:
            run_closed = True

    # --- title: the first run of title lines; an issuer line before 关于 is not title
    issuer_from_title = None
    for k, text in enumerate(title_run):
        if k and _simple(text).startswith("关于"):
            issuer_from_title = _issuers(" ".join(title_run[:k]))
            title_run = title_run[k:]
            break
    if title_run:
        md.title = _tidy("".join(title_run))
        if issuer_from_title is None:
            m = re.match(r"^(.{2,30}?)(印发|印發|转发|轉發)《", md.title)
            issuer_from_title = m.group(1) if m else None

    # --- attachment title (a 通知 wrapping the document proper) --------------------
    if location.title_index is not None:
        md.extra["attachment_title"] = _tidy("".join(texts[location.title_index : location.title_end]))
        notice = [t for t in header if is_prose(t) and not _ATTACHMENT_LINE.match(t)]
        if notice:
            md.extra["notice"] = "\n".join(notice)
    elif location.attachment_title:
        md.extra["attachment_title"] = _tidy(location.attachment_title)
    if md.title is None and location.title_index is not None:
        md.title = md.extra["attachment_title"]

    # --- signature: an issuer line directly above a date line ------------------------
    body_end = [i for i in range(len(texts)) if i >= header_end]
    for region in (range(header_end), body_end):
        region = list(region)
        for a, b in zip(region, region[1:]):
            if _DATE_ONLY.match(texts[b].strip()) and _title_like(texts[a]) and not DOC_NUMBER.search(texts[a]):
                signature = _issuers(texts[a])
                if md.issuer is None:
                    md.issuer = signature
                elif md.issuer != signature:
                    md.extra["signatory"] = signature
                if md.written_on is None:
                    md.written_on = parse_date(texts[b])
                break
        else:
            continue
        break
    if md.issuer is None and issuer_from_title:
        md.issuer = issuer_from_title

    # --- print line: '忻州市人民政府办公室  2022年5月28日印发' ---------------------------
    for item in removed:
        if item.kind == "print" and re.search(r"(印发|印發)\s*$", item.text):
            md.issued_on = md.issued_on or parse_date(item.text)
            printer = _tidy(DATE.split(item.text)[0]) if DATE.search(item.text) else ""
            if printer:
                md.extra.setdefault("printed_by", printer)

    # --- validity and effect: closing first, then anywhere --------------------------
    candidates = ([closing_text] if closing_text else []) + texts[header_end:]
    for text in candidates:
        m = _VALID_UNTIL.search(text)
        if m:
            md.valid_until = parse_date(m.group(1))
            md.validity_text = _sentence_around(text, m.start(), m.end())
            break
    else:
        for text in candidates:
            m = _VALIDITY.search(text)
            if m:
                md.validity_text = _sentence_around(text, m.start(), m.end())
                break
    if md.effective_on is None:
        for text in candidates:
            m = _EFFECTIVE.search(text)
            if m:
                md.effective_on = parse_date(m.group(1))
                break
    for text in candidates:
        m = _EFFECTIVE_TEXT.search(text)
        if m:
            md.extra.setdefault("effective_text", m.group(0))
            break
    return md

