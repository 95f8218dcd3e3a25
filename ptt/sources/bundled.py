"""Documents that arrive inside one download rather than at their own address.

Some sources publish many documents in one answer: a page of the UK Interests API
holds twenty interests, Integrity Watch's file every MEP's declaration, CalMatters' CSV
every Form 700 statement. Each such document is kept in the archive as its own file
(the interest's JSON, the declaration's JSON, the statement's CSV rows under the
header), named by its content's sha256, so that a corrected document is a new file
beside the old one and every stored row still points at the exact bytes it was read
from. A document whose bytes match the stored filing's sha256 is not read again: a
second run over an unchanged source changes nothing.

Each document is stored with :meth:`CollectRun.store_parsed`, passing its own archived
copy rather than the whole download's, so that its filing's sha256 is that of the bytes
its rows were read from.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Sequence

from ptt.collect import PlannedFetch
from ptt.sources.base import CollectRun, Document

logger = logging.getLogger(__name__)


def sha256_of(data: bytes) -> str:
    """Return the hex sha256 of a document's bytes."""
    return hashlib.sha256(data).hexdigest()


def archive_name(stem: str, data: bytes, suffix: str) -> str:
    """Return the archive name of one version of a document: ``stem/<sha>.suffix``."""
    return f"{stem}/{sha256_of(data)[:16]}.{suffix}"


def process_bundled(run: CollectRun, bundle: Sequence[tuple[Document, bytes]]) -> None:
    """Archive, read and store the documents of a download that are new or changed."""
    unique: dict[str, tuple[Document, bytes]] = {}
    for document, data in bundle:
        unique.setdefault(document.doc_id, (document, data))
    run.metrics.filings_seen += len(unique)

    stored = {
        str(row[0]): row[1]
        for row in run.conn.execute(
            "SELECT doc_id, sha256 FROM filings WHERE source_id = ?", (run.source_id,)
        )
    }
    changed = []
    for document, data in unique.values():
        if stored.get(document.doc_id) != sha256_of(data):
            changed.append((document, data))
        elif not run.dry_run:
            _keep_archived(run, document, data)
    if run.options.limit is not None:
        changed = changed[: run.options.limit]
    logger.info(
        "%s lists %d document(s), %d of them new or changed.",
        run.source_id,
        len(unique),
        len(changed),
    )
    if run.dry_run:
        run.metrics.planned += [_planned(run, document) for document, _ in changed]
        return

    if run.metrics.listing_seconds is None:
        run.metrics.listing_seconds = time.monotonic() - run.started
    run.progress.set_total(len(changed))
    for document, data in changed:
        archived = run.archive.has(run.source_id, document.archive_name)
        if archived is None or archived.sha256 != sha256_of(data):
            archived = run.archive.save(run.source_id, document.archive_name, data)
        run.metrics.documents_fetched += 1
        run.store_parsed(
            document.read_bytes(data),
            url=document.url,
            archived=archived,
            index_entry=document.index_entry,
            politician=document.politician,
            label=document.label,
            # Every listed document was counted as seen above, changed or not.
            listed=False,
        )


def _keep_archived(run: CollectRun, document: Document, data: bytes) -> None:
    """Write an unchanged document's archived copy again if it has gone missing."""
    if run.archive.path_for(run.source_id, document.archive_name).exists():
        return

    run.archive.save(run.source_id, document.archive_name, data)
    logger.warning(
        "The archived copy of %s %s had gone missing; it is kept again.",
        run.source_id,
        document.doc_id,
    )


def _planned(run: CollectRun, document: Document) -> PlannedFetch:
    politician = document.politician.full_name if document.politician else None
    return PlannedFetch(
        source=run.source_id,
        doc_id=document.doc_id,
        url=document.url,
        politician=politician,
    )
