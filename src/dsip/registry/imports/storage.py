"""Uploaded import files at rest: sealed with the field cipher, kept only while the batch may still run.

An import file is full of ID numbers, phones and addresses, so it is stored
like any other sensitive value (ARCHITECTURE rule 2): the bytes are cut into
1 MiB blocks and each block is sealed with the field cipher's current key
(SM4-GCM or AES-256-GCM). The associated data names the file's hash, the
block's number and whether it is the last block, so blocks cannot be
reordered, swapped between files or cut off without the opening failing.

Retention: the sealed file exists from upload until the batch is finished
(done, or refused as invalid); a failed or interrupted batch keeps it so the
run can resume. Running a finished batch again (``--skip-invalid`` after a
refusal) means uploading the file again, which stores it again.

The reader gets the plain bytes in memory (files are at most ``MAX_ROWS``
rows, tens of MB), never as a plain file on disk; an XLSX file's bytes go on
through a pipe to the child process that parses it (``reader.PersonFile``).
"""

from __future__ import annotations

import io
import os
from pathlib import Path

from django.conf import settings

from dsip.core.crypto import DecryptionError, field_cipher

MAGIC = b"DSIPUPLOAD1\n"
BLOCK = 1 << 20
SUFFIX = ".sealed"


def imports_dir() -> Path:
    path = Path(settings.DATA_DIR) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _context(file_hash: str, index: int, last: bool) -> str:
    return f"registry.import:{file_hash}:{index}:{int(last)}"


def stored_path(file_hash: str) -> Path:
    return imports_dir() / f"{file_hash}{SUFFIX}"


def seal_upload(source: Path, *, file_hash: str) -> Path:
    """Store ``source`` sealed under its hash (once); written to a side file and renamed, so never half there."""
    target = stored_path(file_hash)
    if target.exists():
        return target
    cipher = field_cipher()
    partial = target.with_name(f"{target.name}.{os.getpid()}.part")
    with open(source, "rb") as src, open(partial, "wb") as out:
        out.write(MAGIC)
        index, block = 0, src.read(BLOCK)
        while True:
            following = src.read(BLOCK)
            blob = cipher.seal_bytes(block, context=_context(file_hash, index, not following))
            out.write(len(blob).to_bytes(4, "big"))
            out.write(blob)
            if not following:
                break
            index, block = index + 1, following
    os.replace(partial, target)
    return target


def open_upload(path: Path, *, file_hash: str) -> io.BytesIO:
    """The plain bytes of a sealed upload; raises ``DecryptionError`` if it was altered or cut short."""
    cipher = field_cipher()
    parts: list[bytes] = []
    with open(path, "rb") as fh:
        if fh.read(len(MAGIC)) != MAGIC:
            raise DecryptionError("not a sealed upload")
        index = 0
        while True:
            size = fh.read(4)
            if len(size) != 4:
                raise DecryptionError("sealed upload is cut short")
            blob = fh.read(int.from_bytes(size, "big"))
            last = not fh.peek(1)
            parts.append(cipher.open_bytes(blob, context=_context(file_hash, index, last)))
            if last:
                break
            index += 1
    return io.BytesIO(b"".join(parts))


def discard_upload(file_hash: str) -> None:
    stored_path(file_hash).unlink(missing_ok=True)
