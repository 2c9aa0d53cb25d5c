"""Secrets of the web platform: password hashes, session tokens and CSRF tokens.

- Passwords: argon2id (argon2-cffi's defaults, RFC 9106 low-memory profile).
- Sessions: a random 256-bit token in an HttpOnly, SameSite=Lax cookie; the database keeps
  only its SHA-256, so a leaked database does not hand out live sessions.
- CSRF: the token is an HMAC of the cookie the browser holds (session cookie when logged in,
  else an anonymous seed cookie), so it needs no storage and changes when the session does.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import threading
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from zhida import config

SESSION_COOKIE = "zhida_session"
ANON_COOKIE = "zhida_anon"  # seed for the CSRF token of a visitor not logged in yet (login form)
CSRF_HEADER = "X-CSRF-Token"  # htmx and API clients send the token here
CSRF_FIELD = "csrf_token"  # HTML forms send it as a hidden field

_hasher = PasswordHasher()
# argon2 takes 64 MiB per hash (RFC 9106 low-memory profile): at most this many at once in a
# process, whoever asks (80 concurrent logins once took 900 MiB). The login route also waits
# for a slot without holding a worker thread (login.py).
MAX_CONCURRENT_HASHES = 2
_hash_slots = threading.BoundedSemaphore(MAX_CONCURRENT_HASHES)


def hash_password(password: str) -> str:
    with _hash_slots:
        return _hasher.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    try:
        with _hash_slots:
            return _hasher.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


# A fixed hash to verify against when the user does not exist: the answer takes as long either
# way, so response time does not reveal which usernames exist.
_DUMMY_HASH = hash_password("zhida-no-such-user")


def burn_verify_time(password: str) -> None:
    verify_password(_DUMMY_HASH, password)


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def csrf_token(secret: bytes, cookie_value: str) -> str:
    return hmac.new(secret, b"csrf:" + cookie_value.encode("utf-8"), hashlib.sha256).hexdigest()


def csrf_valid(secret: bytes, cookie_value: str | None, presented: str | None) -> bool:
    if not cookie_value or not presented:
        return False
    return hmac.compare_digest(csrf_token(secret, cookie_value), presented)


def load_secret() -> bytes:
    """ZHIDA_SECRET_KEY, else a random key kept in ZHIDA_HOME/web-secret (created 0600 once)."""
    configured = os.environ.get("ZHIDA_SECRET_KEY")
    if configured:
        return configured.encode("utf-8")
    path = Path(config.home()) / "web-secret"
    if not path.exists():
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another worker created it first
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(32))
    return path.read_text().strip().encode("utf-8")
