"""Facts in a clause's text: responsible units, money, percentages, dates,
beneficiaries, references (and, as a bonus, head/firm counts).

Entry point: ``extract_clause(text, context_year=None)``. ``text`` is the clause's
simplified-script text; every offset in the result is relative to it (the pipeline
maps them to ``ParsedDocument.original``). Each concept lives in its own module and
is regex-driven with the role read from the surrounding words — see each module's
docstring for its rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from zhida.documents.extract.beneficiaries import extract_beneficiaries
from zhida.documents.extract.dates import extract_dates
from zhida.documents.extract.money import extract_amounts
from zhida.documents.extract.percent import extract_percentages
from zhida.documents.extract.quantities import Quantity, extract_quantities
from zhida.documents.extract.references import extract_references
from zhida.documents.extract.units import extract_units
from zhida.documents.model import Amount, Beneficiary, DateMention, Percentage, Reference, ResponsibleUnits

__all__ = ["ClauseExtraction", "Quantity", "extract_clause"]


@dataclass
class ClauseExtraction:
    responsible_units: list[ResponsibleUnits] = field(default_factory=list)
    amounts: list[Amount] = field(default_factory=list)
    percentages: list[Percentage] = field(default_factory=list)
    dates: list[DateMention] = field(default_factory=list)
    beneficiaries: list[Beneficiary] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)  # counts: 人/家/户/台 …, never money


def extract_clause(text: str, context_year: int | None = None, label_end: int = 0) -> ClauseExtraction:
    """All facts of one clause; offsets relative to ``text``.

    Numbers inside a 文号 or a 《title》 (〔2022〕, 《…2022年工作要点》) are citations,
    not facts of this clause, so money/percent/date/count hits inside references are
    dropped. ``text[:label_end]`` is the clause's own label: numbers are not read
    from it ('7.3万元以下…' is item 7 and 3万元).
    """
    references = extract_references(text)
    numbers = " " * label_end + text[label_end:]  # same length, so offsets hold
    cited = [(reference.start, reference.end) for reference in references]

    def outside(items):
        return [item for item in items if not any(a <= item.start and item.end <= b for a, b in cited)]

    return ClauseExtraction(
        responsible_units=extract_units(text),
        amounts=outside(extract_amounts(numbers)),
        percentages=outside(extract_percentages(numbers)),
        dates=outside(extract_dates(numbers, context_year)),
        beneficiaries=extract_beneficiaries(text),
        references=references,
        quantities=outside(extract_quantities(numbers)),
    )
