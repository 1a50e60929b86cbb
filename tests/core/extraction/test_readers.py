"""Readers of Spectractor files: FITS headers as astropy reads them, FitParameters errors as Spectractor's."""

from __future__ import annotations

import io
import json
import math

import numpy as np
import pytest
from astropy.io import fits
from extract_support import astropy_fits_bytes

from spectui.core.extraction import readers
from spectui.core.extraction.readers import (
    FitParameters,
    UnreadableFile,
    parse_fit_parameters,
    read_fit_parameters,
    read_output,
    read_spectrum,
)


def demo_spectrum_files(butler, n):
    refs = butler.query_datasets("spectractorSpectrum", collections="u/dagoret/auxtel_latest", limit=None,
                                 explain=False)[:n]
    return [u.primaryURI.ospath for u in butler.get_many_uris(refs).values()]


def test_headers_of_demo_spectra_match_astropy(butler):
    for path in demo_spectrum_files(butler, 25):
        expected = fits.getheader(path)
        mine = read_output(path)
        assert list(mine) == [k for k in expected if k not in ("COMMENT", "HISTORY", "")]
        for key, value in expected.items():
            assert mine[key] == (None if isinstance(value, fits.card.Undefined) else value), key
            assert type(mine[key]) is type(value) or isinstance(value, fits.card.Undefined), key
        assert isinstance(mine["CCD_REBIN"], int) and isinstance(mine["D2CCD"], float)


def test_header_cards_astropy_writes(tmp_path):
    header = fits.Header()
    header["TARGET"] = ("HD185975", "a comment / with a slash")
    header["QUOTE"] = "it's  "
    header["LONGSTR"] = "x" * 100 + "/end"
    header["HIERARCH CCD_REBIN"] = 2
    header["HIERARCH A_LONG_KEY_NAME"] = 1.25
    header["FLAG"] = False
    header["ON"] = True
    header["BLANK"] = None
    header["NEG"] = -1.5e-12
    header["BIG"] = 12345678901234
    header["EMPTY"] = ""
    header["DATE-OBS"] = "2025-01-07T23:01:00.123456789Z"
    header["COMMENT"] = "ignored"
    path = tmp_path / "h.fits"
    path.write_bytes(astropy_fits_bytes(header))
    mine = read_output(str(path))
    assert mine["TARGET"] == "HD185975" and mine["QUOTE"] == "it's" and mine["LONGSTR"] == "x" * 100 + "/end"
    assert mine["CCD_REBIN"] == 2 and mine["A_LONG_KEY_NAME"] == 1.25
    assert mine["FLAG"] is False and mine["ON"] is True and mine["BLANK"] is None
    assert mine["NEG"] == -1.5e-12 and mine["BIG"] == 12345678901234 and mine["EMPTY"] == ""
    assert mine["DATE-OBS"] == "2025-01-07T23:01:00.123456789Z" and "COMMENT" not in mine


def test_fortran_exponents_and_first_card_wins():
    cards = ["SIMPLE  =                    T", "BITPIX  =                    8",
             "NAXIS   =                    0", "RATE    =              1.5D+02 / Fortran exponent",
             "RATE    =                  9.0",
             "NAME    = 'first'", "END"]
    raw = "".join(c.ljust(80) for c in cards).encode().ljust(2880, b" ")
    header = read_output_bytes(raw)
    assert header["RATE"] == 150.0 and header["NAME"] == "first"


def read_output_bytes(raw: bytes, name: str = "x.fits"):
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / name
        path.write_bytes(raw)
        return read_output(str(path))


def test_only_header_blocks_are_read(tmp_path, monkeypatch):
    header = fits.Header()
    header["TARGET"] = "HD38666"
    path = tmp_path / "big.fits"
    path.write_bytes(astropy_fits_bytes(header, np.zeros((3, 200_000))))
    counted = []

    class Counting(io.FileIO):
        def read(self, size=-1):
            data = super().read(size)
            counted.append(len(data))
            return data

    monkeypatch.setattr(readers, "open_location", lambda location: Counting(location, "r"))
    assert read_output(str(path))["TARGET"] == "HD38666"
    assert path.stat().st_size > 4_000_000 and sum(counted) <= readers.FIRST_READ + readers.FITS_BLOCK


@pytest.mark.parametrize("damage, reason", [
    (lambda raw: raw[:2000], "truncated FITS header"),
    (lambda raw: raw[:2 * 2880 + 100], "truncated FITS file"),
    (lambda raw: b"", "empty"),
    (lambda raw: b"\x89PNG\r\n\x1a\n" + raw, "neither FITS nor JSON"),
])
def test_damaged_fits_files_are_refused_with_the_reason(tmp_path, damage, reason):
    header = fits.Header()
    header.extend([(f"KEY{i}", float(i)) for i in range(40)])
    raw = astropy_fits_bytes(header, np.ones((3, 500)))
    path = tmp_path / "bad.fits"
    path.write_bytes(damage(raw))
    with pytest.raises(UnreadableFile, match=reason):
        read_output(str(path))


def spectractor_err(values, fixed, cov):
    """FitParameters.err as Spectractor computes it."""
    err = np.zeros(len(values))
    free = ~np.array(fixed)
    err[free] = np.sqrt(np.diag(np.atleast_2d(cov)))
    return err


