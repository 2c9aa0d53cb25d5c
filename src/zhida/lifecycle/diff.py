"""Clause-level differences between two versions of a document, and the measures they touch.

Clauses are paired by id first (第三条 with 第三条); of what is left, an old and a new clause
whose texts are at least ``MOVED_RATIO`` alike are one clause renumbered. Texts are compared
without whitespace (line breaks move between copies); a changed clause carries its inline
changes as segments. Every reviewed measure citing a changed, moved or removed clause is listed
for re-review, with the clause and its quote: the measure's quote may no longer be in the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any, Literal

MOVED_RATIO = 0.8
_SPACE = re.compile(r"\s+")
Change = Literal["changed", "added", "removed", "moved"]
CHANGE_ZH = {"changed": "修改", "added": "新增", "removed": "删除", "moved": "调整序号"}


@dataclass
class ClauseChange:
    change: Change
    old_id: str | None
    new_id: str | None
    old_text: str | None
    new_text: str | None
    segments: list[tuple[str, str]] = field(default_factory=list)  # (equal|insert|delete, text)

    @property
    def change_zh(self) -> str:
        return CHANGE_ZH[self.change]


@dataclass
class Review:
    """A reviewed measure to look at again, because a clause it cites changed."""

    measure_id: str
    title: str
    clause_id: str
    change: Change
    quote: str
    quote_still_present: bool


@dataclass
class VersionDiff:
    key: str
    old_version: int
    new_version: int
    changes: list[ClauseChange]
    unchanged: int
    reviews: list[Review]

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "old_version": self.old_version, "new_version": self.new_version,
                "unchanged": self.unchanged,
                "changes": [{"change": c.change, "change_zh": c.change_zh, "old_id": c.old_id, "new_id": c.new_id,
                             "old_text": c.old_text, "new_text": c.new_text,
                             "segments": [list(s) for s in c.segments]} for c in self.changes],
                "reviews": [r.__dict__ for r in self.reviews]}


def squash(text: str | None) -> str:
    return _SPACE.sub("", text or "")


def compare_clauses(old: list[tuple[str, str]], new: list[tuple[str, str]]) -> tuple[list[ClauseChange], int]:
    """(id, text) lists in document order → the changes, and how many clauses stayed the same.

    Pairing, most certain first: the same words (label aside) → unchanged, or moved when the
    number differs; then the same id with texts at least half alike → changed; then texts at
    least ``MOVED_RATIO`` alike → moved and changed. What is left was removed or added.
    """
    old_left = {clause_id: text for clause_id, text in old}
    new_left = {clause_id: text for clause_id, text in new}
    changes: list[ClauseChange] = []
    unchanged = 0
    by_body: dict[str, list[str]] = {}
    for clause_id, text in old:
        by_body.setdefault(body(text), []).append(clause_id)
    for new_id, text in new:  # 1. the same words
        candidates = [i for i in by_body.get(body(text), []) if i in old_left]
        if not candidates:
            continue
        old_id = new_id if new_id in candidates else candidates[0]
        old_text = old_left.pop(old_id)
        new_left.pop(new_id)
        if old_id == new_id:
            unchanged += 1
        else:
            changes.append(ClauseChange("moved", old_id, new_id, old_text, text))
    for new_id, text in list(new_left.items()):  # 2. the same number, reworded
        if new_id in old_left and _ratio(old_left[new_id], text) >= 0.5:
            old_text = old_left.pop(new_id)
            new_left.pop(new_id)
            changes.append(ClauseChange("changed", new_id, new_id, old_text, text, inline(old_text, text)))
    for new_id, text in list(new_left.items()):  # 3. renumbered and reworded
        best = max(old_left.items(), key=lambda item: _ratio(item[1], text), default=None)
        if best is not None and _ratio(best[1], text) >= MOVED_RATIO:
            old_left.pop(best[0])
            new_left.pop(new_id)
            changes.append(ClauseChange("moved", best[0], new_id, best[1], text, inline(best[1], text)))
    changes += [ClauseChange("removed", i, None, t, None) for i, t in old_left.items()]
    changes += [ClauseChange("added", None, i, None, t) for i, t in new_left.items()]
    order = {clause_id: n for n, (clause_id, _) in enumerate(new)}
    old_order = {clause_id: n for n, (clause_id, _) in enumerate(old)}
    changes.sort(key=lambda c: (order[c.new_id] if c.new_id is not None else old_order[c.old_id] - 0.5))
    return changes, unchanged


_LABEL = re.compile(r"^(?:第[一二三四五六七八九十百零〇两0-9]+[条章节款项]|[（(][一二三四五六七八九十百零〇0-9]+[)）]"
                    r"|[一二三四五六七八九十百零〇]+[、．.]|[0-9]+[、．.)）](?![0-9]))")


def body(text: str) -> str:
    """A clause's words without its number: 三、房租补贴 and 四、房租补贴 say the same."""
    return _LABEL.sub("", squash(text), count=1)


def _ratio(a: str, b: str) -> float:
    return SequenceMatcher(None, body(a), body(b), autojunk=False).ratio()


def inline(old: str, new: str) -> list[tuple[str, str]]:
    """Character-level changes (Chinese has no word spaces), merged into runs."""
    a, b = squash(old), squash(new)
    out: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(("equal", a[i1:i2]))
        else:
            if i2 > i1:
                out.append(("delete", a[i1:i2]))
            if j2 > j1:
                out.append(("insert", b[j1:j2]))
    return out


def reviews_for(changes: list[ClauseChange], measures, document_key: str) -> list[Review]:
    """Measures of ``document_key`` that cite a changed, moved or removed clause (or one under it)."""
    touched = {c.old_id: c for c in changes if c.old_id is not None}
    out: list[Review] = []
    for measure in measures:
        for source in measure.sources:
            if source.document != document_key:
                continue
            change = touched.get(str(source.clause)) or next(
                (c for cid, c in touched.items() if str(source.clause).startswith(cid + ".")), None)
            if change is None:
                continue
            present = bool(change.new_text) and squash(source.quote) in squash(change.new_text)
            out.append(Review(measure.id, measure.title, str(source.clause), change.change, source.quote, present))
            break
    return out
