"""Documents as officials name them: the current version's title and 文号 from the store."""

from __future__ import annotations

from sqlalchemy import select

from zhida.store.schema import Document, DocumentVersion


def document_titles(store, keys: set[str]) -> dict[str, tuple[str | None, str | None]]:
    """Document key → (title, 文号) of its current version; keys not in the store are left out."""
    if not keys:
        return {}
    with store.sessions() as session:
        rows = session.execute(
            select(Document.key, DocumentVersion.title, DocumentVersion.doc_number)
            .join(DocumentVersion, (DocumentVersion.document_id == Document.id)
                  & (DocumentVersion.version == Document.current_version))
            .where(Document.key.in_(sorted(keys)))).all()
    return {key: (title, number) for key, title, number in rows}


def document_label(key: str, titles: dict[str, tuple[str | None, str | None]]) -> str:
    title, number = titles.get(key, (None, None))
    if title and number:
        return f"{title}（{number}）"
    return title or number or "未登记标题的政策文件"
