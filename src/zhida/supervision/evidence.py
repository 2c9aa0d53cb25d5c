"""Evidence attachments of a progress report: type and size checked (extension, declared type and
the file's first bytes must agree), stored content-addressed under ``$ZHIDA_HOME/supervision/evidence``.

Files are written only after every check passed and the report's rows are flushed, inside the
report's transaction: a refused report writes nothing; a failed write rolls the report back. A file
written by a transaction that then fails is unreferenced (its name is its hash) and harmless."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from zhida import config
from zhida.errors import ZhidaError
from zhida.supervision import settings

MAGIC = {"pdf": (b"%PDF",), "png": (b"\x89PNG",), "jpg": (b"\xff\xd8\xff",), "jpeg": (b"\xff\xd8\xff",),
         "docx": (b"PK\x03\x04",), "xlsx": (b"PK\x03\x04",), "doc": (b"\xd0\xcf\x11\xe0",),
         "xls": (b"\xd0\xcf\x11\xe0",)}


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
        name = Path((upload.filename or "").replace("\\", "/")).name.strip()
        if not name:
            raise ZhidaError("evidence", "佐证材料缺少文件名")
        extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        if extension not in rules.types:
            raise ZhidaError("evidence", f"“{name}”的类型不在允许之列（{'、'.join(sorted(rules.types))}）")
        if not upload.content:
            raise ZhidaError("evidence", f"“{name}”是空文件")
        if len(upload.content) > rules.max_bytes:
            raise ZhidaError("evidence", f"“{name}”超过 {rules.max_bytes // (1024 * 1024)} MB")
        if not any(upload.content.startswith(magic) for magic in MAGIC.get(extension, (b"",))):
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
    relative = Path("supervision") / "evidence" / item.sha256[:2] / f"{item.sha256}.{item.extension}"
    target = config.home() / relative
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(target.suffix + f".{os.getpid()}.part")
        partial.write_bytes(item.content)
        os.replace(partial, target)
    return str(relative)


def read(relative: str) -> bytes:
    path = (config.home() / relative).resolve()
    if root().resolve() not in path.parents:
        raise ZhidaError("evidence", "佐证材料路径无效")
    return path.read_bytes()
