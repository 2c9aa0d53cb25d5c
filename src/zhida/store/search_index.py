"""The full-text index, per backend: FTS5 + bm25 on SQLite, tsvector + GIN + ts_rank on PostgreSQL.

Both index the same bigram tokens (``tokens.token_stream``) and answer the same query shape:
AND over terms, each term an OR over its script variants, each variant a phrase of adjacent
bigrams, or for a single character a prefix query (every occurrence starts a token).
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import text
from sqlalchemy.orm import Session

from zhida.store.tokens import bigrams

MAX_TS_POSITION = 16383  # PostgreSQL tsvector limits: positions and positions per lexeme
MAX_TS_POSITIONS_PER_LEXEME = 256


def add(session: Session, rows: list[tuple[int, list[str]]]) -> None:
    """Index clauses: (clauses.id, token stream of its normalized text)."""
    if not rows:
        return
    if session.bind.dialect.name == "sqlite":
        session.execute(
            text("INSERT INTO clause_search(rowid, tokens) VALUES (:id, :tokens)"),
            [{"id": clause_id, "tokens": " ".join(tokens)} for clause_id, tokens in rows],
        )
    else:
        session.execute(
            text("INSERT INTO clause_search(clause_id, tokens) VALUES (:id, CAST(:tokens AS tsvector))"),
            [{"id": clause_id, "tokens": _tsvector_literal(tokens)} for clause_id, tokens in rows],
        )


def remove(session: Session, rows: list[tuple[int, list[str]]]) -> None:
    """Drop clauses from the index (same rows as given to ``add``)."""
    if not rows:
        return
    if session.bind.dialect.name == "sqlite":
        # A contentless FTS5 table forgets a row by being told its original tokens again.
        session.execute(
            text("INSERT INTO clause_search(clause_search, rowid, tokens) VALUES ('delete', :id, :tokens)"),
            [{"id": clause_id, "tokens": " ".join(tokens)} for clause_id, tokens in rows],
        )
    else:
        session.execute(
            text("DELETE FROM clause_search WHERE clause_id = :id"), [{"id": clause_id} for clause_id, _ in rows]
        )


def _tsvector_literal(tokens: list[str]) -> str:
    # Built as a literal, not with to_tsvector(): the text-search parser would re-split our
    # bigrams by locale rules; a literal keeps exactly our tokens and their positions.
    positions: dict[str, list[int]] = defaultdict(list)
    for index, token in enumerate(tokens, start=1):
        spots = positions[token]
        if len(spots) < MAX_TS_POSITIONS_PER_LEXEME:
            spots.append(min(index, MAX_TS_POSITION))
    return " ".join(
        "'" + token.replace("\\", "\\\\").replace("'", "''") + "':" + ",".join(map(str, sorted(set(spots))))
        for token, spots in positions.items()
    )


def match_expression(dialect: str, terms: list[list[str]]) -> str:
    """The MATCH (FTS5) / tsquery (PostgreSQL) text for AND over terms of OR-ed variants."""
    clauses = []
    for variants in terms:
        phrases = [_phrase(dialect, bigrams(variant)) for variant in variants]
        clauses.append("(" + " OR ".join(phrases) + ")" if dialect == "sqlite" else "(" + " | ".join(phrases) + ")")
    return (" AND " if dialect == "sqlite" else " & ").join(clauses)


def _phrase(dialect: str, grams: list[str]) -> str:
    single = len(grams) == 1 and len(grams[0]) == 1  # one character: any token starting with it
    if dialect == "sqlite":
        return '"' + " ".join(gram.replace('"', '""') for gram in grams) + '"' + ("*" if single else "")
    quoted = ["'" + gram.replace("\\", "\\\\").replace("'", "''") + "'" for gram in grams]
    return quoted[0] + ":*" if single else "(" + " <-> ".join(quoted) + ")"


def matching_sql(dialect: str) -> tuple[str, str, str]:
    """(FROM/JOIN fragment, WHERE fragment, score expression) for an indexed query ``:match``.

    Scores are "higher is better" on both backends (FTS5's bm25() is negated).
    """
    if dialect == "sqlite":
        return (
            "clause_search JOIN clauses c ON c.id = clause_search.rowid",
            "clause_search MATCH :match",
            "-bm25(clause_search)",
        )
    return (
        "clause_search s JOIN clauses c ON c.id = s.clause_id",
        "s.tokens @@ CAST(:match AS tsquery)",
        # normalization 1: divide by 1 + log(length), so long clauses do not win by size alone
        "ts_rank(s.tokens, CAST(:match AS tsquery), 1)",
    )
