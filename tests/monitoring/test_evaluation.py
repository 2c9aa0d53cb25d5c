"""亩均 grading on a generated population, reproduced by an independent calculation (Fractions,
rank = 1 + number of strictly better scores); grades stored as facts with their year."""

from __future__ import annotations

import math
import random
from collections import Counter
from decimal import Decimal
from fractions import Fraction

import yaml

from zhida import config
from zhida.monitoring import evaluation

from .conftest import uscc


def population(n: int = 600, seed: int = 11) -> list[dict]:
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        row = {"uscc": uscc(i), "region_code": rng.choice(["110105", "110108", "110112"]),
               "industry_code": rng.choice(["C3511", "C3512", "C3911", "C2611"])}
        for key in evaluation.AMOUNTS:
            row[key] = Decimal(rng.randint(1, 50000)) / 100
        if rng.random() < 0.05:
            row[rng.choice(evaluation.AMOUNTS)] = None  # a missing input: no score, no grade
        if rng.random() < 0.03:
            row["land_mu"] = Decimal(0)  # a zero denominator: that indicator is missing
        if i % 50 == 0 and i:
            rows.append({**rows[-1], "uscc": uscc(i)})  # an exact tie with the previous enterprise
            continue
        rows.append(row)
    return rows


def half_up(q: Fraction, places: int) -> Fraction:
    scaled = q * 10 ** places
    return Fraction(math.floor(scaled + Fraction(1, 2)), 10 ** places)


def independent(rows: list[dict]) -> dict[str, tuple]:
    """From the YAML alone: uscc → (score, grade)."""
    spec = yaml.safe_load((config.policies_subdir("monitoring") / "mu_evaluation.yaml").read_text(encoding="utf-8"))
    cap = Fraction(str(spec["cap"]))
    values = {}
    for r in rows:
        v = {}
        for ind in spec["indicators"]:
            num, den = r[ind["numerator"]], r[ind["denominator"]]
            v[ind["id"]] = None if num is None or den is None or den == 0 else half_up(Fraction(num) / Fraction(den), 6)
        values[r["uscc"]] = v
    groups = {}
    for r in rows:
        if None not in values[r["uscc"]].values():
            key = (r["region_code"], r["industry_code"][: spec["industry_digits"]])
            groups.setdefault(key, []).append(r["uscc"])
    out = {r["uscc"]: (None, None) for r in rows}
    for members in groups.values():
        bench = {ind["id"]: half_up(sum(values[u][ind["id"]] for u in members) / len(members), 6)
                 for ind in spec["indicators"]}
        scores = {}
        for u in members:
            total = Fraction(0)
            for ind in spec["indicators"]:
                rel = Fraction(1) if bench[ind["id"]] == 0 else min(values[u][ind["id"]] / bench[ind["id"]], cap)
                total += half_up(Fraction(str(ind["weight"])) * rel, 6)
            scores[u] = half_up(total, 2)
        for u in members:
            rank = 1 + sum(1 for w in members if scores[w] > scores[u])
            g = next(g["grade"] for g in spec["grades"] if rank <= math.ceil(len(members) * Fraction(str(g["share"]))))
            out[u] = (scores[u], g)
    return out


def test_grading_is_reproduced_independently():
    rows = population()
    scored = evaluation.grade(evaluation.load_method(), rows)
    expected = independent(rows)
    got = {s.uscc: (None if s.score is None else Fraction(s.score), s.grade) for s in scored}
    assert got == expected
    grades = Counter(g for _, g in got.values())
    assert set(grades) == {"A", "B", "C", "D", None}  # every grade and the undetermined occur
    assert grades[None] >= 20


def test_missing_input_is_undetermined_never_zero():
    rows = population(40)
    rows[0]["tax"] = None
    scored = {s.uscc: s for s in evaluation.grade(evaluation.load_method(), rows)}
    first = scored[rows[0]["uscc"]]
    assert first.score is None and first.grade is None and first.values["tax_per_mu"] is None


def test_grades_are_stored_per_year_and_rerun_changes_nothing(store):
    rows = population(80)
    method = evaluation.load_method()
    scored = evaluation.grade(method, rows)
    with store.sessions.begin() as s:
        first = evaluation.store(s, 2025, method, scored, actor="t")
    assert first["added"] == 80
    with store.sessions.begin() as s:
        assert evaluation.store(s, 2025, method, scored, actor="t") == {"added": 0, "changed": 0, "unchanged": 80, "profiles": 0}
    graded = next(x for x in scored if x.grade)
    with store.sessions() as s:
        assert evaluation.grade_of(s, graded.uscc, 2025) == graded.grade
        assert evaluation.grade_of(s, graded.uscc, 2024) is None


def test_the_grade_is_a_yearly_fact_a_criterion_reads(store):
    """A stored grading writes mu_grade into the enterprise's profile for its year; the criterion
    machinery of financial products (and of land allocation) reads it as a catalogue fact."""
    from datetime import UTC, date, datetime

    from zhida.enterprises.facts import profile_to_facts
    from zhida.enterprises.profile import EnterpriseProfile
    from zhida.enterprises.tables import Enterprise
    from zhida.projects import criteria

    rows = population(600)
    method = evaluation.load_method()
    scored = {s.uscc: s for s in evaluation.grade(method, rows)}
    best = next(u for u, s in scored.items() if s.grade == "A")
    worst = next(u for u, s in scored.items() if s.grade == "D")
    ungraded = next(u for u, s in scored.items() if s.grade is None)
    now = datetime(2026, 3, 1, tzinfo=UTC)
    with store.sessions.begin() as s:
        for u in (best, worst, ungraded):
            s.add(Enterprise(uscc=u, name="测试企业", region_code="110105", industry_code="C3511", entity_type="enterprise",
                             schema_version="1", profile_json={"uscc": u, "name": "测试企业", "region_code": "110105",
                                                               "industry_code": "C3511", "entity_type": "enterprise"},
                             created_at=now))
    with store.sessions.begin() as s:
        counts = evaluation.store(s, 2025, method, [scored[u] for u in (best, worst, ungraded)], actor="t")
    assert counts["profiles"] == 2  # the ungraded one gets no grade, not a D
    conditions = criteria.check([{"id": "mu", "label": "上年度亩均评价为A类或B类", "expr": "mu_grade IN ('A', 'B')"}],
                                criteria.enterprise_policies())
    verdicts = {}
    with store.sessions() as s:
        for u in (best, worst, ungraded):
            profile = EnterpriseProfile.model_validate(s.scalar(select_profile(u)))
            facts = profile_to_facts(profile, date(2026, 6, 1))
            assert facts["mu_grade"] == scored[u].grade
            verdicts[u] = criteria.explain(conditions, facts, criteria.enterprise_policies(), date(2026, 6, 1)).value
            assert profile_to_facts(profile, date(2025, 6, 1))["mu_grade"] is None  # 2024 not graded
    assert verdicts == {best: True, worst: False, ungraded: None}
    with store.sessions.begin() as s:  # the same grading again changes no profile
        assert evaluation.store(s, 2025, method, [scored[u] for u in (best, worst, ungraded)], actor="t")["profiles"] == 0


def select_profile(uscc: str):
    from sqlalchemy import select

    from zhida.enterprises.tables import Enterprise

    return select(Enterprise.profile_json).where(Enterprise.uscc == uscc)
