"""Stored drafts: drafting a stored document, reading drafts, a reviewer's edits (checked by the
loader), dismissing, and publishing as a versioned rule (``zhida.drafting.rulebook``).

Every write is one transaction with its audit entry; an edit names the revision it was made on,
so two reviewers cannot overwrite each other unseen."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select

from zhida import audit
from zhida.drafting import rulebook, source, validate, yamlform
from zhida.drafting.draft import draft_document
from zhida.drafting.messages import zh
from zhida.drafting.tables import RuleDraft
from zhida.errors import NotFoundOrHidden, RuleError, ZhidaError


class Stale(ZhidaError):
    """The draft changed since the reviewer opened it."""


class NotPublishable(ZhidaError):
    """The draft still has errors or open fields."""


@dataclass
class Review:
    """One draft as the review page shows it: its YAML, the loader's verdict in Chinese lines."""

    row: RuleDraft
    errors: list[str]
    open_fields: list[str]
    measure: object | None


def make(session, key: str, policies, now: datetime, actor: str = "zhida", actor_id: int | None = None) -> int:
    """Draft the current version of ``key`` (nothing if that version has drafts); returns drafts added."""
    doc = source.from_store(session, key)
    existing = session.scalar(select(RuleDraft.id).where(RuleDraft.document == key,
                                                         RuleDraft.document_version == doc.version).limit(1))
    if existing is not None:
        return 0
    return store(session, key, doc.version, rows(draft_document(doc, policies, now.date())), now, actor, actor_id)


def rows(drafts: list) -> list[dict]:
    """A document's drafts (``draft_document``) as rule_drafts rows without document, version and
    times: what a reading worker hands to the process that stores (``zhida ingest --draft``)."""
    out = []
    for position, d in enumerate(drafts):
        text = yamlform.dump_measure(d.measure)
        out.append({"measure_id": d.id, "position": position, "clause_id": d.clause, "sentence": d.sentence,
                    "start": d.start, "end": d.end, "drafted_yaml": text, "yaml": text, "cases_yaml": "",
                    "open_fields": d.open_fields, "status": "drafted", "revision": 1, "updated_by": None})
    return out


def store(session, key: str, version: int, drafted: list[dict], now: datetime, actor: str = "zhida",
          actor_id: int | None = None) -> int:
    """Write ``rows`` as the drafts of version ``version`` of ``key``, with their audit entry."""
    if drafted:
        session.execute(insert(RuleDraft), [{**row, "document": key, "document_version": version, "created_at": now,
                                             "updated_at": now} for row in drafted])
    audit.record(session, actor=actor, actor_id=actor_id, action="rule_draft", entity="rule_draft", entity_id=key,
                 before=None, after={"version": version, "drafts": len(drafted)})
    return len(drafted)


def make_all(session, policies, now: datetime, keys: list[str] | None = None) -> dict[str, int]:
    wanted = keys or [k for k, _ in source.current_keys(session)]
    return {key: make(session, key, policies, now) for key in wanted}


def of_document(session, key: str, version: int | None = None) -> list[RuleDraft]:
    if version is None:
        version = session.scalar(select(RuleDraft.document_version).where(RuleDraft.document == key)
                                 .order_by(RuleDraft.document_version.desc()).limit(1))
    return list(session.scalars(select(RuleDraft).where(RuleDraft.document == key,
                                                        RuleDraft.document_version == version)
                                .order_by(RuleDraft.position)))


def get(session, draft_id: int) -> RuleDraft:
    row = session.get(RuleDraft, draft_id)
    if row is None:
        raise NotFoundOrHidden("draft", f"草稿 {draft_id} 不存在")
    return row


def summary(session) -> list[dict]:
    """Per document: drafts by state (the review list)."""
    from sqlalchemy import func

    rows = session.execute(select(RuleDraft.document, RuleDraft.document_version, RuleDraft.status,
                                  func.count(RuleDraft.id))
                           .group_by(RuleDraft.document, RuleDraft.document_version, RuleDraft.status)).all()
    out: dict[tuple, dict] = {}
    for key, version, status, n in rows:
        entry = out.setdefault((key, version), {"document": key, "version": version, "total": 0})
        entry[status] = n
        entry["total"] += n
    newest: dict[str, dict] = {}
    for (key, version), entry in sorted(out.items()):
        newest[key] = entry
    return list(newest.values())


