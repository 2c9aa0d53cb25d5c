"""Where zhida keeps its state. One place, read from the environment.

ZHIDA_HOME          directory for the embedded store and outputs (default ./var)
ZHIDA_DATABASE_URL  SQLAlchemy URL; default is a SQLite file in ZHIDA_HOME.
                    PostgreSQL: postgresql+psycopg://user@host:5432/dbname
ZHIDA_SEARCH_DIR    where PostgreSQL stores keep their clause search index (default
                    ZHIDA_HOME/search); a SQLite store keeps it beside its file (<file>.search)
ZHIDA_POLICIES_DIR  the policies directory (measures/, facts/, concepts/, sources/). Default: the
                    checkout's policies/ when running from a source tree, else the reference
                    policies shipped inside the installed package (zhida/reference_policies).
                    A directory holding only some of the four falls back to the reference
                    policies for the others.

Behind an HTTPS reverse proxy (docs/web.md):
ZHIDA_SECURE_COOKIES       1/true: cookies carry the Secure flag (sent only over HTTPS)
ZHIDA_HSTS_SECONDS         > 0: every answer carries Strict-Transport-Security: max-age=N
ZHIDA_FORWARDED_ALLOW_IPS  comma-separated addresses (or networks) whose X-Forwarded-For /
                           X-Forwarded-Proto headers are trusted; default 127.0.0.1

E-mail notifications (zhida.notify.mailer, `zhida notify send`, docs/notifications.md):
ZHIDA_SMTP_HOST      the SMTP server; unset: nothing is sent, the outbox keeps every message
ZHIDA_SMTP_PORT      default 25 (587 with STARTTLS is usual)
ZHIDA_SMTP_FROM      the sender address, e.g. 政策直达 <noreply@zhida.example.cn>
ZHIDA_SMTP_USER      login (optional), with ZHIDA_SMTP_PASSWORD
ZHIDA_SMTP_STARTTLS  1/true: upgrade the connection with STARTTLS before logging in
ZHIDA_NOTIFY_TICK_SECONDS  > 0: every web process runs `zhida notify tick` this often (default off)
ZHIDA_PUBLIC_URL     the site's address as users reach it (https://zhida.example.cn): links in
                     e-mails are made absolute with it; unset: the path alone
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
PACKAGED_POLICIES_DIR = Path(__file__).resolve().parent / "reference_policies"


def _reference_policies() -> Path:
    """The policies zhida ships: the checkout's policies/, or the copy inside an installed wheel."""
    checkout = PROJECT_ROOT / "policies"
    if (PROJECT_ROOT / "pyproject.toml").is_file() and (checkout / "measures").is_dir():
        return checkout
    return PACKAGED_POLICIES_DIR


POLICIES_DIR = _reference_policies()  # the reference policies (ZHIDA_POLICIES_DIR not applied)
SOURCES_DIR = POLICIES_DIR / "sources"

MAX_SOURCE_BYTES = 50 * 1024 * 1024  # a policy document over 50 MB is not a policy document


def home() -> Path:
    path = Path(os.environ.get("ZHIDA_HOME") or PROJECT_ROOT / "var")
    path.mkdir(parents=True, exist_ok=True)
    return path


def database_url() -> str:
    url = os.environ.get("ZHIDA_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{home() / 'zhida.sqlite3'}"


def search_dir() -> Path:
    return Path(os.environ.get("ZHIDA_SEARCH_DIR") or home() / "search")


def policies_dir() -> Path:
    """The policies directory in use: $ZHIDA_POLICIES_DIR, else the reference policies."""
    own = os.environ.get("ZHIDA_POLICIES_DIR")
    return Path(own).expanduser() if own else POLICIES_DIR


def policies_subdir(name: str, root: Path | str | None = None) -> Path:
    """``name`` (measures, facts, concepts, sources) under ``root`` or policies_dir(); a policies
    directory without that part falls back to the reference policies' one."""
    base = Path(root).expanduser() if root else policies_dir()
    own = base / name
    return own if own.is_dir() else POLICIES_DIR / name


def sources_dir() -> Path:
    return policies_subdir("sources")


def _flag(name: str) -> bool:
    return (os.environ.get(name) or "").strip().lower() in ("1", "true", "yes", "on")


def secure_cookies() -> bool:
    return _flag("ZHIDA_SECURE_COOKIES")


def hsts_seconds() -> int:
    raw = (os.environ.get("ZHIDA_HSTS_SECONDS") or "0").strip()
    if not raw.isdigit():
        from zhida.errors import ZhidaError

        raise ZhidaError("ZHIDA_HSTS_SECONDS", f"应为非负整数（秒），而不是 {raw!r}")
    return int(raw)


def forwarded_allow_ips() -> str:
    return (os.environ.get("ZHIDA_FORWARDED_ALLOW_IPS") or "127.0.0.1").strip()


def smtp_settings() -> dict:
    """The SMTP server's settings from the environment (host None: e-mail is not configured)."""
    from zhida.errors import ZhidaError

    raw_port = (os.environ.get("ZHIDA_SMTP_PORT") or "25").strip()
    if not raw_port.isdigit() or not 0 < int(raw_port) < 65536:
        raise ZhidaError("ZHIDA_SMTP_PORT", f"应为 1–65535 的端口号，而不是 {raw_port!r}")
    return {
        "host": (os.environ.get("ZHIDA_SMTP_HOST") or "").strip() or None,
        "port": int(raw_port),
        "sender": (os.environ.get("ZHIDA_SMTP_FROM") or "").strip() or "noreply@localhost",
        "user": (os.environ.get("ZHIDA_SMTP_USER") or "").strip() or None,
        "password": os.environ.get("ZHIDA_SMTP_PASSWORD") or None,
        "starttls": _flag("ZHIDA_SMTP_STARTTLS"),
    }


def public_url() -> str:
    return (os.environ.get("ZHIDA_PUBLIC_URL") or "").strip().rstrip("/")
