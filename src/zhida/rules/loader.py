"""Load and validate policies/: fact catalogue, concepts, measures (one file per document).

A malformed file yields one RuleError naming file, measure id and field; nothing is loaded
from that file, other files still load. ``Policies.errors`` collects them; ``strict=True``
raises the first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from zhida import config
from zhida.errors import RuleError
from zhida.rules import model as m
from zhida.rules.catalogue import Catalogue, load_catalogue
from zhida.rules.expr import BOOLEAN, Concept, Scope, parse, typecheck
from zhida.rules.periods import policy_spec
from zhida.rules.sources import SourceLibrary, squash
from zhida.rules.yamlio import load_yaml

ID_PATTERN = re.compile(r"^[a-z0-9]+(\.[a-z0-9-]+)+$")


@dataclass
class Policies:
    root: Path
    catalogue: Catalogue
    concepts: dict[str, Concept]
    measures: dict[str, m.Measure]
    not_encoded: list[m.NotEncoded]
    library: SourceLibrary
    errors: list[RuleError] = field(default_factory=list)
    concept_cases: list[dict] = field(default_factory=list)
    measure_files: list[Path] = field(default_factory=list)

    def scope(self, open_ids=()) -> Scope:
        return Scope(self.catalogue, self.concepts, set(open_ids))

    def measure(self, ident: str) -> m.Measure:
        if ident in self.measures:
            return self.measures[ident]
        found = [k for k in self.measures if k.startswith(ident)]
        if len(found) == 1:
            return self.measures[found[0]]
        raise RuleError(ident, "no such measure" if not found else f"ambiguous: {', '.join(found[:5])}")


def policies_root(root: Path | str | None = None) -> Path:
    return Path(root).expanduser() if root else config.policies_dir()


def _subdir(root: Path, name: str) -> Path:
    """A policies directory may hold only measures/: facts, concepts, sources fall back to the reference ones."""
    return config.policies_subdir(name, root)


def _yaml(path: Path):
    return load_yaml(path)


def _date(value, where: str) -> date | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise RuleError(where, f"bad date {value!r} (YYYY-MM-DD)") from None


def load_policies(root: Path | str | None = None, strict: bool = False) -> Policies:
    root = policies_root(root)
    errors: list[RuleError] = []
    catalogue = Catalogue()
    for path in sorted(_subdir(root, "facts").glob("*.yaml")):
        try:
            part = load_catalogue([path])
            for name in [*part.facts, *part.events]:
                if name in catalogue.facts or name in catalogue.events:
                    raise RuleError(f"{path.name} {name}", f"fact defined twice (also in {Path(catalogue.origin.get(name, '?')).name})")
            catalogue.facts.update(part.facts)
            catalogue.events.update(part.events)
            catalogue.zones.update(part.zones)
            catalogue.origin.update(part.origin)
        except RuleError as exc:
            errors.append(exc)
    library = SourceLibrary(_subdir(root, "sources"))
    concepts, concept_cases = _load_concepts(_subdir(root, "concepts"), catalogue, library, errors)
    policies = Policies(root, catalogue, concepts, {}, [], library, errors, concept_cases)
    measures_dir = root / "measures"
    for path in sorted(measures_dir.glob("*.yaml")) if measures_dir.is_dir() else []:
        if path.name.endswith(".cases.yaml"):
            continue
        policies.measure_files.append(path)
        try:
            measures, not_encoded = _load_measure_file(path, policies)
        except RuleError as exc:
            errors.append(exc)
            continue
        policies.measures.update({x.id: x for x in measures})
        policies.not_encoded.extend(not_encoded)
    from zhida.lifecycle import validity  # repeals and extensions stated by other documents of the library

    validity.apply(policies.measures.values(), library)
    if strict and errors:
        raise errors[0]
    return policies


# --- concepts ---------------------------------------------------------------------------

def _load_concepts(directory: Path, catalogue: Catalogue, library: SourceLibrary, errors: list) -> tuple[dict, list]:
    raw: dict[str, tuple[dict, Path]] = {}
    cases: list[dict] = []
    for path in sorted(directory.glob("*.yaml")) if directory.is_dir() else []:
        try:
            data = _yaml(path) or {}
            found = {}
            for item in data.get("concepts") or []:
                name = item.get("name") if isinstance(item, dict) else None
                where = f"{path.name} [{name}]"
                if not isinstance(name, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", name):
                    raise RuleError(where, "concept name must be lower_snake_case")
                if name in catalogue.facts or name in catalogue.events or name in raw or name in found:
                    raise RuleError(where + " name", "already defined as a fact or concept")
                for key in ("type", "label_zh", "expr", "source"):
                    if not item.get(key):
                        raise RuleError(f"{where} {key}", "required")
                unknown = set(item) - {"name", "type", "label_zh", "expr", "source", "values", "effective_from",
                                       "effective_to", "note", "reading"}
                if unknown:
                    raise RuleError(f"{where} {sorted(unknown)[0]}", "unknown field")
                _check_concept_source(item["source"], library, f"{where} source")
                found[name] = (item, path)
            raw.update(found)
            for case in data.get("cases") or []:
                as_of = _date(case.get("as_of"), f"{path.name} case {case.get('name')} as_of")
                cases.append({**case, "_file": path.name, **({"as_of": as_of} if as_of else {})})
        except RuleError as exc:
            errors.append(exc)
    concepts: dict[str, Concept] = {}
    for name, (item, path) in raw.items():
        where = f"{path.name} [{name}]"
        sources = item["source"] if isinstance(item["source"], list) else [item["source"]]
        # A repealed source (effective_to) ends the definition; a source's effective_from does not
        # start it: the cited text may restate an older rule (工信部企业〔2022〕63号 restates the
        # 专精特新 validity used by 2021 measures). A start is stated on the concept itself.
        try:
            ends = [_date(s.get("effective_to"), f"{where} source effective_to") for s in sources if s.get("effective_to")]
            start = _date(item.get("effective_from"), f"{where} effective_from")
            end = _date(item.get("effective_to"), f"{where} effective_to") or (min(ends) if ends else None)
            if start and end and start > end:
                raise RuleError(f"{where} effective_from", "after effective_to")
        except RuleError as exc:
            errors.append(exc)
            continue
        concepts[name] = Concept(name, item["type"], item["label_zh"], str(item["expr"]), item["source"],
                                 values=tuple(str(v) for v in item["values"]) if item.get("values") else None,
                                 value_labels=tuple((str(k), str(v)) for k, v in item["values"].items())
                                 if isinstance(item.get("values"), dict) else (), origin=path.name,
                                 effective_from=start, effective_to=end)
    # Resolve in dependency order (a concept may use others); a cycle or error drops the concept.
    scope = Scope(catalogue, concepts)
    state: dict[str, str] = {}

    def build(name: str, chain: tuple[str, ...]) -> None:
        if state.get(name) == "done":
            return
        if name in chain:
            raise RuleError(f"{concepts[name].origin} [{name}] expr", f"concept cycle {' → '.join(chain + (name,))}")
        concept = concepts[name]
        where = f"{concept.origin} [{name}] expr"
        concept.ast = parse(concept.expr_text, where)
        from zhida.rules.expr import columns

        for ref in columns(concept.ast):
            if ref in concepts:
                build(ref, chain + (name,))
                concept.uses |= {ref} | concepts[ref].uses
        got = typecheck(concept.ast, scope, where)
        if got.kind != concept.type and not (got.kind in ("text", "string") and concept.type in ("code", "text")) \
                and not (got.kind == "number" and concept.type in ("money", "integer", "decimal", "percent")):
            raise RuleError(where, f"declared {concept.type} but the expression is {got}")
        concept.written = concept.ast
        for ref in concept.uses:  # a definition resting on another applies only while that one does
            dep = concepts[ref]
            if dep.effective_from and (concept.effective_from is None or dep.effective_from > concept.effective_from):
                concept.effective_from = dep.effective_from
            if dep.effective_to and (concept.effective_to is None or dep.effective_to < concept.effective_to):
                concept.effective_to = dep.effective_to
        concept.ast = _with_window(concept)
        concept.expanded = concept.ast  # back ends resolve concepts themselves (SQL: CTE columns)
        state[name] = "done"

    for name in list(concepts):
        try:
            build(name, ())
        except RuleError as exc:
            errors.append(exc)
            concepts.pop(name, None)
    return concepts, cases


def _with_window(concept: Concept):
    """CASE WHEN as_of in [from, to] THEN <definition> END (no ELSE: UNKNOWN outside), or the definition."""
    from sqlglot import exp

    from zhida.rules.expr import IN_FORCE_META

    tests = []
    if concept.effective_from:
        tests.append(f"as_of >= DATE '{concept.effective_from.isoformat()}'")
    if concept.effective_to:
        tests.append(f"as_of <= DATE '{concept.effective_to.isoformat()}'")
    if not tests:
        return concept.written
    wrapped = exp.Case(ifs=[exp.If(this=parse(" AND ".join(tests), concept.name),
                                   true=exp.Paren(this=concept.written.copy()))])
    wrapped.meta[IN_FORCE_META] = (concept.name, concept.effective_from, concept.effective_to)
    return wrapped


def _check_concept_source(source, library: SourceLibrary, where: str) -> None:
    for item in source if isinstance(source, list) else [source]:
        if not isinstance(item, dict):
            raise RuleError(where, "a source is {doc_number, title, text} or {document, clause, quote}")
        if item.get("document"):
            doc = library.get(item["document"], where)
            text = doc.clause_text(str(item.get("clause")), where)
            if not item.get("quote") or squash(item["quote"]) not in squash(text):
                raise RuleError(f"{where} quote", f"not found in {doc.key} clause {item.get('clause')}")
        elif not (item.get("doc_number") and item.get("text")):
            raise RuleError(where, "an external source needs doc_number and text")
        for key in ("effective_from", "effective_to"):
            _date(item.get(key), f"{where} {key}")


# --- measures ---------------------------------------------------------------------------

def _load_measure_file(path: Path, policies: Policies) -> tuple[list[m.Measure], list[m.NotEncoded]]:
    return load_measure_mapping(_yaml(path), path, policies)


def load_measure_mapping(data, path: Path, policies: Policies) -> tuple[list[m.Measure], list[m.NotEncoded]]:
    """A measure file's content already read (``path`` names it in errors): the same checks for
    files under policies/ and for drafts and edits held in the store (zhida.drafting)."""
    if not isinstance(data, dict):
        raise RuleError(path.name, "a measure file is a mapping with document and measures")
    document = data.get("document")
    if document != path.name[: -len(".yaml")]:
        raise RuleError(f"{path.name} document", f"{document!r} must equal the file stem")
    policies.library.resolve(document, f"{path.name} document")
    status = _document_status(data.get("document_status"), document, path, policies)
    defaults = data.get("defaults") or {}
    measures = []
    ids = set()
    for raw in data.get("measures") or []:
        if not isinstance(raw, dict):
            raise RuleError(f"{path.name} measures", "each measure is a mapping")
        merged = {**defaults, **raw}
        measure = _measure(merged, document, path, policies)
        measure.document_status = status
        if measure.id in ids or measure.id in policies.measures:
            other = policies.measures.get(measure.id)
            raise RuleError(f"{path.name} [{measure.id}] id", f"duplicate measure id (also in {other.file if other else path.name})")
        ids.add(measure.id)
        measures.append(measure)
    not_encoded = []
    for item in data.get("not_encoded") or []:
        where = f"{path.name} not_encoded [{item.get('clause') if isinstance(item, dict) else item}]"
        if not isinstance(item, dict) or "clause" not in item:
            raise RuleError(where, "each entry is {clause, reason, note}")
        if item.get("reason") not in m.NOT_ENCODED_REASONS:
            raise RuleError(f"{where} reason", f"{item.get('reason')!r} is not one of {', '.join(m.NOT_ENCODED_REASONS)}")
        text = policies.library.get(document).clause_text(str(item["clause"]), where)
        span = item.get("span")  # one benefit sentence of the clause (its words), not the whole clause
        if span is not None and squash(str(span)) not in squash(text):
            raise RuleError(f"{where} span", f"not found in the clause: {str(span)[:40]!r}")
        not_encoded.append(m.NotEncoded(document, str(item["clause"]), item["reason"], item.get("note"), path.name,
                                        None if span is None else str(span)))
    return measures, not_encoded


def _document_status(raw, document: str, path: Path, policies: Policies) -> str:
    """``document_status: {status: draft, quote: （征求意见稿）}`` — the quote must be in the document.
    Absent = final. A draft's results are labelled and never counted in in-force totals; when the
    final version is ingested its own measure file (document_status absent) takes over."""
    if raw is None:
        return "final"
    where = f"{path.name} document_status"
    if not isinstance(raw, dict) or raw.get("status") not in m.DOCUMENT_STATUS or not raw.get("quote"):
        raise RuleError(where, f"{{status: {'|'.join(m.DOCUMENT_STATUS)}, quote}} (the words of the document saying so)")
    doc = policies.library.get(document)
    if squash(str(raw["quote"])) not in squash(doc.original):
        raise RuleError(f"{where}.quote", f"not found in the document: {str(raw['quote'])[:40]!r}")
    return raw["status"]


def _measure(raw: dict, document: str, path: Path, policies: Policies) -> m.Measure:
    mid = raw.get("id")
    at = f"{path.name} [{mid}]"
    if not isinstance(mid, str) or not ID_PATTERN.match(mid):
        raise RuleError(f"{at} id", "id must look like cy2022.rent-relief-reward (lower case, dotted)")

    def need(key: str, allowed=None):
        value = raw.get(key)
        if value is None or value == "" or value == []:
            raise RuleError(f"{at} {key}", "required")
        if allowed is not None and value not in allowed:
            raise RuleError(f"{at} {key}", f"{value!r} is not one of {', '.join(allowed)}")
        return value

    known = {"id", "title", "benefit", "kind", "beneficiary", "sources", "jurisdiction", "jurisdiction_basis", "period",
             "application", "application_quote", "responsible_units", "review", "conditions", "open_criteria", "amount",
             "uses", "note"}
    for key in raw:
        if key not in known:
            raise RuleError(f"{at} {key}", "unknown field")
    title = need("title")
    kind = need("kind", m.KINDS)
    beneficiary = need("beneficiary", m.BENEFICIARIES)
    application = need("application", m.APPLICATION)
    application_quote = raw.get("application_quote")
    if application != "unknown":
        # 免申即享 / 申报 only where the text says so: the words saying it, found in the document
        if not application_quote:
            raise RuleError(f"{at} application_quote", f"required for application {application!r}: the words of the "
                            "source saying the benefit is applied for (申请/申报) or given without application (免申即享); "
                            "otherwise write application: unknown")
        if squash(str(application_quote)) not in squash(policies.library.get(document).original):
            raise RuleError(f"{at} application_quote", f"not found in the document: {str(application_quote)[:40]!r}")
    review = need("review")
    if not isinstance(review, dict) or review.get("status") not in m.REVIEW_STATUS:
        raise RuleError(f"{at} review.status", f"must be one of {', '.join(m.REVIEW_STATUS)}")
    if True in review or "on" in review:
        raise RuleError(f"{at} review", "write the review date as `date:` (YAML reads `on` as true)")
    if review.get("date") is not None:
        _date(review["date"], f"{at} review.date")

    library = policies.library
    sources: list[m.Source] = []
    texts: dict[tuple[str, str], str] = {}
    for i, src in enumerate(need("sources")):
        where = f"{at} sources[{i}]"
        if not isinstance(src, dict) or not src.get("clause") or not src.get("quote"):
            raise RuleError(where, "each source is {document?, clause, quote}")
        key = library.resolve(src.get("document") or document, f"{where}.document")
        clause = str(src["clause"])
        text = library.get(key).clause_text(clause, f"{where}.clause")
        if squash(str(src["quote"])) not in squash(text):
            raise RuleError(f"{where}.quote", f"not found in {key} clause {clause}: {str(src['quote'])[:40]!r}")
        texts[(key, clause)] = text
        sources.append(m.Source(key, clause, str(src["quote"])))

    def in_sources(quote, where: str, clause=None) -> None:
        if quote is None:
            return
        if clause is not None:
            text = library.get(sources[0].document).clause_text(str(clause), where)
            candidates = [text]
        else:
            candidates = list(texts.values())
        if not any(squash(str(quote)) in squash(t) for t in candidates):
            raise RuleError(where, f"quote not found in the cited clause(s): {str(quote)[:40]!r}")

    jurisdiction = [str(j) for j in need("jurisdiction")]
    for code in jurisdiction:
        if code.startswith("zone:"):
            if code[5:] not in policies.catalogue.zones:
                raise RuleError(f"{at} jurisdiction", f"unknown zone {code!r}")
        elif not re.fullmatch(r"\d{6}", code):
            raise RuleError(f"{at} jurisdiction", f"{code!r} is not a GB/T 2260 code or zone:<code>")
    basis = raw.get("jurisdiction_basis", ["registration"])
    if not isinstance(basis, list) or not basis or any(b not in m.JURISDICTION_BASES for b in basis) \
            or len(set(basis)) != len(basis):
        raise RuleError(f"{at} jurisdiction_basis",
                        f"{basis!r}: a list of distinct {', '.join(m.JURISDICTION_BASES)} (default [registration])")
    for b in basis:
        if m.JURISDICTION_BASES[b] not in policies.catalogue.facts:
            raise RuleError(f"{at} jurisdiction_basis", f"fact {m.JURISDICTION_BASES[b]!r} is not in the catalogue")

    p = need("period")
    if not isinstance(p, dict):
        raise RuleError(f"{at} period", "period is {from, to, quote}")
    period = m.Period(_date(p.get("from"), f"{at} period.from"), _date(p.get("to"), f"{at} period.to"),
                      p.get("quote"), str(p["clause"]) if p.get("clause") else None)
    if period.start and period.end and period.start > period.end:
        raise RuleError(f"{at} period", "from is after to")
    if (period.start or period.end) and not period.quote:
        raise RuleError(f"{at} period.quote", "a dated period needs the quote that states it")
    if period.quote:
        doc = library.get(document)
        text = doc.clause_text(period.clause, f"{at} period.clause") if period.clause else doc.original
        if squash(period.quote) not in squash(text) and not any(squash(period.quote) in squash(t) for t in texts.values()):
            raise RuleError(f"{at} period.quote", f"not found in the document: {period.quote[:40]!r}")

    open_criteria = []
    for i, oc in enumerate(raw.get("open_criteria") or []):
        where = f"{at} open_criteria[{i}]"
        if not isinstance(oc, dict) or not oc.get("id") or not oc.get("label") or not oc.get("quote"):
            raise RuleError(where, "each open criterion is {id, label, quote}")
        if not re.fullmatch(r"[a-z][a-z0-9_]*", str(oc["id"])):
            raise RuleError(f"{where}.id", f"{oc['id']!r} must be lower_snake_case (it is also a SQL column open__<id>)")
        if any(o.id == str(oc["id"]) for o in open_criteria):
            raise RuleError(f"{where}.id", "duplicate open criterion id")
        in_sources(oc["quote"], f"{where}.quote")
        open_criteria.append(m.OpenCriterion(str(oc["id"]), oc["label"], oc["quote"]))
    scope = policies.scope(o.id for o in open_criteria)
    # `fact@policy` reads the fact over the measure's own execution period (rules/periods.py)
    policy_period = policy_spec(period.start, period.end)

    conditions = []
    for i, c in enumerate(raw.get("conditions") or []):
        cid = c.get("id") if isinstance(c, dict) else None
        where = f"{at} conditions[{cid or i}]"
        if not cid or not isinstance(c, dict) or not c.get("label"):
            raise RuleError(where, "each condition is {id, expr, label, quote}")
        if any(x.id == cid for x in conditions):
            raise RuleError(f"{where}.id", "duplicate condition id")
        ast = parse(c.get("expr"), f"{where}.expr", policy_period)
        if typecheck(ast, scope, f"{where}.expr") != BOOLEAN:
            raise RuleError(f"{where}.expr", f"{c.get('expr')!r} is not a condition (true/false)")
        in_sources(c.get("quote"), f"{where}.quote", c.get("clause"))
        conditions.append(m.Condition(str(cid), str(c["expr"]), ast, ast, c["label"], c.get("quote"),
                                      c.get("clause")))
    if len(conditions) > 62:
        raise RuleError(f"{at} conditions", "at most 62 conditions (failing conditions are a 64-bit mask)")

    amount = None
    if raw.get("amount") is not None:
        a = raw["amount"]
        where = f"{at} amount"
        if not isinstance(a, dict):
            raise RuleError(where, "amount is {expr, cap, floor, kind, unit, quote}")
        akind = a.get("kind")
        if akind not in m.AMOUNT_KINDS:
            raise RuleError(f"{where}.kind", f"{akind!r} is not one of {', '.join(m.AMOUNT_KINDS)}")
        parts = {}
        for key in ("expr", "cap", "floor", "upper"):
            if a.get(key) is None:
                continue
            ast = parse(a[key], f"{where}.{key}", policy_period)
            t = typecheck(ast, scope, f"{where}.{key}")
            if not t.numeric:
                raise RuleError(f"{where}.{key}", f"{a[key]!r} is {t}, not an amount")
            parts[key] = ast
        if akind != "not_stated" and "expr" not in parts:
            raise RuleError(f"{where}.expr", f"required for kind {akind}")
        if akind == "range" and "upper" not in parts:
            raise RuleError(f"{where}.upper", "required for kind range")
        in_sources(a.get("quote"), f"{where}.quote")
        amount = m.Amount(akind, parts.get("expr"), parts.get("cap"), parts.get("floor"), parts.get("upper"),
                          a.get("unit") or "元", a.get("quote"),
                          {k: str(a[k]) for k in ("expr", "cap", "floor", "upper") if a.get(k) is not None},
                          _payers(a.get("payers"), where, in_sources),
                          _sum_parts(a.get("sum_of_parts"), parts.get("expr"), where))

    if len(open_criteria) > 62:
        raise RuleError(f"{at} open_criteria", "at most 62 open criteria (reported as a 64-bit mask)")
    # An open criterion nothing references would never be reported: the measure would look
    # unconditional although the source says '符合条件的' (ENGINE-REQUESTS 2).
    from zhida.rules.expr import open_refs

    referenced = set(open_refs(*[c.ast for c in conditions],
                               *([amount.expr, amount.cap, amount.floor, amount.upper] if amount else [])))
    for i, oc in enumerate(open_criteria):
        if f"open.{oc.id}" not in referenced:
            raise RuleError(f"{at} open_criteria[{i}]",
                            f"{oc.id!r} is not referenced by any condition or amount (write open.{oc.id} where it applies)")

    uses = [str(u) for u in raw.get("uses") or []]
    for u in uses:
        if u not in policies.concepts:
            raise RuleError(f"{at} uses", f"unknown concept {u!r}")
    from zhida.rules.expr import columns

    for c in conditions:
        for ref in columns(c.ast):
            if ref in policies.concepts and ref not in uses:
                uses.append(ref)
    return m.Measure(
        id=mid, title=str(title), document=document, benefit=str(raw.get("benefit") or mid), kind=kind,
        beneficiary=beneficiary, sources=sources, jurisdiction=jurisdiction, period=period,
        application=application, application_quote=application_quote, responsible_units=[str(u) for u in raw.get("responsible_units") or []],
        review=review, conditions=conditions, open_criteria=open_criteria, amount=amount, uses=uses,
        note=raw.get("note"), file=path.name, jurisdiction_basis=list(basis),
    )


def _payers(raw, where: str, in_sources) -> list:
    """``amount.payers``: [{payer, part, quote?}] — who pays which part of the amount, as the
    source splits it (市级承担20%、区级承担30%). Parts are weights: the amount is divided in
    their proportion (0.20 : 0.30 → 40% : 60%)."""
    if raw is None:
        return []
    from decimal import Decimal, InvalidOperation

    if not isinstance(raw, list) or len(raw) < 1:
        raise RuleError(f"{where}.payers", "a list of {payer, part, quote}")
    out = []
    for i, p in enumerate(raw):
        at = f"{where}.payers[{i}]"
        if not isinstance(p, dict) or not p.get("payer") or set(p) - {"payer", "part", "quote"}:
            raise RuleError(at, "{payer, part, quote}: payer is the level or unit (市级, 区级)")
        try:
            part = Decimal(str(p.get("part", 1)))
        except InvalidOperation:
            raise RuleError(f"{at}.part", f"{p.get('part')!r} is not a number") from None
        if part <= 0:
            raise RuleError(f"{at}.part", "must be > 0")
        in_sources(p.get("quote"), f"{at}.quote")
        out.append(m.Payer(str(p["payer"]), part, p.get("quote")))
    return out


def _sum_parts(flag, expr, where: str) -> list:
    """``amount.sum_of_parts: true``: the amount is a sum (留抵退税 = 增量 + 存量); its addends
    are the parts, and with only some known the known part is reported as a floor."""
    if not flag:
        return []
    from sqlglot import exp

    if flag is not True or not isinstance(expr, exp.Add):
        raise RuleError(f"{where}.sum_of_parts", "true, with expr a sum (a + b + …)")
    out, stack = [], [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, exp.Add):
            stack += [node.expression, node.this]
        else:
            out.append(node)
    return out
