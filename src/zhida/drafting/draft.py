"""Draft the measures of one document: every benefit-giving sentence (``zhida.rules.benefit_spans``,
the sentences ``zhida coverage`` counts) becomes one draft measure in the YAML form of
docs/measures.md.

What the text gives is written, each with its words as the quote: the beneficiary (from the
beneficiary types read by the pipeline, or 企业/个体工商户 in the sentence), conditions from its
thresholds (a number with 以上/以下/不低于 … and a catalogue fact named before it) and
qualifications (高新技术企业 → ``high_tech = TRUE``), the amount with its role (rate × a named
base, cap, floor, a fixed sum, a range), the period from the sentence's dates or the document's
validity, the jurisdiction from the issuer, the responsible units of the sentence. Unquantified
words (一定标准, 符合条件的, 经认定, 重大 …) and thresholds whose fact the catalogue lacks become named
open criteria. Nothing is invented: what the text does not give is listed in ``open_fields``
and stays out of the measure (or, for a field the format requires, is written only when known).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from zhida.drafting import lexicon as lexicon_mod
from zhida.drafting import tiers
from zhida.drafting.messages import field_zh
from zhida.drafting.source import ClauseText, DocText
from zhida.rules.benefit_spans import _UNITS as _UNIT_LIST
from zhida.rules.benefit_spans import CUES, is_heading, sentence_spans, sentences
from zhida.rules.sources import squash

# measure kind by the benefit word, first match wins (贴息 before 补贴, 免征 before 减免)
KIND_CUES: list[tuple[str, re.Pattern]] = [(k, re.compile(p)) for k, p in (
    ("tax_reduction", "税[^，,。；;]{0,12}减免|减免[^，,。；;]{0,6}税"),
    ("loan_interest_subsidy", "贴息"),
    ("guarantee", "担保|保函"),
    ("deferral", "缓缴|延缓|暂停预缴|延期还本|顺延"),
    ("refund", "留抵退|退还|退税|返还"),
    ("tax_exemption", "免征|暂免|免税"),
    ("tax_reduction", "减征|减半征收|减按"),
    ("tax_deduction", "扣除|加计|摊销"),
    ("fee_reduction", "减免|免收|免除|不加价|降低.{0,6}费"),
    ("reward", "奖励"),
    ("cash_subsidy", "补贴|补助|资助|支持资金|资金支持|给予.{0,10}支持"),
    ("qualification", "白名单|资源库|储备库|培育库|认定|准入|纳入"),
)]
MONEY_KINDS = ("cash_subsidy", "reward", "loan_interest_subsidy")
HEAD_CHARS = 800  # of the text, read for the jurisdiction when issuer and title name none (as 督办 does)
_SEGMENT = re.compile(r"[^，,、：:；;。（）()]+")
_OBJECT = re.compile(r"^(?:\s*\d+\s*[.．、])?\s*(?:[（(][一二三四五六七八九十\d]+[）)])?\s*(?:对|对于)(?P<who>[^，,。；;]{2,60}?)的[，,]")
_APPLY_EXEMPT = re.compile(r"免申即享|即申即享|免于申报|无需申请|无需申报")
_APPLY = re.compile(r"(?:可|应|自愿|须|需|均可)(?:向[^，。；]{1,15})?(?:申请|申报)")
_ENTERPRISE = re.compile(r"企业|公司|市场主体|商户|经营主体")
_INDIVIDUAL_BUSINESS = re.compile(r"个体工商户")
_LABEL = re.compile(r"^\s*(?:\d+\s*[.．、]|[（(][一二三四五六七八九十\d]+[）)]|[一二三四五六七八九十]+、)")
_BASE_PREFIX = re.compile(r"^(?:照|不超过|不高于|最高|给予|审定|核定|项目|上年度|当年|年度|其|的)+")
_MOST = re.compile(r"最高|不超过|不高于|上限|以内")
# threshold words after a number → operator (以上/以下 readings: docs/measures.md, to be reviewed)
_AFTER_OPS = [("及以上", ">="), ("以上（含）", ">="), ("以上(含)", ">="), ("以上", ">"), ("及以下", "<="),
              ("以下", "<"), ("以内", "<=")]
_BEFORE_OPS = [("不低于", ">="), ("不少于", ">="), ("达到", ">="), ("超过", ">"), ("高于", ">"), ("不超过", "<="),
               ("不高于", "<="), ("低于", "<"), ("不足", "<"), ("少于", "<")]


@dataclass
class Draft:
    document: str
    version: int
    clause: str
    index: int  # the sentence's number within its clause (as zhida.rules.benefit_spans counts)
    sentence: str  # as printed (original script)
    measure: dict  # the measure in the YAML form of docs/measures.md
    open_fields: list[dict] = field(default_factory=list)  # {field, reason}: what the text does not give
    start: int | None = None  # the sentence's offsets in the document's original (for highlighting)
    end: int | None = None

    @property
    def id(self) -> str:
        return self.measure["id"]


@dataclass
class _Ctx:
    doc: DocText
    lex: lexicon_mod.Lexicon
    policies: object
    jurisdiction: list[str] | None
    jurisdiction_basis: str | None
    period: dict | None  # document-level validity
    today: date


def slug(text: str) -> str:
    return re.sub(r"-+", "-", re.sub(r"[^a-z0-9-]", "-", text.lower())).strip("-") or "x"


def measure_id(key: str, clause: str, index: int) -> str:
    return f"draft.{slug(key)}.c{slug(clause)}-s{index}"


def draft_document(doc: DocText, policies, today: date | None = None) -> list[Draft]:
    """The draft measures of ``doc``, in document order (numbered leaf clauses only, as coverage)."""
    ctx = _Ctx(doc, lexicon_mod.for_policies(policies), policies, *_jurisdiction(doc), _doc_period(doc),
               today or date.today())
    parents = {c.id: c for c in doc.clauses}
    out: list[Draft] = []
    for clause in doc.clauses:
        if not clause.leaf:
            continue
        text = clause.text
        spans, simple = sentence_spans(text), [_simplified(s, doc) for s in sentences(text)]
        i = 0
        while i < len(spans):
            # is_benefit's own test, on text already simplified once (OpenCC is most of the time)
            if not CUES.search(simple[i]) or is_heading(i, simple[i]):
                i += 1
                continue
            last = i  # the rows of a tier table split by '；' are one benefit
            while (last + 1 < len(spans) and CUES.search(simple[last + 1])
                   and tiers.continues(simple[last], simple[last + 1])):
                last += 1
            a, b = spans[i][0], spans[last][1]
            where = (len(squash(text[:a])), len(squash(text[:b])))
            out.append(_draft(ctx, clause, parents, i, _quotable(text[a:b]), where))
            i = last + 1
    return out


def _quotable(span: str) -> str:
    """A sentence as it stands in the clause (so it is a quote), without a 责任单位 parenthesis:
    the longest piece around one."""
    pieces = [p.strip() for p in _UNIT_LIST.split(span) if p.strip(" 。；;")]
    return max(pieces, key=len) if pieces else span.strip()


# --- one sentence ---------------------------------------------------------------------

def _draft(ctx: _Ctx, clause: ClauseText, parents: dict, index: int, sentence: str, where) -> Draft:
    doc = ctx.doc
    simple = _simplified(sentence, doc)
    items = _items_in(doc, clause, where)
    open_fields: list[dict] = []
    kind = next((k for k, rx in KIND_CUES if rx.search(simple)), "service")
    m: dict = {"id": measure_id(doc.key, clause.id, index), "title": _title(sentence, clause), "kind": kind}

    beneficiary, qualified = _beneficiary(ctx, simple, items["beneficiaries"])
    if beneficiary:
        m["beneficiary"] = beneficiary
    else:
        open_fields.append({"field": "beneficiary", "reason": "原文未写明受益对象"})
    m["sources"] = [{"clause": clause.id, "quote": sentence.strip()}]
    if ctx.jurisdiction:
        m["jurisdiction"] = list(ctx.jurisdiction)
    else:
        open_fields.append({"field": "jurisdiction", "reason": "发文机关未对应到行政区划代码"
                            + (f"（{ctx.jurisdiction_basis}）" if ctx.jurisdiction_basis else "")})
    period = _sentence_period(sentence, items["dates"]) or ctx.period
    m["period"] = period or {}
    if not period:
        open_fields.append({"field": "period", "reason": "原文未写明执行期限或有效期"})
    application = _application(sentence)
    m.update(application)
    if application.get("application") == "unknown":
        open_fields.append({"field": "application", "reason": "原文未写明申报方式"})
    units = _units(clause, parents, items["responsible_units"])
    if units:
        m["responsible_units"] = units
    else:
        open_fields.append({"field": "responsible_units", "reason": "原文未写明责任单位"})
    m["review"] = {"status": "draft", "by": "zhida-drafting", "date": ctx.today.isoformat()}

    conditions, criteria = [], []
    _object_condition(ctx, sentence, simple, qualified, conditions, criteria)
    for cond in qualified:
        conditions.append(cond)
    table = tiers.table(items)
    tiered = _tier_table(ctx, sentence, simple, table, conditions, criteria) if table else None
    if table:  # the bands are read as one table, not one condition each
        items = {**items, "amounts": [a for a in items["amounts"] if a not in table.items],
                 "percentages": [p for p in items["percentages"] if p not in table.items]}
    _threshold_conditions(ctx, sentence, simple, items, conditions, criteria)
    _open_words(ctx, sentence, simple, conditions, criteria)
    amount, amount_open = tiered if tiered else _amount(ctx, kind, sentence, simple, items)
    open_fields += amount_open
    if conditions:
        m["conditions"] = _unique_ids(conditions)
    if criteria:
        m["open_criteria"] = criteria
    if amount is not None:
        m["amount"] = amount
    if open_fields:
        m["note"] = "待补：" + "；".join(f"{field_zh(f['field'])}（{f['reason']}）" for f in open_fields)
    start = end = None
    if where is not None:
        start, end = _original_span(doc, clause, sentence)
    return Draft(doc.key, doc.version, clause.id, index, sentence, m, open_fields, start, end)


def _kind(simple: str) -> str:
    """The benefit word of the sentence's main predicate: in "对…减免租金的，按减免金额的50%给予补贴"
    the last one (补贴), not one inside the condition; at one place the table's order decides."""
    best, at = "service", -1
    for kind, rx in KIND_CUES:
        for m in rx.finditer(simple):
            if m.end() > at:
                best, at = kind, m.end()
    return best


