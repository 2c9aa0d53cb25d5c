"""Word's own list numbering (numbering.xml) rendered as the label it prints.

Many .docx policy files number 一、/（一）/1． with Word lists, so the label is not in
the paragraph's text at all; without it the clause tree is lost. A paragraph takes
its list from its own ``w:numPr`` or its style's; counters belong to the abstract
list (Word continues a list across ``w:num`` instances unless one restarts it with
``w:startOverride``), and a level restarts when a shallower level advances.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from zhida.documents.labels import CIRCLED, to_chinese

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
_HEAVENLY_STEMS = "甲乙丙丁戊己庚辛壬癸"
_ROMAN = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
          (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]  # fmt: skip


@dataclass
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = "%1."
    suffix: str = "tab"  # what Word puts after the label: tab, space or nothing


@dataclass
class _List:
    abstract: str
    starts: dict[int, int] = field(default_factory=dict)  # ilvl → w:startOverride


def _val(element, tag: str, default: str | None = None) -> str | None:
    child = element.find(W + tag) if element is not None else None
    return child.get(W + "val") if child is not None else default


def format_number(number: int, fmt: str) -> str:
    if fmt in ("chineseCounting", "chineseCountingThousand", "taiwaneseCounting", "taiwaneseCountingThousand",
               "chineseLegalSimplified", "ideographLegalTraditional"):  # fmt: skip
        return to_chinese(number)
    if fmt in ("decimalFullWidth", "decimalFullWidth2"):
        return str(number).translate(_FULLWIDTH)
    if fmt.startswith("decimalEnclosedCircle") and 1 <= number <= len(CIRCLED):
        return CIRCLED[number - 1]
    if fmt == "ideographTraditional" and 1 <= number <= len(_HEAVENLY_STEMS):
        return _HEAVENLY_STEMS[number - 1]
    if fmt in ("upperLetter", "lowerLetter") and number >= 1:
        letter = chr(ord("A") + (number - 1) % 26) * ((number - 1) // 26 + 1)
        return letter if fmt == "upperLetter" else letter.lower()
    if fmt in ("upperRoman", "lowerRoman") and number >= 1:
        roman, rest = "", number
        for value, digits in _ROMAN:
            while rest >= value:
                roman, rest = roman + digits, rest - value
        return roman if fmt == "upperRoman" else roman.lower()
    if fmt == "decimalZero":
        return f"{number:02d}"
    return str(number)


class ListNumbering:
    """Renders the list label of each paragraph, in document order (call once per paragraph)."""

    def __init__(self, document) -> None:
        self.levels: dict[str, dict[int, _Level]] = {}
        self.lists: dict[str, _List] = {}
        self.counters: dict[str, dict[int, int]] = {}
        self.pending_restart: set[str] = set()
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        for abstract in root.iter(W + "abstractNum"):
            levels = {}
            for lvl in abstract.iter(W + "lvl"):
                levels[int(lvl.get(W + "ilvl", "0"))] = _Level(
                    start=int(_val(lvl, "start", "1") or 1),
                    fmt=_val(lvl, "numFmt", "decimal") or "decimal",
                    text=_val(lvl, "lvlText", "") or "",
                    suffix=_val(lvl, "suff", "tab") or "tab",
                )
            self.levels[abstract.get(W + "abstractNumId")] = levels
        for num in root.iter(W + "num"):
            instance = _List(_val(num, "abstractNumId") or "")
            for override in num.iter(W + "lvlOverride"):
                start = _val(override, "startOverride")
                if start is not None:
                    instance.starts[int(override.get(W + "ilvl", "0"))] = int(start)
            self.lists[num.get(W + "numId")] = instance
            if instance.starts:
                self.pending_restart.add(num.get(W + "numId"))

    def label(self, paragraph) -> str:
        num_id, ilvl = self._num_pr(paragraph)
        instance = self.lists.get(num_id or "")
        if instance is None or instance.abstract not in self.levels:
            return ""
        levels = self.levels[instance.abstract]
        level = levels.get(ilvl)
        if level is None or level.fmt in ("bullet", "none"):
            return ""
        counters = self.counters.setdefault(instance.abstract, {})
        if num_id in self.pending_restart:  # the first paragraph of a restarted list
            self.pending_restart.discard(num_id)
            counters.clear()
        start = instance.starts.get(ilvl, level.start)
        counters[ilvl] = counters[ilvl] + 1 if ilvl in counters else start
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        text = level.text
        for k in range(9):
            if f"%{k + 1}" in text:
                shown = levels.get(k, _Level())
                value = counters.get(k, instance.starts.get(k, shown.start))
                text = text.replace(f"%{k + 1}", format_number(value, shown.fmt))
        if not text or level.suffix == "nothing" or not text[-1].isalnum():
            return text
        return text + " "

    @staticmethod
    def _num_pr(paragraph) -> tuple[str | None, int]:
        """numId and level from the paragraph, else from its style chain."""
        ppr = paragraph._p.pPr
        candidates = [ppr.find(W + "numPr") if ppr is not None else None]
        style = paragraph.style
        seen = 0
        while style is not None and seen < 10:  # base-style chains are short; guard cycles
            style_ppr = style.element.find(W + "pPr")
            candidates.append(style_ppr.find(W + "numPr") if style_ppr is not None else None)
            style, seen = style.base_style, seen + 1
        num_id, ilvl = None, None
        for num_pr in candidates:
            if num_pr is None:
                continue
            num_id = num_id or _val(num_pr, "numId")
            if ilvl is None and _val(num_pr, "ilvl") is not None:
                ilvl = int(_val(num_pr, "ilvl"))
        if num_id == "0":  # numId 0 switches numbering off
            return None, 0
        return num_id, ilvl or 0
