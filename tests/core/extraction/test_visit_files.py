"""One visit's fit values in two runs side by side: every parameter of either run, and B − A where both fit it."""

from __future__ import annotations

import pytest

from spectui.core.extraction.readers import FitParameters
from spectui.core.extraction.visit_files import VisitOutputs, side_by_side


def fit(values: dict[str, float]) -> FitParameters:
    n = len(values)
    return FitParameters(tuple(values), tuple(values.values()), (0.1,) * n, (False,) * n)


def test_b_minus_a_for_the_parameters_both_runs_fit():
    a = VisitOutputs(7, None, {"spectrum": fit({"A1": 1.0, "PWV [mm]": 3.25, "ozone": 300.0}),
                               "spectrogram": fit({"A1": 0.5})})
    b = VisitOutputs(7, None, {"spectrum": fit({"A1": 1.5, "PWV [mm]": 2.0, "reso [nm]": 0.8})})
    rows = side_by_side(a, b)
    assert [(r.section, r.label) for r in rows] == [
        ("spectrum", "A1"), ("spectrum", "PWV [mm]"), ("spectrum", "ozone"), ("spectrum", "reso [nm]"),
        ("spectrogram", "A1")]
    assert [r.shift for r in rows[:2]] == [pytest.approx(0.5), pytest.approx(-1.25)]
    assert (rows[2].a, rows[2].b, rows[2].shift) == (300.0, None, None)
    assert (rows[3].a, rows[3].b, rows[3].shift) == (None, 0.8, None)
    assert (rows[4].a, rows[4].b) == (0.5, None)


def test_a_run_without_the_visit_leaves_its_side_blank():
    b = VisitOutputs(7, None, {"spectrum": fit({"A1": 1.5})})
    assert [(r.a, r.b, r.shift) for r in side_by_side(None, b)] == [(None, 1.5, None)]
    assert side_by_side(None, None) == []