def _simplified(text: str, doc: DocText) -> str:
    if doc.script == "simplified":
        return text
    from zhida.rules.benefit_spans import _simplified as simplify

    return simplify(text)


def _title(sentence: str, clause: ClauseText) -> str:
    text = sentence.strip().rstrip("。；;")
    text = re.sub(r"^\s*(?:\d+\s*[.．、]|[（(][一二三四五六七八九十\d]+[）)]|[一二三四五六七八九十]+、|第[一二三四五六七八九十百\d]+条)\s*", "", text)
    if clause.heading and text.startswith(clause.heading):
        rest = text[len(clause.heading):].lstrip("。．.、 ")
        text = rest or text
    return text[:40] + ("…" if len(text) > 40 else "")


def _items_in(doc: DocText, clause: ClauseText, where) -> dict[str, list[dict]]:
    """The clause's extracted items that lie in the sentence ``where`` (squashed clause offsets)."""
    out: dict[str, list[dict]] = {k: [] for k in ("amounts", "percentages", "dates", "beneficiaries",
                                                   "responsible_units")}
    if where is None:
        return out
    flat = squash(clause.text)
    for name in out:
        for item in clause.extraction.get(name) or []:
            if name == "responsible_units":
                a = len(squash(doc.original[clause.start:max(clause.start, item["sentence_start"])]))
                b = len(squash(doc.original[clause.start:max(clause.start, item["sentence_end"])]))
                if a < where[1] and b > where[0]:
                    out[name].append(item)
                continue
            text = squash(item.get("text") or "")
            if not text:
                continue
            expected = len(squash(doc.original[clause.start:max(clause.start, item["start"])]))
            spots = [m.start() for m in re.finditer(re.escape(text), flat)]
            if not spots:
                continue
            at = min(spots, key=lambda s: abs(s - expected))
            if where[0] <= at < where[1]:
                out[name].append({**item, "_at": at - where[0]})
    return out


