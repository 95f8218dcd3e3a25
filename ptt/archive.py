"""The document archive: every fetched document, on disk, with its sha256.

Documents live under ``documents_dir/<source>/<name>``; a name may hold subfolders
(``2025/20026537.pdf``) but never leaves its source's folder. A save writes a temporary
file in the same folder, fsyncs it and renames it into place, so a document is either
complete or absent. Beside each document a hidden sidecar ``.<file>.json`` keeps its
sha256, size and fetch time; a second one, ``.<file>.http.json``, keeps the HTTP
validators (ETag, Last-Modified) of index files for conditional requests. A document
whose sidecar is missing or stale (a crash between the two renames) is hashed again.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ptt.clock import now_text, to_text
from ptt.errors import StoreError

_TEMPORARY_PREFIX = ".tmp-"


@dataclass(frozen=True)
class ArchivedDocument:
    """A document kept in the archive."""

    source: str
    # Relative to documents_dir, with forward slashes: ``us-house/2025/20026537.pdf``.
    relative_path: str
    sha256: str
    size_bytes: int
    fetched_at: str


@dataclass(frozen=True)
class Validators:
    """The HTTP validators a source sent with an index file."""

    etag: str | None
    last_modified: str | None


class Archive:
    """Documents on disk under ``root/<source>/<name>``."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path_for(self, source: str, name: str) -> Path:
        """Return where a document lives; refuse names that leave the source's folder."""
        _check_part(source, "source", source, name)
        parts = name.replace("\\", "/").split("/")
        for part in parts:
            _check_part(part, "name", source, name)
        return self.root.joinpath(source, *parts)

    def relative_path(self, source: str, name: str) -> str:
        """Return a document's path relative to the archive root, with slashes."""
        return self.path_for(source, name).relative_to(self.root).as_posix()

    def has(self, source: str, name: str) -> ArchivedDocument | None:
        """Return the archived document, or None when it is not (completely) there."""
        path = self.path_for(source, name)
        try:
            stat = path.stat()
        except FileNotFoundError:
            return None

        meta = _read_json(_sidecar(path))
        if meta is not None and _sidecar_matches(meta, stat):
            return ArchivedDocument(
                source=source,
                relative_path=self.relative_path(source, name),
                sha256=str(meta["sha256"]),
                size_bytes=stat.st_size,
                fetched_at=str(meta["fetched_at"]),
            )

        # The document was renamed into place but its sidecar was not (a crash between
        # the two), or the file changed since: hash it again and mend the sidecar.
        data = path.read_bytes()
        return self._record(source, name, path, data, _mtime_text(stat.st_mtime))

    def save(self, source: str, name: str, data: bytes) -> ArchivedDocument:
        """Write a document atomically and return it with its sha256."""
        path = self.path_for(source, name)
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_atomically(path, data)
        return self._record(source, name, path, data, now_text())

    def read(self, source: str, name: str) -> bytes:
        """Return a document's bytes; raise StoreError when it is not archived."""
        path = self.path_for(source, name)
        try:
            return path.read_bytes()
        except FileNotFoundError:
            raise StoreError(
                f"document {self.relative_path(source, name)} is not in the archive "
                f"({self.root}); collect the source again to fetch it",
                source=source,
                document=name,
            ) from None

    def save_validators(
        self,
        source: str,
        name: str,
        etag: str | None,
        last_modified: str | None,
    ) -> None:
        """Keep the ETag and Last-Modified a source sent with a document."""
        path = self.path_for(source, name)
        path.parent.mkdir(parents=True, exist_ok=True)
        entry = {"etag": etag, "last_modified": last_modified}
        _write_atomically(_validators_path(path), json.dumps(entry).encode())

    def validators(self, source: str, name: str) -> Validators:
        """Return the kept validators of a document (both None when there are none)."""
        entry = _read_json(_validators_path(self.path_for(source, name))) or {}
        etag = entry.get("etag")
        last_modified = entry.get("last_modified")
        return Validators(
            etag=etag if isinstance(etag, str) else None,
            last_modified=last_modified if isinstance(last_modified, str) else None,
        )

    def _record(
        self, source: str, name: str, path: Path, data: bytes, fetched_at: str
    ) -> ArchivedDocument:
        digest = hashlib.sha256(data).hexdigest()
        stat = path.stat()
        meta = {
            "sha256": digest,
            "size_bytes": len(data),
            "mtime_ns": stat.st_mtime_ns,
            "fetched_at": fetched_at,
        }
        _write_atomically(_sidecar(path), json.dumps(meta).encode())
        return ArchivedDocument(
            source=source,
            relative_path=self.relative_path(source, name),
            sha256=digest,
            size_bytes=len(data),
            fetched_at=fetched_at,
        )


def _mtime_text(mtime: float) -> str:
    return to_text(dt.datetime.fromtimestamp(mtime, dt.UTC))


def _check_part(part: str, what: str, source: str, name: str) -> None:
    if part in ("", ".", "..") or "/" in part or "\\" in part or "\0" in part:
        raise _refused(source, name, f"its {what} part {part!r} leaves the folder")
    # Hidden names are the archive's own (sidecars, temporary files).
    if part.startswith("."):
        raise _refused(source, name, f"its {what} part {part!r} starts with a dot")


def _refused(source: str, name: str, why: str) -> StoreError:
    return StoreError(
        f"refusing document name {name!r} for source {source!r}: {why}",
        source=source,
        document=name,
    )


def _sidecar(path: Path) -> Path:
    return path.with_name(f".{path.name}.json")


def _validators_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.http.json")


def _sidecar_matches(meta: dict[str, Any], stat: os.stat_result) -> bool:
    return (
        isinstance(meta.get("sha256"), str)
        and isinstance(meta.get("fetched_at"), str)
        and meta.get("size_bytes") == stat.st_size
        and meta.get("mtime_ns") == stat.st_mtime_ns
    )


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        value = json.loads(path.read_bytes())
    except (FileNotFoundError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def _write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a fsynced temporary file and a rename."""
    descriptor, temporary = tempfile.mkstemp(
        prefix=f"{_TEMPORARY_PREFIX}{path.name}.", dir=path.parent
    )
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    _fsync_folder(path.parent)


def _fsync_folder(folder: Path) -> None:
    # The rename is durable only once the folder's entry is on disk too.
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
