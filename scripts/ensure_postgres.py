"""Make sure the PostgreSQL test database exists (the server itself is started by scripts/start_postgres.sh).

Prints one line and exits non-zero when the server cannot be reached, so `make test`
fails loudly instead of silently skipping the PostgreSQL half of the suite.
"""

from __future__ import annotations

import os
import sys

import psycopg

ADMIN_DSN = os.environ.get("ZHIDA_PG_ADMIN_DSN", "host=127.0.0.1 port=5432 user=postgres dbname=postgres")
DBNAME = os.environ.get("ZHIDA_PG_TEST_DB", "zhida_test")


def main() -> int:
    try:
        with psycopg.connect(ADMIN_DSN, autocommit=True, connect_timeout=5) as conn:
            exists = conn.execute("select 1 from pg_database where datname = %s", (DBNAME,)).fetchone()
            if not exists:
                conn.execute(f'create database "{DBNAME}"')
        with psycopg.connect(ADMIN_DSN.replace("dbname=postgres", f"dbname={DBNAME}"), autocommit=True) as conn:
            conn.execute("create extension if not exists pg_trgm")
    except psycopg.OperationalError as exc:
        print(f"PostgreSQL at {ADMIN_DSN}: not reachable ({str(exc).strip().splitlines()[0]})", file=sys.stderr)
        return 1
    print(f"PostgreSQL database {DBNAME} ready")
    return 0


if __name__ == "__main__":
    sys.exit(main())
