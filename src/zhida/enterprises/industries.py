"""GB/T 4754-2017 industry codes: 门类 letter + 大类 (2 digits) [+ 中类 digit [+ 小类 digit]].

Canonical form: the letter followed by the digits, e.g. ``C``, ``C39``, ``C391``, ``C3911``.
Input may omit the letter ("3911") — it follows from the 大类 — or give a 门类/大类 name.
All 门类 and 大类 are in ``data/industries.json``; a 中类/小类 under a known 大类 is checked
structurally (中类 digit 1-9, 小类 digit 0-9), since the full 1,380-class table is not shipped.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

DATA = Path(__file__).with_name("data") / "industries.json"
_CODE = re.compile(r"^([A-T])?(\d{2}(?:[1-9]\d?)?)?$")


@cache
def _data() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


@cache
def section_of_division() -> dict[str, str]:
    """大类 two digits → 门类 letter."""
    table = {}
    for letter, (_name, first, last) in _data()["sections"].items():
        for n in range(int(first), int(last) + 1):
            table[f"{n:02d}"] = letter
    return table


@cache
def _by_name() -> dict[str, str]:
    names = {name: letter for letter, (name, *_r) in _data()["sections"].items()}
    for digits, name in _data()["divisions"].items():
        names.setdefault(name, section_of_division()[digits] + digits)
    for digits, name in _data()["classes"].items():
        names.setdefault(name, section_of_division()[digits[:2]] + digits)
    return names


def normalize(text: str) -> str:
    """Any accepted spelling → canonical code; KeyError if unknown, its reason in Chinese and
    starting with the quoted input (a caller puts the field's name before it)."""
    value = "".join(str(text).split()).upper()
    if value in _by_name():
        return _by_name()[value]
    match = _CODE.match(value)
    if not value or not match:
        raise KeyError(f"“{text}”不是 GB/T 4754-2017 行业代码（门类字母 A–T 加至多 4 位数字）")
    letter, digits = match.group(1), match.group(2) or ""
    if not digits:
        return letter
    division = digits[:2]
    expected = section_of_division().get(division)
    if expected is None or division not in _data()["divisions"]:
        raise KeyError(f"“{text}”不是 GB/T 4754-2017 行业代码（没有大类 {division}）")
    if letter and letter != expected:
        raise KeyError(f"“{text}”不是 GB/T 4754-2017 行业代码（大类 {division} 属于门类 {expected}，不是 {letter}）")
    return expected + digits


def name_of(code: str) -> str | None:
    """Name of the finest level we know for a canonical code."""
    d = _data()
    digits = code[1:]
    if len(digits) == 4 and digits in d["classes"]:
        return d["classes"][digits]
    if len(digits) >= 2:
        return d["divisions"].get(digits[:2])
    return d["sections"][code][0]


def divisions() -> dict[str, str]:
    return dict(_data()["divisions"])
