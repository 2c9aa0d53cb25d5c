"""The full-text index, per backend: FTS5 + bm25 on SQLite, tsvector + GIN + ts_rank on PostgreSQL.

Both index the same tokens (``tokens.token_stream`` of the clause's simplified text) and answer
the same query: AND over terms, each term an OR over its script variants, each variant a phrase
of adjacent bigrams, or for a single character a prefix query (every occurrence starts a token).

Ranking is done over a bounded candidate set: the CANDIDATES most recently ingested matching
clauses. A common word in a large corpus (疫情 in 20,000 documents) matches ~100,000 clauses and
scoring all of them takes far longer than the 50 ms budget; the caller reports when it capped.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

from zhida.store.tokens import bigrams, query_terms, suffix_tokens, token_stream

CANDIDATES = 2000
MAX_TS_POSITION = 16383  # PostgreSQL tsvector limits: positions and positions per lexeme
MAX_TS_POSITIONS_PER_LEXEME = 256


@dataclass
class IndexRow:
    clause_id: int  # clauses.id
    text: str  # the clause's simplified text
    units: str  # clauses.units ("|a|b|")
    beneficiaries: str  # clauses.beneficiaries


def _fts5_values(row: IndexRow) -> dict:
    return {
        "id": row.clause_id,
        "tokens": " ".join(token_stream(row.text)),
        "units": " ".join(suffix_tokens(row.units)),
        "beneficiaries": " ".join(suffix_tokens(row.beneficiaries)),
    }


def add(session: Session, rows: list[IndexRow]) -> None:
    if not rows:
        return
    if session.bind.dialect.name == "sqlite":
        session.execute(
            text(
                "INSERT INTO clause_search(rowid, tokens, units, beneficiaries)"
                " VALUES (:id, :tokens, :units, :beneficiaries)"
            ),
            [_fts5_values(row) for row in rows],
        )
    else:
        session.execute(
            text("INSERT INTO clause_search(clause_id, tokens) VALUES (:id, CAST(:tokens AS tsvector))"),
            [{"id": row.clause_id, "tokens": _tsvector_literal(token_stream(row.text))} for row in rows],
        )


def remove(session: Session, rows: list[IndexRow]) -> None:
    """Drop clauses from the index (the same rows as were given to ``add``)."""
    if not rows:
        return
    if session.bind.dialect.name == "sqlite":
        # A contentless FTS5 table forgets a row by being told its original tokens again.
        session.execute(
            text(
                "INSERT INTO clause_search(clause_search, rowid, tokens, units, beneficiaries)"
                " VALUES ('delete', :id, :tokens, :units, :beneficiaries)"
            ),
            [_fts5_values(row) for row in rows],
        )
    else:
        session.execute(
            text("DELETE FROM clause_search WHERE clause_id = :id"), [{"id": row.clause_id} for row in rows]
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
        _pg_quote(token) + ":" + ",".join(map(str, sorted(set(spots)))) for token, spots in positions.items()
    )


def _pg_quote(token: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def _phrase(dialect: str, grams: list[str]) -> str:
    single = len(grams) == 1 and len(grams[0]) == 1  # one character: any token starting with it
    if dialect == "sqlite":
        return '"' + " ".join(gram.replace('"', '""') for gram in grams) + '"' + ("*" if single else "")
    quoted = [_pg_quote(gram) for gram in grams]
    return quoted[0] + ":*" if single else "(" + " <-> ".join(quoted) + ")"


def _expression(dialect: str, terms: list[list[str]]) -> str:
    """AND over terms, OR over each term's variants."""
    both = (" AND ", " OR ") if dialect == "sqlite" else (" & ", " | ")
    return both[0].join(
        "(" + both[1].join(_phrase(dialect, bigrams(variant)) for variant in variants) + ")" for variants in terms
    )


def candidates(
    session: Session,
    terms: list[list[str]],
    *,
    version_id: int | None = None,
    unit: str | None = None,
    beneficiary: str | None = None,
    limit: int = 10,
) -> tuple[list[tuple[int, float]], bool]:
    """Best ``limit`` (clauses.id, score) pairs, higher score first, and whether the ranking was
    complete (False when more than CANDIDATES clauses matched and only the newest were ranked)."""
    dialect = session.bind.dialect.name
    params: dict = {"limit": limit, "cap": CANDIDATES}
    if dialect == "sqlite":
        match = "tokens : (" + _expression(dialect, terms) + ")"
        for column, value in (("units", unit), ("beneficiaries", beneficiary)):
            if value:
                prefixes = " AND ".join('"' + run.replace('"', '""') + '"*' for run in query_terms(value))
                match += f" AND {column} : ({prefixes})"
        where = "clause_search MATCH :match"
        if version_id is not None:
            # a version's clauses were inserted together, so their ids form one range
            lo, hi = session.execute(
                text("SELECT min(id), max(id) FROM clauses WHERE version_id = :v"), {"v": version_id}
            ).one()
            where += " AND clause_search.rowid BETWEEN :lo AND :hi"
            params |= {"lo": lo or 0, "hi": hi or -1}
        inner = (
            "SELECT clause_search.rowid AS id, -bm25(clause_search, 1.0, 0.0, 0.0) AS score"
            f" FROM clause_search WHERE {where} ORDER BY clause_search.rowid DESC LIMIT :cap"
        )
    else:
        conditions = ["s.tokens @@ CAST(:match AS tsquery)"]
        match = _expression(dialect, terms)
        if version_id is not None:
            conditions.append("c.version_id = :v")
            params["v"] = version_id
        for column, value in (("units", unit), ("beneficiaries", beneficiary)):
            if value:
                for n, run in enumerate(query_terms(value)):
                    conditions.append(f"lower(c.{column}) LIKE :{column}{n} ESCAPE '\\'")
                    params[f"{column}{n}"] = "%" + _like_escape(run) + "%"
        inner = (
            # normalization 1: divide by 1 + log(length), so long clauses do not win by size alone
            "SELECT s.clause_id AS id, ts_rank(s.tokens, CAST(:match AS tsquery), 1) AS score"
            " FROM clause_search s JOIN clauses c ON c.id = s.clause_id"
            f" WHERE {' AND '.join(conditions)} ORDER BY s.clause_id DESC LIMIT :cap"
        )
    params["match"] = match
    rows = session.execute(text(f"SELECT id, score FROM ({inner}) AS candidates"), params).all()
    ranked = sorted(rows, key=lambda row: (-row[1], row[0]))[:limit]
    return [(row[0], float(row[1])) for row in ranked], len(rows) < CANDIDATES


def _like_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