def check(session, policies, row: RuleDraft, text: str | None = None) -> Review:
    """The loader's verdict on the draft's YAML (or on ``text``), errors as Chinese lines."""
    text = row.yaml if text is None else text
    try:
        mapping = yamlform.parse_measure(text, f"[{row.measure_id}]")
    except RuleError as exc:
        return Review(row, [zh(exc)], [], None)
    doc = source.from_store(session, row.document, row.document_version)
    checked = validate.check(policies, row.document, mapping, doc)
    errors = [zh(e) for e in checked.errors]
    if str(mapping.get("id")) != row.measure_id:
        errors.append(f"编号：不能修改（应为 {row.measure_id}）")
    return Review(row, errors, checked.open_fields, checked.measure)


def edit(session, policies, draft_id: int, text: str, cases_yaml: str | None, *, revision: int, actor: str,
         actor_id: int | None, now: datetime) -> Review:
    """Save the reviewer's YAML (kept even with errors, so nothing typed is lost); the review lists them."""
    row = get(session, draft_id)
    if row.revision != revision:
        raise Stale("revision", "草稿已被他人修改，请刷新后再改")
    if row.status in ("published", "dismissed"):
        raise Stale("status", "草稿已发布或不予采用，不能再改")
    before = {"yaml": row.yaml, "cases": row.cases_yaml}
    row.yaml = text if text.endswith("\n") else text + "\n"
    if cases_yaml is not None:
        row.cases_yaml = cases_yaml
    row.status, row.revision, row.updated_by, row.updated_at = "edited", row.revision + 1, actor, now
    review = check(session, policies, row)
    row.open_fields = [f for f in row.open_fields if f.get("field") in review.open_fields] + \
        [{"field": f, "reason": "待补"} for f in review.open_fields
         if f not in {x.get("field") for x in row.open_fields}]
    audit.record(session, actor=actor, actor_id=actor_id, action="rule_draft_edit", entity="rule_draft",
                 entity_id=str(row.id), before=before, after={"yaml": row.yaml, "cases": row.cases_yaml,
                                                              "errors": review.errors})
    return review


def dismiss(session, draft_id: int, reason: str, *, revision: int, actor: str, actor_id: int | None,
            now: datetime) -> None:
    row = get(session, draft_id)
    if row.revision != revision:
        raise Stale("revision", "草稿已被他人修改，请刷新后再改")
    row.status, row.revision, row.updated_by, row.updated_at = "dismissed", row.revision + 1, actor, now
    audit.record(session, actor=actor, actor_id=actor_id, action="rule_draft_dismiss", entity="rule_draft",
                 entity_id=str(row.id), before=None, after={"reason": reason})


def publish(session, policies, draft_id: int, *, revision: int, reviewer: str, actor_id: int | None,
            now: datetime):
    """The draft as a new version of its rule, stamped with the reviewer; refused with errors or open fields."""
    row = get(session, draft_id)
    if row.revision != revision:
        raise Stale("revision", "草稿已被他人修改，请刷新后再改")
    if row.status in ("published", "dismissed"):
        raise Stale("status", "草稿已发布或不予采用")
    review = check(session, policies, row)
    if review.errors:
        raise NotPublishable("yaml", review.errors[0])
    if review.open_fields:
        from zhida.drafting.messages import field_zh

        raise NotPublishable(review.open_fields[0], f"{field_zh(review.open_fields[0])}：待补，补全后才能发布")
    version = rulebook.publish(session, row.document, row.yaml, reviewer, now, origin="draft", draft_id=row.id,
                               cases_yaml=row.cases_yaml)
    row.status, row.revision, row.updated_by, row.updated_at = "published", row.revision + 1, reviewer, now
    audit.record(session, actor=reviewer, actor_id=actor_id, action="rule_publish", entity="rule_version",
                 entity_id=f"{version.measure_id}@{version.version}", before=None,
                 after={"draft": row.id, "document": row.document, "version": version.version})
    return version
