"""政策计算器 — page and API of one concern (``zhida.calculator`` does the work). Public.

Stateless: the page is a GET form whose fields are the answers so far (``a.<fact>``, hidden),
the facts skipped (``skip``) and the one question asked (``skip_now=<fact>`` for 不清楚); the API
takes the same in a JSON body.
Nothing is stored and no cookie is set. An enterprise user may start from the stored profile
of its own enterprise (``profile=1``): its facts are the base the answers override.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from zhida.calculator import Step, step
from zhida.calculator.questions import PLEASE_CHOOSE, Question, answer_text, question
from zhida.matching.amount_display import amount_display_of
from zhida.matching.match import load_default_policies, result_bucket
from zhida.matching.report import summary_json
from zhida.rules.present import PERIOD_ZH
from zhida.rules.totals import BUCKETS, LABEL_ZH, totals_rows
from zhida.rules.vocabulary import MATCH_STATUS_ZH as STATUS_ZH
from zhida.web.as_of import as_of_param, checked
from zhida.web.deps import Principal, require
from zhida.web.errors import PUBLIC_READ_ERRORS, Invalid
from zhida.web.pages.common import render

runner = require("calculator", "run")
pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["政策计算器"])
ANSWER = "a."  # query/form field prefix of an answer: a.revenue@2021=3000000
MAX_ANSWERS = 300


def _base_facts(request: Request, principal: Principal | None, as_of: date) -> tuple[dict | None, str | None]:
    """The enterprise user's stored profile as facts (and its name); (None, None) otherwise."""
    if principal is None or principal.role != "enterprise" or not principal.uscc:
        return None, None
    from zhida.enterprises.facts import profile_to_facts
    from zhida.web import enterprise_data

    stored = enterprise_data.get(request.app.state.store, principal.uscc)
    if stored is None:
        raise Invalid("本企业尚未建档，无法从企业画像开始；可直接回答问题", field="profile")
    policies = load_default_policies()
    return profile_to_facts(stored.profile, as_of, period_names=policies.catalogue.period_names()), stored.name


def _run(request: Request, principal: Principal | None, answers: dict[str, Any], skipped: list[str],
         as_of: date, from_profile: bool, ask: str | None) -> tuple[Step, str | None]:
    if len(answers) + len(skipped) > MAX_ANSWERS:
        raise Invalid(f"回答过多（最多 {MAX_ANSWERS} 项）")
    base, name = _base_facts(request, principal, as_of) if from_profile else (None, None)
    return step(answers, skipped, as_of, load_default_policies(), base=base, ask=ask), name


def result_items(s: Step) -> list[dict[str, Any]]:
    """The measures that apply, money first (确定可得, 最高可达, 减免…), then the rest."""
    out = []
    policies = load_default_policies()
    rank = {name: i for i, name in enumerate(BUCKETS)}
    for r in sorted(s.eligible, key=lambda r: rank.get(result_bucket(r) or "", len(rank))):
        bucket = result_bucket(r)
        out.append({"measure_id": r.measure_id, "title": r.title, "document": r.document,
                    "amount": amount_display_of(r, policies).text, "counted_as": bucket, "counted_as_label": LABEL_ZH.get(bucket or "", "不计入合计"),
                    "period": r.period, "draft": r.draft,
                    "reading": f"/policies/{r.document}/interpretation#m-{r.measure_id}"})
    return out


def _question_json(q: Question | None) -> dict | None:
    if q is None:
        return None
    return {"fact": q.fact, "label": q.label, "kind": q.kind, "unit": q.unit, "help": q.help,
            "choices": [{"value": v, "label": t} for v, t in q.choices], "deciding": q.deciding,
            "placeholder": PLEASE_CHOOSE if q.kind in ("boolean", "choice") else None}


# --- page ----------------------------------------------------------------------------------

@pages.get("/calculator")
async def calculator_page(request: Request, as_of: date | None = Depends(as_of_param),
                          profile: bool = Query(False), ask: str | None = Query(None, max_length=200),
                          principal: Principal | None = Depends(runner)):
    answers, skipped = _from_query(request)
    day = as_of or request.app.state.as_of
    s, name = await run_in_threadpool(_run, request, principal, answers, skipped, day, profile, ask)
    context = {
        "s": s, "name": name, "profile": profile, "as_of": as_of, "items": result_items(s),
        "totals": totals_rows(summary_json(s.results)["totals"]), "status_zh": STATUS_ZH,
        "hidden": [(ANSWER + q.fact, str(answers[q.fact])) for q in s.answered],
        "edit_links": {q.fact: _edit_link(request, q.fact) for q in s.answered},
        "restart": "/calculator" + ("?profile=1" if profile else ""),
        "can_profile": principal is not None and principal.role == "enterprise",
        "title": "政策计算器", "please_choose": PLEASE_CHOOSE, "answer_text": answer_text, "period_zh": PERIOD_ZH,
        "skipped_labels": {f: _label(f, day) for f in s.skipped},
    }
    template = "calculator/_step.html" if request.headers.get("HX-Request") else "calculator/page.html"
    return render(request, template, context, active="calculator")


