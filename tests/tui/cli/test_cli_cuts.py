"""The cuts commands on the demo's extracted results: the team's cut files imported, applied, compared, exported."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from analysis_support import LATEST, extracted  # noqa: F401  (session fixture)
from cli_helpers import assert_one_line_error, run

from spectui.core.analysis.derived_columns import add_derived_column

FILTERS = ("BG40_65mm_1", "OG550_65mm_1", "empty")
FINAL = {
    "D_CCD [mm]_ram": {"BG40_65mm_1": {"min": 187.3, "max": 187.6}, "OG550_65mm_1": {"min": 187.2, "max": 187.5},
                       "empty": {"min": 187.35, "max": 188}},
    "TRACE_R": {"BG40_65mm_1": {"min": 200, "max": 400}, "OG550_65mm_1": {"min": 250, "max": 450},
                "empty": {"min": 300}},
    "CHI2_FIT_norm": {"BG40_65mm_1": {"max": 1.5}, "OG550_65mm_1": {"min": 0, "max": 2},
                      "empty": {"min": 0, "max": 1.2}},
}
LOOSE = {
    "D_CCD [mm]_x": {"BG40_65mm_1": {"min": 187.1, "max": 187.8}, "OG550_65mm_1": {"min": 187, "max": 187.7},
                     "empty": {"min": 187.2, "max": 188}},
    "TRACE_R": {"BG40_65mm_1": {"min": 190, "max": 450}, "empty": {"min": 250}},
}


@pytest.fixture(autouse=True)
def own_config(tmp_path, monkeypatch):
    monkeypatch.setenv("SPECTUI_CONFIG_DIR", str(tmp_path / "config"))


@pytest.fixture
def results(extracted):  # noqa: F811
    return str(extracted[LATEST])


@pytest.fixture
def frame(results) -> pd.DataFrame:
    return pd.read_parquet(results)


@pytest.fixture
def team_files(tmp_path) -> dict[str, str]:
    """The team's cut files as the notebooks write them, and the derived column the final one needs."""
    add_derived_column("CHI2_FIT_norm", "CHI2_FIT / 35", "chi2 over its typical value")
    paths = {}
    for name, data in (("finaldecision", FINAL), ("loose", LOOSE)):
        paths[name] = str(tmp_path / f"cuts_{name}.json")
        with open(paths[name], "w") as out:
            json.dump(data, out, indent=4, sort_keys=True)
    return paths


def kept_by_hand(frame: pd.DataFrame, cut: dict) -> pd.Series:
    """The rows a team cut keeps, computed with plain pandas on the results table."""
    values = {"D_CCD [mm]_ram": frame["D_CCD [mm]_spectrogram"], "D_CCD [mm]_x": frame["D_CCD [mm]_spectrogram"],
              "TRACE_R": frame["TRACE_R"], "CHI2_FIT_norm": frame["CHI2_FIT"] / 35}
    keep = pd.Series(True, index=frame.index)
    for column, per_filter in cut.items():
        for filt, limits in per_filter.items():
            inside = pd.Series(True, index=frame.index)
            if "min" in limits:
                inside &= values[column] >= limits["min"]
            if "max" in limits:
                inside &= values[column] <= limits["max"]
            keep &= (frame["FILTER"] != filt) | inside
    return keep


