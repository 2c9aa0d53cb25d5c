"""OpenFisca-style cases: every case through the scalar evaluator and the SQL engine.

Measure cases live in ``policies/measures/<document-key>.cases.yaml``; concept cases under
``cases:`` in ``policies/concepts/*.yaml``. ``check_*`` return a list of mismatch messages
(empty = the case holds).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from zhida.errors import RuleError
from zhida.rules.loader import _date, _yaml
from zhida.rules.evaluate import Evaluator, evaluate, to_fen
from zhida.rules.expr import name_of
from zhida.rules.sql import BACKENDS

DEFAULT_AS_OF = date(2022, 8, 1)
EXPECT_KEYS = {"status", "amount", "upper", "least", "failing", "missing", "open_criteria", "period", "document_status",
               "amount_kind"}


@dataclass
class Case:
    file: str
    name: str
    measure: str
    as_of: date
    facts: dict
    expect: dict = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"{self.file}: {self.name}"


def load_cases(policies) -> list[Case]:
    cases = []
    directory = policies.root / "measures"
    for path in sorted(directory.glob("*.cases.yaml")) if directory.is_dir() else []:
        data = _yaml(path) or []
        if not isinstance(data, list):
            raise RuleError(path.name, "a cases file is a list of cases")
        for i, raw in enumerate(data):
            where = f"{path.name} case {i + 1} ({raw.get('name') if isinstance(raw, dict) else '?'})"
            if not isinstance(raw, dict) or not raw.get("measure") or not isinstance(raw.get("expect"), dict):
                raise RuleError(where, "each case is {name, measure, as_of, facts, expect}")
            unknown = set(raw["expect"]) - EXPECT_KEYS
            if unknown or "status" not in raw["expect"]:
                raise RuleError(f"{where} expect", f"needs status; unknown keys {sorted(unknown)}")
            as_of = _date(raw.get("as_of"), f"{where} as_of") or DEFAULT_AS_OF
            cases.append(Case(path.name, str(raw.get("name", i + 1)), str(raw["measure"]), as_of,
                              dict(raw.get("facts") or {}), raw["expect"]))
    return cases


def _money(value) -> Decimal | None:
    return None if value is None else to_fen(Decimal(str(value)))


def compare(case: Case, status, amount, failing=None, missing=None, open_ids=None, period=None, upper=None,
            least=None) -> list[str]:
    exp = case.expect
    errors = []
    if status != exp["status"]:
        errors.append(f"status {status!r}, expected {exp['status']!r}")
    if "amount" in exp and _money(amount) != _money(exp["amount"]):
        errors.append(f"amount {amount}, expected {exp['amount']}")
    if "upper" in exp and _money(upper) != _money(exp["upper"]):
        errors.append(f"upper {upper}, expected {exp['upper']}")
    if "least" in exp and _money(least) != _money(exp["least"]):
        errors.append(f"least {least}, expected {exp['least']}")
    if "failing" in exp and failing is not None and sorted(failing) != sorted(exp["failing"]):
        errors.append(f"failing {failing}, expected {exp['failing']}")
    if "missing" in exp and missing is not None and not set(exp["missing"]) <= set(missing):
        errors.append(f"missing {missing}, expected to include {exp['missing']}")
    if "open_criteria" in exp and open_ids is not None and sorted(open_ids) != sorted(exp["open_criteria"]):
        errors.append(f"open criteria {open_ids}, expected {exp['open_criteria']}")
    if "period" in exp and period is not None and period != exp["period"]:
        errors.append(f"period {period!r}, expected {exp['period']!r}")
    return errors


def check_scalar(case: Case, policies) -> list[str]:
    result = evaluate(policies.measure(case.measure), case.facts, case.as_of, policies)
    errors = compare(case, result.status, result.amount, result.failing, result.missing,
                     [o["id"] for o in result.open_criteria], result.period, result.amount_upper, result.amount_least)
    if "amount_kind" in case.expect and result.amount_kind != case.expect["amount_kind"]:
        errors.append(f"amount_kind {result.amount_kind!r}, expected {case.expect['amount_kind']!r}")
    if "document_status" in case.expect and result.document_status != case.expect["document_status"]:
        errors.append(f"document_status {result.document_status!r}, expected {case.expect['document_status']!r}")
    return errors


def run_sql(cases: list[Case], policies, engine: str = "duckdb", url: str | None = None) -> dict[int, object]:
    """Case index → RowResult: one query per document, over that document's cases and measures.

    Each row carries its own as_of (no re-planning per date); concepts are computed once per
    row (CTE columns); grouping by document keeps rows × measures small (a case needs one
    measure, not all of them). Judgements ``open.<id>`` go to columns open__<id>."""
    from zhida.rules.engine import run_duckdb, run_postgres

    groups: dict[str, list[int]] = defaultdict(list)
    for i, c in enumerate(cases):
        groups[policies.measure(c.measure).document].append(i)
    out: dict[int, object] = {}
    for document, idx in groups.items():
        ids = list(dict.fromkeys(policies.measure(cases[i].measure).id for i in idx))
        measures = [policies.measures[m] for m in ids]
        rows = [{**cases[i].facts, "enterprise_id": str(i), "as_of": cases[i].as_of} for i in idx]
        results = run_duckdb(measures, rows, None, policies) if engine == "duckdb" \
            else run_postgres(measures, rows, None, policies, url)
        out.update({i: results[str(i)][policies.measure(cases[i].measure).id] for i in idx})
    return out


def check_sql(cases: list[Case], policies, engine: str = "duckdb", url: str | None = None) -> dict[int, list[str]]:
    rows = run_sql(cases, policies, engine, url)
    return {i: compare(case, rows[i].status, rows[i].amount, rows[i].failing, open_ids=rows[i].open,
                       upper=rows[i].upper, least=rows[i].least)
            for i, case in enumerate(cases)}


# --- concepts ---------------------------------------------------------------------------

def concept_value_scalar(policies, concept: str, facts: dict, as_of: date):
    ev = Evaluator(facts, as_of, policies)
    return ev.lookup(concept)


def concept_values_sql(policies, items: list[tuple[str, dict, date]], dialect: str = "duckdb", con=None):
    """Evaluate (concept, facts, as_of) triples in DuckDB, one query per (concept, as_of)."""
    import duckdb

    from zhida.rules.engine import load_duckdb

    con = con or duckdb.connect()
    backend = BACKENDS[dialect](policies)
    load_duckdb(con, [{**f, "enterprise_id": str(i)} for i, (_, f, _) in enumerate(items)], policies)
    groups: dict[tuple[str, date], list[int]] = defaultdict(list)
    for i, (concept, _, as_of) in enumerate(items):
        groups[(concept, as_of)].append(i)
    out: dict[int, object] = {}
    for (concept, as_of), idx in groups.items():
        sql = backend.compile_concepts([concept], "zhida_facts", as_of)
        wanted = {str(i) for i in idx}
        for key, value in con.execute(sql).fetchall():
            if key in wanted:
                out[int(key)] = value
    return [out[i] for i in range(len(items))]


__all__ = ["Case", "load_cases", "check_scalar", "check_sql", "run_sql", "compare", "name_of", "Path"]