def _original_span(doc: DocText, clause: ClauseText, sentence: str) -> tuple[int | None, int | None]:
    """The sentence's offsets in the original: its first and last 6 characters found in the clause slice."""
    part = doc.original[clause.start:clause.end]
    head, tail = sentence.strip()[:6], sentence.strip()[-6:]
    a = part.find(head)
    if a < 0:
        return None, None
    b = part.find(tail, a)
    return clause.start + a, (clause.start + b + len(tail)) if b >= 0 else clause.end


# --- fields ----------------------------------------------------------------------------

def _jurisdiction(doc: DocText) -> tuple[list[str] | None, str | None]:
    """The issuer's special zone or division (all of China, ``regions.jurisdiction_of``), else the
    one the title names, else (a copy without an issuer line) the one the head of the text names."""
    from zhida.documents.citation import simplified
    from zhida.enterprises import regions

    head = () if doc.issuer else (doc.original[:HEAD_CHARS],)  # an issuer naming no place: national
    for text in (doc.issuer, doc.title, *head):
        if not text:
            continue
        text = simplified(squash(text))
        zone = regions.zone_named(text)
        if zone is not None:
            return [f"zone:{zone}"], text
        code = regions.jurisdiction_of(text)
        if code is not None:
            return [code], text
    return None, doc.issuer or None


