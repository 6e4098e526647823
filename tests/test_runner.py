"""The runner: documents in id order, results in input order for every engine, byte-identical builds."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plandata.build import BuildOptions, build
from plandata.errors import InputError
from plandata.model import Agency
from plandata.package.assemble import AgencyMentions, merge_agencies
from plandata.read.ingest import plan_sources
from plandata.runner import WINDOW_PER_WORKER, default_jobs, iter_results

ROOT = Path(__file__).parents[1]
RAW = ROOT / "raw"


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_plan_sources_orders_by_document_id(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    for name in ("b_plan.txt", "a_plan.txt", "c_plan.txt"):
        (raw / name).write_text("一、总体要求\n", encoding="utf-8")
    (raw / "documents.csv").write_text("source_file,document_id\nc_plan.txt,aa_first\n", encoding="utf-8")
    sources, warnings = plan_sources(raw)
    assert [s.document_id for s in sources] == ["a_plan", "aa_first", "b_plan"]
    assert [s.source_file for s in sources] == ["a_plan.txt", "c_plan.txt", "b_plan.txt"]
    assert len(warnings) == 2 and all("no row in documents.csv" in w for w in warnings)


def test_plan_sources_rejects_two_files_with_one_id(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    for name in ("plan-a.txt", "plan_a.txt"):
        (raw / name).write_text("一、总体要求\n", encoding="utf-8")
    with pytest.raises(InputError, match="both get document_id 'plan_a'"):
        plan_sources(raw)


@pytest.mark.parametrize("jobs", [1, 2, 3])
def test_results_come_back_in_input_order(jobs: int) -> None:
    items = list(range(-40, 0))
    seen: list[int] = []
    results = list(iter_results(items, abs, jobs=jobs, progress=lambda done, total, label: seen.append(done)))
    assert results == [abs(i) for i in items]
    assert seen == list(range(1, len(items) + 1))


def test_results_keep_input_order_and_default_jobs_is_the_core_count() -> None:
    assert list(iter_results([-1, -2, -3], abs, jobs=2)) == [1, 2, 3]
    assert default_jobs() >= 1 and WINDOW_PER_WORKER >= 1


def _even_at_hand(item: int) -> tuple[str, int] | None:
    return ("lookup", abs(item)) if item % 2 == 0 else None


def _worked(item: int) -> tuple[str, int]:
    return ("work", abs(item))


def _never(item: int) -> int:
    raise AssertionError("no worker should be asked")


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(-50, 50), max_size=30), st.sampled_from([1, 2, 3]))
def test_results_answered_by_the_lookup_keep_their_place(items: list[int], jobs: int) -> None:
    seen: list[int] = []
    got = iter_results(items, _worked, jobs=jobs, progress=lambda d, t, label: seen.append(d), lookup=_even_at_hand)
    # The lookup answers where it can, whether the items run in a pool or (one item) in this process.
    assert list(got) == [_even_at_hand(i) or _worked(i) for i in items]
    assert seen == list(range(1, len(items) + 1))


def test_no_pool_starts_when_the_lookup_answers_everything() -> None:
    assert list(iter_results([2, -4, 6], _never, jobs=2, lookup=abs)) == [2, 4, 6]


def test_unknown_engine_is_a_usage_error() -> None:
    with pytest.raises(InputError, match="unknown engine 'spark'"):
        list(iter_results([1], abs, engine="spark"))


def test_worker_error_reaches_the_caller(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "good.txt").write_text("一、总体要求\n1.建设学校。\n", encoding="utf-8")
    (raw / "bad.txt").write_bytes("建设学校".encode() + b"\x80\xff")
    with pytest.raises(InputError, match="bad.txt"):
        build(raw, tmp_path / "out", BuildOptions(jobs=2))
    assert not (tmp_path / "out").exists()


@pytest.fixture(scope="module")
def serial_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("jobs1") / "datapackage"
    build(RAW, out, BuildOptions(jobs=1))
    return out


@pytest.mark.parametrize("jobs", [2, 4])
def test_parallel_build_is_byte_identical(serial_build: Path, tmp_path: Path, jobs: int) -> None:
    out = tmp_path / "datapackage"
    summary = build(RAW, out, BuildOptions(jobs=jobs))
    assert _files(out) == _files(serial_build)
    assert summary.counts["documents"] == len(list(RAW.glob("*.txt")))


def test_dask_local_cluster_build_is_byte_identical(serial_build: Path, tmp_path: Path) -> None:
    out = tmp_path / "datapackage"
    done: list[str] = []
    build(RAW, out, BuildOptions(jobs=2, engine="dask", progress=lambda d, t, name: done.append(name)))
    assert _files(out) == _files(serial_build)
    assert sorted(done) == sorted(p.name for p in RAW.glob("*.txt"))


_AGENCY_FIELDS = st.fixed_dictionaries(
    {
        "agency_id": st.sampled_from(["a", "b", "c"]),
        "name_en": st.sampled_from([None, "Education Commission", "Finance Bureau"]),
        "short_forms": st.lists(st.sampled_from(["区教委", "教委", "区财政局", "财政局"]), max_size=3).map(tuple),
        "in_registry": st.booleans(),
    }
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(_AGENCY_FIELDS, max_size=4), max_size=6))
def test_folded_mentions_keep_first_mention_and_union_of_forms(documents: list[list[dict]]) -> None:
    def agency(fields: dict) -> Agency:
        return Agency(
            fields["agency_id"],
            f"机构{fields['agency_id']}",
            fields["name_en"],
            None,
            None,
            fields["short_forms"],
            "district",
            "某区",
            "government_department",
            fields["in_registry"],
        )

    mentions = [[agency(f) for f in doc] for doc in documents]
    folded = AgencyMentions()
    for doc in mentions:
        folded.add(doc)
    rows = folded.rows()
    every = [a for doc in mentions for a in doc]
    assert [r["agency_id"] for r in rows] == sorted({a.agency_id for a in every})
    for row in rows:
        same_id = [a for a in every if a.agency_id == row["agency_id"]]
        assert row["name_en"] == same_id[0].name_en and row["in_registry"] == same_id[0].in_registry
        if all(a == same_id[0] for a in same_id):
            assert row["short_forms"] == ("|".join(same_id[0].short_forms) or None)
        else:
            union = sorted({f for a in same_id for f in a.short_forms})
            assert row["short_forms"] == ("|".join(union) or None)
    assert merge_agencies(every) == rows


def test_cli_build_takes_jobs_and_engine(serial_build: Path, tmp_path: Path) -> None:
    from plandata.cli import main

    out = tmp_path / "datapackage"
    assert main(["build", "--raw", str(RAW), "--out", str(out), "--quiet", "--jobs", "2", "--engine", "local"]) == 0
    assert _files(out) == _files(serial_build)
    assert main(["build", "--raw", str(RAW), "--out", str(out), "--jobs", "0"]) == 2
