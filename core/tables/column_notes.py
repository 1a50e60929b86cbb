"""What the columns of Spectractor results files mean, the notebooks' `_x`/`_y` suffixes included."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pyarrow as pa

GROUP_COLUMNS = {
    "filter": ("FILTER", "ex_filter", "filter", "ex_physical_filter", "physical_filter"),
    "target": ("TARGET", "ex_target_name", "target", "target_name"),
}
"""The columns that give each row's filter and target, whichever table they come from (results, merged,
exposures), in the order they are looked for."""


def grouping_column(columns: Iterable[str], by: str) -> str | None:
    """The first of a table's `columns` giving the filter (or target) of each row, or None."""
    present = set(columns)
    return next((name for name in GROUP_COLUMNS[by] if name in present), None)


HEADER_KEYS = {
    "TARGET": "target name", "REDSHIFT": "target redshift", "GRATING": "disperser (e.g. holo4_003)",
    "FILTER": "filter part of the physical filter (before ~)", "ROTANGLE": "dispersion-axis angle, deg",
    "D2CCD": "disperser–CCD distance, mm", "LSHIFT": "legacy shift", "PARANGLE": "parallactic angle, deg",
    "TARGETX": "order-0 x position in the rebinned image, pix",
    "TARGETY": "order-0 y position in the rebinned image, pix",
    "LBDA_REF": "reference wavelength, nm", "PSF_REG": "PSF regularisation parameter",
    "TRACE_R": "trace of the resolution matrix", "MEANFWHM": "mean transverse FWHM, pix",
    "CHI2_FIT": "reduced χ² of the spectrogram fit", "PIXSHIFT": "wavelength-calibration pixel shift",
    "A2_FIT": "order-2 amplitude factor", "AM_FIT": "airmass used in the fit",
    "DATE-OBS": "observation time (exposure midpoint), UTC; in the notebooks' _merged files it was "
                "replaced by ex_time_start (exposure start, TAI)",
    "EXPTIME": "exposure time, s", "AIRMASS": "airmass", "DEC": "declination, deg", "HA": "hour angle, deg",
    "OUTTEMP": "air temperature, °C", "OUTPRESS": "air pressure, hPa", "OUTHUM": "relative humidity, %",
    "CAM_ROT": "camera rotation, deg", "S_X0": "target x in the spectrogram frame",
    "S_Y0": "target y in the spectrogram frame", "S_XMIN": "spectrogram crop limit",
    "S_XMAX": "spectrogram crop limit", "S_YMIN": "spectrogram crop limit",
    "S_YMAX": "spectrogram crop limit",
    "S_NX": "spectrogram width, pix", "S_NY": "spectrogram height, pix",
    "S_DEG": "PSF polynomial degree", "S_SAT": "saturation level", "S_ORDER": "diffraction order",
    "VERSION": "Spectractor version", "CCD_REBIN": "CCD rebinning factor", "REBIN": "CCD rebinning factor",
    "CONFIG": "Spectractor configuration file", "ID": "visit id written by the extraction (reliable)",
}
FIT_LABELS = {
    "A1": "grey transmission amplitude", "A2": "order-2 amplitude", "A3": "order-3 amplitude",
    "VAOD": "vertical aerosol optical depth", "angstrom_exp": "aerosol Ångström exponent",
    "ozone [db]": "ozone column, Dobson units", "PWV [mm]": "precipitable water vapour, mm",
    "reso [nm]": "resolution, nm", "D_CCD [mm]": "fitted disperser–CCD distance, mm",
    "alpha_pix [pix]": "pixel shift of the wavelength calibration", "B": "background level",
    "A_star": "star amplitude", "shift_x [pix]": "x shift, pix", "shift_y [pix]": "y shift, pix",
    "angle [deg]": "dispersion angle, deg", "P [hPa]": "pressure, hPa", "chi2": "reduced χ² of the fit",
}
PSF_PARAMETERS = {"x_c": "x centre", "y_c": "y centre", "gamma": "Moffat γ (width)", "alpha": "Moffat α",
                  "saturation": "saturation", "eta_gauss": "Gaussian fraction", "stddev": "Gaussian σ"}
