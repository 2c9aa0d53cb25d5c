"""Shared benefit ids: listed in docs/measures.md, consistent kinds, `zhida measures benefits`."""

import json
import re
import textwrap

from typer.testing import CliRunner

from zhida import config
from zhida.cli import _register, app
from zhida.rules import load_policies
from zhida.rules.benefits import benefit_conflicts, benefit_groups

POLICIES = load_policies()


def test_seed_benefits_shared_across_documents_have_one_kind():
    assert benefit_conflicts(POLICIES) == []
    shared = [g for g in benefit_groups(POLICIES) if len(g["documents"]) > 1]
    assert {"cn.vat-credit-refund", "cn.social-insurance-deferral", "bj.xinzhizao-100-support"} <= \
        {g["benefit"] for g in shared}


def test_docs_list_every_shared_benefit_id():
    doc = (config.PROJECT_ROOT / "docs" / "measures.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"`((?:cn|bj|xz|cy)\.[a-z0-9-]+)`", doc))
    assert [g["benefit"] for g in benefit_groups(POLICIES) if g["benefit"] not in listed] == []


MEASURE = """
  - id: {id}
    title: 测试
    benefit: cn.test-benefit
    kind: {kind}
    beneficiary: enterprise
    jurisdiction: ["140900"]
    period: {{}}
    application: unknown
    review: {{status: draft, by: test, date: 2024-06-01}}
    sources:
      - {{document: "003", clause: "4.46", quote: 市财政可按购买价格10%给予补贴}}
"""


def test_inconsistent_kind_of_a_shared_benefit_is_reported(tmp_path):
    (tmp_path / "measures").mkdir()
    for doc, mid, kind in (("003_4b22abcac525f172", "t3.a", "cash_subsidy"), ("004_31b0d1502afd2179", "t4.a", "reward")):
        body = f"document: {doc}\nmeasures:\n" + textwrap.dedent(MEASURE.format(id=mid, kind=kind))
        (tmp_path / "measures" / f"{doc}.yaml").write_text(body, encoding="utf-8")
    policies = load_policies(tmp_path)
    assert policies.errors == []
    assert benefit_conflicts(policies) == [
        "benefit cn.test-benefit: kinds differ — t3.a (003) cash_subsidy, t4.a (004) reward"]
    _register()
    result = CliRunner().invoke(app, ["measures", "benefits", "--json", "--policies", str(tmp_path)])
    assert result.exit_code == 2
    data = json.loads(result.stdout)
    assert [m["id"] for m in data["benefits"][0]["measures"]] == ["t3.a", "t4.a"]
    assert len(data["conflicts"]) == 1
