"""The document archive: atomic saves, trustworthy lookups, safe names, validators."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ptt.archive import Archive
from ptt.errors import StoreError
from tests.helpers import ROOT


@pytest.fixture
def archive(tmp_path: Path) -> Archive:
    return Archive(tmp_path / "documents")


def test_it_saves_a_document_under_its_source_with_sha256(
    archive: Archive, fixtures: Path
) -> None:
    data = (fixtures / "us_house" / "ptr-pdfs" / "20026537.pdf").read_bytes()

    document = archive.save("us-house", "2025/20026537.pdf", data)

    assert document.source == "us-house"
    assert document.relative_path == "us-house/2025/20026537.pdf"
    assert document.sha256 == hashlib.sha256(data).hexdigest()
    assert document.size_bytes == len(data)
    assert document.fetched_at.endswith("Z") and len(document.fetched_at) == 20
    assert (archive.root / "us-house" / "2025" / "20026537.pdf").read_bytes() == data
    assert archive.read("us-house", "2025/20026537.pdf") == data


def test_has_returns_the_saved_document_and_none_for_others(archive: Archive) -> None:
    saved = archive.save("us-senate", "ptr/0677bd3f.html", b"<html></html>")

    assert archive.has("us-senate", "ptr/0677bd3f.html") == saved
    assert archive.has("us-senate", "ptr/other.html") is None
    assert archive.has("us-house", "ptr/0677bd3f.html") is None


def test_it_uses_the_fetched_at_of_the_clock(
    archive: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTT_NOW", "2026-02-01T09:30:00Z")

    document = archive.save("us-house", "2025FD.zip", b"zip")

    assert document.fetched_at == "2026-02-01T09:30:00Z"
    assert archive.has("us-house", "2025FD.zip") == document


def test_a_second_save_replaces_the_document_whole(archive: Archive) -> None:
    archive.save("us-house", "2025FD.zip", b"first version")

    second = archive.save("us-house", "2025FD.zip", b"second")

    assert archive.read("us-house", "2025FD.zip") == b"second"
    assert second.sha256 == hashlib.sha256(b"second").hexdigest()
    assert archive.has("us-house", "2025FD.zip") == second


def test_it_leaves_no_temporary_files_behind(archive: Archive) -> None:
    archive.save("us-house", "2025/1.pdf", b"one")
    archive.save("us-house", "2025/2.pdf", b"two")

    names = sorted(p.name for p in (archive.root / "us-house" / "2025").iterdir())

    assert names == [".1.pdf.json", ".2.pdf.json", "1.pdf", "2.pdf"]


def test_a_crash_before_the_rename_leaves_no_document(
    archive: Archive, tmp_path: Path
) -> None:
    # A real process dies in the middle of a save, after writing the temporary file.
    script = (
        "import os, sys\n"
        "import ptt.archive as a\n"
        "from pathlib import Path\n"
        "def die(*args, **kwargs):\n"
        "    os._exit(9)\n"
        "a.os.replace = die\n"
        "a.Archive(Path(sys.argv[1])).save('us-house', '2025/20026537.pdf', b'x' * 5000)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(archive.root)], cwd=ROOT, check=False
    )

    assert result.returncode == 9
    folder = archive.root / "us-house" / "2025"
    leftovers = list(folder.iterdir())
    assert len(leftovers) == 1 and leftovers[0].name.startswith(".tmp-")
    assert archive.has("us-house", "2025/20026537.pdf") is None
    document = archive.save("us-house", "2025/20026537.pdf", b"complete")
    assert archive.has("us-house", "2025/20026537.pdf") == document


def test_a_document_without_its_sidecar_is_hashed_again(archive: Archive) -> None:
    saved = archive.save("us-house", "2025/20026537.pdf", b"pdf bytes")
    sidecar = archive.root / "us-house" / "2025" / ".20026537.pdf.json"
    sidecar.unlink()

    found = archive.has("us-house", "2025/20026537.pdf")

    assert found is not None
    assert found.sha256 == saved.sha256
    assert found.size_bytes == saved.size_bytes
    assert sidecar.exists()


def test_a_document_changed_behind_the_sidecar_is_hashed_again(
    archive: Archive,
) -> None:
    archive.save("us-house", "2025/20026537.pdf", b"original")
    path = archive.path_for("us-house", "2025/20026537.pdf")
    path.write_bytes(b"changed by hand")

    found = archive.has("us-house", "2025/20026537.pdf")

    assert found is not None
    assert found.sha256 == hashlib.sha256(b"changed by hand").hexdigest()
    assert found.size_bytes == len(b"changed by hand")


def test_a_corrupt_sidecar_is_mended(archive: Archive) -> None:
    saved = archive.save("us-house", "a.pdf", b"abc")
    sidecar = archive.root / "us-house" / ".a.pdf.json"
    sidecar.write_text("{not json")
    os.utime(archive.path_for("us-house", "a.pdf"))

    found = archive.has("us-house", "a.pdf")

    assert found is not None and found.sha256 == saved.sha256
    assert json.loads(sidecar.read_text())["sha256"] == saved.sha256


@pytest.mark.parametrize(
    ("source", "name"),
    [
        ("us-house", "../us-senate/x.html"),
        ("us-house", "2025/../../x"),
        ("us-house", "/etc/passwd"),
        ("us-house", ""),
        ("us-house", "2025//x.pdf"),
        ("us-house", "..\\..\\x"),
        ("us-house", ".x.pdf.json"),
        ("us-house", "2025/.tmp-x"),
        ("../etc", "x"),
        ("", "x"),
        ("us/house", "x"),
    ],
)
def test_it_refuses_names_that_leave_the_source_folder(
    archive: Archive, source: str, name: str
) -> None:
    with pytest.raises(StoreError, match="refusing document name"):
        archive.save(source, name, b"x")

    assert not archive.root.exists() or not any(archive.root.rglob("x*"))


def test_reading_a_missing_document_names_it(archive: Archive) -> None:
    with pytest.raises(StoreError, match=r"us-house/2025/1\.pdf is not in the archive"):
        archive.read("us-house", "2025/1.pdf")


def test_it_keeps_http_validators_for_index_files(archive: Archive) -> None:
    assert archive.validators("us-house", "2025FD.zip").etag is None

    archive.save_validators(
        "us-house", "2025FD.zip", '"5f2b-1a"', "Mon, 17 Feb 2025 09:00:00 GMT"
    )
    archive.save_validators(
        "us-house", "2023FD.zip", None, "Tue, 02 Jan 2024 10:00:00 GMT"
    )

    kept = archive.validators("us-house", "2025FD.zip")
    assert kept.etag == '"5f2b-1a"'
    assert kept.last_modified == "Mon, 17 Feb 2025 09:00:00 GMT"
    other = archive.validators("us-house", "2023FD.zip")
    assert other.etag is None
    assert other.last_modified == "Tue, 02 Jan 2024 10:00:00 GMT"
    assert archive.has("us-house", "2025FD.zip") is None