def _doc_period(doc: DocText) -> dict | None:
    start, end, text = doc.day("effective_on"), doc.day("valid_until"), doc.metadata.get("validity_text")
    if not text or not (start or end) or squash(text) not in squash(doc.original):
        return None
    period = {"quote": text}
    if start and _date_in(start, text):
        period["from"] = start.isoformat()
    if end and _date_in(end, text):
        period["to"] = end.isoformat()
    return period if len(period) > 1 else None


def _date_in(day: date, text: str) -> bool:
    return f"{day.year}年{day.month}月{day.day}日" in squash(text) or f"{day.year}年{day.month}月" in squash(text)


def _sentence_period(sentence: str, dates: list[dict]) -> dict | None:
    for d in dates:
        if d.get("kind") == "period" and (d.get("start_date") or d.get("end_date")):
            quote = _segment_around(sentence, d["text"])
            out = {"quote": quote}
            if d.get("start_date"):
                out["from"] = d["start_date"]
            if d.get("end_date"):
                out["to"] = d["end_date"]
            return out
    return None


def _application(sentence: str) -> dict:
    for rx, value in ((_APPLY_EXEMPT, "免申即享"), (_APPLY, "申报")):
        found = rx.search(sentence)
        if found:
            return {"application": value, "application_quote": _segment_around(sentence, found.group(0))}
    return {"application": "unknown"}


def _units(clause: ClauseText, parents: dict, lists: list[dict]) -> list[str]:
    """The lists attached to the sentence, else the clause's, else the nearest ancestor's (a list
    closing an item covers its sub-items: "（人力资源社会保障部、财政部等按职责分工负责）")."""
    chosen = lists or clause.extraction.get("responsible_units") or []
    parts = clause.id.split(".")
    while not chosen and len(parts) > 1:
        parts = parts[:-1]
        parent = parents.get(".".join(parts))
        chosen = (parent.extraction.get("responsible_units") or []) if parent else []
    units = [u for group in chosen for u in group.get("units") or []]
    return list(dict.fromkeys(units))