def _label(fact: str, as_of: date) -> str:
    q = question(fact, load_default_policies(), as_of)
    return q.label if q else "（未知问题）"


def _from_query(request: Request) -> tuple[dict[str, str], list[str]]:
    answers: dict[str, str] = {}
    skipped: list[str] = []
    for key, value in request.query_params.multi_items():
        if key.startswith(ANSWER) and len(key) <= 200:
            fact = key[len(ANSWER):]
            if fact not in skipped:
                answers[fact] = value
        # skip_now: the 跳过 button (a name of its own: htmx lets a submitter's value replace the
        # form's fields of the same name, which would drop the earlier skips)
        elif key in ("skip", "skip_now") and len(value) <= 200:
            skipped.append(value)
            answers.pop(value, None)
    return answers, skipped


def _edit_link(request: Request, fact: str) -> str:
    """This page without the answer to ``fact``, asking it next."""
    kept = [(k, v) for k, v in request.query_params.multi_items()
            if k not in (ANSWER + fact, "ask") and not (k == "skip" and v == fact)]
    return "/calculator?" + urlencode([*kept, ("ask", fact)])


# --- API -----------------------------------------------------------------------------------

def _json_value(value: Any) -> Any:
    if isinstance(value, (bool, int, str)) or value is None:
        return value
    return value.isoformat() if isinstance(value, date) else str(value)


class CalculatorIn(BaseModel):
    answers: dict[str, bool | int | Decimal | str | None] = Field(default_factory=dict, description="事实名 → 回答（如 {\"region_code\": \"110105\", \"employees\": 50}）")
    skipped: list[str] = Field(default_factory=list, max_length=MAX_ANSWERS, description="不清楚、不再询问的事实")
    as_of: date | None = Field(None, description="评估日，默认服务器设定")
    from_profile: bool = Field(False, description="企业用户：以本企业已存画像为起点")
    ask: str | None = Field(None, max_length=200, description="下一题指定问此事实（修改已答）")


class Choice(BaseModel):
    value: str
    label: str


class QuestionOut(BaseModel):
    fact: str = Field(description="事实名（回答时作为 answers 的键）")
    label: str
    kind: str = Field(description="number | boolean | date | choice | text")
    unit: str | None
    help: str
    choices: list[Choice]
    deciding: int = Field(description="此问题关系到的尚未确定的措施数")
    placeholder: str | None = Field(description="选择题的起始项（请选择）")


class AnsweredOut(BaseModel):
    fact: str
    label: str
    value: bool | int | str
    text: str = Field(description="回答的中文表述")


class AnswerError(BaseModel):
    fact: str
    message: str


class ResultItem(BaseModel):
    measure_id: str
    title: str
    document: str
    amount: str
    counted_as: str | None
    counted_as_label: str
    period: str
    draft: bool
    reading: str = Field(description="该措施的政策解读页")


class OpenItem(BaseModel):
    measure_id: str
    title: str


class CalculatorOut(BaseModel):
    as_of: date
    answered: list[AnsweredOut]
    skipped: list[str]
    errors: list[AnswerError] = Field(description="未被采纳的回答（每项一行中文），其问题会再次询问")
    question: QuestionOut | None = Field(description="下一题；null 表示已没有影响结果的问题")
    questions_left: int
    summary: dict[str, Any] = Field(description="计数与按类别的金额（docs/match-json.md 的 summary）")
    eligible: list[ResultItem]
    undetermined: list[OpenItem]


@api.post("/calculator", response_model=CalculatorOut, responses=PUBLIC_READ_ERRORS,
          summary="政策计算器一步：按已答问题匹配全部措施，给出结果与下一题（不保存任何信息）")
async def calculator_api(body: CalculatorIn, request: Request, principal: Principal | None = Depends(runner)) -> dict:
    day = checked(body.as_of) or request.app.state.as_of
    answers = {k: v for k, v in body.answers.items() if v is not None}
    s, _name = await run_in_threadpool(_run, request, principal, answers, body.skipped, day, body.from_profile,
                                       body.ask)
    return {
        "as_of": s.as_of.isoformat(),
        "answered": [{"fact": q.fact, "label": q.label, "value": _json_value(s.answers[q.fact]),
                      "text": answer_text(q, s.answers[q.fact])} for q in s.answered],
        "skipped": s.skipped,
        "errors": [{"fact": f, "message": m} for f, m in s.errors.items()],
        "question": _question_json(s.question),
        "questions_left": s.questions_left,
        "summary": summary_json(s.results),
        "eligible": result_items(s),
        "undetermined": [{"measure_id": r.measure_id, "title": r.title} for r in s.undetermined],
    }
