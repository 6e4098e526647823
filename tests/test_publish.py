"""Publishing: the output is replaced atomically, only when it is a package, and survives SIGKILL."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from build_support import RAW, REPO, build_into, tree_digest
from plandata.errors import OutputError
from plandata.package.publish import (
    PACKAGE_MARKER,
    backup_path,
    check_output_dir,
    fsync_tree,
    make_staging,
    recover,
    remove_stale_staging,
    swap_by_renames,
    swap_into_place,
)

PLAN = Path(__file__).parent / "bad_inputs" / "files" / "plan.txt"


def package(path: Path, content: str) -> Path:
    """A minimal stand-in package: a marker file and one data file."""
    (path / "data").mkdir(parents=True)
    (path / PACKAGE_MARKER).write_text("{}\n", encoding="utf-8")
    (path / "data" / "measures.csv").write_text(content, encoding="utf-8")
    return path


def content(path: Path) -> str:
    return (path / "data" / "measures.csv").read_text(encoding="utf-8")


def test_swap_into_place_exchanges(tmp_path: Path) -> None:
    out = package(tmp_path / "datapackage", "old\n")
    staging = package(tmp_path / "staging", "new\n")
    swap_into_place(staging, out)
    assert (content(out), content(staging)) == ("new\n", "old\n")


def test_swap_into_place_first_build(tmp_path: Path) -> None:
    staging = package(tmp_path / "staging", "new\n")
    swap_into_place(staging, tmp_path / "datapackage")
    assert content(tmp_path / "datapackage") == "new\n" and not staging.exists()


def test_swap_by_renames(tmp_path: Path) -> None:
    out = package(tmp_path / "datapackage", "old\n")
    staging = package(tmp_path / "staging", "new\n")
    swap_by_renames(staging, out)
    assert (content(out), content(staging)) == ("new\n", "old\n")
    assert not backup_path(out).exists()


def test_recover_after_kill_between_renames(tmp_path: Path) -> None:
    """Killed after the first rename: the output is missing, the backup holds it."""
    out = tmp_path / "datapackage"
    package(backup_path(out), "old\n")
    recover(out)
    assert content(out) == "old\n" and not backup_path(out).exists()


def test_recover_after_kill_before_last_rename(tmp_path: Path) -> None:
    """Killed after the second rename: the new package is in place, the backup is stale."""
    out = package(tmp_path / "datapackage", "new\n")
    package(backup_path(out), "old\n")
    recover(out)
    assert content(out) == "new\n" and not backup_path(out).exists()
    staging = package(tmp_path / "staging", "newer\n")
    swap_by_renames(staging, out)  # the next swap works again
    assert content(out) == "newer\n"


def test_check_output_dir_accepts(tmp_path: Path) -> None:
    assert check_output_dir(Path(os.path.relpath(tmp_path / "new"))) == tmp_path / "new"
    (tmp_path / "empty").mkdir()
    assert check_output_dir(tmp_path / "empty") == tmp_path / "empty"
    out = package(tmp_path / "datapackage", "old\n")
    assert check_output_dir(out, raw_dir=tmp_path / "raw") == out


def test_check_output_dir_follows_a_link(tmp_path: Path) -> None:
    target = package(tmp_path / "releases" / "v1", "old\n")
    (tmp_path / "datapackage").symlink_to(target)
    assert check_output_dir(tmp_path / "datapackage") == target


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda t: (t / "x").write_text("keep\n"), "exists and is not a folder"),
        (lambda t: (t / "x").mkdir() or (t / "x" / "notes.md").write_text("keep\n"), "not a data package"),
    ],
    ids=["file", "folder_of_other_work"],
)
def test_check_output_dir_refuses(tmp_path: Path, make, message: str) -> None:  # type: ignore[no-untyped-def]
    make(tmp_path)
    with pytest.raises(OutputError, match=message):
        check_output_dir(tmp_path / "x")


def test_check_output_dir_refuses_the_source_folder(tmp_path: Path) -> None:
    package(tmp_path / "raw", "")  # even one that looks like a package
    for out in (tmp_path / "raw", tmp_path):
        with pytest.raises(OutputError, match="would replace the source folder"):
            check_output_dir(out, raw_dir=tmp_path / "raw")


def test_make_staging_removes_stale_staging(tmp_path: Path) -> None:
    out = tmp_path / "datapackage"
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = package(tmp_path / f".datapackage.staging-{gone.stdout.strip()}-abc", "half\n")
    live = package(tmp_path / f".datapackage.staging-{os.getpid()}-abc", "in progress\n")
    other = package(tmp_path / ".other.staging-1-abc", "not ours\n")
    staging = make_staging(out)
    assert staging.parent == tmp_path and staging.name.startswith(f".datapackage.staging-{os.getpid()}-")
    assert (not stale.exists(), live.exists(), other.exists()) == (True, True, True)
    assert oct(staging.stat().st_mode & 0o777) == oct(0o755)
    assert remove_stale_staging(out) == []


def test_make_staging_unwritable_parent(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(OutputError, match=r"file/datapackage: cannot write the output"):
        make_staging(tmp_path / "file" / "datapackage")


def test_fsync_tree(tmp_path: Path) -> None:
    out = package(tmp_path / "p", "x\n")
    fsync_tree(out)
    assert content(out) == "x\n"


# --- SIGKILL at random points ------------------------------------------------------------

KILLS = 6  # half at random moments of the whole run, half while the staging folder is being written
KILL_SEED = 20250101


def start_build(raw: Path, out: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    cmd = [sys.executable, "-m", "plandata", "build", "--raw", str(raw), "--out", str(out), "--quiet"]
    # its own process group: SIGKILL reaches the build and any worker it started
    return subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)


def wait_for_staging(build: subprocess.Popen[bytes], folder: Path) -> None:
    """Return once the build has created its staging folder (or has ended)."""
    deadline = time.monotonic() + 60
    while not any(folder.glob(".datapackage.staging-*")) and build.poll() is None and time.monotonic() < deadline:
        time.sleep(0.001)


def kill_after(build: subprocess.Popen[bytes], delay: float) -> None:
    time.sleep(delay)
    if build.poll() is None:
        os.killpg(build.pid, signal.SIGKILL)
    build.wait()


def test_sigkill_leaves_previous_or_new_package(tmp_path: Path) -> None:
    old_raw = tmp_path / "old_raw"
    shutil.copytree(RAW, old_raw)
    shutil.copyfile(PLAN, old_raw / "plan.txt")  # the previous package has one document more
    build_into(old_raw, tmp_path / "old")
    (tmp_path / "timing").mkdir()
    started = time.monotonic()
    timed = start_build(RAW, tmp_path / "timing" / "datapackage")
    wait_for_staging(timed, tmp_path / "timing")
    staged = time.monotonic()
    assert timed.wait() == 0
    whole, writing = time.monotonic() - started, time.monotonic() - staged
    old, new = tree_digest(tmp_path / "old"), tree_digest(tmp_path / "timing" / "datapackage")
    assert old != new

    rng = random.Random(KILL_SEED)
    outcomes = []
    for i in range(KILLS):
        case = tmp_path / f"kill{i}"
        case.mkdir()
        out = case / "datapackage"
        shutil.copytree(tmp_path / "old", out)
        build = start_build(RAW, out)
        if i % 2:  # while the package is being written, validated and swapped in
            wait_for_staging(build, case)
            kill_after(build, rng.uniform(0, 1.2 * writing))
        else:
            kill_after(build, rng.uniform(0, whole))
        found = tree_digest(out)
        assert found in (old, new), f"kill {i} left a mixed package"
        outcomes.append("old" if found == old else "new")
    assert "old" in outcomes, outcomes  # at least one kill landed before the swap
    build_into(RAW, out)  # the next build repairs everything and clears the killed build's leftovers
    assert tree_digest(out) == new
    assert [p.name for p in case.iterdir()] == ["datapackage"]


def test_ctrl_c_keeps_a_whole_package(tmp_path: Path) -> None:
    build_into(RAW, tmp_path / "reference")
    before = tree_digest(tmp_path / "reference")
    shutil.copytree(tmp_path / "reference", tmp_path / "datapackage")
    build = start_build(RAW, tmp_path / "datapackage")
    wait_for_staging(build, tmp_path)
    os.killpg(build.pid, signal.SIGINT)
    _stdout, stderr = build.communicate()
    if build.returncode != 0:  # interrupted before it finished
        assert (build.returncode, stderr) == (130, b"plandata: interrupted; previous output kept\n")
    assert tree_digest(tmp_path / "datapackage") == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["datapackage", "reference"]
