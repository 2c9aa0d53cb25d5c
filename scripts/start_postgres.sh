#!/usr/bin/env bash
# Start the local PostgreSQL server when it is down (`make test` calls this before the
# PostgreSQL half of the suite). Host and port: PGHOST/PGPORT, default 127.0.0.1:5432.
# A server that is already up (local or remote) is left alone.
set -euo pipefail
host=${PGHOST:-127.0.0.1}
port=${PGPORT:-5432}
if pg_isready -h "$host" -p "$port" -q 2>/dev/null; then
  exit 0
fi
if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  echo "PostgreSQL is not running at $host:$port and pg_ctlcluster is missing (scripts/system_deps.sh installs postgresql)" >&2
  exit 1
fi
version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n1)
if [ -z "$version" ]; then
  echo "PostgreSQL is installed but has no cluster under /etc/postgresql" >&2
  exit 1
fi
echo "starting PostgreSQL $version/main"
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
$SUDO pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
for _ in $(seq 1 30); do
  pg_isready -h "$host" -p "$port" -q 2>/dev/null && exit 0
  sleep 1
done
echo "PostgreSQL $version/main did not come up at $host:$port within 30 s" >&2
exit 1
