"""The descriptor lists every file of the package, consumer files included, with true sizes and hashes."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from consumers_support import build_real_package
from plandata.package.files import README_PATH, consumer_files
from plandata.package.tables import TABLES


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_real_package(tmp_path_factory.mktemp("files") / "datapackage")


def test_every_file_is_a_resource(package: Path) -> None:
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    listed = {r["path"] for r in descriptor["resources"]}
    on_disk = {p.relative_to(package).as_posix() for p in package.rglob("*") if p.is_file()}
    assert on_disk - listed == {"datapackage.json", README_PATH}
    assert set(consumer_files([t.name for t in TABLES])) <= listed


def test_consumer_resources_have_true_sizes_and_hashes(package: Path) -> None:
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    consumers = consumer_files([t.name for t in TABLES])
    resources = [r for r in descriptor["resources"] if r["path"] in consumers]
    assert len(resources) == len(consumers)
    names = [r["name"] for r in descriptor["resources"]]
    assert len(names) == len(set(names))
    for resource in resources:
        data = (package / resource["path"]).read_bytes()
        assert resource["type"] == "file"
        assert resource["bytes"] == len(data)
        assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
