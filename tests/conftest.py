"""Shared test setup: where the real documents are."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# The real local HTTP server of the fixtures, as the ``fixture_server`` fixture.
pytest_plugins = ["tests.fixture_server"]

ROOT = Path(__file__).resolve().parents[1]
# The real source documents live in ../shared/fixtures beside the repository (CI lays
# shared/ there too); PTT_FIXTURES points elsewhere when needed.
FIXTURES = Path(os.environ.get("PTT_FIXTURES", ROOT.parent / "shared" / "fixtures"))


@pytest.fixture
def fixtures() -> Path:
    """Return the folder of real source documents."""
    if not FIXTURES.is_dir():
        pytest.fail(f"fixtures not found at {FIXTURES}; set PTT_FIXTURES")
    return FIXTURES


@pytest.fixture(autouse=True)
def _restore_ptt_logger() -> Iterator[None]:
    """Undo what a test's setup_logging did, so caplog sees ptt's records again."""
    yield
    logger = logging.getLogger("ptt")
    for handler in list(logger.handlers):
        if getattr(handler, "_ptt", False):
            logger.removeHandler(handler)
            handler.close()
    logger.propagate = True
    logger.setLevel(logging.NOTSET)


# Query: a database filled from the fixture documents --------------------------------------


@pytest.fixture
def fixture_db(tmp_path: Path, fixtures: Path) -> Path:
    """Return the path of $PTT_HOME/ptt.db filled from the parsed fixture documents."""
    from ptt import db
    from tests.loader import fill_from_fixtures

    path = tmp_path / "ptt.db"
    conn = db.connect(path)
    fill_from_fixtures(conn, fixtures)
    conn.close()
    return path
