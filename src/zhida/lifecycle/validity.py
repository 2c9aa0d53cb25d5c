"""Links that change validity: a repeal ends a document's measures, an extension moves their end.

Applied when the policies load (``zhida.rules.loader``), from the links of the documents in the
policies' own library, so every engine, the explainer and every page read one period per
measure (``Period.changed_by``) — with the sentence of the document that changed it.
"""

from __future__ import annotations

import re
from datetime import date

from zhida.lifecycle.links import bare_title, last_day_before
from zhida.rules.model import PeriodChange

_BRACKETS = str.maketrans({"[": "〔", "]": "〕", "(": "〔", ")": "〕", "（": "〔", "）": "〕", "【": "〔", "】": "〕",
                           "［": "〔", "］": "〕"})
_SPACE = re.compile(r"\s+")


def number_key(number: str | None) -> str | None:
    """文号 compared whatever brackets and spaces a copy uses: 京政发(2020)3号 = 京政发〔2020〕3号."""
    return _SPACE.sub("", number).translate(_BRACKETS) if number else None


def title_key(title: str | None) -> str | None:
    if not title:
        return None
    return bare_title(_SPACE.sub("", title).strip("《》"))


def resolve(link: dict, documents: list) -> str | None:
    """The key of the document a link names, among ``documents`` (objects with key/doc_number/title)."""
    wanted_number, wanted_title = number_key(link.get("target_number")), title_key(link.get("target_title"))
    for doc in documents:
        if wanted_number and number_key(doc.doc_number) == wanted_number:
            return doc.key
    for doc in documents:
        if wanted_title and title_key(doc.title) == wanted_title:
            return doc.key
    return None


def changes(library) -> dict[str, PeriodChange]:
    """Document key → the change of validity other documents of the library make to it.

    Of several repeals the earliest wins; an extension applies unless the document is repealed.
    """
    documents = [library.get(key) for key in library.keys()]
    repealed: dict[str, PeriodChange] = {}
    extended: dict[str, PeriodChange] = {}
    for doc in documents:
        for link in getattr(doc, "links", None) or []:
            if link["kind"] not in ("repeals", "extends") or not link.get("on"):
                continue
            target = resolve(link, [d for d in documents if d.key != doc.key])
            if target is None:
                continue
            on = date.fromisoformat(link["on"])
            last = last_day_before(on) if link["kind"] == "repeals" else on
            change = PeriodChange(link["kind"], last, doc.key, doc.title, link.get("clause_id"), link["quote"])
            into = repealed if link["kind"] == "repeals" else extended
            if target not in into or (into is repealed and last < into[target].last_day) or \
                    (into is extended and last > into[target].last_day):
                into[target] = change
    return {**extended, **repealed}


def apply(measures, library) -> None:
    """Set ``period.changed_by`` on every measure of a repealed or extended document."""
    found = changes(library)
    for measure in measures:
        change = found.get(measure.document)
        if change is None:
            continue
        period = measure.period
        if change.kind == "repeals" and (period.end is None or change.last_day < period.end):
            period.changed_by = change
        elif change.kind == "extends" and period.end is not None and change.last_day > period.end:
            period.changed_by = change