def fit_json(labels, values, fixed, cov, extra=None) -> str:
    bounds = [[-math.inf, math.inf] for _ in labels]
    return json.dumps({"values": values, "labels": labels, "axis_names": labels, "bounds": bounds,
                       "fixed": fixed, "truth": None, "filename": "", "extra": extra, "cov": cov})


def test_errors_come_from_cov_over_free_parameters_in_label_order():
    labels = ["A1", "VAOD", "ozone [db]", "B", "PWV [mm]", "reso [pix]"]
    values = [1.0, 0.03, 280.0, 1.0, 4.2, 1.7]
    fixed = [True, False, False, True, False, False]
    cov = [[4e-6, 1e-7, 0, 0], [1e-7, 16.0, 0.5, 0], [0, 0.5, 0.0036, 0], [0, 0, 0, 0.01]]
    text = fit_json(labels, values, fixed, cov, extra={"chi2": 1.3, "date-obs": "2025", "outliers": 4})
    assert "Infinity" in text
    fit = parse_fit_parameters(text)
    np.testing.assert_allclose(fit.errors, spectractor_err(values, fixed, cov))
    assert fit.error("ozone [db]") == pytest.approx(4.0) and fit.error("B") == 0.0
    assert fit.value("reso [pix]") == 1.7 and fit.labels == tuple(labels)
    assert fit.extra == {"chi2": 1.3, "outliers": 4.0}


def test_nan_values_no_cov_and_a_single_free_parameter():
    fit = parse_fit_parameters('{"labels": ["A", "B"], "values": [NaN, 2], "fixed": [true, false], '
                               '"cov": 9.0}')
    assert math.isnan(fit.values[0]) and fit.errors == (0.0, 3.0)
    fit = parse_fit_parameters('{"labels": ["A", "B"], "values": [1, 2], "fixed": [false, true], '
                               '"cov": null}')
    assert math.isnan(fit.errors[0]) and fit.errors[1] == 0.0


@pytest.mark.parametrize("text, reason", [
    ('{"labels": ["A"], "values": [1', "invalid JSON"),
    ('{"labels": ["A"], "values": [1]} and more', "invalid JSON"),
    (b'\xff\xfe{"labels": []}', "invalid JSON"),
    ('[1, 2]', "not a Spectractor FitParameters"),
    ('{"labels": ["A", "B"], "values": [1]}', "2 labels but 1 values"),
    ('{"labels": ["A", "B"], "values": [1, 2], "fixed": [false, false], "cov": [[1]]}', "cov is 1x1 but 2"),
    ('{"labels": ["A"], "values": ["x"], "fixed": [false], "cov": [[1]]}', "non-numeric"),
])
def test_damaged_fit_parameters_are_refused_with_the_reason(text, reason):
    with pytest.raises(UnreadableFile, match=reason):
        parse_fit_parameters(text)


def test_format_is_told_by_the_bytes_not_the_name(tmp_path):
    header = fits.Header()
    header["TARGET"] = "HD38666"
    fits_named_json = tmp_path / "spectrum.json"
    fits_named_json.write_bytes(astropy_fits_bytes(header))
    json_named_fits = tmp_path / "fit.fits"
    json_named_fits.write_text(fit_json(["PWV [mm]"], [3.0], [False], [[0.25]]))
    assert read_output(str(fits_named_json))["TARGET"] == "HD38666"
    fit = read_output(str(json_named_fits))
    assert isinstance(fit, FitParameters) and fit.error("PWV [mm]") == 0.5


def test_uris_are_read_through_lsst_resources(tmp_path):
    from lsst.resources import ResourcePath

    path = tmp_path / "a dir" / "fit~holo.json"
    path.parent.mkdir()
    path.write_text(fit_json(["VAOD"], [0.04], [False], [[1e-4]]))
    uri = ResourcePath(str(path)).geturl()
    assert uri.startswith("file://") and "%20" in uri
    assert read_fit_parameters(uri).value("VAOD") == 0.04


def test_read_spectrum_gives_the_spectrum_hdu(tmp_path):
    lambdas = np.linspace(300, 1100, 50)
    flux = np.exp(-lambdas / 500)
    err = flux / 10
    primary = fits.PrimaryHDU(np.vstack([lambdas, flux, err]))
    primary.header["EXTNAME"] = "SPECTRUM"
    primary.header["TARGET"] = "HD185975"
    path = tmp_path / "s.fits"
    fits.HDUList([primary, fits.ImageHDU(np.eye(50), name="SPEC_COV")]).writeto(path)
    spectrum = read_spectrum(str(path))
    np.testing.assert_array_equal(spectrum.lambdas, lambdas)
    np.testing.assert_array_equal(spectrum.flux, flux)
    np.testing.assert_array_equal(spectrum.err, err)
    assert spectrum.header["TARGET"] == "HD185975"


def test_read_spectrum_of_a_demo_visit(butler):
    path = demo_spectrum_files(butler, 1)[0]
    spectrum = read_spectrum(path)
    assert len(spectrum.lambdas) == len(spectrum.flux) == len(spectrum.err) > 100
    assert 250 < spectrum.lambdas.min() < spectrum.lambdas.max() < 1200
    assert spectrum.header["EXTNAME"] == "SPECTRUM"