def table_rows(output: str, first: str) -> dict[str, list[str]]:
    """The rows of a printed table whose header starts with `first`, by their first cell."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.split()[:1] == [first])
    return {line.split()[0]: line.split()[1:] for line in lines[start + 1:] if line.strip()}


def test_import_apply_and_stats_keep_what_the_team_file_keeps(team_files, results, frame, tmp_path):
    imported = run("cuts", "import", team_files["finaldecision"])
    assert imported.exit_code == 0, imported.output
    assert "saved quality cut 'finaldecision': 3 columns" in imported.stderr
    assert "D_CCD [mm]_ram -> D_CCD [mm]_spectrogram" in imported.stderr
    listed = run("cuts", "list").stdout
    assert "    TRACE_R: BG40_65mm_1 200..400, OG550_65mm_1 250..450, empty >= 300" in listed

    expected = kept_by_hand(frame, FINAL)
    kept_path = tmp_path / "kept.parquet"
    applied = run("cuts", "apply", "finaldecision", results, "-o", str(kept_path))
    assert applied.exit_code == 0, applied.output
    rows = table_rows(applied.stdout, "FILTER")
    for filt in FILTERS:
        in_filter = frame["FILTER"] == filt
        assert 0 < expected[in_filter].sum() < in_filter.sum(), "the cut must keep some rows of each filter"
        assert rows[filt][:2] == [str(expected[in_filter].sum()), str(in_filter.sum())]
    for other in set(frame["FILTER"]) - set(FILTERS):
        assert rows[other][0] == rows[other][1], "filters without ranges pass"
    assert sorted(pd.read_parquet(kept_path)["id"]) == sorted(frame.loc[expected, "id"])

    stats = run("stats", results, "-C", "PWV [mm]_spectrum", "--cut", "finaldecision")
    assert f"{expected.sum()} of {len(frame)} rows pass the selection" in stats.stderr


def test_apply_by_target(team_files, results, frame):
    run("cuts", "import", team_files["finaldecision"], "--name", "final")
    applied = run("cuts", "apply", "final", results, "--by", "TARGET")
    assert applied.exit_code == 0, applied.output
    expected = kept_by_hand(frame, FINAL)
    counted = {(f, t): (int(expected[g.index].sum()), len(g)) for (f, t), g in frame.groupby(["FILTER", "TARGET"])}
    lines = [line.split() for line in applied.stdout.splitlines()[1:] if line.strip()]
    printed = {(cells[0], " ".join(cells[1:-3])): (int(cells[-3]), int(cells[-2])) for cells in lines}
    assert printed == counted


def test_compare_two_team_cuts(team_files, results, frame):
    for path in team_files.values():
        assert run("cuts", "import", path).exit_code == 0
    compared = run("cuts", "compare", "finaldecision", "loose", results)
    assert compared.exit_code == 0, compared.output
    assert "PWV [mm]_spectrum: median and robust sigma" in compared.stdout
    a, b = kept_by_hand(frame, FINAL), kept_by_hand(frame, LOOSE)
    rows = table_rows(compared.stdout, "FILTER")
    pwv = frame["PWV [mm]_spectrum"]
    for filt in FILTERS:
        f = frame["FILTER"] == filt
        counts = [f.sum(), (f & a).sum(), (f & b).sum(), (f & a & b).sum(), (f & a & ~b).sum(), (f & b & ~a).sum()]
        assert [int(x) for x in rows[filt][:6]] == [int(c) for c in counts]
        assert (f & b & ~a).sum() > 0, "the loose cut keeps rows the final one drops"
        for cell, kept in ((6, a), (8, b)):
            chosen = pwv[f & kept].dropna()
            assert float(rows[filt][cell]) == pytest.approx(chosen.median(), rel=1e-3)
            mad = 1.4826 * np.median(np.abs(chosen - chosen.median()))
            assert float(rows[filt][cell + 1]) == pytest.approx(mad, rel=1e-3)


def test_export_then_import_is_the_same_cut(team_files, tmp_path):
    from spectui.core.analysis.cuts import load_cuts

    run("cuts", "import", team_files["finaldecision"])
    out = tmp_path / "exported.json"
    exported = run("cuts", "export", "finaldecision", "-o", str(out))
    assert exported.exit_code == 0, exported.output
    assert json.loads(out.read_text()) == FINAL
    assert run("cuts", "import", str(out), "--name", "again").exit_code == 0
    saved = load_cuts()
    assert saved["again"].ranges == saved["finaldecision"].ranges


@pytest.mark.parametrize(("content", "message"), [
    ("{\"TRACE_R\": ", "is not JSON"),
    ("[[1, 2]]", "is not a cut file"),
    (json.dumps({"TRACE_R": {"empty": [1, 2, 3]}}), "must be {\"min\""),
    (json.dumps({"TRACE_R": {"empty": {"min": 75, "max": 50}}}), "is inverted (min 75 > max 50)"),
    (json.dumps({"TRACE_R": {"empty": {"max": 5}, "empty~holo4_003": {"max": 6}}}), "overlapping ranges"),
    (json.dumps({"chi2_rum_norm": {"empty": {"max": 2}}}), "spectui columns add chi2_rum_norm EXPR"),
])
def test_bad_cut_files_are_one_line(tmp_path, content, message):
    path = tmp_path / "cuts_bad.json"
    path.write_text(content)
    assert_one_line_error(run("cuts", "import", str(path)), message)
    assert "bad" not in run("cuts", "list").stdout


def test_bad_names_filters_and_columns_are_one_line(team_files, results, tmp_path):
    run("cuts", "import", team_files["finaldecision"])
    assert_one_line_error(run("cuts", "import", team_files["finaldecision"]), "pass --replace")
    assert_one_line_error(run("cuts", "apply", "finaldecison", results), "did you mean finaldecision?")
    assert_one_line_error(run("cuts", "export", "nope", "-o", str(tmp_path / "x.json")), "no quality cut named")
    typo = tmp_path / "cuts_typo.json"
    typo.write_text(json.dumps({"TRACE_R": {"BG40": {"max": 300}}}))
    assert run("cuts", "import", str(typo)).exit_code == 0
    assert_one_line_error(run("cuts", "apply", "typo", results), "filter 'BG40' is not in the table's FILTER")
    assert_one_line_error(run("stats", results, "-C", "TRACE_R", "--cut", "typo"), "quality cut 'typo': filter")
    assert_one_line_error(run("cuts", "compare", "finaldecision", "typo", results), "filter 'BG40'")
    assert_one_line_error(run("cuts", "compare", "finaldecision", "finaldecision", results, "-C", "PWV"),
                          "unknown column 'PWV'")
    missing_column = tmp_path / "cuts_gone.json"
    missing_column.write_text(json.dumps({"eta_gauss_0_1": {"empty": {"max": 1}}}))
    assert run("cuts", "import", str(missing_column)).exit_code == 0
    assert_one_line_error(run("cuts", "apply", "gone", results), "unknown column 'eta_gauss_0_1_spectrogram'")


def test_import_checked_against_a_results_file_takes_its_columns_and_counts(tmp_path, results, frame):
    assert_one_line_error(run("cuts", "import", str(tmp_path / "cuts_none.json")), "no such cut file")
    path = tmp_path / "cuts_trace.json"
    path.write_text(json.dumps({"TRACE_R": {"empty": {"min": 300}}, "outliers_spectrum": {"empty": {"max": 5}}}))
    assert_one_line_error(run("cuts", "import", str(path)), "cannot map 'outliers_spectrum'")
    imported = run("cuts", "import", str(path), "--check", results)
    assert imported.exit_code == 0, imported.output
    empty = frame["FILTER"] == "empty"
    kept = empty & (frame["TRACE_R"] >= 300) & (frame["outliers_spectrum"] <= 5)
    assert table_rows(imported.stdout, "FILTER")["empty"][:2] == [str(kept.sum()), str(empty.sum())]
    path.write_text(json.dumps({"TRACE_R": {"empty": {"min": 350}}}))
    assert run("cuts", "import", str(path), "--replace").exit_code == 0
    assert "empty >= 350" in run("cuts", "list").stdout
