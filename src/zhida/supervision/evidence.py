"""Evidence attachments of a progress report: type and size checked (extension, declared type and
the kind read from the bytes by zhida.uploads must agree), stored content-addressed under ``$ZHIDA_HOME/supervision/evidence``.

Files are written only after every check passed and the report's rows are flushed, inside the
report's transaction: a refused report writes nothing; a failed write rolls the report back. A file
written by a transaction that then fails is unreferenced (its name is its hash) and harmless."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from zhida import config
from zhida import uploads as files
from zhida.errors import ZhidaError
from zhida.supervision import settings


@dataclass(frozen=True)
class Upload:
    filename: str
    content: bytes
    content_type: str | None = None


@dataclass(frozen=True)
class Checked:
    filename: str
    content: bytes
    content_type: str
    sha256: str
    extension: str


def check(uploads: list[Upload]) -> list[Checked]:
    rules = settings.load()
    uploads = [u for u in uploads or [] if u.filename or u.content]
    if len(uploads) > rules.max_files:
        raise ZhidaError("evidence", f"佐证材料最多 {rules.max_files} 个文件")
    out = []
    for upload in uploads:
        name = files.clean_name(upload.filename, default="")
        if not name:
            raise ZhidaError("evidence", "佐证材料缺少文件名")
        extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        if extension not in rules.types:
            raise ZhidaError("evidence", f"“{name}”的类型不在允许之列（{'、'.join(sorted(rules.types))}）")
        kind = files.check(upload.content, name, max_bytes=rules.max_bytes, where="evidence")
        if kind != files.EXTENSION_KIND.get(extension):
            raise ZhidaError("evidence", f"“{name}”的内容与扩展名 .{extension} 不符")
        declared = (upload.content_type or "").split(";")[0].strip().lower()
        expected = rules.types[extension]
        if declared and declared not in (expected, "application/octet-stream"):
            raise ZhidaError("evidence", f"“{name}”的类型 {declared} 与扩展名 .{extension} 不符")
        out.append(Checked(name[:255], upload.content, expected, hashlib.sha256(upload.content).hexdigest(), extension))
    return out


def root() -> Path:
    return config.home() / "supervision" / "evidence"


def write(item: Checked) -> str:
    """Store the file; returns its path relative to ZHIDA_HOME."""
    _, key = files.save(root(), item.content, f".{item.extension}")
    return str(Path("supervision") / "evidence" / key)


def read(relative: str) -> bytes:
    prefix = Path("supervision") / "evidence"
    if not Path(relative).is_relative_to(prefix):
        raise ZhidaError("evidence", "佐证材料路径无效")
    return files.read(root(), str(Path(relative).relative_to(prefix)), where="evidence")
