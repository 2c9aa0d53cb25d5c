"""Errors a user can act on. Each renders as one line naming the file/field and the reason."""

from __future__ import annotations


class ZhidaError(Exception):
    """Base for errors shown to users as a single line (CLI exit code 2)."""

    def __init__(self, where: str, reason: str):
        self.where = where
        self.reason = reason
        super().__init__(f"{where}: {reason}")


class IngestError(ZhidaError):
    """A document could not be read (empty, binary, no text layer, too large, unsupported …)."""


class RuleError(ZhidaError):
    """A measure or expression is malformed (unknown fact, type error, bad date, quote not in clause …)."""


class DataError(ZhidaError):
    """Enterprise data is invalid (bad USCC, unknown code, wrong unit …)."""


class NotFoundOrHidden(ZhidaError):
    """No such thing, or not one this person may see: the same answer for both, so that ids
    outside one's scope cannot be probed (shown as 404 on the web)."""