def _beneficiary(ctx: _Ctx, simple: str, found: list[dict]) -> tuple[str | None, list[dict]]:
    """(measure beneficiary, qualification conditions) from the beneficiary types of the sentence."""
    lex = ctx.lex
    kinds, conditions = set(), []
    for b in found:
        code = b.get("type")
        if code in lex.beneficiaries:
            kinds.add(lex.beneficiaries[code])
        else:
            kinds.add("enterprise")
        q = lex.qualifications.get(code)
        if q and _known(ctx, q["expr"]) and all(c["expr"] != q["expr"] for c in conditions):
            conditions.append({"id": slug(code).replace("-", "_"), "expr": q["expr"], "label": b.get("label") or b["text"],
                               "quote": b["text"]})
    if _INDIVIDUAL_BUSINESS.search(simple):
        kinds.add("individual_business")
    if _ENTERPRISE.search(simple.replace("个体工商户", "")):
        kinds.add("enterprise")
    if {"enterprise", "individual_business"} <= kinds:
        return "enterprise_or_individual_business", conditions
    for k in ("enterprise", "individual_business", "intermediary", "individual"):
        if k in kinds:
            return k, conditions
    return None, conditions


def _known(ctx: _Ctx, expr: str) -> bool:
    """Every identifier of ``expr`` is a catalogue fact or a shared concept."""
    names = re.findall(r"\b[a-z_][a-z0-9_.]*\b", re.sub(r"'[^']*'", "", expr))
    return all(n in ("and", "or", "not") or n.upper() in ("TRUE", "FALSE") or n in ctx.policies.catalogue.facts
               or n in ctx.policies.concepts for n in names)


def _segment_around(sentence: str, words: str) -> str:
    """The comma-delimited piece of ``sentence`` holding ``words`` (a quote short enough to read)."""
    at = sentence.find(words)
    if at < 0:
        flat, w = squash(sentence), squash(words)
        return words if w in flat else sentence.strip()
    a = max(sentence.rfind(c, 0, at) for c in "，,；;。：:") + 1
    ends = [e for e in (sentence.find(c, at + len(words)) for c in "，,；;。") if e >= 0]
    b = min(ends) if ends else len(sentence)
    piece = sentence[a:b].strip()
    label = _LABEL.match(piece)
    if label and label.end() <= at - a:
        piece = piece[label.end():].strip()
    return piece or words


def _object_condition(ctx: _Ctx, sentence: str, simple: str, qualified: list, conditions: list, criteria: list) -> None:
    """'对…的，' — the sentence's own statement of who qualifies: a boolean catalogue fact when one
    is named there, else a named open criterion with those words (unless a qualification or a
    threshold already reads it)."""
    found = _OBJECT.match(simple)
    if not found:
        return
    who = found.group("who")
    if re.search(r"\d", who):
        return  # thresholds are read by _threshold_conditions
    quote = _orig(sentence, simple, found.start("who") - (2 if simple[found.start("who") - 2:found.start("who")] == "对于" else 1),
                  found.end("who") + 1)
    fact = ctx.lex.boolean_fact(who)
    if fact:
        conditions.append({"id": fact[1].replace(".", "_"), "expr": f"{fact[1]} = TRUE", "label": who, "quote": quote})
        return
    if qualified and all(c["quote"] in who for c in qualified) and len(who) <= sum(len(c["quote"]) for c in qualified) + 4:
        return
    _add_open(criteria, conditions, "qualified", f"符合“{who}”", quote)


def _orig(sentence: str, simple: str, a: int, b: int) -> str:
    """simple[a:b] in the sentence's own script (OpenCC keeps lengths for these texts)."""
    return sentence[a:b] if len(sentence) == len(simple) else simple[a:b]


def _add_open(criteria: list, conditions: list, base: str, label: str, quote: str) -> str:
    ids = {c["id"] for c in criteria}
    oid, n = base, 2
    while oid in ids:
        oid, n = f"{base}_{n}", n + 1
    criteria.append({"id": oid, "label": label, "quote": quote})
    conditions.append({"id": oid, "expr": f"open.{oid}", "label": label, "quote": quote})
    return oid


