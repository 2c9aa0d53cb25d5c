"""Task drafts: the five seeds against the hand-checked list (floors well below the measured
figures in benchmarks/RESULTS.md, section supervision_drafts), and a document zhida has never seen."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from zhida import config
from zhida.documents.pipeline import parse_file, parse_text
from zhida.supervision.draft import draft_document
from zhida.supervision.measure import draft_seeds, load_expected, score
from zhida.supervision.source import from_parsed

EXPECTED = Path(__file__).parent / "tasks_expected.yaml"


def test_seed_drafts_match_the_hand_checked_list():
    result = score(load_expected(EXPECTED), draft_seeds(config.sources_dir()))
    assert result.clauses == 40
    assert result.tasks.recall >= 0.9
    assert result.units.precision >= 0.9 and result.units.recall >= 0.9
    assert result.deadlines.precision >= 0.8 and result.deadlines.recall >= 0.8
    assert result.targets.precision >= 0.8 and result.targets.recall >= 0.8


def test_hold_out_document_drafts_match_its_hand_checked_list():
    result = score(load_expected(Path(__file__).parent / "tasks_holdout.yaml"), draft_seeds(config.sources_dir()))
    assert result.tasks.tp + result.tasks.fn == 63
    assert result.tasks.recall >= 0.9 and result.units.precision >= 0.9 and result.units.recall >= 0.9
    assert result.deadline_right >= 0.9 * result.paired
    assert result.targets.recall >= 0.5


def test_second_hand_checked_document_guangzhou():
    """广州 633 人才工程 (tests/supervision/documents, header of tasks_guangzhou.yaml): another city, another
    list style; the targets of benchmarks/RESULTS.md (supervision_drafts) as floors."""
    path = Path(__file__).parent / "documents" / "gz_talent_2012.txt"
    drafted = {path.stem: draft_document(from_parsed(path.stem, parse_file(path)))}
    result = score(load_expected(Path(__file__).parent / "tasks_guangzhou.yaml"), drafted)
    assert result.tasks.tp + result.tasks.fn == 44 and result.tasks.recall == 1.0 and result.tasks.precision == 1.0
    assert result.units.precision >= 0.95 and result.units.recall >= 0.95
    assert result.deadlines.precision >= 0.9 and result.deadlines.recall >= 0.9
    assert result.deadline_right >= 0.9 * result.paired
    assert result.targets.precision >= 0.9 and result.targets.recall >= 0.9


def test_every_draft_quotes_the_original_at_its_offsets():
    for key, tasks in draft_seeds(config.sources_dir()).items():
        original = (config.sources_dir() / f"{key}.txt").read_text(encoding="utf-8")
        assert tasks, key
        for task in tasks:
            assert original[task.start:task.end] == task.quote
            assert task.lead


UNSEEN = """关于推进示范园区建设的工作方案

为加快示范园区建设，制定本方案。

一、目标任务
（一）推动园区提质。到2025年6月底前，新增认定50家以上示范企业，园区亩均税收不低于全区平均水平。（牵头单位：区经济发展局；配合单位：区财政局、区统计局）
（二）完善服务机制。区政务服务局要会同区人力资源局每季度召开一次企业座谈会，年内完成全部入园企业走访。
（三）强化资金保障。对新认定的示范企业给予一次性奖励50万元。（责任单位：区财政局、区经济发展局）

二、其他
本方案自印发之日起施行，有效期至2026年12月31日。
"""


def test_a_document_never_seen():
    doc = parse_text(UNSEEN, name="unseen.txt")
    tasks = draft_document(from_parsed("unseen", doc))
    by_clause = {t.clause_id: t for t in tasks}
    first = by_clause["1.1"]
    assert (first.lead, first.support, first.lead_inferred) == (["区经济发展局"], ["区财政局", "区统计局"], False)
    assert first.deadline == date(2025, 6, 30) and first.deadline_basis == "text"
    assert [(t.value, t.unit, t.comparator) for t in first.targets if t.value is not None] == [(Decimal(50), "家", "≥")]
    assert any(t.kind == "yardstick" and "平均水平" in t.unit for t in first.targets)
    second = by_clause["1.2"]
    assert (second.lead, second.support, second.lead_inferred) == (["区政务服务局"], ["区人力资源局"], False)
    assert [(t.value, t.unit) for t in second.targets] == [(Decimal(1), "次/季度")]
    third = by_clause["1.3"]
    assert (third.lead, third.lead_inferred) == (["区财政局"], True)  # first listed, marked inferred
    assert third.targets == []  # a reward is a benefit, not a target
    assert third.deadline == date(2026, 12, 31) and third.deadline_basis == "validity"
