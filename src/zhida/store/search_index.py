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
            [{"id": row.clause_id, "tokens": _tsvector_literal(row)} for row in rows],
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


# PostgreSQL keeps the filter values in the same tsvector, as position-less lexemes behind a
# prefix no text token can have (tokens are letters/digits/CJK only): '|u|市财政局'.
FILTER_PREFIX = {"units": "|u|", "beneficiaries": "|b|"}


def _tsvector_literal(row: IndexRow) -> str:
    # Built as a literal, not with to_tsvector(): the text-search parser would re-split our
    # bigrams by locale rules; a literal keeps exactly our tokens and their positions.
    positions: dict[str, list[int]] = defaultdict(list)
    for index, token in enumerate(token_stream(row.text), start=1):
        spots = positions[token]
        if len(spots) < MAX_TS_POSITIONS_PER_LEXEME:
            spots.append(min(index, MAX_TS_POSITION))
    lexemes = [_pg_quote(token) + ":" + ",".join(map(str, sorted(set(spots)))) for token, spots in positions.items()]
    for column, prefix in FILTER_PREFIX.items():
        lexemes.extend(_pg_quote(prefix + token) for token in set(suffix_tokens(getattr(row, column))))
    return " ".join(lexemes)


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
        match = _expression(dialect, terms)
        where = match
        for column, value in (("units", unit), ("beneficiaries", beneficiary)):
            if value:
                where += "".join(
                    " & " + _pg_quote(FILTER_PREFIX[column] + run) + ":*" for run in query_terms(value)
                )
        condition = "s.tokens @@ CAST(:where AS tsquery)"
        if version_id is not None:
            condition += " AND s.clause_id IN (SELECT id FROM clauses WHERE version_id = :v)"
            params["v"] = version_id
        params["where"] = where
        # Rank only the capped candidates: ts_rank in the outer query, not over every match.
        # normalization 1 divides by 1 + log(length), so long clauses do not win by size alone.
        inner = (
            "SELECT c.id, ts_rank(c.tokens, CAST(:match AS tsquery), 1) AS score FROM ("
            f"SELECT s.clause_id AS id, s.tokens FROM clause_search s WHERE {condition}"
            " ORDER BY s.clause_id DESC LIMIT :cap) AS c"
        )
    params["match"] = match
    rows = session.execute(text(f"SELECT id, score FROM ({inner}) AS candidates"), params).all()
    ranked = sorted(rows, key=lambda row: (-row[1], row[0]))[:limit]
    return [(row[0], float(row[1])) for row in ranked], len(rows) < CANDIDATES

