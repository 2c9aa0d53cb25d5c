"""Review decisions recorded in measure files (issue 9 §3: same programme, one benefit)."""

from __future__ import annotations

from zhida import config
from zhida.rules.yamlio import load_yaml


def _notes():
    for path in sorted((config.PROJECT_ROOT / "policies/measures").glob("*.yaml")):
        if path.name.endswith(".cases.yaml"):
            continue
        data = load_yaml(path)
        for note in (data or {}).get("review_notes") or []:
            yield path.name, note


def test_review_notes_hold(policies):
    notes = list(_notes())
    assert {n["topic"] for _, n in notes} >= {"第4条 智慧化、數字化和綠色化技術改造項目獎勵 vs 新智造100",
                                              "上市挂牌后备企业资源库", "老旧厂房改造"}
    for where, note in notes:
        assert note["decision"] in ("same_benefit", "separate") and note["reason"], where
        benefits = {policies.measure(mid).benefit for mid in note["measures"]}
        if note["decision"] == "same_benefit":
            assert benefits == {note["benefit"]}, (where, note["topic"], benefits)
        else:
            assert len(benefits) == len(note["measures"]), (where, note["topic"])


def test_one_programme_is_one_benefit(policies):
    m = policies.measure
    assert m("bj2022mfg.srdi-listing-reserve").benefit == m("zjtx2021.listing-reserve-library").benefit
    assert m("bj2022mfg.vacated-space-renovation-support").benefit == m("zjtx2021.old-factory-renovation-support").benefit
    assert m("zjtx2021.tech-renovation-reward").benefit == m("bj2022mfg.smart-green-project-support").benefit