def _number(value) -> str:
    d = Decimal(str(value))
    return f"{d.normalize():f}" if d == d.to_integral_value() else f"{d.normalize():f}"


def _threshold_conditions(ctx: _Ctx, sentence: str, simple: str, items: dict, conditions: list, criteria: list) -> None:
    thresholds = [(a, "money") for a in items["amounts"] if a["role"] in ("threshold_min", "threshold_max")]
    thresholds += [(p, "percent") for p in items["percentages"] if p["role"] in ("threshold_min", "threshold_max")]
    for item, unit in thresholds:
        at = item["_at"]
        seg = _segment_around(sentence, item["text"])
        flat = squash(simple)
        before = flat[max(0, at - 24):at]
        after = flat[at + len(squash(item["text"])):at + len(squash(item["text"])) + 6]
        op = _operator(before, after, item["role"])
        fact = ctx.lex.numeric_fact(before)
        value = Decimal(str(item["value"]))
        if unit == "percent":
            value = value / 100
        fact_type = ctx.policies.catalogue.facts[fact[1]].type if fact else None
        if fact and op and (unit == "money") == (fact_type == "money") and (unit != "percent" or fact_type == "percent"):
            name = fact[1]
            if item.get("upper") is not None:  # 100万元至300万元: both ends
                upper = Decimal(str(item["upper"])) / (100 if unit == "percent" else 1)
                expr = f"{name} > {_number(value)} AND {name} <= {_number(upper)}"
            else:
                expr = f"{name} {op} {_number(value)}"
            conditions.append({"id": f"{name.replace('.', '_')}_{'min' if op.startswith('>') else 'max'}",
                               "expr": expr, "label": seg, "quote": seg})
        else:
            _add_open(criteria, conditions, "threshold", f"{seg}（事实未对应到目录）", seg)


def _tier_table(ctx: _Ctx, sentence: str, simple: str, table, conditions: list,
                criteria: list) -> tuple[dict, list[dict]]:
    """A tier table (``zhida.drafting.tiers``) as the amount — CASE WHEN band THEN sum … END, or
    base × CASE … THEN rate … END — with the union of its bands as the condition; the amount stays
    open when the catalogue has no fact for what the bands bound (or for the rates' base)."""
    flat = squash(simple)
    first = table.bands[0]
    quote, band_quote = _items_quote(sentence, table.items), _items_quote(sentence, table.bands)
    fact = ctx.lex.numeric_fact(flat[max(0, first["_at"] - 24):first["_at"]])
    fact = fact[1] if fact and ctx.policies.catalogue.facts[fact[1]].type == "money" else None
    bounds = tiers.bands(table, flat, _operator) if fact else []
    base = _rate_base(ctx, simple, table.values[0]) if table.rates else None
    rows = "；".join(f"{b['text']}→{v['text']}" for b, v in zip(table.bands, table.values))
    if not bounds:
        _add_open(criteria, conditions, "threshold", f"{band_quote}（事实未对应到目录）", band_quote)
        return {"kind": "not_stated", "unit": "元", "quote": quote}, [
            {"field": "amount.expr", "reason": f"分档（{rows}）的依据未对应到事实"}]
    conditions.append({"id": f"{fact.replace('.', '_')}_tiers", "label": band_quote, "quote": band_quote,
                       "expr": " OR ".join(f"({b.sql(fact, _money_literal)})" for b in bounds)})
    if table.rates and not base:
        return {"kind": "not_stated", "unit": "元", "quote": quote}, [
            {"field": "amount.expr", "reason": f"分档比例（{rows}）的基数未对应到事实"}]
    value = (lambda v: _number(Decimal(str(v["value"])) / 100)) if table.rates else \
        (lambda v: _money_literal(v["value"]))
    cases = " ".join(f"WHEN {b.sql(fact, _money_literal)} THEN {value(v)}" for b, v in zip(bounds, table.values))
    expr = f"CASE {cases} END"
    most = any(v["role"] == "cap" for v in table.values) or _MOST.search(squash(quote))
    return {"kind": "maximum" if most else "exact", "expr": f"{base} * {expr}" if base else expr, "unit": "元",
            "quote": quote}, []


