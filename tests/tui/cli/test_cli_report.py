"""`spectui report`: one searchable PDF of a collection's summary, efficiency, parameters and run comparison."""

from __future__ import annotations

import pandas as pd
import pytest
from analysis_support import LATEST, V31, extracted  # noqa: F401  (session fixture)
from cli_helpers import assert_one_line_error, run
from pypdf import PdfReader

from spectui.core.analysis.compare import modern_names
from spectui.core.analysis.result_files import file_name_for
from spectui.core.analysis.runs import Run, save_runs
from spectui.core.figures.report import main_columns, parameter_specs

pytestmark = pytest.mark.both_registries


@pytest.fixture(autouse=True)
def own_config(tmp_path, monkeypatch):
    monkeypatch.setenv("SPECTUI_CONFIG_DIR", str(tmp_path / "config"))


def registry_status(demo_repo, **selection):
    from spectui.core.analysis.status import exposure_status
    from spectui.core.butler.exposures import ExposureSelection
    from spectui.core.butler.repo import open_repo

    return exposure_status(open_repo(demo_repo), LATEST, ExposureSelection(**selection))


def test_the_report_holds_every_page_and_its_numbers_as_text(demo_repo, extracted, tmp_path):  # noqa: F811
    save_runs([Run("v31", collection=V31, files={"extracted": str(extracted[V31])})])
    output = tmp_path / "report.pdf"
    result = run("report", "--repo", str(demo_repo), "-c", LATEST, "--results", str(extracted[LATEST]),
                 "--compare", "v31", "-o", str(output))
    assert result.exit_code == 0, result.output
    results = pd.read_parquet(extracted[LATEST])
    other = modern_names(pd.read_parquet(extracted[V31]))
    compared = {c.rsplit("_", 1)[0] for c in main_columns(results) if c in other.columns}
    reader = PdfReader(output)
    assert compared and len(reader.pages) == 2 + len(parameter_specs(results, LATEST)) + len(compared)
    first = reader.pages[0].extract_text()
    status = registry_status(demo_repo)
    counts = status["status"].value_counts()
    assert LATEST in first and str(demo_repo) in first
    assert (f"{len(status):,} selected: ok {counts['ok']:,}, partial {counts.get('partial', 0):,}, missing "
            f"{counts['missing']:,}; efficiency {counts['ok'] / len(status):.1%}") in first
    for name, group in status.groupby("physical_filter"):
        ok = int((group["status"] == "ok").sum())
        assert f"{len(group):>7,} {ok:>7,}" in first.split(name, 1)[1].splitlines()[0]
    assert f"Visits in the results: {len(results):,}" in first
    assert "Command: spectui report --repo" in first and "--compare v31" in first
    assert all(LATEST in page.extract_text() for page in reader.pages[1:])
    assert f"{len(reader.pages)} pages" in result.stderr


def test_a_run_gives_the_repository_collection_and_results(demo_repo, extracted, tmp_path):  # noqa: F811
    save_runs([Run("latest", str(demo_repo), LATEST, files={"extracted": str(extracted[LATEST])})])
    result = run("report", "--run", "latest", "--cut", "good", "-o", str(tmp_path / "r.pdf"))
    assert_one_line_error(result, "no quality cut named 'good'")
    assert run("cuts", "add", "good", "CHI2_FIT < 30").exit_code == 0
    result = run("report", "--run", "latest", "--cut", "good", "-o", str(tmp_path / "r.pdf"))
    assert result.exit_code == 0, result.output
    first = PdfReader(tmp_path / "r.pdf").pages[0].extract_text()
    assert f"Results: {extracted[LATEST]}" in first and "Quality cuts on the parameter plots: good" in first


def test_without_results_the_collection_is_extracted_first(demo_repo, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("report", "--repo", str(demo_repo), "-c", LATEST, "--filter", "empty", "--until", "20250108",
                 "-o", "r.pdf")
    assert result.exit_code == 0, result.output
    results = pd.read_parquet(tmp_path / file_name_for(LATEST))
    status = registry_status(demo_repo, filters=("empty",), until=20250108)
    assert set(results["id"]) == set(status.loc[status["status"] != "missing", "id"])
    first = PdfReader(tmp_path / "r.pdf").pages[0].extract_text()
    assert "filter empty" in first and f"Visits in the results: {len(results):,}" in first
    assert "--filter empty" in first and "--until 20250108" in first


@pytest.mark.parametrize(("args", "message"), [
    (["-c", LATEST, "-o", "{out}.png"], "multi-page PDF"),
    (["-c", LATEST, "-o", "{out}.docx"], "cannot tell the figure format"),
    (["-c", LATEST, "-o", "{out}/missing/r.pdf"], "does not exist"),
    (["-c", "u/nobody/none", "--results", "{latest}", "-o", "{out}.pdf"], "no collection named"),
    (["-c", LATEST, "--results", "{latest}", "--compare", "nope", "-o", "{out}.pdf"], "unknown run 'nope'"),
    (["-c", LATEST, "--results", "{latest}", "--cut", "nope", "-o", "{out}.pdf"], "no quality cut named 'nope'"),
    (["-c", LATEST, "--results", "{out}/none.parquet", "-o", "{out}.pdf"], "none.parquet"),
    (["--run", "nope", "-o", "{out}.pdf"], "nope"),
])
def test_bad_input_is_one_line(demo_repo, extracted, tmp_path, monkeypatch, args, message):  # noqa: F811
    monkeypatch.setenv("SPECTUI_REPO", str(demo_repo))
    monkeypatch.chdir(tmp_path)
    filled = [a.format(out=tmp_path / "rep", latest=extracted[LATEST]) for a in args]
    assert_one_line_error(run("report", *filled), message)
    assert not list(tmp_path.glob("rep*"))
