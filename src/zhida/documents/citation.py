"""How a reader cites a document and a clause: 《短标题》（文号）第三条（八）.

Never the store's key (004_31b0d1502afd2179) or a clause id (3.8, closing): the short title is the
《…》 inside a 关于印发《…》的通知 title (or the title without 关于印发 … 的通知), in simplified
script; the clause is its printed label path (["三", "（八）"] → 第三条（八）; ["一", "1"] → 第一条第1项);
the preamble and the closing part are 序言 and 结尾部分.
"""

from __future__ import annotations

import re
from functools import lru_cache

from zhida.documents.labels import CN_DIGITS

_QUOTED = re.compile(r"《([^《》]+)》")
_NOTICE = re.compile(r"^(?:.*?关于)?(?:印发|转发|发布)?(.+?)(?:的通知|的公告)?$")
_CN_NUMERAL = re.compile(f"^[{''.join(CN_DIGITS)}十百千]+$")
SPECIAL = {"preamble": "序言", "closing": "结尾部分"}


@lru_cache(maxsize=4096)  # titles and headings are rendered on every page view
def simplified(text: str | None) -> str:
    from zhida.documents.script import to_simplified

    return to_simplified(text)[0] if text else ""


def is_traditional(text: str | None) -> bool:
    """Whether ``text`` reads differently in simplified script (its original is then offered too)."""
    return bool(text) and simplified(text) != text


def short_title(title: str | None) -> str | None:
    """北京市人民政府办公厅印发《关于…的若干措施》的通知 → 关于…的若干措施 (simplified)."""
    if not title:
        return None
    text = simplified(title.strip())
    quoted = _QUOTED.findall(text)
    if quoted and re.search(r"(印发|转发|发布)《", text):
        return quoted[0]
    match = _NOTICE.match(text)
    inner = match.group(1) if match and (text.startswith("关于") or "的通知" in text) else text
    return inner.strip() or text


def clause_label(labels: list[str] | None, clause_id: str) -> str:
    """The clause as printed: ["三", "（八）"] → 第三条（八）; closing → 结尾部分."""
    if clause_id in SPECIAL:
        return SPECIAL[clause_id]
    if not labels:
        return ""
    out = []
    for i, label in enumerate(labels):
        if _CN_NUMERAL.match(label):  # 三、 at the top is cited as 第三条
            out.append(f"第{label}条" if i == 0 else f"第{label}项")
        elif label.isdigit():  # 1. under 一、
            out.append(f"第{label}项")
        else:  # 第二章, 第十六条, （八）, （1）, ①: as printed
            out.append(label)
    return "".join(out)


def cite(title: str | None, doc_number: str | None, labels: list[str] | None, clause_id: str | None) -> str:
    """《短标题》（文号）第三条（八）; without a 文号: 《短标题》第三条（八）."""
    head = f"《{short_title(title)}》" if title else "政策原文"
    if doc_number:
        head += f"（{doc_number}）"
    return head + (clause_label(labels, str(clause_id)) if clause_id is not None else "")