def _operator(before: str, after: str, role: str) -> str | None:
    for words, op in _AFTER_OPS:
        if after.startswith(words):
            return op
    for words, op in _BEFORE_OPS:
        if before.endswith(words) or before[-len(words) - 2:].find(words) >= 0:
            return op
    return {"threshold_min": ">=", "threshold_max": "<="}.get(role)


def _open_words(ctx: _Ctx, sentence: str, simple: str, conditions: list, criteria: list) -> None:
    quoted = {c["quote"] for c in criteria}
    seen: set[str] = set()
    for pos, word, oid in ctx.lex.open_words_in(simple):
        if oid in seen:
            continue
        seg = _segment_around(sentence, _orig(sentence, simple, pos, pos + len(word)))
        if any(word in q for q in quoted if seg in q or q in seg):
            continue  # the 对…的 criterion already quotes these words
        seen.add(oid)
        _add_open(criteria, conditions, oid, f"{seg}（“{word}”未量化）", seg)


def _unique_ids(conditions: list) -> list:
    seen: dict[str, int] = {}
    out = []
    for c in conditions:
        cid = c["id"]
        if cid in seen and not c["expr"].startswith("open."):
            seen[cid] += 1
            c = {**c, "id": f"{cid}_{seen[cid]}"}
        else:
            seen.setdefault(cid, 1)
        out.append(c)
    return out


# --- amount ----------------------------------------------------------------------------

def _amount(ctx: _Ctx, kind: str, sentence: str, simple: str, items: dict) -> tuple[dict | None, list[dict]]:
    money = [a for a in items["amounts"] if a["role"] in ("exact", "cap", "floor", "per_unit")
             and a.get("currency", "CNY") == "CNY"]
    rates = [p for p in items["percentages"] if p["role"] in ("rate", "cap", "floor") and p.get("kind") == "percent"]
    quote_items = money + rates
    quote = _span_quote(sentence, [i["text"] for i in quote_items]) if quote_items else None
    caps = [a for a in money if a["role"] == "cap"]
    floors = [a for a in money if a["role"] == "floor"]
    exact = [a for a in money if a["role"] == "exact"]
    per_unit = [a for a in money if a["role"] == "per_unit"]
    open_fields: list[dict] = []
    out: dict = {}
    if rates:
        rate = rates[0]
        base = _rate_base(ctx, simple, rate)
        r = _number(Decimal(str(rate["value"])) / 100)
        if base:
            most = rate["role"] == "cap" or _MOST.search(squash(simple)[max(0, rate["_at"] - 12):rate["_at"]])
            out = {"kind": "maximum" if most else "exact", "expr": f"{base} * {r}"}
            if caps:
                out["cap"] = _money_literal(caps[0]["value"])
            if floors:
                out["floor"] = _money_literal(floors[0]["value"])
        elif caps:
            out = {"kind": "maximum", "expr": _money_literal(caps[0]["value"])}
            open_fields.append({"field": "amount.expr", "reason": f"按{rate['text']}计算的基数未对应到事实"})
        else:
            out = {"kind": "not_stated"}
            open_fields.append({"field": "amount.expr", "reason": f"按{rate['text']}计算的基数未对应到事实"})
    elif per_unit:
        out = {"kind": "not_stated"}
        open_fields.append({"field": "amount.expr", "reason": f"{per_unit[0]['text']}：计量单位的数量未对应到事实"})
    elif len(exact) == 1 and not caps:
        a = exact[0]
        if a.get("upper") is not None:
            out = {"kind": "range", "expr": _money_literal(a["value"]), "upper": _money_literal(a["upper"])}
        else:
            out = {"kind": "maximum" if _MOST.search(simple) else "exact", "expr": _money_literal(a["value"])}
    elif len(exact) > 1 and not caps:
        out = {"kind": "not_stated"}
        open_fields.append({"field": "amount.expr", "reason": "句中有多个金额（分档或分项），待拆分"})
    elif caps:
        out = {"kind": "maximum", "expr": _money_literal(caps[0]["value"])}
        if floors:
            out = {"kind": "range", "expr": _money_literal(floors[0]["value"]), "upper": _money_literal(caps[0]["value"])}
    elif floors:
        out = {"kind": "minimum", "expr": _money_literal(floors[0]["value"])}
    elif kind in MONEY_KINDS:
        out = {"kind": "not_stated"}
        cue = next((rx.search(sentence) for k, rx in KIND_CUES if k == kind), None)
        quote = _segment_around(sentence, cue.group(0)) if cue else None
        open_fields.append({"field": "amount", "reason": "原文未写明金额或比例"})
    else:
        return None, []
    if any(a.get("period") for a in money):
        open_fields.append({"field": "amount.period", "reason": "金额按年或按月计，待确定期数"})
    out["unit"] = "元"
    if quote:
        out["quote"] = quote
    return out, open_fields


