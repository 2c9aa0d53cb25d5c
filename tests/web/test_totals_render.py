"""The checkup PDF and page show an amount's split by payer (市级 / 区级) and the kind it is
counted as — from the match JSON, through the real templates (issue 9 §4)."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from zhida.matching.match import load_default_policies, match_enterprise
from zhida.matching.report import report_json
from zhida.rules.totals import totals_rows
from zhida.web.app import HERE
from zhida.matching.checkup import _groups
from zhida.web.templating import make_templates

FACTS = {"entity_type": "enterprise", "region_code": "110105", "premises_region_code": "110105",
         "premises_operator_type": "tech_incubator", "premises_state_owned": False,
         "rent_relief.amount": "33333.33", "open.confirmed": True}


def _checkup():
    policies = load_default_policies()
    results = match_enterprise(FACTS, date(2022, 8, 1), [policies.measure("cy2022.incubator-rent-relief-subsidy")],
                               policies=policies)
    report = report_json(results, date(2022, 8, 1), policies)
    groups = _groups(report["results"])
    return report, SimpleNamespace(groups=groups, totals_rows=totals_rows(report["summary"]["totals"]),
                                   counts={g: len(rows) for g, rows in groups.items()})


def test_pdf_html_shows_payers_and_the_split():
    report, c = _checkup()
    [r] = report["results"]
    assert r["status"] == "eligible" and r["amount"]["value"] == "16666.67"
    e = SimpleNamespace(name="孵化器", uscc="x", region_name="朝阳区", industry_code="", industry_name="",
                        size_label="")
    html = make_templates(HERE / "templates").env.get_template("reports/checkup_pdf.html").render(
        c=c, e=e, report=report, generated="")
    assert "精确金额 16,666.67 元；其中 市级 6,666.67 元，区级 1.00 万元" in html
    # the subsidy is judged (经确认) and exact: 确定可得 — but 002 is a draft, so it is listed apart
    assert "征求意见稿（不计入合计）" in html or "确定可得" in html


def test_page_rows_say_which_kind_each_amount_is():
    report, c = _checkup()
    [view] = c.groups["eligible"]
    assert view["counted_zh"] in ("确定可得", "征求意见稿（不计入合计）")
    assert [(p["payer"], p["amount"]) for p in view["amount"]["payers"]] == [("市级", "6666.67"), ("区级", "10000.00")]