EXPOSURE_COLUMNS = {
    "id": "exposure id (day_obs × 100000 + seq_num)", "obs_id": "observation id",
    "day_obs": "observing night", "seq_num": "sequence number in the night",
    "time_start": "exposure start (in the notebooks' exposure lists: TAI labelled UTC, about 37 s off)",
    "time_end": "exposure end (in the notebooks' exposure lists: TAI labelled UTC, about 37 s off)",
    "type": "observation type", "target": "target name", "filter": "physical filter (filter~disperser)",
    "zenith_angle": "zenith angle, deg", "zenith": "zenith angle, deg (a copy of zenith_angle)",
    "expos": "exposure time, s", "ra": "tracking RA, deg", "dec": "tracking Dec, deg",
    "skyangle": "sky angle, deg", "azimuth": "azimuth, deg", "science_program": "science program",
    "jd": "Julian date of the start",
    "mjd": "modified Julian date of the start", "status": "extraction status of the visit",
    "error": "why the extraction of the visit failed",
}
FITS = {"x": "spectrogram (2D) fit, the notebooks' _x", "y": "spectrum (1D) fit, the notebooks' _y",
        "ram": "spectrogram (2D) fit, the notebooks' _ram", "rum": "spectrum (1D) fit, the notebooks' _rum",
        "spectrogram": "spectrogram (2D) fit", "spectrum": "spectrum (1D) fit"}
FIT_SUFFIX = re.compile(r"(?P<base>.+?)_(?P<fit>x|y|ram|rum|spectrogram|spectrum)")
PSF_LABEL = re.compile(r"(?P<parameter>x_c|y_c|gamma|alpha|saturation|eta_gauss|stddev)"
                       r"_(?P<degree>\d+)(_(?P<order>\d+))?")
SUFFIX_HELP = ("Column names from the notebooks: a fit parameter found in both fits ends in _x for the "
               "spectrogram (2D forward-model) fit and _y for the spectrum (1D) fit, e.g. VAOD_x and "
               "VAOD_err_y; newer files use _ram (spectrogram) and _rum (spectrum), spectui writes "
               "_spectrogram and _spectrum. _err is the parameter's 1σ error. ex_ columns come from the "
               "exposure list merged in by id. C lists every column with its type and meaning.")
QUALITY_KEYS = frozenset({"D2CCD", "CHI2_FIT", "PSF_REG", "PIXSHIFT"})
TYPE_NAMES = (("integer", "is_integer"), ("number", "is_floating"), ("number", "is_decimal"),
              ("true/false", "is_boolean"), ("text", "is_string"), ("text", "is_large_string"),
              ("date", "is_date"))
"""Each Arrow type's name in words, by the `pyarrow.types` test that recognises it."""
MERGED = "from the exposure list, merged by id"


def describe_column(name: str) -> str:
    """What a column holds, from its name; empty when the name is not one spectui knows."""
    if name.startswith("ex_") and len(name) > 3:
        inner = describe_column(name[3:])
        return f"{inner} ({MERGED})" if inner else MERGED
    if name in HEADER_KEYS:
        return HEADER_KEYS[name]
    if name in EXPOSURE_COLUMNS:
        return EXPOSURE_COLUMNS[name]
    base, fit = split_fit(name)
    parameter = describe_fit_parameter(base)
    return f"{parameter} — {FITS[fit]}" if parameter and fit else parameter


def split_fit(name: str) -> tuple[str, str | None]:
    """A fit column's label and fit (x, y, ram, rum, spectrogram, spectrum); (name, None) for the others."""
    match = FIT_SUFFIX.fullmatch(name)
    if match and describe_fit_parameter(match["base"]):
        return match["base"], match["fit"]
    return name, None


def describe_fit_parameter(label: str) -> str:
    """A fit label's meaning (`_err` read as its 1σ error); empty for labels that are not fit parameters."""
    if label.endswith("_err"):
        inner = describe_fit_parameter(label[:-4])
        return f"1σ error of {label[:-4]} ({inner})" if inner else ""
    if label in FIT_LABELS:
        return FIT_LABELS[label]
    psf = PSF_LABEL.fullmatch(label)
    if psf:
        order = f", diffraction order {psf['order']}" if psf["order"] else ""
        parameter = PSF_PARAMETERS[psf["parameter"]]
        return f"PSF {parameter}, polynomial coefficient of degree {psf['degree']}{order}"
    return ""


def type_name(kind: pa.DataType) -> str:
    """A column's Arrow type in words: integer, number, text, time (UTC), ..."""
    import pyarrow as pa

    if pa.types.is_timestamp(kind):
        return f"time ({kind.tz})" if kind.tz else "time"
    for name, test in TYPE_NAMES:
        if getattr(pa.types, test)(kind):
            return name
    return str(kind)


def column_note(name: str, kind: str) -> str:
    """The line about one column: its name, its type in words (see type_name) and what it means when known."""
    meaning = describe_column(name)
    return f" {name} · {kind}" + (f" · {meaning}" if meaning else "")


def holds_spectractor_results(names: Iterable[str]) -> bool:
    """True when some columns are Spectractor fit parameters or header quality keys."""
    return any(name in QUALITY_KEYS or describe_fit_parameter(split_fit(name)[0]) for name in names)
