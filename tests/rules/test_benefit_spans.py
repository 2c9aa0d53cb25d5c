"""Coverage counts benefits, not clauses (issue 9 §3): rules/benefit_spans.py."""

from __future__ import annotations

from typer.testing import CliRunner

from zhida.rules.benefit_spans import benefit_spans, clause_spans, sentences, span_counts

ZJTX = "004_31b0d1502afd2179"


def test_a_clause_with_several_benefits_and_one_measure_is_not_encoded(policies):
    # 004 3.7 gives 专精特新贷, 专精特新保, 专精特新险, 融资租赁补贴 … in separate sentences; one measure
    # quoting the first sentence leaves the others open
    quote = policies.measure("zjtx2021.credit-green-channel").sources[0].quote
    spans = clause_spans(policies, ZJTX, "3.7", {"zjtx2021.credit-green-channel": [quote]}, None)
    statuses = [s.status for s in spans]
    assert statuses.count("encoded") == 1 and statuses.count("open") >= 4, statuses
    # with the clause's measures and span reasons as they are, nothing is left open
    mine = [s for s in benefit_spans(policies) if s.document == ZJTX and s.clause == "3.7"]
    assert {s.status for s in mine} <= {"encoded", "not_encoded"}
    srdi_bao = next(s for s in mine if "專精特新保" in s.text)
    assert srdi_bao.measures == ["zjtx2021.srdi-guarantee"]


def test_every_benefit_sentence_is_encoded_or_explained(policies):
    spans = benefit_spans(policies)
    counts = span_counts(spans)
    assert counts["spans"] > 100
    assert counts["open"] == 0, [(s.document[:3], s.clause, s.text[:40]) for s in spans if s.status == "open"]


def test_the_issue_listed_benefits_have_measures(policies):
    spans = benefit_spans(policies)

    def measures_of(doc, clause, words):
        hit = [s for s in spans if s.document.startswith(doc) and s.clause == clause and words in s.text]
        assert hit, (doc, clause, words)
        return hit[0].measures

    assert "cy2022.bse-reserve-steward-service" in measures_of("002", "3.2.25", "管家式")
    assert "cy2022.guarantee-letter-for-deposit" in measures_of("002", "1.6.16", "保函")
    assert "zjtx2021.listing-compliance-certificates" in measures_of("004", "4.9", "合法合規")
    assert "zjtx2021.overseas-ip-protection-consulting" in measures_of("004", "5.12", "海外維權")


def test_headings_and_units_are_not_benefits():
    assert sentences("8．落实小规模纳税人阶段性免征增值税政策。自2022年4月1日起免征。（责任单位：市税务局）") == \
        ["8．落实小规模纳税人阶段性免征增值税政策。", "自2022年4月1日起免征。"]


def test_zhida_coverage_lists_benefit_sentences(policies):
    from zhida.cli import _register, app

    _register()
    result = CliRunner().invoke(app, ["coverage"])
    assert result.exit_code == 0, result.output
    assert "benefit sentences:" in result.output
    assert "coverage counts benefits, not clauses" in result.output
