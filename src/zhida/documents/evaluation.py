"""Reading measured against hand-checked gold: clause tree exactness and per-field F1.

A gold file (YAML, beside its document) says what a careful reader finds in the document:

    file: l12_county_jingning_tea.md
    level: county            # national, province, city, county
    source: where the copy comes from (repository, path, commit; the publishing URL when known)
    leaves: [art1..27]       # ids of the leaf clauses, in order ('art4..10' = art4, art5 … art10;
                             # 'ch2.art4..10' likewise); the project's id convention (docs/documents-json.md)
    units:   [[art5, 县商务局], …]                 # responsible units: clause id, unit
    amounts: [[art8, "1000000", cap], …]          # sums of money: clause id, yuan, role
    dates:   [[art30, 2019-07-01], …]             # days the text states: clause id, ISO date
    sha256:  …                                    # optional: the document file's digest (held-out
                                                  # documents are kept outside the repository)
    written_on: 2018-11-16                        # optional: the 成文日期 under the signature, which
                                                  # the reader keeps as metadata, not as a clause's date

Clause ids ``preamble`` and ``closing`` name the unnumbered text before/after the numbered body.
A document's tree is exact when its leaf ids are the gold ones, in order. Units, amounts and
dates are compared as multisets of those tuples (micro-averaged precision, recall, F1).

What counts (the gold follows these rules, written by reading each text):
- units: lists labelled 责任单位/牵头单位…, bracket lists of organs, brackets that say who is
  responsible ('（商务部、各地区按职责分工负责）'), '由<organ>负责/牵头/组织实施/统筹/承担/确定/管理…',
  and a particular organ as the subject of 负责 ('县商务局负责…'); a class of organs ('各级人民政府',
  '县级以上人民政府有关部门') or a generic department ('财政部门') is not a unit.
- amounts: every sum of money with a definite value, with its role as docs/documents-json.md
  defines them (a fine band '五千元以上二万元以下罚款' is floor + cap).
- dates: every day the text states (year, month and day; a year taken from the context when the
  text leaves it out: '7月17日'); a year or month alone ('到2022年', '2020年年底前') is no day.
  A mention found by the parser counts only when its text states a day.
  The date under the signature (成文日期) and a print line's date ('…2023年8月9日印发') are the
  document's metadata (written_on, issued_on), not a clause's date.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import yaml

from zhida.documents.model import ParsedDocument

FIELDS = ("units", "amounts", "dates")
_STATES_A_DAY = re.compile(r"[0-9０-９一二三四五六七八九十〇○]\s*日")
_RANGE = re.compile(r"^(?P<head>.*?)(?P<first>\d+)\.\.(?P<last>\d+)$")


@dataclass
class Gold:
    path: Path
    file: str
    level: str
    leaves: list[str]
    units: Counter
    amounts: Counter
    dates: Counter
    source: str = ""
    sha256: str = ""  # of the document file, when it is kept outside the repository (held-out set)
    written_on: str = ""  # the signature's date (metadata.written_on), when the gold states it


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Score) -> None:
        self.tp, self.fp, self.fn = self.tp + other.tp, self.fp + other.fp, self.fn + other.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class DocumentScore:
    name: str
    level: str
    tree_exact: bool
    gold_leaves: int
    found_leaves: int
    fields: dict[str, Score] = field(default_factory=dict)
    misses: dict[str, list] = field(default_factory=dict)  # field → [("missed"|"extra", item)]
    written_on: bool | None = None  # the signature's date read into metadata (None: the gold states none)


def expand(ids: list[str]) -> list[str]:
    """'art4..6' → art4, art5, art6; anything else as written."""
    out = []
    for item in ids:
        m = _RANGE.match(str(item))
        if m:
            out.extend(f"{m['head']}{n}" for n in range(int(m["first"]), int(m["last"]) + 1))
        else:
            out.append(str(item))
    return out


def load_gold(path: Path) -> Gold:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    where = path.name
    try:
        gold = Gold(
            path=path,
            file=data["file"],
            level=data["level"],
            leaves=expand(data.get("leaves") or []),
            units=Counter((str(c), str(u)) for c, u in data.get("units") or []),
            amounts=Counter((str(c), _decimal(v), str(r)) for c, v, r in data.get("amounts") or []),
            dates=Counter((str(c), str(d)) for c, d in data.get("dates") or []),
            source=str(data.get("source", "")),
            sha256=str(data.get("sha256") or ""),
            written_on=str(data.get("written_on") or ""),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"{where}: bad gold ({exc})") from exc
    raw_ids = [*(data.get("leaves") or []), *(row[0] for name in FIELDS for row in data.get(name) or [])]
    if any(isinstance(item, float) for item in raw_ids):
        raise ValueError(f"{where}: bad gold (clause ids must be quoted strings: '3.10' is not 3.1)")
    return gold


def _decimal(value) -> str:
    number = Decimal(str(value))
    return str(number.quantize(Decimal(1))) if number == number.to_integral_value() else str(number.normalize())


def found_items(doc: ParsedDocument) -> dict[str, Counter]:
    clauses = [c for c in [doc.preamble, *doc.walk(), doc.closing] if c is not None]
    units = Counter((c.id, unit) for c in clauses for group in c.responsible_units for unit in group.units)
    amounts = Counter((c.id, _decimal(a.value), a.role) for c in clauses for a in c.amounts if a.value is not None)
    dates = Counter()
    for clause in clauses:
        for mention in clause.dates:
            if not _STATES_A_DAY.search(mention.text):
                continue
            days = {d for d in (mention.on, mention.start_date, mention.end_date) if d is not None}
            dates.update((clause.id, day.isoformat()) for day in days)
    return {"units": units, "amounts": amounts, "dates": dates}


def leaves(doc: ParsedDocument) -> list[str]:
    return [c.id for c in doc.walk() if not c.children]


def score(doc: ParsedDocument, gold: Gold) -> DocumentScore:
    got = found_items(doc)
    result = DocumentScore(gold.file, gold.level, leaves(doc) == gold.leaves, len(gold.leaves), len(leaves(doc)))
    if gold.written_on:
        found = doc.metadata.written_on
        result.written_on = found is not None and found.isoformat() == gold.written_on
    for name in FIELDS:
        want: Counter = getattr(gold, name)
        have = got[name]
        both = want & have
        result.fields[name] = Score(sum(both.values()), sum((have - want).values()), sum((want - have).values()))
        result.misses[name] = ([("missed", item) for item in (want - have).elements()]
                               + [("extra", item) for item in (have - want).elements()])  # fmt: skip
    return result


def total(scores: list[DocumentScore]) -> dict[str, Score]:
    sums = {name: Score() for name in FIELDS}
    for one in scores:
        for name in FIELDS:
            sums[name].add(one.fields[name])
    return sums


def evaluate_folder(gold_dir: Path, docs: Path | None = None) -> tuple[list[DocumentScore], list[tuple[str, str]]]:
    """Score every gold file of ``gold_dir`` whose document is at hand (in ``docs``, else beside the
    gold). Returns the scores and the (file, reason) of documents not scored: missing, or not the
    file the gold was written for (its sha256 differs)."""
    from zhida.documents.pipeline import parse_file

    scores, unavailable = [], []
    for gold_path in sorted(Path(gold_dir).glob("*.yaml")):
        gold = load_gold(gold_path)
        path = Path(docs or gold_dir) / gold.file
        if not path.exists():
            unavailable.append((gold.file, "missing"))
            continue
        if gold.sha256 and hashlib.sha256(path.read_bytes()).hexdigest() != gold.sha256:
            unavailable.append((gold.file, "sha256 differs from the gold's"))
            continue
        scores.append(score(parse_file(path), gold))
    return scores, unavailable
