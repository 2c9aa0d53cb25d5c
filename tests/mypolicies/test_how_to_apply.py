"""How to apply, read conservatively from clause text: each value with the sentence it comes
from; nothing where the text says nothing (未明确). Checked on the seeds and on unseen fixtures."""

from datetime import date
from pathlib import Path

from zhida.documents.pipeline import parse_file
from zhida.mypolicies.how_to_apply import FIELDS, Found, extract, for_measure, window_end

UNSEEN = Path(__file__).resolve().parents[1] / "documents" / "fixtures" / "unseen"


def _leaves(name: str) -> list[tuple[str, str]]:
    return [(c.id, c.text) for c in parse_file(UNSEEN / name).walk() if c.is_leaf]


def test_unseen_notice_gives_method_window_materials_and_phone_each_with_its_sentence():
    found = extract(_leaves("notice_attachments.txt"), "notice")
    assert found["phone"].value == "0571-12345678"
    assert found["phone"].clause == "4" and "联系电话：0571-12345678" in found["phone"].quote
    assert found["method"].value == "登录“江州市惠企政策服务平台”在线填报"
    assert found["materials"].value == "上传相关证明材料"
    assert found["window"].value == "2023年4月1日至4月30日" and found["window"].clause == "2"
    assert found["office"] is None  # the notice names no accepting office for the enterprise: 未明确
    for f in found.values():
        if f is not None:
            assert f.value.replace("“", "").replace("”", "") in f.quote.replace("“", "").replace("”", "")


def test_unseen_regulation_gives_the_office_applied_to_and_not_the_penalty_sentence():
    found = extract(_leaves("banfa_chapters.txt"), "banfa")
    assert found["office"].value == "所在区县工业和信息化主管部门"
    assert found["office"].quote.startswith("（一）企业按照属地原则向所在区县")
    assert found["materials"] is None  # "伪造材料" is a penalty, not a list of materials
    assert found["phone"] is None


def test_unseen_docx_lists_the_materials_it_asks_for():
    found = extract([(c.id, c.text) for c in parse_file(UNSEEN / "docx_numbering.docx").walk()], "docx")
    assert found["materials"].value.startswith("提交下列材料：１．奖励申请表；")
    assert "产品销售合同、发票及用户使用证明" in found["materials"].value


def test_window_end_full_date_and_yearly_window():
    full = Found("2023年4月1日至4月30日", "申报时间为2023年4月1日至4月30日")
    assert window_end(full, date(2023, 1, 1)) == date(2023, 4, 30)
    yearly = extract(_leaves("arabic_levels.txt"))["window"]
    assert yearly.value == "每年4月1日至4月30日"
    assert window_end(yearly, date(2023, 3, 1)) == date(2023, 4, 30)
    assert window_end(yearly, date(2023, 6, 1)) == date(2024, 4, 30)  # this year's window has closed
    assert window_end(Found("另行通知", "申报时间另行通知"), date(2023, 1, 1)) is None


def test_traditional_script_quote_stays_original_value_is_simplified(policies):
    found = for_measure(policies.measure("zjtx2021.urgent-device-fast-review"), policies)
    assert found["office"].value == "国家药监局"
    assert "向國家藥監局申請" in found["office"].quote


def test_seeds_method_from_the_measure_data_and_nothing_borrowed_from_other_measures(policies):
    deferral = for_measure(policies.measure("cy2022.social-insurance-deferral-sme"), policies)
    assert deferral["method"] == Found("需申报", "按照市级确定的困难企业申请条件和享受范围执行", "002_2f4420f430754317")
    # "支持企业向市级部门申请" belongs to the licence measure of the same document, not to this one
    assert deferral["office"] is None
    licence = for_measure(policies.measure("cy2022.licence-auto-extension"), policies)
    assert licence["office"].value == "市级部门" and licence["office"].scope == "measure"
    online = for_measure(policies.measure("bj2022mfg.key-material-transport-pass"), policies)
    assert online["method"].value == "网上办理" and "推进网上办理" in online["method"].quote


def test_seed_values_are_all_in_their_quotes_and_quotes_in_their_documents(policies):
    from zhida.rules.sources import squash

    seen = 0
    for m in policies.measures.values():
        for name, f in for_measure(m, policies).items():
            assert name in FIELDS
            if f is None or f.value in ("需申报", "免申即享"):
                continue
            seen += 1
            assert squash(f.quote) in squash(policies.library.get(f.document).original)
    assert seen >= 5


def test_unseen_traditional_rules_labelled_fields_and_a_roc_dated_window():
    clauses = [(c.id, c.text) for c in parse_file(UNSEEN / "traditional_tw.txt").walk()]  # parents' own text too
    found = extract(clauses, "tw")
    assert found["method"].value == "申请者应备齐下列文件，以挂号邮寄或线上申请方式提出"
    assert found["method"].quote.startswith("（二）申請方式：")  # the original script
    # "下列文件" names nothing itself: the items that follow are the materials, in the original beside them
    assert found["materials"].value == ("备齐下列文件：１、申请书及计划书。２、公司登记或商业登记证明文件影本。"
                                        "３、最近一期营业人销售额与税额申报书影本。")
    assert found["materials"].clause == "5.2" and found["materials"].quote.endswith("稅額申報書影本。")
    assert found["window"].value == "自中华民国112年3月1日起至112年5月31日止"
    assert window_end(found["window"], date(2023, 2, 1)) == date(2023, 5, 31)
    assert found["office"] is None  # 向本局申請: which 局 is left to the reader, not guessed
    assert found["phone"] is None


def test_a_measure_of_an_unseen_notice_takes_the_notice_s_general_clauses(tmp_path):
    """The measure's own clause (支持标准 of 附件1) says nothing on applying; the notice's 申报时间,
    申报方式 and 联系电话 clauses apply to it (scope document); another measure's clause never does."""
    import shutil
    from types import SimpleNamespace

    from zhida.rules.model import Period, Source
    from zhida.rules.sources import SourceLibrary

    shutil.copy(UNSEEN / "notice_attachments.txt", tmp_path / "notice.txt")
    policies = SimpleNamespace(library=SourceLibrary(tmp_path))
    measure = SimpleNamespace(id="jz2023.benchmark", document="notice", application="unknown",
                              application_quote=None, period=Period(),
                              sources=[Source("notice", "att1.3", "对评定为数字化转型标杆项目的")])
    found = for_measure(measure, policies)
    assert found["window"].value == "2023年4月1日至4月30日" and found["window"].scope == "document"
    assert found["method"].value == "登录“江州市惠企政策服务平台”在线填报" and found["method"].clause == "3.1"
    assert found["phone"].value == "0571-12345678" and found["phone"].clause == "4"
    assert found["materials"].value == "上传相关证明材料"
    assert found["office"] is None
    assert window_end(found["window"], date(2023, 3, 1)) == date(2023, 4, 30)
