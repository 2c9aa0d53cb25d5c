"""Draft the tasks of one document: one per responsible-unit list (the sentences it closes), and
in clauses without such lists one per sentence whose subject is a unit (市政府办公厅要会同…).

Each draft carries its clause, the quoted text with offsets into the original, the lead and
supporting units (and whether the lead was inferred), the deadline with its basis, and the
quantified targets; collective units (各区政府, 各有关部门) fanned out to the concrete units they
stand for (``collective``), within the division the document speaks for (its jurisdiction, read
from its heading with the regions dataset). Nothing here knows any particular document: the same
rules read any text the documents pipeline has structured."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from zhida.documents.citation import cite, simplified
from zhida.enterprises import regions
from zhida.supervision import assign, collective, deadlines, targets
from zhida.supervision.source import ClauseIn, DocumentIn

SENTENCE = re.compile(r"[^。；;！!？?\n]+[。；;！!？?]?")
TITLE_MAX = 60
GENERIC = re.compile(r"^各?(?:相关|有关)(?:单位|部门)$")


@dataclass
class TaskDraft:
    document: str
    clause_id: str
    section: str
    section_title: str
    index: int  # the n-th task of its clause (0-based)
    title: str
    quote: str  # original[start:end]
    start: int
    end: int
    lead: list[str]
    support: list[str]
    lead_inferred: bool
    deadline: date | None
    deadline_basis: str
    deadline_text: str | None
    milestones: list[tuple[str, date]] = field(default_factory=list)
    targets: list[targets.Target] = field(default_factory=list)
    citation: str = ""  # 《短标题》（文号）第三条（八）
    derived: list[collective.Fanned] = field(default_factory=list)  # collective units fanned out
    jurisdiction: str | None = None  # GB/T 2260 code of the division the document speaks for

    def assignments(self) -> list[collective.Assignment]:
        """What the task's units become in the store: a collective phrase is replaced by its
        concrete units (marked with the phrase and its offsets); each unit once."""
        return collective.assignments(self.lead, self.support, self.derived)

    def to_json(self) -> dict:
        return {"document": self.document, "clause_id": self.clause_id, "section": self.section,
                "section_title": self.section_title, "index": self.index, "title": self.title, "quote": self.quote,
                "start": self.start, "end": self.end, "lead": self.lead, "support": self.support,
                "lead_inferred": self.lead_inferred,
                "deadline": self.deadline.isoformat() if self.deadline else None,
                "deadline_basis": self.deadline_basis, "deadline_text": self.deadline_text,
                "milestones": [[t, d.isoformat()] for t, d in self.milestones],
                "targets": [t.to_json() for t in self.targets], "citation": self.citation,
                "derived": [f.to_json() for f in self.derived], "jurisdiction": self.jurisdiction}


def _strip_label(plain: str, clause: ClauseIn) -> str:
    """The task's words without the clause's label and heading (for its title)."""
    text = plain.strip()
    if clause.heading and clause.heading in text[:len(clause.heading) + 12]:
        text = text[text.index(clause.heading) + len(clause.heading):]
    text = re.sub(r"^\s*(?:[（(]?[一二三四五六七八九十百0-9０-９]+[）)、.．]?)\s*", "", text)
    return text.strip(" 。；;，,")


def _title(plain: str, clause: ClauseIn, single: bool) -> str:
    if single and clause.heading:
        return simplified(clause.heading).strip(" 。")[:TITLE_MAX]
    body = _strip_label(plain, clause)
    first = SENTENCE.match(body)
    words = (first.group(0) if first else body).strip(" 。；;")
    words = re.sub(r"[（(](?:责任单位|责任部门|牵头单位)[^）)]*[）)]?$", "", words)
    return (words[:TITLE_MAX - 1] + "…") if len(words) > TITLE_MAX else words


def _draft(doc: DocumentIn, clause: ClauseIn, index: int, start: int, end: int, who: assign.Assignment,
           single: bool) -> TaskDraft:
    quote = doc.original[start:end]
    plain = simplified(quote)
    due = deadlines.of_text(plain, doc.year, doc.valid_until)
    found = targets.find(plain) if len(plain) == len(quote) else []
    if len(plain) != len(quote):  # offsets of a traditional-script quote do not map char by char
        found = [targets.Target(t.text, t.value, t.unit, t.comparator, t.kind, -1, -1) for t in targets.find(plain)]
    else:
        found = [targets.Target(t.text, t.value, t.unit, t.comparator, t.kind, start + t.start, start + t.end)
                 for t in found]
    section, section_title = doc.section_of(clause.id)
    return TaskDraft(doc.key, clause.id, section, simplified(section_title), index, _title(plain, clause, single),
                     quote, start, end, list(who.lead), [u for u in who.support if not GENERIC.match(u)],
                     who.inferred, due.day, due.basis, due.text, list(due.mentions), found,
                     cite(doc.title, doc.doc_number, list(clause.labels), clause.id))


def _subject_sentences(doc: DocumentIn, clause: ClauseIn):
    cursor = clause.start
    for match in SENTENCE.finditer(clause.text):
        sentence = match.group(0).strip()
        if not sentence:
            continue
        at = doc.original.find(sentence, cursor)
        end = at + len(sentence)
        if at < 0:  # a line break or page furniture inside the sentence in the original
            loose = re.compile(r"\s*".join(re.escape(ch) for ch in sentence if not ch.isspace()))
            found = loose.search(doc.original, cursor, clause.end + 1)
            if found is None:
                continue
            at, end = found.span()
        cursor = end
        who = assign.of_sentence(simplified(sentence))
        if who is not None:
            yield at, end, who


def _task_lists(clause: ClauseIn) -> tuple:
    """The lists that split a clause into tasks: its bracket lists (（责任单位：…）) where it has any —
    then a unit named in running text (市人才工作领导小组负责…) is part of the task the bracket closes,
    not a task of its own; else the units its running text names (由县商务局负责…)."""
    brackets = tuple(u for u in clause.lists if u.text[:1] in "（(")
    return brackets or clause.lists


def draft_document(doc: DocumentIn) -> list[TaskDraft]:
    tasks: list[TaskDraft] = []
    for clause in doc.clauses:
        if not clause.leaf:
            continue
        lists = _task_lists(clause)
        if lists:
            single = len(lists) == 1
            for i, units in enumerate(lists):
                who = assign.of_list(units.text, units.units)
                if not who.lead:
                    continue
                start = clause.start if single else units.sentence_start
                end = units.end
                tasks.append(_draft(doc, clause, i, start, end, who, single))
        else:
            for i, (start, end, who) in enumerate(_subject_sentences(doc, clause)):
                tasks.append(_draft(doc, clause, i, start, end, who, False))
    _fan_out(doc, tasks)
    return tasks


def jurisdiction(doc: DocumentIn) -> str | None:
    """The division the document speaks for: the first its title or heading names (北京市…,
    朝阳区…, 忻州市人民政府办公室, 中共广州市委…)."""
    return regions.jurisdiction_of(simplified((doc.title or "") + "\n" + doc.original[:800]))


def _fan_out(doc: DocumentIn, tasks: list[TaskDraft]) -> None:
    scope = jurisdiction(doc)
    named = list(dict.fromkeys(u for t in tasks for u in (*t.lead, *t.support)))
    leads = list(dict.fromkeys(u for t in tasks for u in t.lead))
    for task in tasks:
        plain = simplified(task.quote)
        task.jurisdiction = scope
        task.derived = collective.fan_out(task.lead, task.support, jurisdiction=scope, named=named, leads=leads,
                                          plain=plain, start=task.start, exact=len(plain) == len(task.quote))
