"""Every test's builds use a temporary per-document cache, never the user's own."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from plandata.package.cache import CACHE_ENV


@pytest.fixture(autouse=True, scope="session")
def _session_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    # Session scope too: module-scoped fixtures build before any function-scoped fixture runs.
    before = os.environ.get(CACHE_ENV)
    os.environ[CACHE_ENV] = str(tmp_path_factory.mktemp("session-cache"))
    yield Path(os.environ[CACHE_ENV])
    if before is None:
        os.environ.pop(CACHE_ENV, None)
    else:
        os.environ[CACHE_ENV] = before


@pytest.fixture(autouse=True)
def _test_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    # A fresh cache per test: a test's first build is a cold one, as before the cache existed.
    path = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv(CACHE_ENV, str(path))
    return path
