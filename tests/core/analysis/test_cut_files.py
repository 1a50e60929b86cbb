"""The team's cut files: read as they are, columns renamed to spectui's, written back in the same shape."""

from __future__ import annotations

import json

import pytest

from spectui.core.analysis.cut_files import default_cut_name, import_ranges, read_cut_file, write_cut_file
from spectui.core.errors import BadInput

TEAM_FILE = {
    "D_CCD [mm]_ram": {"BG40_65mm_1": {"min": 186, "max": 188}, "OG550_65mm_1": {"min": 186, "max": 188},
                       "empty": {"min": 186.5, "max": 188.0}},
    "PWV [mm]_err_x": {"BG40_65mm_1": {"min": 0, "max": 5}, "OG550_65mm_1": {"min": 0, "max": 5},
                       "empty": {"min": 0, "max": 5}},
    "PSF_REG": {"BG40_65mm_1": {"min": 1e-5}, "OG550_65mm_1": {"min": 1e-5}, "empty": {"min": 1e-5}},
    "angle [deg]": {"BG40_65mm_1": {"max": 0.3, "min": 0.18}, "OG550_65mm_1": {"max": 0.3, "min": 0.18},
                    "empty": {"max": 0.3, "min": 0.18}},
    "CHI2_FIT_norm": {"BG40_65mm_1": {"min": 0, "max": 2}, "OG550_65mm_1": {"min": 0, "max": 2},
                      "empty": {"min": 0, "max": 2}},
}


def test_a_team_file_is_imported_under_spectui_names(tmp_path):
    path = tmp_path / "cuts_finaldecision.json"
    path.write_text(json.dumps(TEAM_FILE, indent=2))
    imported = import_ranges(read_cut_file(path), {"CHI2_FIT_norm"})
    assert list(imported.ranges) == ["D_CCD [mm]_spectrogram", "PWV [mm]_err_spectrogram", "PSF_REG",
                                     "angle [deg]_spectrogram", "CHI2_FIT_norm"]
    assert imported.ranges["D_CCD [mm]_spectrogram"]["empty"] == (186.5, 188.0)
    assert imported.ranges["PSF_REG"]["OG550_65mm_1"] == (1e-5, None)
    assert imported.renamed == {"D_CCD [mm]_ram": "D_CCD [mm]_spectrogram",
                                "PWV [mm]_err_x": "PWV [mm]_err_spectrogram",
                                "angle [deg]": "angle [deg]_spectrogram"}
    assert default_cut_name(path) == "finaldecision"


def test_export_then_import_gives_the_same_ranges_and_the_same_file(tmp_path):
    original = import_ranges(TEAM_FILE, {"CHI2_FIT_norm"}).ranges
    written = write_cut_file(original, tmp_path / "out.json")
    newer_names = {("PWV [mm]_err_ram" if k == "PWV [mm]_err_x" else k): v for k, v in TEAM_FILE.items()}
    assert json.loads(written.read_text()) == newer_names, "written with the notebooks' later _ram/_rum names"
    assert import_ranges(read_cut_file(written), {"CHI2_FIT_norm"}).ranges == original
    spectui_names = write_cut_file(original, tmp_path / "spectui.json", notebook_names=False)
    assert "D_CCD [mm]_spectrogram" in json.loads(spectui_names.read_text())
    assert import_ranges(read_cut_file(spectui_names), {"CHI2_FIT_norm"}).ranges == original


def test_every_column_it_cannot_map_is_named_in_one_line():
    data = {**TEAM_FILE, "chi2_ram_norm": {"empty": {"max": 2}}}
    with pytest.raises(BadInput) as info:
        import_ranges(data, set(), "cuts_x.json")
    message = info.value.message
    assert "'CHI2_FIT_norm', 'chi2_ram_norm'" in message and "spectui columns add CHI2_FIT_norm EXPR" in message
    assert "\n" not in message


@pytest.mark.parametrize(("text", "message"), [
    ("{not json", "is not JSON"),
    ("[1, 2]", "is not a cut file"),
    ("{}", "is not a cut file"),
])
def test_malformed_files_are_one_line(tmp_path, text, message):
    path = tmp_path / "cuts_bad.json"
    path.write_text(text)
    with pytest.raises(BadInput, match=message):
        read_cut_file(path)


def test_two_names_for_one_column_are_refused():
    data = {"D_CCD [mm]_ram": {"empty": {"max": 188}}, "D_CCD [mm]_x": {"empty": {"max": 189}}}
    with pytest.raises(BadInput, match="'D_CCD \\[mm\\]_ram' and 'D_CCD \\[mm\\]_x' both mean"):
        import_ranges(data, set())