def _money_literal(value) -> int | str:
    d = Decimal(str(value))
    return int(d) if d == d.to_integral_value() else f"{d.normalize():f}"


def _rate_base(ctx: _Ctx, simple: str, rate: dict) -> str | None:
    """The base a rate is taken of: '按购买价格10%' → first_set_purchase.price (a money fact named
    between 按/按照/的 and the rate)."""
    flat = squash(simple)
    at = rate["_at"]
    before = flat[max(0, at - 20):at]
    after = flat[at + len(squash(rate["text"])):at + len(squash(rate["text"])) + 12]
    candidates = []
    found = re.search(r"(?:按|按照|以)([^，,。；;按]{1,16})$", before) or re.search(r"([^，,。；;]{1,16})的$", before)
    if found:
        candidates.append(found.group(1))
    near = re.search(r"(?:不超过|不高于|最高|给予|按)([^，,。；;]{1,10})$", before)  # 给予不超过总投资30%
    if near:
        candidates.append(near.group(1))
    follows = re.match(r"的([^，,。；;的]{1,10})", after)  # 不超过30%的固定资产投资补助
    if follows and "率" not in follows.group(1):  # 1%的失业保险费率: a rate, not a base
        candidates.append(follows.group(1))
    for words in candidates:
        # the fact's own words must open the noun: 设备投资额 is not 投资额 (a modifier makes it another base)
        head = _BASE_PREFIX.sub("", words)
        for phrase, name in ctx.lex.numeric:
            if head.startswith(phrase) and ctx.policies.catalogue.facts[name].type == "money":
                return name
    return None


def _items_quote(sentence: str, items: list[dict]) -> str:
    """The part of the sentence from the first to the last of ``items`` (placed by ``_at``, so a
    number that occurs twice is taken where the item is), widened to whole pieces."""
    places = [i for i, ch in enumerate(sentence) if not ch.isspace()]  # squashed offset → sentence offset
    a = min(places[i["_at"]] for i in items)
    b = max(places[i["_at"] + len(squash(i["text"])) - 1] + 1 for i in items)
    a = max(sentence.rfind(c, 0, a) for c in "，,；;。：:") + 1
    ends = [e for e in (sentence.find(c, b) for c in "，,；;。") if e >= 0]
    return sentence[a:min(ends) if ends else len(sentence)].strip()


def _span_quote(sentence: str, texts: list[str]) -> str:
    """The part of the sentence from the first to the last of ``texts``, widened to whole pieces."""
    spots = [(sentence.find(t), sentence.find(t) + len(t)) for t in texts if sentence.find(t) >= 0]
    if not spots:
        return sentence.strip()
    a, b = min(s for s, _ in spots), max(e for _, e in spots)
    a = max(sentence.rfind(c, 0, a) for c in "，,；;。：:") + 1
    ends = [e for e in (sentence.find(c, b) for c in "，,；;。") if e >= 0]
    return sentence[a:min(ends) if ends else len(sentence)].strip()
